r"""chrF (Popović, 2015) as sacrebleu 2.6 computes it (``chrF2|nc:6|nw:0|space:no``).

Character n-gram counts per sentence are the sufficient statistics (:class:`ChrfStats`); they
add with ``+`` over a corpus and :meth:`ChrfStats.score` turns the sum into chrF.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .overlap_bleu import as_references, check_corpus
from .registry import metric
from .stats import Additive

__all__ = ["chrf", "chrf_stats", "ChrfStats"]

_TEXT = "text overlap"


CHRF_CHAR_ORDER, CHRF_BETA = 6, 2  # sacrebleu's chrF2: character 1..6-grams, recall weighted 2x


def _chrf_counts(text: str) -> list[Counter]:
    text = "".join(text.split())  # whitespace is removed, not counted
    return [Counter(text[i:i + n] for i in range(len(text) - n + 1)) for n in range(1, CHRF_CHAR_ORDER + 1)]


@dataclass(frozen=True)
class ChrfStats(Additive):
    """chrF's sufficient statistics: (hypothesis, reference, matched) n-gram counts per order."""

    counts: tuple[int, ...]  # [hyp_n, ref_n, match_n] for n = 1..6, flattened

    def score(self) -> float:
        """chrF (0-100) of these statistics."""
        return _chrf_score(list(self.counts))


def _chrf_stats(hyp_counts: list[Counter], ref_counts: list[Counter]) -> list[int]:
    """[hyp, ref, match] counts per order; a hypothesis n-gram counts only if the order exists in the ref."""
    stats = []
    for h, r in zip(hyp_counts, ref_counts, strict=True):
        match = sum(min(c, r[g]) for g, c in h.items() if g in r)
        stats += [sum(h.values()) if r else 0, sum(r.values()), match]
    return stats


def _chrf_score(stats: list[int]) -> float:
    """F-beta of the precision and recall averaged over the orders present in both (0-100)."""
    precisions, recalls = [], []
    for n in range(CHRF_CHAR_ORDER):
        n_hyp, n_ref, n_match = stats[3 * n: 3 * n + 3]
        if n_hyp > 0 and n_ref > 0:
            precisions.append(n_match / n_hyp)
            recalls.append(n_match / n_ref)
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if p + r == 0:
        return 0.0
    b2 = CHRF_BETA**2
    return 100.0 * ((1 + b2) * p * r / (b2 * p + r))  # sacrebleu's order of operations


@metric(
    task=_TEXT,
    formula=(r"100\cdot\frac{(1+\beta^2)\,\mathrm{chrP}\,\mathrm{chrR}}{\beta^2\,\mathrm{chrP}+\mathrm{chrR}},\ "
             r"\beta=2"),
    meaning="The F-score of character n-gram overlap (n up to 6), favouring recall.",
    use_when="Morphologically rich languages and sentence-level judgements; correlates better with humans than BLEU.",
    hides="Still surface overlap; chrF and chrF++ are often confused (torchmetrics defaults to chrF++).",
    range="[0, 100]",
    higher_is_better=True,
    reference="sacrebleu.corpus_chrf",
)
def chrf(references, hypotheses) -> float:
    r"""Corpus chrF2 (0-100), as sacrebleu's ``corpus_chrf`` (``nc:6 nw:0 space:no``).

    Character n-grams (n = 1..6, whitespace removed) are counted per sentence, the counts are
    **pooled** over the corpus, precision and recall are averaged over the orders, and
    :math:`F_\beta = (1+\beta^2)PR/(\beta^2P+R)` with :math:`\beta=2` (recall counts more).
    With several references a sentence takes the statistics of its best-scoring reference.
    Trap: torchmetrics' ``chrf_score`` defaults to chrF++ (word bigrams too).

    >>> hyps = ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]
    >>> refs = ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."]
    >>> round(chrf(refs, hyps), 6)
    61.831779
    """
    check_corpus(references, hypotheses, "chrf")
    return sum(chrf_stats(ref, hyp) for ref, hyp in zip(references, hypotheses, strict=True)).score()


def chrf_stats(reference, hypothesis: str) -> ChrfStats:
    """The :class:`ChrfStats` of one hypothesis; with several references, of the best-scoring one.

    >>> chrf_stats("ab", "ab").score()
    100.0
    """
    if not isinstance(hypothesis, str):
        raise ValueError(f"a hypothesis must be a string, got {type(hypothesis).__name__}")
    hyp_counts = _chrf_counts(hypothesis)
    best, best_f = None, -1.0
    for r in as_references(reference, "a reference"):
        stats = _chrf_stats(hyp_counts, _chrf_counts(r))
        f = _chrf_score(stats)
        if f > best_f:  # the first reference wins ties
            best, best_f = stats, f
    return ChrfStats(tuple(best))
