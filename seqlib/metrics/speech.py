r"""Speech-recognition metrics: word and character error rates, and the word alignment behind them.

The reference transcript is aligned with the hypothesis by the fewest edits (Levenshtein):
each reference word is a hit (H), a substitution (S) or a deletion (D), and each extra
hypothesis word an insertion (I). The error rate is

.. math:: \mathrm{WER} = \frac{\sum_u (S_u + D_u + I_u)}{\sum_u N_u}, \qquad N_u = H_u + S_u + D_u

pooled over the utterances :math:`u` of a corpus. CER is the same over characters.

Convention traps (metric-reference.md, section 6):

- Corpus WER pools the counts; the mean of per-utterance WERs is a different number.
- WER can exceed 1 (insertions are unbounded): ``wer("hi", "oh hi there you") == 3.0``.
- jiwer's default transforms are applied, and nothing more: runs of whitespace collapse, the
  ends are stripped, words split on spaces. No lowercasing, no punctuation removal, so
  ``wer("Hello, World!", "hello world") == 1.0``. CER only strips the ends; spaces count as
  characters.
- The argument order is (reference, hypothesis), as jiwer 4.0; torchmetrics takes
  (preds, target).
- An empty reference (no words in the whole corpus) makes the rate undefined. Here it raises;
  jiwer 4.0 returns the insertion *count* instead, torchmetrics ``inf`` (``nan`` if both empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


from rapidfuzz.distance import Levenshtein as _Levenshtein

from seqlib import validate

from . import edits
from .registry import metric
from .stats import ErrorCounts

__all__ = [
    "wer",
    "cer",
    "alignment",
    "Alignment",
    "error_counts",
    "error_groups",
    "ErrorGroups",
    "units",
]

_RUNS_OF_SPACE = re.compile(r"\s\s+")
CONTIGUOUS = (
    "contiguous: join each side's utterances into one before aligning, so their numbers may "
    "differ (jiwer wer_contiguous / cer_contiguous: ReduceToSingleSentence)"
)


_OTHER_SPACE = re.compile(
    r"[^\S ]"
)  # whitespace other than the space character


def _words(sentence: str) -> list[str]:
    """jiwer's ``wer_default``: collapse whitespace runs to one space, strip, split on spaces."""
    if (
        _OTHER_SPACE.search(sentence) is None
    ):  # only spaces: str.split() gives the same words, faster
        return sentence.split()
    return [
        w
        for w in _RUNS_OF_SPACE.sub(" ", sentence).strip().split(" ")
        if w
    ]


def _chars(sentence: str) -> list[str]:
    """jiwer's ``cer_default``: strip the ends, then every character (spaces included)."""
    return list(sentence.strip())


def sentences(x: Any, name: str) -> list[str]:
    """One string or a sequence of strings, as a list; anything else is refused naming ``name``."""
    if (
        x is None
        or isinstance(x, bytes)
        or not (isinstance(x, str) or hasattr(x, "__iter__"))
    ):
        raise TypeError(
            f"{name} must be a string or a list of strings, got {type(x).__name__} {x!r:.40}"
        )
    return validate.sentences(x, name)


def units(
    references: Any, hypotheses: Any, unit: str, contiguous: bool = False
) -> tuple[list[list[str]], list[list[str]]]:
    """The words (``unit="word"``) or characters (``"char"``) of each utterance, as jiwer's transforms make them.

    ``contiguous=True`` is jiwer's ``wer_contiguous`` / ``cer_contiguous``: each side's
    utterances become one (the non-empty ones joined by a space), so the two sides may hold
    different numbers of utterances.
    """
    validate.choice(unit, "unit", ("word", "char"))
    if not isinstance(contiguous, bool):
        raise TypeError(
            f"contiguous must be a bool, got {type(contiguous).__name__} {contiguous!r}"
        )
    refs, hyps = (
        sentences(references, "references"),
        sentences(hypotheses, "hypotheses"),
    )
    if not contiguous:
        validate.same_length(refs, hyps, "references", "hypotheses")
        if unit == "char":
            return [_chars(s) for s in refs], [_chars(s) for s in hyps]
        if (
            _OTHER_SPACE.search("".join(refs)) is None
            and _OTHER_SPACE.search("".join(hyps)) is None
        ):
            return [s.split() for s in refs], [
                s.split() for s in hyps
            ]  # only spaces: as _words, faster
        return [_words(s) for s in refs], [_words(s) for s in hyps]
    if unit == "word":
        return [[w for s in refs for w in _words(s)]], [
            [w for s in hyps for w in _words(s)]
        ]
    return [list(" ".join(t for t in map(str.strip, refs) if t))], [
        list(" ".join(t for t in map(str.strip, hyps) if t))
    ]


def _as_text(seqs: list[list[str]], code: dict) -> list[str]:
    """Each unit sequence as a string, one character per distinct unit."""
    texts = []
    for seq in seqs:
        for unit in seq:
            if unit not in code:
                code[unit] = chr(len(code))  # ValueError past 0x10FFFF
        texts.append("".join([code[unit] for unit in seq]))
    return texts


def distances(
    ref_units: list[list[str]], hyp_units: list[list[str]]
) -> list[int]:
    """Levenshtein distance of each (reference, hypothesis) pair of units.

    Each distinct unit (word or character) becomes one character, as
    jiwer does before it calls rapidfuzz, and rapidfuzz's C
    ``Levenshtein.distance`` (bit-parallel, the algorithm of
    :func:`seqlib.metrics.edits.levenshtein`) counts the edits. The
    distance does not depend on how ties are broken, so it equals
    jiwer's S + D + I. More than 1,114,112 distinct units fall back to
    :func:`~seqlib.metrics.edits.levenshtein`.

    >>> distances([["the", "cat", "sat"], list("ab")],
    ...           [["the", "bat"], []])
    [2, 2]
    """
    code: dict = {}
    try:
        refs, hyps = _as_text(ref_units, code), _as_text(hyp_units, code)
    except ValueError:  # more distinct units than characters
        return edits.levenshtein(ref_units, hyp_units)
    return [
        _Levenshtein.distance(r, h)
        for r, h in zip(refs, hyps, strict=True)
    ]


def error_counts(
    references: Any,
    hypotheses: Any,
    unit: str = "word",
    contiguous: bool = False,
) -> list[ErrorCounts]:
    """Per-utterance :class:`~seqlib.metrics.stats.ErrorCounts` (S + D + I, and N), the statistics of WER / CER.

    Their sum's ``.score()`` is the corpus rate; keep them per utterance to stream or to
    bootstrap (:mod:`seqlib.metrics.bootstrap`). ``unit`` is ``"word"`` (WER) or ``"char"`` (CER);
    ``contiguous=True`` gives one count for the joined utterances (see :func:`units`).

    >>> error_counts(["a b c", "d"], ["a c", "d e"])
    [ErrorCounts(errors=1, ref_len=3), ErrorCounts(errors=1, ref_len=1)]
    """
    ref_units, hyp_units = units(references, hypotheses, unit, contiguous)
    found = distances(ref_units, hyp_units)
    return [
        ErrorCounts(d, len(r))
        for d, r in zip(found, ref_units, strict=True)
    ]


@metric(
    task="speech",
    formula=r"\frac{\sum_u (S_u + D_u + I_u)}{\sum_u N_u}",
    meaning="Word edits needed to turn the transcripts into the references, per reference word.",
    use_when="Speech recognition and other transcription, with a fixed text normalisation.",
    hides="Every word weighs the same (a name as much as 'the'); depends on normalisation; can exceed 1.",
    range="[0, inf)",
    higher_is_better=False,
    reference="jiwer.wer",
    options=(CONTIGUOUS,),
)
def wer(
    references: str | list[str],
    hypotheses: str | list[str],
    contiguous: bool = False,
) -> float:
    r"""Corpus word error rate :math:`\frac{\sum_u (S_u + D_u + I_u)}{\sum_u N_u}` (``jiwer.wer``).

    ``references`` and ``hypotheses`` are one string each or equal-length lists of strings,
    reference first. Words come from jiwer's default transform (whitespace collapsed, ends
    stripped, split on spaces; case and punctuation kept). The edit distances of all pairs are
    computed bit-parallel, in rapidfuzz's C (:func:`distances`).

    ``contiguous=True`` joins each side's utterances before aligning (jiwer's ``wer_contiguous``),
    for transcripts segmented differently from their references.

    Traps: pooled, not the mean of per-utterance WERs; can exceed 1; an all-empty reference
    raises here (jiwer returns the insertion count). Input that is not a string or a list of
    strings (``None``, numbers) raises ``TypeError``/``ValueError`` naming the parameter.

    >>> wer(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"])
    0.375
    >>> wer("hi", "oh hi there you")
    3.0
    """
    return sum(
        error_counts(references, hypotheses, "word", contiguous)
    ).score()


@metric(
    task="speech",
    formula=r"\frac{\sum_u (S_u + D_u + I_u)_{\text{chars}}}{\sum_u N_u^{\text{chars}}}",
    meaning="Character edits per reference character (spaces included).",
    use_when="Languages without word boundaries; OCR; partial credit for near-miss words.",
    hides="Counts spaces and punctuation; can exceed 1.",
    range="[0, inf)",
    higher_is_better=False,
    reference="jiwer.cer",
    options=(CONTIGUOUS,),
)
def cer(
    references: str | list[str],
    hypotheses: str | list[str],
    contiguous: bool = False,
) -> float:
    r"""Corpus character error rate, WER over characters (``jiwer.cer``).

    Only the ends of each sentence are stripped; inner spaces count as characters.
    ``contiguous=True`` joins each side's (stripped, non-empty) utterances with a space before
    aligning, as jiwer's ``cer_contiguous``.

    >>> round(cer(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"]), 6)
    0.272727
    >>> cer("ab cd", "abcd")
    0.2
    """
    return sum(
        error_counts(references, hypotheses, "char", contiguous)
    ).score()


@dataclass(frozen=True)
class Alignment:
    """A minimum-edit alignment of a reference with a hypothesis.

    ``operations`` lists ``(op, ref_unit, hyp_unit)`` in order, where ``op`` is ``"equal"``,
    ``"substitute"``, ``"delete"`` (``hyp_unit`` is None) or ``"insert"`` (``ref_unit`` is None).
    """

    operations: list[tuple[str, str | None, str | None]]
    hits: int  # H
    substitutions: int  # S
    deletions: int  # D
    insertions: int  # I

    @property
    def errors(self) -> int:
        """S + D + I, the edit distance."""
        return self.substitutions + self.deletions + self.insertions

    @property
    def error_rate(self) -> float:
        """(S + D + I) / N with N = H + S + D reference units."""
        n = self.hits + self.substitutions + self.deletions
        if n == 0:
            raise ValueError(
                "the reference is empty, so the error rate is undefined"
            )
        return self.errors / n


def alignment(
    reference: str, hypothesis: str, unit: str = "word"
) -> Alignment:
    r"""Align one reference with one hypothesis and count hits, substitutions, deletions, insertions.

    The table :math:`d_{i,j}` (edits between the first :math:`i` reference and :math:`j`
    hypothesis units, :func:`seqlib.metrics.edits.table`) is filled in full, then walked back from the corner. Among alignments
    with the fewest edits, several can exist (``"a b"`` vs ``"b c"``: two substitutions, or a
    deletion and an insertion); we break ties as rapidfuzz, and so jiwer, does: the common
    prefix and suffix are hits, then walking back we prefer a deletion, then an insertion
    when it is strictly cheaper than the diagonal, then the diagonal. So the counts equal
    ``jiwer.process_words`` (``unit="word"``) and ``jiwer.process_characters`` (``unit="char"``).

    >>> a = alignment("the cat sat on the mat", "the cat sit on mat")
    >>> a.substitutions, a.deletions, a.insertions, a.hits
    (1, 1, 0, 4)
    >>> a.operations[2], a.operations[4]
    (('substitute', 'sat', 'sit'), ('delete', 'the', None))
    """
    validate.choice(unit, "unit", ("word", "char"))
    for name, value in (
        ("reference", reference),
        ("hypothesis", hypothesis),
    ):
        if not isinstance(value, str):
            raise TypeError(
                f"{name} must be a string (one utterance), got {type(value).__name__} {value!r:.40}"
            )
    split = _words if unit == "word" else _chars
    return _align_units(split(reference), split(hypothesis))


def _align_units(ref: list[str], hyp: list[str]) -> Alignment:
    """:func:`alignment` of two lists of units (words or characters)."""
    prefix = 0
    while prefix < min(len(ref), len(hyp)) and ref[prefix] == hyp[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(ref), len(hyp)) - prefix
        and ref[-1 - suffix] == hyp[-1 - suffix]
    ):
        suffix += 1
    r, h = (
        ref[prefix : len(ref) - suffix],
        hyp[prefix : len(hyp) - suffix],
    )
    n, m = len(r), len(h)
    d = edits.table(
        *(ids[0] for ids in edits.encode([r], [h]))
    ).tolist()  # (n+1, m+1)
    middle = []  # operations, collected backwards
    i, j = n, m
    while i > 0 and j > 0:
        if d[i][j] == d[i - 1][j] + 1:
            middle.append(("delete", r[i - 1], None))
            i -= 1
        elif d[i][j - 1] < d[i - 1][j - 1]:
            middle.append(("insert", None, h[j - 1]))
            j -= 1
        else:
            middle.append(
                (
                    "equal" if r[i - 1] == h[j - 1] else "substitute",
                    r[i - 1],
                    h[j - 1],
                )
            )
            i, j = i - 1, j - 1
    middle += [("delete", r[k], None) for k in reversed(range(i))]
    middle += [("insert", None, h[k]) for k in reversed(range(j))]
    ops = [("equal", w, w) for w in ref[:prefix]] + middle[::-1]
    ops += [("equal", w, w) for w in ref[len(ref) - suffix :]]
    count = {
        kind: sum(op == kind for op, _, _ in ops)
        for kind in ("equal", "substitute", "delete", "insert")
    }
    return Alignment(
        ops,
        count["equal"],
        count["substitute"],
        count["delete"],
        count["insert"],
    )


class ErrorGroups(dict):
    """``{"substitutions": {(ref, hyp): n}, "insertions": {hyp: n}, "deletions": {ref: n}}``.

    Equal to jiwer's ``collect_error_counts`` (as three dicts, in that order, with the same
    insertion order); ``str()`` is jiwer's ``visualize_error_counts`` report, :meth:`text` takes
    its ``top_k``.
    """

    def text(self, top_k: int | None = None) -> str:
        """The report of jiwer's ``visualize_error_counts(output, top_k=top_k)``."""
        validate.integer(top_k, "top_k", minimum=1, optional=True)
        parts = []
        for title, key in (
            ("SUBSTITUTIONS", "substitutions"),
            ("INSERTIONS", "insertions"),
            ("DELETIONS", "deletions"),
        ):
            body = "none"  # jiwer ends a list with a newline but not "none"; we keep its layout
            if self[key]:
                ranked = sorted(
                    self[key].items(), key=lambda kv: kv[1], reverse=True
                )[:top_k]
                width = max(
                    len(k) if isinstance(k, str) else max(map(len, k))
                    for k, _ in ranked
                )
                body = "".join(
                    f"{k[0]:<{width}} --> {k[1]:<{width}} = {v}x\n"
                    if isinstance(k, tuple)
                    else f"{k:<{width}} = {v}x\n"
                    for k, v in ranked
                )
            parts.append(f"=== {title} ===\n{body}")
        text = "\n".join(parts)
        return text[:-1] if text.endswith("\n") else text

    def __str__(self) -> str:
        return self.text()


def error_groups(
    references: Any,
    hypotheses: Any,
    unit: str = "word",
    contiguous: bool = False,
) -> ErrorGroups:
    """Which words (or characters) were substituted, inserted and deleted, and how often, over a corpus.

    Each utterance is aligned as :func:`alignment` does (jiwer's alignment); consecutive edits of
    one kind form one group (``"an even"`` inserted together counts once, keyed by the joined
    units: words joined by a space, characters by nothing), as jiwer's ``collect_error_counts``
    on ``process_words`` (``unit="word"``) or ``process_characters`` (``"char"``) output.
    ``contiguous`` as :func:`wer`. Returns an :class:`ErrorGroups` dict that prints as jiwer's
    ``visualize_error_counts``.

    >>> groups = error_groups(["short one here", "quite a bit of longer sentence"],
    ...                       ["shoe order one", "quite bit of an even longest sentence here"])
    >>> groups["substitutions"], groups["deletions"]
    ({('short', 'order'): 1, ('longer', 'longest'): 1}, {'here': 1, 'a': 1})
    >>> print(groups.text(top_k=1))
    === SUBSTITUTIONS ===
    short --> order = 1x
    <BLANKLINE>
    === INSERTIONS ===
    shoe = 1x
    <BLANKLINE>
    === DELETIONS ===
    here = 1x
    """
    ref_units, hyp_units = units(references, hypotheses, unit, contiguous)
    sep = " " if unit == "word" else ""
    groups = ErrorGroups(substitutions={}, insertions={}, deletions={})
    for ref, hyp in zip(ref_units, hyp_units, strict=True):
        ops = _align_units(ref, hyp).operations + [("end", None, None)]
        run: list = []
        for op in ops:
            if run and op[0] != run[0][0]:
                kind = run[0][0]
                if kind == "substitute":
                    key = (
                        sep.join(r for _, r, _ in run),
                        sep.join(h for _, _, h in run),
                    )
                    groups["substitutions"][key] = (
                        groups["substitutions"].get(key, 0) + 1
                    )
                elif kind == "insert":
                    key = sep.join(h for _, _, h in run)
                    groups["insertions"][key] = (
                        groups["insertions"].get(key, 0) + 1
                    )
                elif kind == "delete":
                    key = sep.join(r for _, r, _ in run)
                    groups["deletions"][key] = (
                        groups["deletions"].get(key, 0) + 1
                    )
                run = []
            run.append(op)
    return groups
