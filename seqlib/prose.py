r"""Numbers in the prose: every number a chapter states is printed by one of its cells.

The book's rule (conventions, "Notebooks"): a number in a chapter's text is printed by a code
cell of the same chapter at the precision the text states, or it is an *input* (a
hyperparameter, a date, a version, a figure quoted from a cited source). Retyping a result
from memory or from an earlier run is how "about 8.5" comes to stand beside a printed 8.43.
:func:`prose_number_problems` reads a notebook and names every number that breaks the rule;
``python -m seqlib.course check`` and ``tests/test_prose.py`` run it on every chapter.

**Prose** is the markdown cells without what a reader does not read as a stated quantity: math
(``$...$``, ``$$...$$``, ``\begin{...}``; but the number of a value assignment such as
``$k = 157$`` is prose), inline and fenced code, roles (``{cite}``, ``{ref}``, ``{numref}``,
``{eq}``, ``{term}``, ...), link and image targets, URLs, HTML tags and comments, MyST labels
``(label)=``, directive option lines (``:label: ...``), list markers and MyST comment lines
(``% ...``, which MyST does not render).

**Stated** are decimals (``8.43``, ``.71``), percentages (``14.4%``, and the parts of a split
such as ``80/10/10``), integers of two or more digits (``157``, ``1,814``), scientific forms
(``4.1e-6``, ``1.7 × 10^3``), suffixed forms (``100k``, ``10x``), numbers with a scale word
(``a thousand``, ``1.5 million``), orders of magnitude (``hundreds``, ``tens of thousands``)
and, in a sentence about running or training, durations (``24 s``, ``a few minutes``). Not
stated: single-digit integers (``3 layers``), cross-references (``Chapter 10``, ``eq. 10.2``,
``chapters 5, 10 and 15``), years (``(1898)``, ``the 1990s``, ``Elman 1990``, ``in 1990``),
versions and names (``2.13.0``, ``Python 3.11``, ``PEP 8``, ``AVX-512``, ``GPT-2``, ``13a``)
and ordinals (``2nd``). Number words without a scale word (``twenty-five``) are not read.

**Printed** means shown by an output of a code cell (streams; the plain, markdown, HTML and
LaTeX forms of results), thousands separators and signs ignored. A number is printed when
some output x rounds to it at its last digit, half up or half to even (``8.4`` and ``8.43``
are printed by 8.43, ``8.5`` is not; ``0.12`` and ``0.13`` are both printed by 0.125; ``a
thousand`` by 500 to 1,499; ``157`` only by 156.5 to 157.5). A percentage p% is printed as p, with
or without ``%``, or as a fraction with two more decimals than p (0.144 prints 14.4%). A
duration is printed as a number followed by a time unit; "a few minutes" never is. An order
of magnitude is printed, or set in code, by any number in its range (``hundreds``: 100-999).

**Inputs** are exempt: a value that is a numeric literal in a code cell (``num_steps=35``
makes 35 an input, ``0.8`` makes 80% one) unless the prose hedges it ("about 2.7" is a rounded
measurement, not a setting), and whatever a MyST comment line of the same markdown cell lists
after ``% inputs:``::

    % inputs: 1.889 (PPMd, quoted from the paper), 0.9, a few minutes

>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
>>> nb = new_notebook(cells=[
...     new_code_cell("loss = train()", outputs=[new_output("stream", text="loss 8.43\n")]),
...     new_markdown_cell("The loss ends at 8.43 (8.4 to one decimal), not about 8.5.")])
>>> [p[:58] for p in prose_number_problems(nb)]
['cell 2: "8.5" is not printed at that precision by any code']
"""

from __future__ import annotations

import ast
import bisect
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
    localcontext,
)

import nbformat

__all__ = [
    "Stated",
    "Printed",
    "prose_text",
    "stated_numbers",
    "printed_numbers",
    "code_numbers",
    "prose_number_problems",
]

HINT = (
    "{fix}, or mark it as an input with a line `% inputs: {text}` in this cell if it is a "
    "hyperparameter, a date, a version or a figure quoted from a cited source"
)


# --- 1. What in a markdown cell is prose ------------------------------------------------------

_FENCE = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})\s*(?:\{(?P<name>[\w:-]+)\})?\s*(?P<arg>.*?)\s*$"
)
# Directives whose body a reader reads as text; every other fenced block is code or data.
_PROSE_DIRECTIVES = {
    "exercise",
    "exercise-start",
    "solution",
    "solution-start",
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
    "figure",
    "table",
    "list-table",
    "margin",
    "sidebar",
    "dropdown",
    "epigraph",
    "topic",
    "card",
    "tab-item",
}
_ASSIGNMENT = re.compile(
    r"\$\s*(?!e\b|\\pi\b)(?:[A-Za-z]|\\[A-Za-z]+)(?:[_^](?:\w|\{[^{}$]*\}))*\s*"
    r"(?:=|\\approx|≈|\\simeq|\\sim)\s*-?(?P<number>\d+(?:\.\d+)?)(?P<pct>\\%)?\s*\$"
)
_NOT_PROSE = [  # (pattern, what to blank: a group number, or "math"), applied in this order
    (re.compile(r"<!--.*?-->", re.S), 0),
    (
        re.compile(r"^[ \t]*%.*$", re.M),
        0,
    ),  # MyST comments, `% inputs:` lines among them
    (
        re.compile(r"\{[\w:-]+\}(`+)(?:[^\n]|\n(?![ \t]*\n))+?\1"),
        0,
    ),  # {cite}`...` and every role
    (re.compile(r"(`+)(?:[^\n]|\n(?![ \t]*\n))+?\1"), 0),  # inline code
    (
        re.compile(r"\$\$.*?\$\$(?:[ \t]*\([\w:.-]+\))?", re.S),
        0,
    ),  # display math and its label
    (re.compile(r"\\begin\{([\w*]+)\}.*?\\end\{\1\}", re.S), 0),
    (
        re.compile(r"(?<![\\$])\$(?:[^$\n\\]|\\.|\n(?![ \t]*\n))+?\$"),
        "math",
    ),
    (
        re.compile(r"\]\(([^)]*)\)"),
        1,
    ),  # link and image targets: [text](target)
    (
        re.compile(r"^[ \t]*\[[^\]]+\]:.*$", re.M),
        0,
    ),  # link reference definitions
    (re.compile(r"<?(?:https?://|www\.)[^\s<>)]+>?"), 0),
    (re.compile(r"\[\^[^\]]*\]"), 0),  # footnote references
    (re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"), 0),  # HTML tags
    (re.compile(r"^[ \t]*\([\w:.-]+\)=[ \t]*$", re.M), 0),  # MyST labels
    (re.compile(r"^[ \t]*:[\w-]+:.*$", re.M), 0),  # directive options
    (
        re.compile(r"^[ \t]*\d+[.)](?=\s)", re.M),
        0,
    ),  # numbered-list markers
    (re.compile(r"\{\{.*?\}\}"), 0),  # substitutions
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), 0),  # ISO dates
]


def _blank(text: str) -> str:
    """``text`` with every character but newlines turned into a space (offsets are kept)."""
    return re.sub(r"[^\n]", " ", text)


def _mask_fences(lines: list[str]) -> list[str]:
    """Blank fenced code and non-prose directives; keep prose directives' bodies (recursively)."""
    out, i = [], 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening or (
            opening["fence"][0] == "`" and "`" in opening["arg"]
        ):
            out.append(lines[i])
            i += 1
            continue
        char, width = opening["fence"][0], len(opening["fence"])
        closing = re.compile(
            rf"^ {{0,3}}{re.escape(char)}{{{width},}}\s*$"
        )
        end = next(
            (
                j
                for j in range(i + 1, len(lines))
                if closing.match(lines[j])
            ),
            len(lines),
        )
        if opening["name"] in _PROSE_DIRECTIVES:
            cut = (
                opening.start("arg")
                if re.search(r"\s", opening["arg"])
                else len(lines[i])
            )
            out.append(
                _blank(lines[i][:cut]) + lines[i][cut:]
            )  # a title is prose, a label not
            out.extend(_mask_fences(lines[i + 1 : end]))
        else:
            out.extend(_blank(line) for line in lines[i:end])
        out.extend(_blank(line) for line in lines[end : end + 1])
        i = end + 1
    return out


def _math(match: re.Match) -> str:
    """Inline math, blanked except the number of a value assignment such as ``$k = 157$``,
    which states a value as plainly as prose does (a bare ``$0.5$`` stays math)."""
    assignment = _ASSIGNMENT.fullmatch(match[0])
    if not assignment:
        return _blank(match[0])
    a, b = assignment.span("number")
    kept = match[0][a:b] + (
        "% " if assignment["pct"] else ""
    )  # "\%" becomes "% "
    return " " * a + kept + " " * (len(match[0]) - a - len(kept))


def prose_text(markdown: str) -> str:
    """The prose of a markdown cell, everything else blanked so that offsets stay valid.

    >>> prose_text("See {ref}`ch-rnn`: $h_1 = 0.5$, $0.5$, `lr=0.1`, and 8.43.")
    'See              :        0.5 ,      ,         , and 8.43.'
    """
    text = "".join(_mask_fences(markdown.splitlines(keepends=True)))
    for pattern, group in _NOT_PROSE:
        text = pattern.sub(
            _math
            if group == "math"
            else lambda m: (
                m[0][: m.start(group) - m.start()]
                + _blank(m[group])
                + m[0][m.end(group) - m.start() :]
            ),
            text,
        )
    return text


# --- 2. What the prose states -----------------------------------------------------------------


@dataclass(frozen=True)
class Stated:
    """One quantity the prose states, with what it takes to be printed.

    ``kind`` is ``"number"`` (printed when an output rounds to ``value`` at ``quantum``),
    ``"percent"`` (the same, or a fraction), ``"duration"`` (printed as a number followed by a
    time unit; never when ``value`` is None, as in "a few minutes") or ``"magnitude"`` (some
    number printed or set in code lies in ``[low, high)``). ``start:end`` spans it in the
    cell's source.
    """

    text: str
    start: int
    end: int
    kind: str
    value: Decimal | None = None  # absolute value, e.g. Decimal("8.43")
    quantum: Decimal = Decimal(
        1
    )  # the place of its last digit, e.g. Decimal("0.01")
    low: int = 0
    high: int = 0
    hedged: bool = False  # "about 8.5": a rounded measurement, never an input set in code


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[1:10])}))?"
    rf"|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
)
_SCALES = {"hundred": 2, "thousand": 3, "million": 6, "billion": 9}
# A duration is a run time only in a sentence about running something ("72 hours" of data is not).
_RUN = re.compile(
    r"\b(?:train\w*|run\w*|ran|took|takes?|taking|CPU|GPU|laptop|execut\w*|wall"
    r"|clock|comput\w*|fit\w*|epochs?|finish\w*)\b",
    re.I,
)
_DURATION = re.compile(
    rf"\b(?P<q>a few|a couple of|several|many|some|tens of|dozens of|hundreds of"
    rf"|half an?|an?|one|{_WORD})\s+(?:seconds|minutes|hours|minute|hour)\b",
    re.I,
)
_TIME_UNIT = re.compile(
    r"[ \t]*(?:s|secs?|seconds?|min|mins|minutes?|h|hours?|ms)\b"
)
_SPLIT = re.compile(
    r"(?<![\w.,/])\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)+(?![\w/,])"
)  # 80/10/10
_SCALED = re.compile(
    rf"(?<![\w.,])(?P<q>\d+(?:\.\d+)?|an?|one|{_WORD})\s+(?P<s1>hundred|thousand"
    r"|million|billion)(?:\s+(?P<s2>thousand|million))?\b(?!-fold)",
    re.I,
)
_MAGNITUDE = re.compile(
    r"\b(?:(?P<pre>tens|hundreds)\s+of\s+)?(?P<base>hundred|thousand|million"
    r"|billion)s\b|\b(?:a few|several|many|some)\s+(?P<vague>hundred|thousand"
    r"|million|billion)\b",
    re.I,
)
_NUMBER = re.compile(
    r"""
    (?<![\w.])
    (?P<mant>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)*|\.\d+)      # 157, 1,814, 8.43, .71, 2.13.0
    (?:(?P<e>[eE][+\-−]?\d+)                                         # 4.1e-6
      |[ \t]*(?:×|\\times|x|\*)[ \t]*10[ \t]*                        # 1.7 × 10^3, 1.7 × 10³
       (?:\^\{?(?P<pow>[+\-−]?\d+)\}?|(?P<sup>[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)))?
    (?P<pct>[ \t]?%|[ \t]+per[ \t]?cent\b)?
    (?P<tail>[^\W\d]\w*)?                                           # 2nd, 100k, 1990s, 10x, 3b1b
    """,
    re.X,
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻−", "0123456789+--")
_MULTIPLIER = {"k": 3, "K": 3, "M": 6, "B": 9}
_XREF = re.compile(
    r"(?:(?<!\w)(?:chapters?|chap\.|ch\.|sections?|secs?\.|figures?|figs?\.|tables?"
    r"|tabs?\.|exercises?|ex\.|equations?|eqs?\.|eqns?\.|parts?|appendix|appendices"
    r"|listings?|algorithms?|theorems?|lemmas?|definitions?|examples?|pages?|pp?\."
    r"|cells?|lines?|issues?|PRs?)|§+|#)[ \t~]*\(?"  # then earlier items of a list:
    r"(?:\d+(?:\.\d+)*[a-z]?\)?[ \t]*(?:,[ \t]*(?:and|or)?|and|or|&|to|–|—|-)\s*)*$",
    re.I,
)
_NAME = re.compile(
    r"(?<!\w)(?:versions?|releases?|v\.?|python|pytorch|torch|numpy|scipy|pandas"
    r"|matplotlib|scikit-learn|sklearn|d2l|jupyter(?:[ -]book)?|jupyterlab|myst(?:-nb)?"
    r"|sphinx|cuda|cudnn|tensorflow|keras|jax|ubuntu|debian|macos|gcc|clang|mkl"
    r"|onednn|nltk|sacrebleu|jiwer|nbformat|nbval|ipython|iso|ieee|rfc|pep|utf|ecma"
    r"|code[ \t]+points?|U\+|(?:the[ \t]+)?years?)[ \t]*$",
    re.I,
)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_YEAR_BEFORE = re.compile(  # (1898), [1898, Shannon 1951, et al. 2014, March 1990, since 1990, 1990-
    rf"(?:[(\[]|(?i:\b(?:{_MONTHS}|since|until|till|circa|c\.|year|early|late|mid|published|around)"
    r"|et al\.?,?)|\b(?!(?:In|From|By|Of|For|At|On|After|Before|During|Over|Under|About|With|The|A|An"
    r"|All|Only|Some|Each|Every|This|That|These|Those|Its|Our|Their)\b)[A-Z][\w'’-]+,?"  # a name
    r"|\b(?:1[7-9]|20)\d\d[ \t]*(?:–|-|to|and))[ \t]*\(?$"
)
_YEAR_PREPOSITION = re.compile(
    r"\b(?:in|from|by|of|before|after|during)[ \t]+$", re.I
)
_YEAR_RANGE = re.compile(
    r"[ \t]+(?:to|and)[ \t]+(?:1[7-9]|20)\d\d\b"
)  # from 1990 to 2015
_HEDGE = re.compile(
    r"(?:\b(?:about|around|roughly|approximately|nearly|almost|close to|near|some"
    r"|circa)|~|≈)[ \t]*$",
    re.I,
)
_RANGE_TO_PERCENT = re.compile(
    r"[ \t]*(?:to|–|-|and|or)[ \t]*\d+(?:\.\d+)?[ \t]?%"
)  # "7 to 11%"


def _word_value(word: str) -> int:
    """``"a"`` → 1, ``"twenty-five"`` → 25: the quantity a number word names."""
    word = word.lower()
    if word in ("a", "an", "one"):
        return 1
    return sum(
        _UNITS.index(p) if p in _UNITS else 10 * (_TENS.index(p) + 2)
        for p in re.split(r"[- ]", word)
    )


def _quantum(value: Decimal) -> Decimal:
    """The place of a written number's last digit: 0.01 for ``8.43``, 1 for ``1,000``, 1,000
    for ``a thousand`` and ``14 thousand``, 100 for ``1.7 × 10^3``."""
    return Decimal(1).scaleb(value.as_tuple().exponent)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` around ``start:end`` (up to a full stop or a blank line)."""
    begin = (
        max(text.rfind(". ", 0, start), text.rfind("\n\n", 0, start)) + 1
    )
    stops = [
        k
        for k in (text.find(". ", end), text.find("\n\n", end))
        if k >= 0
    ]
    return text[begin : min(stops, default=len(text))]


def _is_year(match: re.Match, left: str, right: str) -> bool:
    """Whether a four-digit number reads as a year: ``(1898)``, ``1990s``, ``Elman 1990``,
    ``in 1990,`` (but not ``in 2000 steps``)."""
    if (
        not re.fullmatch(r"1[7-9]\d\d|20\d\d", match["mant"])
        or match["pct"]
        or match["e"]
        or match["pow"]
    ):
        return False
    followed_by_noun = re.match(
        r"[ \t]+[a-z]", right
    ) and not _YEAR_RANGE.match(right)
    return bool(
        match["tail"] == "s"
        or right.startswith(("'s", "’s"))
        or _YEAR_BEFORE.search(left)
        or (_YEAR_PREPOSITION.search(left) and not followed_by_noun)
    )


def _number(match: re.Match, text: str) -> Stated | None:
    """The quantity a :data:`_NUMBER` match states, or None when it is exempt by its context."""
    start, end, mant, tail = (
        match.start(),
        match.end(),
        match["mant"],
        match["tail"] or "",
    )
    left, right = text[max(0, start - 80) : start], text[end : end + 40]
    if (
        mant.count(".") > 1
        or _NAME.search(left)  # a version (2.13.0, Python 3.11), PEP 8
        or re.search(
            r"[^\W\d_][\w.]*[-‐]$", left
        )  # a name: AVX-512, GPT-2, x86-64
        or _XREF.search(left)
        or _is_year(match, left, right)
        or tail
        and tail not in _MULTIPLIER
        and tail not in ("x", "s", "ms", "min", "sec")
    ):
        return None  # also ordinals (2nd) and identifiers (13a, 3b1b)
    exponent = match["e"] or match["pow"] or (match["sup"] or "") or "0"
    exponent = int(
        exponent.lstrip("eE").translate(_SUPERSCRIPT)
    ) + _MULTIPLIER.get(tail, 0)
    value = Decimal(mant.replace(",", "")).scaleb(exponent)
    kind, unit = "number", None if tail else _TIME_UNIT.match(right)
    if match["pct"] or _RANGE_TO_PERCENT.match(right):
        kind = "percent"
    elif (tail in ("s", "ms", "min", "sec") or unit) and _RUN.search(
        _sentence(text, start, end)
    ):
        kind, end = (
            "duration",
            end + (unit.end() if unit else 0),
        )  # "24 s", "5 minutes", "24s"
    elif _quantum(value) >= 1 and value < 10:
        return None  # single-digit integers ("3 layers") are too common to require
    return Stated(
        text[start:end], start, end, kind, value, _quantum(value)
    )


def stated_numbers(markdown: str) -> list[Stated]:
    """Every quantity the prose of a markdown cell states, in order (see the module's rules).

    >>> [s.text for s in stated_numbers("In 1990, 3 runs took 14.4% of a thousand steps, see "
    ...                                 "Chapter 10, $x + 0.5$, `lr=0.01`, and PEP 8.")]
    ['14.4%', 'a thousand']
    """
    text = prose_text(markdown)
    taken: list[tuple[int, int]] = []  # spans of the phrases found so far
    found: list[Stated] = []

    def claim(match: re.Match) -> bool:
        """Take the match's span unless a phrase found earlier holds part of it."""
        if any(match.start() < b and a < match.end() for a, b in taken):
            return False
        taken.append(match.span())
        return True

    for m in _DURATION.finditer(text):
        if _RUN.search(_sentence(text, m.start(), m.end())) and claim(m):
            q = m["q"].lower()
            value = (
                Decimal(_word_value(q))
                if re.fullmatch(_WORD, q)
                else None
            )
            found.append(
                Stated(m[0], m.start(), m.end(), "duration", value)
            )
    for m in _SPLIT.finditer(
        text
    ):  # a split whose parts sum to 100 states percentages
        parts = [
            (m.start() + p.start(), m.start() + p.end())
            for p in re.finditer(r"[\d.]+", m[0])
        ]
        if sum(Decimal(text[a:b]) for a, b in parts) == 100 and claim(m):
            for a, b in parts:
                value = Decimal(text[a:b])
                found.append(
                    Stated(
                        text[a:b], a, b, "percent", value, _quantum(value)
                    )
                )
    for m in _SCALED.finditer(text):
        if claim(m):
            scale = _SCALES[m["s1"].lower()] + (
                _SCALES[m["s2"].lower()] if m["s2"] else 0
            )
            q = m["q"]
            value = (
                Decimal(q) if q[0].isdigit() else Decimal(_word_value(q))
            ).scaleb(scale)
            found.append(
                Stated(
                    m[0],
                    m.start(),
                    m.end(),
                    "number",
                    value,
                    _quantum(value),
                )
            )
    for m in _MAGNITUDE.finditer(text):
        if claim(
            m
        ):  # hundreds: 100-999, thousands: 1,000-999,999, tens of thousands: 10,000-99,999
            base = _SCALES[(m["base"] or m["vague"]).lower()]
            low = 10 ** (
                base
                + {None: 0, "tens": 1, "hundreds": 2}[
                    m["pre"] and m["pre"].lower()
                ]
            )
            high = (
                low * 10
                if m["pre"]
                else 10 ** {2: 3, 3: 6, 6: 9, 9: 12}[base]
            )
            found.append(
                Stated(
                    m[0],
                    m.start(),
                    m.end(),
                    "magnitude",
                    low=low,
                    high=high,
                )
            )
    for m in _NUMBER.finditer(text):
        stated = (
            None
            if any(m.start() < b and a < m.end() for a, b in taken)
            else _number(m, text)
        )
        if stated:
            found.append(stated)
    return sorted(
        (
            replace(
                s,
                hedged=bool(
                    _HEDGE.search(text[max(0, s.start - 20) : s.start])
                ),
            )
            for s in found
        ),
        key=lambda s: s.start,
    )


# --- 3. What a notebook prints, and what its code sets ----------------------------------------

_PRINTED = re.compile(
    r"(?<![\d.])(?:(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
)
_NOISE = re.compile(
    r"\x1b\[[\d;]*m|<[^<>\n]*\bat 0x[0-9a-fA-F]+>|<Figure size [^>]*>|\b0x[0-9a-fA-F]+"
)


def _rounds_to(x: Decimal, quantum: Decimal, value: Decimal) -> bool:
    """Whether ``x`` rounded at ``quantum``, half up or half to even, equals ``value``."""
    with localcontext() as context:
        context.prec = 400  # quantizing 6.4e35 at 0.001 needs 39 digits
        try:
            return any(
                x.quantize(quantum, rounding=r) == value
                for r in (ROUND_HALF_UP, ROUND_HALF_EVEN)
            )
        except InvalidOperation:
            return False


class Printed:
    """Numbers as an output printed them (``texts``) and their absolute values, sorted."""

    def __init__(self, printed: dict[str, Decimal]):
        pairs = sorted(printed.items(), key=lambda item: item[1])
        self.texts = [text for text, _ in pairs]
        self.values = [value for _, value in pairs]
        self._floats = [float(value) for value in self.values]

    def within(self, low: float, high: float) -> range:
        """Indices of the values in ``[low, high]``."""
        return range(
            bisect.bisect_left(self._floats, low),
            bisect.bisect_right(self._floats, high),
        )

    def show(
        self, value: Decimal, quantum: Decimal, min_places: int = 0
    ) -> bool:
        """Whether a value printed with at least ``min_places`` decimals rounds to ``value`` at
        ``quantum`` (half up or half to even)."""
        slack = float(quantum) * 1.01
        return any(
            max(0, -self.values[i].as_tuple().exponent) >= min_places
            and _rounds_to(self.values[i], quantum, value)
            for i in self.within(
                float(value) - slack, float(value) + slack
            )
        )

    def closest(self, value: Decimal, count: int = 3) -> list[str]:
        """How the ``count`` values nearest to ``value`` were printed."""
        i = bisect.bisect_left(self._floats, float(value))
        near = range(max(0, i - count), min(len(self.values), i + count))
        nearest = sorted(
            near, key=lambda j: abs(self._floats[j] - float(value))
        )
        return [self.texts[j] for j in nearest[:count]]


def _output_texts(nb: nbformat.NotebookNode) -> Iterator[str]:
    """The text of every output of every code cell: streams, and results' text forms."""
    for cell in nb.cells:
        for output in (
            cell.get("outputs", []) if cell.cell_type == "code" else []
        ):
            data = output.get("data", {})
            texts = [output.get("text", "")] + [
                data.get(m, "")
                for m in ("text/plain", "text/markdown", "text/latex")
            ]
            texts.append(
                html.unescape(
                    re.sub(
                        r"<[^>]*>",
                        " ",
                        "".join(data.get("text/html", "")),
                    )
                )
            )
            yield from (
                "".join(t) for t in texts if t
            )  # a stored text may be a list of lines


def printed_numbers(nb: nbformat.NotebookNode) -> tuple[Printed, Printed]:
    """Every number the outputs of ``nb`` show, and those of them followed by a time unit
    (``24 s``, the times). ``138,240`` is one number; signs are dropped."""
    numbers: dict[str, Decimal] = {}
    times: dict[str, Decimal] = {}
    for text in _output_texts(nb):
        text = _NOISE.sub(" ", text)
        for m in _PRINTED.finditer(text):
            numbers[m[0]] = abs(Decimal(m[0].replace(",", "")))
            if _TIME_UNIT.match(text, m.end()):
                times[m[0]] = numbers[m[0]]
    return Printed(numbers), Printed(times)


def code_numbers(nb: nbformat.NotebookNode) -> set[Decimal]:
    """The numeric literals of ``nb``'s code cells, as absolute values: the chapter's inputs.

    Comments and strings do not count (a comment that retypes a result sets nothing);
    IPython magics are skipped.

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> sorted(code_numbers(new_notebook(cells=[new_code_cell("%pip -q x\\nlr = 3e-3  # 0.5")])))
    [Decimal('0.003')]
    """
    values: set[Decimal] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = re.sub(
            r"^([ \t]*)[%!].*$", r"\1pass", cell.source, flags=re.M
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        values.update(
            abs(Decimal(repr(node.value)))
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and type(node.value) in (int, float)
        )
    return values


# --- 4. The check -----------------------------------------------------------------------------

_MARKER = re.compile(
    r"^[ \t]*%[ \t]*inputs?[ \t]*:(?P<items>.*)$", re.M | re.I
)


def _is_printed(
    s: Stated, numbers: Printed, times: Printed, inputs: set[Decimal]
) -> bool:
    """Whether the notebook prints ``s`` (for an order of magnitude: prints or sets it)."""
    if s.kind == "number":
        return numbers.show(s.value, s.quantum)
    if (
        s.kind == "percent"
    ):  # 14.4% is printed as 14.4 or as a fraction with 3+ decimals
        places = 2 - s.quantum.as_tuple().exponent
        return numbers.show(s.value, s.quantum) or numbers.show(
            s.value.scaleb(-2), s.quantum.scaleb(-2), places
        )
    if s.kind == "duration":
        return s.value is not None and times.show(s.value, s.quantum)
    return bool(numbers.within(s.low, s.high - 0.5)) or any(
        s.low <= v < s.high for v in inputs
    )


def _is_input(
    s: Stated, inputs: set[Decimal], marked: set[Decimal], marker: str
) -> bool:
    """Whether ``s`` is an input: a code literal (unless hedged, or a duration in words) or
    listed on the cell's ``% inputs:`` line (by value, or word for word)."""
    if (
        re.search(r"[a-z]", s.text, re.I)
        and " ".join(s.text.lower().split()) in marker
    ):
        return True
    if s.value is None:
        return False
    given = (
        marked
        if s.hedged or s.kind == "duration" and not s.text[0].isdigit()
        else marked | inputs
    )
    return s.value in given or (
        s.kind == "percent" and s.value.scaleb(-2) in given
    )


def _problem(cell: int, source: str, s: Stated, numbers: Printed) -> str:
    """The message for a stated quantity that is neither printed nor an input."""
    a, b = max(0, s.start - 50), min(len(source), s.end + 50)
    where = f'in "{"..." * (a > 0)}{" ".join(source[a:b].split())}{"..." * (b < len(source))}"'
    if s.kind == "magnitude":
        return (
            f'cell {cell}: "{s.text}" states a size, but no code cell prints or sets a number '
            f"from {s.low:,} to {s.high - 1:,} {where}; "
            + HINT.format(fix="print one", text=s.text)
        )
    if s.kind == "duration":
        return (
            f'cell {cell}: the run time "{s.text}" is not printed as a time by any code cell '
            f"{where}; "
            + HINT.format(
                fix="print the measured time in a cell tagged "
                "nbval-ignore-output",
                text=s.text,
            )
        )
    closest = numbers.closest(s.value)
    if s.kind == "percent":
        closest += numbers.closest(
            s.value.scaleb(-2), 2
        )  # fractions that might have been meant
    return (
        f'cell {cell}: "{s.text}" is not printed at that precision by any code cell (closest '
        f"printed: {', '.join(closest) or 'none'}) {where}; "
        + HINT.format(fix="print it from a code cell", text=s.text)
    )


def prose_number_problems(nb: nbformat.NotebookNode) -> list[str]:
    """One message per quantity the markdown of ``nb`` states that no code cell prints at the
    stated precision and that is not an input; empty when the prose is sound.

    Each message names the cell (numbered from 1 among all cells), the number as written, the
    prose around it and the closest printed numbers. Raises ValueError if ``nb`` is not a
    notebook.
    """
    if not isinstance(getattr(nb, "cells", None), list):
        raise ValueError(
            "expected a notebook (an nbformat.NotebookNode with a list of cells), "
            f"got {type(nb).__name__}"
        )
    (numbers, times), inputs = printed_numbers(nb), code_numbers(nb)
    problems = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "markdown":
            continue
        items = " ".join(
            m["items"] for m in _MARKER.finditer(cell.source)
        )
        marked = {
            abs(Decimal(n.replace(",", "")))
            for n in _PRINTED.findall(items)
        }
        marker = " ".join(items.lower().split())
        problems += [
            _problem(number, cell.source, s, numbers)
            for s in stated_numbers(cell.source)
            if not _is_input(s, inputs, marked, marker)
            and not _is_printed(s, numbers, times, inputs)
        ]
    return problems
