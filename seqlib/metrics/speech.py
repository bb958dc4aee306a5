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


from seqlib import validate

from . import edits
from .registry import metric
from .stats import ErrorCounts

__all__ = ["wer", "cer", "alignment", "Alignment", "error_counts"]

_RUNS_OF_SPACE = re.compile(r"\s\s+")


def _words(sentence: str) -> list[str]:
    """jiwer's ``wer_default``: collapse whitespace runs to one space, strip, split on spaces."""
    return [w for w in _RUNS_OF_SPACE.sub(" ", sentence).strip().split(" ") if w]


def _chars(sentence: str) -> list[str]:
    """jiwer's ``cer_default``: strip the ends, then every character (spaces included)."""
    return list(sentence.strip())


def error_counts(references: Any, hypotheses: Any, unit: str = "word") -> list[ErrorCounts]:
    """Per-utterance :class:`~seqlib.metrics.stats.ErrorCounts` (S + D + I, and N), the statistics of WER / CER.

    Their sum's ``.score()`` is the corpus rate; keep them per utterance to stream or to
    bootstrap (:mod:`seqlib.metrics.bootstrap`). ``unit`` is ``"word"`` (WER) or ``"char"`` (CER).

    >>> error_counts(["a b c", "d"], ["a c", "d e"])
    [ErrorCounts(errors=1, ref_len=3), ErrorCounts(errors=1, ref_len=1)]
    """
    validate.choice(unit, "unit", ("word", "char"))
    split = _words if unit == "word" else _chars
    refs, hyps = validate.sentences(references, "references"), validate.sentences(hypotheses, "hypotheses")
    validate.same_length(refs, hyps, "references", "hypotheses")
    ref_units = [split(s) for s in refs]
    ref_ids, hyp_ids = edits.encode(ref_units, [split(s) for s in hyps])
    return [ErrorCounts(int(d), len(r)) for d, r in zip(edits.distances(ref_ids, hyp_ids), ref_units, strict=True)]


@metric(
    task="speech",
    formula=r"\frac{\sum_u (S_u + D_u + I_u)}{\sum_u N_u}",
    meaning="Word edits needed to turn the transcripts into the references, per reference word.",
    use_when="Speech recognition and other transcription, with a fixed text normalisation.",
    hides="Every word weighs the same (a name as much as 'the'); depends on normalisation; can exceed 1.",
    range="[0, inf)",
    higher_is_better=False,
    reference="jiwer.wer",
)
def wer(references: str | list[str], hypotheses: str | list[str]) -> float:
    r"""Corpus word error rate :math:`\frac{\sum_u (S_u + D_u + I_u)}{\sum_u N_u}` (``jiwer.wer``).

    ``references`` and ``hypotheses`` are one string each or equal-length lists of strings,
    reference first. Words come from jiwer's default transform (whitespace collapsed, ends
    stripped, split on spaces; case and punctuation kept). The edit distances of all pairs are
    computed together, one dynamic-programming row at a time (:func:`seqlib.metrics.edits.distances`).

    Traps: pooled, not the mean of per-utterance WERs; can exceed 1; an all-empty reference
    raises here (jiwer returns the insertion count).

    >>> wer(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"])
    0.375
    >>> wer("hi", "oh hi there you")
    3.0
    """
    return sum(error_counts(references, hypotheses, "word")).score()


@metric(
    task="speech",
    formula=r"\frac{\sum_u (S_u + D_u + I_u)_{\text{chars}}}{\sum_u N_u^{\text{chars}}}",
    meaning="Character edits per reference character (spaces included).",
    use_when="Languages without word boundaries; OCR; partial credit for near-miss words.",
    hides="Counts spaces and punctuation; can exceed 1.",
    range="[0, inf)",
    higher_is_better=False,
    reference="jiwer.cer",
)
def cer(references: str | list[str], hypotheses: str | list[str]) -> float:
    r"""Corpus character error rate, WER over characters (``jiwer.cer``).

    Only the ends of each sentence are stripped; inner spaces count as characters.

    >>> round(cer(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"]), 6)
    0.272727
    >>> cer("ab cd", "abcd")
    0.2
    """
    return sum(error_counts(references, hypotheses, "char")).score()


@dataclass(frozen=True)
class Alignment:
    """A minimum-edit alignment of a reference with a hypothesis.

    ``operations`` lists ``(op, ref_unit, hyp_unit)`` in order, where ``op`` is ``"equal"``,
    ``"substitute"``, ``"delete"`` (``hyp_unit`` is None) or ``"insert"`` (``ref_unit`` is None).
    """

    operations: list[tuple[str, str | None, str | None]]
    hits: int           # H
    substitutions: int  # S
    deletions: int      # D
    insertions: int     # I

    @property
    def errors(self) -> int:
        """S + D + I, the edit distance."""
        return self.substitutions + self.deletions + self.insertions

    @property
    def error_rate(self) -> float:
        """(S + D + I) / N with N = H + S + D reference units."""
        n = self.hits + self.substitutions + self.deletions
        if n == 0:
            raise ValueError("the reference is empty, so the error rate is undefined")
        return self.errors / n


def alignment(reference: str, hypothesis: str, unit: str = "word") -> Alignment:
    r"""Align one reference with one hypothesis and count hits, substitutions, deletions, insertions.

    The table :math:`D_{i,j}` (edits between the first :math:`i` reference and :math:`j`
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
    if not isinstance(reference, str) or not isinstance(hypothesis, str):
        raise ValueError("reference and hypothesis must be strings (one utterance each)")
    split = _words if unit == "word" else _chars
    ref, hyp = split(reference), split(hypothesis)
    prefix = 0
    while prefix < min(len(ref), len(hyp)) and ref[prefix] == hyp[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(ref), len(hyp)) - prefix and ref[-1 - suffix] == hyp[-1 - suffix]:
        suffix += 1
    r, h = ref[prefix:len(ref) - suffix], hyp[prefix:len(hyp) - suffix]
    n, m = len(r), len(h)
    d = edits.table(*(ids[0] for ids in edits.encode([r], [h]))).tolist()  # (n+1, m+1)
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
            middle.append(("equal" if r[i - 1] == h[j - 1] else "substitute", r[i - 1], h[j - 1]))
            i, j = i - 1, j - 1
    middle += [("delete", r[k], None) for k in reversed(range(i))]
    middle += [("insert", None, h[k]) for k in reversed(range(j))]
    ops = [("equal", w, w) for w in ref[:prefix]] + middle[::-1]
    ops += [("equal", w, w) for w in ref[len(ref) - suffix:]]
    count = {kind: sum(op == kind for op, _, _ in ops) for kind in ("equal", "substitute", "delete", "insert")}
    return Alignment(ops, count["equal"], count["substitute"], count["delete"], count["insert"])
