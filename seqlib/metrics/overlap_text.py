r"""What BLEU, chrF and TER share: sacrebleu's tokenizers and the layout of a corpus's references.

**Tokenizers** (sacrebleu 2.6's, by the same names): ``"13a"`` (mteval-v13a, WMT's and
sacrebleu's default), ``"intl"`` (mteval-v14's international tokenizer: splits off every Unicode
punctuation mark and symbol), ``"zh"`` (sacrebleu's Chinese tokenizer:
each CJK character is a token, the rest as 13a), ``"char"`` (every
non-space character is a token) and ``"none"`` (split on whitespace
only). sacrebleu applies them to ``text.rstrip()``, after lowercasing
when asked; so does :func:`tokenizer`.

**References.** seqlib's layout, truth first, is one entry per hypothesis: ``references[i]`` is
a string, or a list of strings (several references of ``hypotheses[i]``). sacrebleu's layout is
the transpose: a list of reference *streams*, ``references[j][i]`` being the j-th reference of
hypothesis i (``None`` where a sentence has fewer references). Pass
``references_layout="streams"`` for it. Without that keyword seqlib's layout is read, and input
that also reads as streams (as many streams as sentences) with a different meaning is refused:
the shapes cannot tell the two apart, so the caller must say.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "tokenize_13a",
    "tokenize_intl",
    "tokenize_char",
    "tokenize_zh",
    "tokenizer",
    "TOKENIZERS",
    "corpus_references",
    "as_references",
    "LAYOUTS",
]

TOKENIZERS = ("13a", "none", "intl", "char", "zh")
LAYOUTS = ("per_sentence", "streams")

# mteval-v13a's rules, in order, as sacrebleu's TokenizerRegexp applies them. The first,
# re.sub(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])", r" \1 "), pads every symbol and most punctuation
# (and the space) with spaces, one character at a time: str.translate does the same, faster.
_13A_PAD = str.maketrans(
    {c: f" {c} " for c in '{|}~[\\]^_` !"#$%&()*+:;<=>?@/'}
)
_13A_RULES = (
    (
        re.compile(r"([^0-9])([\.,])"),
        lambda m: f"{m[1]} {m[2]} ",
    ),  # period / comma, unless after a digit
    (
        re.compile(r"([\.,])([^0-9])"),
        lambda m: f" {m[1]} {m[2]}",
    ),  # period / comma, unless before a digit
    (
        re.compile(r"([0-9])(-)"),
        lambda m: f"{m[1]} {m[2]} ",
    ),  # a dash after a digit
)


def _text(text, name: str = "text") -> str:
    if not isinstance(text, str):
        raise ValueError(
            f"{name} must be a string, got {type(text).__name__}: {text!r:.60}"
        )
    return text


def tokenize_13a(text: str) -> list[str]:
    """Split ``text`` into tokens as mteval-v13a (WMT's tokenizer, sacrebleu's default) does.

    Drops ``<skipped>``, joins words hyphenated across lines, unescapes four HTML entities,
    then splits off punctuation and symbols, except periods and commas inside numbers
    (``3.5`` and ``1,000`` stay whole). Case is kept.

    >>> tokenize_13a("The cat (a tabby) costs $3.50, or 3,000 yen.")
    ['The', 'cat', '(', 'a', 'tabby', ')', 'costs', '$', '3.50', ',', 'or', '3,000', 'yen', '.']
    """
    text = (
        _text(text)
        .replace("<skipped>", "")
        .replace("-\n", "")
        .replace("\n", " ")
    )
    if "&" in text:
        text = (
            text.replace("&quot;", '"')
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
        )
    text = f" {text} ".translate(_13A_PAD)
    for pattern, replacement in _13A_RULES:
        text = pattern.sub(replacement, text)
    return text.split()


@lru_cache(maxsize=1)
def _intl_rules():
    try:
        import regex  # Unicode property classes (\p{P}); installed with sacrebleu
    except ImportError:  # pragma: no cover - regex comes with sacrebleu
        raise ImportError(
            "tokenize='intl' needs the 'regex' package (pip install regex)"
        ) from None
    return (
        (
            regex.compile(r"(\P{N})(\p{P})"),
            r"\1 \2 ",
        ),  # punctuation after a non-digit
        (
            regex.compile(r"(\p{P})(\P{N})"),
            r" \1 \2",
        ),  # punctuation before a non-digit
        (regex.compile(r"(\p{S})"), r" \1 "),
    )  # every symbol


def tokenize_intl(text: str) -> list[str]:
    r"""mteval-v14's international tokenizer, as sacrebleu's ``tokenize="intl"``.

    Splits off every Unicode punctuation mark (``\p{P}``) not between two digits, and every
    symbol (``\p{S}``). Unlike 13a it does not unescape HTML entities, and a number ending a
    sentence keeps its period (mteval-v14's own quirk).

    >>> tokenize_intl("«Schön», sagte er: 3.5€ (2024).")
    ['«', 'Schön', '»', ',', 'sagte', 'er', ':', '3.5', '€', '(', '2024', ')', '.']
    >>> tokenize_intl("Im Jahr 2024.")
    ['Im', 'Jahr', '2024.']
    """
    text = _text(text)
    for pattern, replacement in _intl_rules():
        text = pattern.sub(replacement, text)
    return text.split()


def tokenize_char(text: str) -> list[str]:
    """Every character but whitespace is a token (sacrebleu's ``tokenize="char"``).

    >>> tokenize_char("猫 が")
    ['猫', 'が']
    """
    return [c for c in _text(text) if not c.isspace()]


# sacrebleu's TokenizerZh._UCODE_RANGES, compared as strings as it does.
# Its bounds for Extension B and the Compatibility Supplement ("\u20000",
# "\u2f800", ...) are two-character strings, so those two ranges cover
# U+2001..U+2A6D and U+2F81..U+2FA1 instead; kept as they are, for parity.
_ZH_RANGES = (
    ("\u3400", "\u4db5"),
    ("\u4e00", "\u9fa5"),
    ("\u9fa6", "\u9fbb"),
    ("\uf900", "\ufa2d"),
    ("\ufa30", "\ufa6a"),
    ("\ufa70", "\ufad9"),
    ("\u20000", "\u2a6d6"),
    ("\u2f800", "\u2fa1d"),
    ("\uff00", "\uffef"),
    ("\u2e80", "\u2eff"),
    ("\u3000", "\u303f"),
    ("\u31c0", "\u31ef"),
    ("\u2f00", "\u2fdf"),
    ("\u2ff0", "\u2fff"),
    ("\u3100", "\u312f"),
    ("\u31a0", "\u31bf"),
    ("\ufe10", "\ufe1f"),
    ("\ufe30", "\ufe4f"),
    ("\u2600", "\u26ff"),
    ("\u2700", "\u27bf"),
    ("\u3200", "\u32ff"),
    ("\u3300", "\u33ff"),
)


@lru_cache(maxsize=2**16)
def _is_zh(char: str) -> bool:
    return any(lo <= char <= hi for lo, hi in _ZH_RANGES)


def tokenize_zh(text: str) -> list[str]:
    """sacrebleu's ``tokenize="zh"``: CJK characters one by one, else 13a.

    Pads every character of sacrebleu's Chinese ranges (CJK ideographs,
    radicals, CJK and full-width punctuation, ...) with spaces, then
    applies 13a's splitting rules (not its ``<skipped>``/HTML-entity
    pre-processing nor its padding of the ends, which sacrebleu's zh
    tokenizer skips too: ``",1"`` stays one token). Pure Python, no extra
    package.

    >>> tokenize_zh("我喜欢猫，cats too.")
    ['我', '喜', '欢', '猫', '，', 'cats', 'too', '.']
    """
    chars = _text(text).strip()
    text = "".join(f" {c} " if _is_zh(c) else c for c in chars)
    text = text.translate(_13A_PAD)  # unlike 13a: no spaces at the ends
    for pattern, replacement in _13A_RULES:
        text = pattern.sub(replacement, text)
    return text.split()


_SPLITTERS = {
    "13a": tokenize_13a,
    "none": str.split,
    "intl": tokenize_intl,
    "char": tokenize_char,
    "zh": tokenize_zh,
}


def tokenizer(tokenize: str = "13a", lowercase: bool = False):
    """The function ``text -> tokens`` sacrebleu's BLEU applies: lowercase (if asked), ``rstrip``, tokenize.

    Raises ``ValueError`` naming ``tokenize`` for a tokenizer seqlib
    does not have (sacrebleu's ``ja-mecab``, ``ko-mecab``, ``spm`` and
    ``flores*`` need extra packages or models and are not offered; ``zh``
    is pure Python and is), and naming ``lowercase`` for a non-bool.

    >>> tokenizer("char", lowercase=True)("Ab c ")
    ['a', 'b', 'c']
    """
    if not isinstance(tokenize, str) or tokenize not in _SPLITTERS:
        raise ValueError(
            f"tokenize must be one of {TOKENIZERS} (sacrebleu's names), got {tokenize!r}"
        )
    if not isinstance(lowercase, bool):
        raise ValueError(
            f"lowercase must be a bool, got {type(lowercase).__name__}: {lowercase!r}"
        )
    split = _SPLITTERS[tokenize]
    if lowercase:
        return lambda s: split(s.lower().rstrip())
    return lambda s: split(s.rstrip())


def as_references(reference, name: str) -> list[str]:
    """One hypothesis's references as a non-empty list of strings (a string is one reference)."""
    refs = [reference] if isinstance(reference, str) else reference
    if (
        not isinstance(refs, (list, tuple))
        or not refs
        or not all(isinstance(r, str) for r in refs)
    ):
        raise ValueError(
            f"{name} must be a string or a non-empty list of strings, got "
            f"{type(reference).__name__}: {reference!r:.80}"
        )
    return list(refs)


def _texts(x, name: str) -> list:
    if isinstance(x, str):
        raise ValueError(
            f"{name} must be a list (one entry per sentence of the corpus), got a single str "
            f"{x[:40]!r}; for one sentence pass [{name[:-1] if name.endswith('s') else name}]"
        )
    if (
        x is None
        or isinstance(x, (dict, set))
        or not hasattr(x, "__len__")
    ):
        raise ValueError(f"{name} must be a list, got {type(x).__name__}")
    return list(x)


def _streams_fit(refs: list, n: int) -> bool:
    return (
        all(
            isinstance(s, (list, tuple))
            and len(s) == n
            and all(r is None or isinstance(r, str) for r in s)
            for s in refs
        )
        and len(refs) > 0
    )


def _per_sentence_fit(refs: list, n: int) -> bool:
    return len(refs) == n and all(
        isinstance(r, str)
        or (
            isinstance(r, (list, tuple))
            and len(r) > 0
            and all(isinstance(x, str) for x in r)
        )
        for r in refs
    )


def _from_streams(refs: list, n: int) -> list[list[str]]:
    out = [[s[i] for s in refs if s[i] is not None] for i in range(n)]
    for i, r in enumerate(out):
        if not r:
            raise ValueError(
                f"references (streams layout): sentence {i} has no reference (None in every stream)"
            )
    return out


def corpus_references(
    references,
    hypotheses,
    metric: str,
    references_layout: str | None = None,
):
    """Check a corpus; return ``(refs, hyps)`` with ``refs[i]`` the list of references of ``hyps[i]``.

    ``references_layout``: ``"per_sentence"`` (seqlib's: ``references[i]`` belongs to
    ``hypotheses[i]``), ``"streams"`` (sacrebleu's: ``references[j][i]``), or ``None``:
    seqlib's layout, refusing input that reads as streams (asking for ``"streams"``) and input
    that reads both ways with different meanings (asking for either).

    >>> corpus_references([["a", "b"], ["c", "d"]], ["a", "c"], "corpus_bleu", "streams")
    ([['a', 'c'], ['b', 'd']], ['a', 'c'])
    """
    refs, hyps = (
        _texts(references, "references"),
        _texts(hypotheses, "hypotheses"),
    )
    for i, h in enumerate(hyps):
        if not isinstance(h, str):
            raise ValueError(
                f"hypotheses must be a list of strings, item {i} is {type(h).__name__}: {h!r:.60}"
            )
    if not hyps:
        raise ValueError(
            f"{metric} needs at least one hypothesis, got an empty corpus"
        )
    if references_layout is not None and references_layout not in LAYOUTS:
        raise ValueError(
            f"references_layout must be None, 'per_sentence' or 'streams', got {references_layout!r}"
        )
    n = len(hyps)
    if references_layout == "streams":
        if not _streams_fit(refs, n):
            raise ValueError(
                f"references with references_layout='streams' must be a non-empty list of reference "
                f"streams, each a list of {n} strings (or None), one per hypothesis; got "
                f"{len(refs)} entries of lengths {[len(s) if isinstance(s, (list, tuple)) else type(s).__name__ for s in refs][:5]}"
            )
        return _from_streams(refs, n), hyps
    per_sentence = _per_sentence_fit(refs, n)
    if references_layout is None and _streams_fit(refs, n):
        if not per_sentence:
            raise ValueError(
                f"references looks like sacrebleu's reference streams ({len(refs)} list(s) of {n} "
                f"strings for {n} hypotheses) but seqlib reads one entry per hypothesis by default; "
                "pass references_layout='streams' to read it as streams"
            )
        if any(not isinstance(r, str) for r in refs) and [
            [s[i] for s in refs] for i in range(n)
        ] != [list(r) for r in refs]:
            raise ValueError(
                f"references is ambiguous: {len(refs)} lists of {n} strings for {n} hypotheses reads both as "
                "seqlib's layout (references[i] = the references of hypotheses[i]) and as sacrebleu's reference "
                "streams (references[j][i] = the j-th reference of hypotheses[i]), and the two give different "
                "scores. Pass references_layout='per_sentence' or references_layout='streams'."
            )
    if not per_sentence:
        if len(refs) != n:
            raise ValueError(
                f"references and hypotheses must have the same length (one entry per hypothesis), got "
                f"{len(refs)} and {n}; sacrebleu's reference streams need references_layout='streams'"
            )
        for i, r in enumerate(refs):
            as_references(r, f"references[{i}]")
    return [[r] if isinstance(r, str) else list(r) for r in refs], hyps
