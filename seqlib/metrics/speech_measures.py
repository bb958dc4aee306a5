r"""Speech measures beside WER: match error rate, word information lost / preserved, sentence error rate.

From the pooled counts of a minimum-edit alignment (hits H, substitutions S, deletions D,
insertions I; N = H + S + D reference words, P = H + S + I hypothesis words), Morris, Maier
& Green (2004) define

.. math:: \mathrm{MER} = \frac{S + D + I}{H + S + D + I},\qquad
          \mathrm{WIP} = \frac{H}{N}\cdot\frac{H}{P},\qquad \mathrm{WIL} = 1 - \mathrm{WIP}

MER is the share of alignment positions that are errors (it is bounded by 1, unlike WER); WIP
is the product of the share of reference words recognized and the share of hypothesis words
that are right. jiwer 4.0 (``jiwer.mer``, ``wil``, ``wip``) is the reference: same text
transform as :func:`~seqlib.metrics.speech.wer`, counts pooled over the corpus, and the
alignment jiwer takes among those with the fewest edits (:func:`~seqlib.metrics.edits.counts`;
MER, WIL and WIP depend on it: ``"a b"`` vs ``"b c"`` has two, with MER 1 or 2/3).

The **sentence error rate** is the share of utterances with at least one error (S + D + I > 0),
the "S.Err" column of NIST's ``sclite`` reports (NIST SCTK; also called utterance error rate).

Edge cases, where jiwer returns a number for an undefined ratio, raise ``ValueError`` here:
MER with no word on either side (0/0; jiwer says 0), WIL/WIP with an empty reference (H/N is
0/0; jiwer says WIP 1 or 0). An empty hypothesis against a non-empty reference recognizes
nothing: WIP 0, WIL 1, as jiwer.
"""

from __future__ import annotations

from typing import Any

from . import edits
from .registry import metric
from .speech import CONTIGUOUS, units

__all__ = ["mer", "wil", "wip", "sentence_error_rate", "word_counts"]


def word_counts(
    references: Any, hypotheses: Any, contiguous: bool = False
) -> dict[str, int]:
    """Pooled ``{"hits", "substitutions", "deletions", "insertions"}`` of the word alignments (``jiwer.process_words``).

    >>> word_counts(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"])
    {'hits': 6, 'substitutions': 1, 'deletions': 1, 'insertions': 1}
    """
    ref_units, hyp_units = units(
        references, hypotheses, "word", contiguous
    )
    ref_ids, hyp_ids = edits.encode(ref_units, hyp_units)
    h, s, d, i = (
        int(x) for x in edits.counts(ref_ids, hyp_ids).sum(axis=0)
    )
    return {
        "hits": h,
        "substitutions": s,
        "deletions": d,
        "insertions": i,
    }


def _wip(references: Any, hypotheses: Any, contiguous: bool) -> float:
    c = word_counts(references, hypotheses, contiguous)
    n = c["hits"] + c["substitutions"] + c["deletions"]
    p = c["hits"] + c["substitutions"] + c["insertions"]
    if n == 0:
        raise ValueError(
            "the references are empty after normalisation, so H/N (and WIP, WIL) is undefined "
            "(jiwer 4.0 returns WIP 1 or 0 instead)"
        )
    return (c["hits"] / n) * (c["hits"] / p) if p else 0.0


@metric(
    task="speech",
    formula=r"\frac{S + D + I}{H + S + D + I}",
    meaning="Share of the alignment's word positions that are errors: the probability that a word match is wrong.",
    use_when="Beside WER when insertions are many: bounded by 1, symmetric in how it counts errors.",
    hides="Depends on which of several minimum-edit alignments is taken; every word weighs the same.",
    range="[0, 1]",
    higher_is_better=False,
    reference="jiwer.mer",
    options=(CONTIGUOUS,),
)
def mer(
    references: str | list[str],
    hypotheses: str | list[str],
    contiguous: bool = False,
) -> float:
    r"""Match error rate :math:`(S + D + I) / (H + S + D + I)`, pooled over the corpus (``jiwer.mer``).

    Inputs and ``contiguous`` as :func:`~seqlib.metrics.speech.wer`. Range [0, 1], lower is
    better. Raises ``ValueError`` when both sides are empty (0/0; jiwer returns 0).

    >>> round(mer(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"]), 6)
    0.333333
    >>> mer("X", "X X Y Y")
    0.75
    """
    c = word_counts(references, hypotheses, contiguous)
    total = sum(c.values())
    if total == 0:
        raise ValueError(
            "references and hypotheses are both empty after normalisation: MER is 0/0 "
            "(jiwer 4.0 returns 0)"
        )
    return (c["substitutions"] + c["deletions"] + c["insertions"]) / total


@metric(
    task="speech",
    formula=r"\frac{H}{N}\cdot\frac{H}{P}",
    meaning="Word information preserved: share of reference words recognized times share of hypothesis words that are right.",
    use_when="Reporting how much of the message got through, as Morris et al. (2004) argue, beside WER.",
    hides="Ignores which words carry the meaning; depends on the alignment taken among ties.",
    range="[0, 1]",
    higher_is_better=True,
    reference="jiwer.wip",
    options=(CONTIGUOUS,),
)
def wip(
    references: str | list[str],
    hypotheses: str | list[str],
    contiguous: bool = False,
) -> float:
    r"""Word information preserved :math:`\frac{H}{N}\frac{H}{P}` (``jiwer.wip``).

    N and P are the pooled numbers of reference and hypothesis words. Inputs and ``contiguous``
    as :func:`~seqlib.metrics.speech.wer`. An empty hypothesis gives 0; an empty reference
    raises ``ValueError`` (jiwer returns 1 or 0).

    >>> wip(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"])
    0.5625
    """
    return _wip(references, hypotheses, contiguous)


@metric(
    task="speech",
    formula=r"1 - \frac{H}{N}\cdot\frac{H}{P}",
    meaning="Word information lost: one minus WIP.",
    use_when="The error-rate form of WIP, bounded by 1, beside WER and MER.",
    hides="Ignores which words carry the meaning; depends on the alignment taken among ties.",
    range="[0, 1]",
    higher_is_better=False,
    reference="jiwer.wil",
    options=(CONTIGUOUS,),
)
def wil(
    references: str | list[str],
    hypotheses: str | list[str],
    contiguous: bool = False,
) -> float:
    r"""Word information lost :math:`1 - \frac{H}{N}\frac{H}{P}` (``jiwer.wil``); edge cases as :func:`wip`.

    >>> wil(["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"])
    0.4375
    >>> round(wil("X Y X", "X Z"), 6)
    0.833333
    """
    return 1 - _wip(references, hypotheses, contiguous)


@metric(
    task="speech",
    formula=r"\frac{1}{U}\sum_u \mathbf{1}(S_u + D_u + I_u > 0)",
    meaning="Share of utterances transcribed with at least one word error.",
    use_when="When an utterance with any error is a failure (commands, short answers); NIST sclite's S.Err.",
    hides="One wrong word counts as much as all wrong; long utterances almost always fail.",
    range="[0, 1]",
    higher_is_better=False,
    reference="share of jiwer.process_words alignments with an edit",
)
def sentence_error_rate(
    references: str | list[str], hypotheses: str | list[str]
) -> float:
    r"""Sentence error rate: the share of utterances with at least one word error (sclite's S.Err).

    .. math:: \mathrm{SER} = \frac{1}{U}\sum_{u=1}^{U} [S_u + D_u + I_u > 0]

    Words as :func:`~seqlib.metrics.speech.wer` (jiwer's default transform); an utterance whose
    reference and hypothesis are both empty has no error; an empty reference with hypothesis
    words has insertions, so an error. Range [0, 1], lower is better. Source: NIST SCTK
    ``sclite`` reports ("S.Err", percentage of sentences with an error); checked against the
    share of ``jiwer.process_words`` alignments that contain an edit.

    >>> sentence_error_rate(["the cat sat on the mat", "hello world", "yes"], ["the cat sit on mat", "hello world", "no"])
    0.6666666666666666
    """
    ref_units, hyp_units = units(references, hypotheses, "word")
    return sum(
        r != h for r, h in zip(ref_units, hyp_units, strict=True)
    ) / len(ref_units)  # an edit iff they differ
