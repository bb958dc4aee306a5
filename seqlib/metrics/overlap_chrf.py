r"""chrF and chrF++ (Popović 2015, 2017) as sacrebleu 2.6 computes them (default ``chrF2|nc:6|nw:0|space:no``).

Character n-gram counts per sentence (plus word n-grams for chrF++) are the sufficient
statistics (:class:`ChrfStats`); they add with ``+`` over a corpus and :meth:`ChrfStats.score`
turns the sum into chrF. Options under sacrebleu's ``CHRF`` names: ``char_order``,
``word_order`` (2 = chrF++), ``beta`` (3 = chrF3), ``lowercase``, ``whitespace``,
``eps_smoothing``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seqlib import validate

from .overlap_text import as_references, corpus_references
from .registry import metric
from .stats import Additive

__all__ = ["chrf", "chrf_stats", "ChrfStats"]

_TEXT = "text overlap"

CHRF_CHAR_ORDER, CHRF_WORD_ORDER, CHRF_BETA = (
    6,
    0,
    2,
)  # sacrebleu's chrF2: character 1..6-grams, recall 2x
_PUNCTS = frozenset(
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
)  # split off a word's first or last character


def _words(text: str) -> list[str]:
    """Words for chrF++'s word n-grams: one punctuation mark split off a word's end, else its start."""
    out = []
    for w in text.split():
        if len(w) > 1 and w[-1] in _PUNCTS:
            out += [w[:-1], w[-1]]
        elif len(w) > 1 and w[0] in _PUNCTS:
            out += [w[0], w[1:]]
        else:
            out.append(w)
    return out


def _counts(
    text: str, char_order: int, word_order: int, whitespace: bool
) -> list[Counter]:
    chars = (
        text if whitespace else "".join(text.split())
    )  # whitespace is removed, not counted, by default
    grams = [
        Counter(chars[i : i + n] for i in range(len(chars) - n + 1))
        for n in range(1, char_order + 1)
    ]
    if word_order:
        words = _words(text)
        grams += [
            Counter(
                " ".join(words[i : i + n])
                for i in range(len(words) - n + 1)
            )
            for n in range(1, word_order + 1)
        ]
    return grams


@dataclass(frozen=True)
class ChrfStats(Additive):
    """chrF's sufficient statistics: (hypothesis, reference, matched) n-gram counts per order."""

    counts: tuple[
        int, ...
    ]  # [hyp_n, ref_n, match_n] per order (characters 1..nc, then words 1..nw), flattened

    def score(
        self, beta: float = CHRF_BETA, eps_smoothing: bool = False
    ) -> float:
        """chrF (0-100) of these statistics, with recall weighted ``beta`` times."""
        beta = validate.real(beta, "beta", low=0)
        if not isinstance(eps_smoothing, bool):
            raise ValueError(
                f"eps_smoothing must be a bool, got {type(eps_smoothing).__name__}: {eps_smoothing!r}"
            )
        return _chrf_score(list(self.counts), beta, eps_smoothing)


def _chrf_stats(
    hyp_counts: list[Counter], ref_counts: list[Counter]
) -> list[int]:
    """[hyp, ref, match] counts per order; hypothesis n-grams count only if the order exists in the ref."""
    stats = []
    for h, r in zip(hyp_counts, ref_counts, strict=True):
        common = (
            h.keys() & r.keys()
        )  # the clipped matches, computed with C-level maps
        match = sum(
            map(
                min,
                map(h.__getitem__, common),
                map(r.__getitem__, common),
            )
        )
        stats += [sum(h.values()) if r else 0, sum(r.values()), match]
    return stats


def _chrf_score(
    stats: list[int], beta: float, eps_smoothing: bool
) -> float:
    """F-beta of character (and word) n-gram precision and recall, 0-100, in sacrebleu's arithmetic."""
    eps, factor = 1e-16, beta**2
    order = len(stats) // 3
    score, precision, recall, effective = 0.0, 0.0, 0.0, 0
    for n in range(order):
        n_hyp, n_ref, n_match = stats[3 * n : 3 * n + 3]
        p = n_match / n_hyp if n_hyp > 0 else eps
        r = n_match / n_ref if n_ref > 0 else eps
        denom = factor * p + r
        score += ((1 + factor) * p * r / denom) if denom > 0 else eps
        if n_hyp > 0 and n_ref > 0:
            precision += p
            recall += r
            effective += 1
    if eps_smoothing:
        return (
            100 * score / order
        )  # the mean of per-order F-scores (chrF++.py, NLTK, Moses)
    if effective == 0:
        return 0.0
    precision, recall = precision / effective, recall / effective
    if precision + recall == 0:
        return 0.0
    return 100 * (
        (1 + factor) * precision * recall / (factor * precision + recall)
    )  # sacrebleu's order of operations


def _orders(char_order, word_order) -> tuple[int, int]:
    nc = validate.integer(char_order, "char_order", minimum=0)
    nw = validate.integer(word_order, "word_order", minimum=0)
    if nc + nw == 0:
        raise ValueError(
            "char_order + word_order must be at least 1, got char_order=0 and word_order=0"
        )
    return nc, nw


def _flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(
            f"{name} must be a bool, got {type(value).__name__}: {value!r}"
        )
    return value


@metric(
    task=_TEXT,
    formula=(
        r"100\cdot\frac{(1+\beta^2)\,\mathrm{chrP}\,\mathrm{chrR}}{\beta^2\,\mathrm{chrP}+\mathrm{chrR}},\ "
        r"\beta=2"
    ),
    meaning="The F-score of character n-gram overlap (n up to 6), favouring recall; chrF++ adds word 1-2-grams.",
    use_when="Morphologically rich languages and sentence-level judgements; correlates better with humans than BLEU.",
    hides="Still surface overlap; chrF and chrF++ are often confused (torchmetrics defaults to chrF++).",
    range="[0, 100]",
    higher_is_better=True,
    reference="sacrebleu.corpus_chrf",
    options=(
        "char_order: character n-gram orders 1..6 by default (sacrebleu char_order)",
        "word_order: word n-gram orders, 0 = chrF, 2 = chrF++ (sacrebleu word_order)",
        "beta: recall weighted beta times, 2 by default, 3 = chrF3 (sacrebleu beta)",
        "lowercase: lowercase first (sacrebleu lowercase)",
        "whitespace: keep spaces inside character n-grams (sacrebleu whitespace)",
        "eps_smoothing: mean of per-order F-scores as chrF++.py/NLTK/Moses (sacrebleu eps_smoothing)",
        "references_layout: 'per_sentence' (seqlib's) or 'streams' (sacrebleu's transposed layout)",
    ),
)
def chrf(
    references,
    hypotheses,
    *,
    char_order: int = CHRF_CHAR_ORDER,
    word_order: int = CHRF_WORD_ORDER,
    beta: float = CHRF_BETA,
    lowercase: bool = False,
    whitespace: bool = False,
    eps_smoothing: bool = False,
    references_layout: str | None = None,
) -> float:
    r"""Corpus chrF (0-100), as sacrebleu's ``corpus_chrf`` / ``CHRF()``, defaults ``nc:6 nw:0 space:no``.

    Character n-grams (n = 1..``char_order``, whitespace removed unless ``whitespace=True``) and,
    for chrF++ (``word_order=2``), word n-grams (n = 1..``word_order``; a word's last, else
    first, ASCII punctuation mark split off) are counted per sentence; the counts are **pooled**
    over the corpus; precision and recall are averaged over the orders present in both
    hypothesis and reference, and :math:`F_\beta = (1+\beta^2)PR/(\beta^2P+R)` (``beta=2``:
    recall counts more; ``beta=3`` is chrF3). ``eps_smoothing=True`` instead averages the
    per-order F-scores, a missing order counting as 1e-16 (chrF++.py, NLTK, Moses).
    ``lowercase`` lowercases both sides. With several references a sentence takes the
    statistics of its best-scoring reference (the first on ties). References: as
    :func:`~seqlib.metrics.corpus_bleu` (``references_layout="streams"`` for sacrebleu's).
    Trap: torchmetrics' ``chrf_score`` defaults to chrF++ (word bigrams too).

    Edge cases: an empty hypothesis or reference scores 0; non-ASCII text is counted character
    by character (no tokenizer to lose it). Raises ``ValueError`` naming the
    argument for wrong kinds, an empty corpus, mismatched lengths, an ambiguous references
    layout, negative orders or ``beta``.

    >>> hyps = ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]
    >>> refs = ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."]
    >>> round(chrf(refs, hyps), 6), round(chrf(refs, hyps, word_order=2), 6), round(chrf(refs, hyps, beta=3), 6)
    (61.831779, 63.25337, 60.928176)
    """
    refs, hyps = corpus_references(
        references, hypotheses, "chrf", references_layout
    )
    nc, nw = _orders(char_order, word_order)
    beta = validate.real(beta, "beta", low=0)
    lowercase, whitespace = (
        _flag(lowercase, "lowercase"),
        _flag(whitespace, "whitespace"),
    )
    eps_smoothing = _flag(eps_smoothing, "eps_smoothing")
    total = [0] * (3 * (nc + nw))
    for r, h in zip(
        refs, hyps, strict=True
    ):  # the sum of the sentences' ChrfStats, added in place
        total = [
            a + b
            for a, b in zip(
                total,
                _best(
                    r,
                    h,
                    nc,
                    nw,
                    beta,
                    lowercase,
                    whitespace,
                    eps_smoothing,
                ).counts,
                strict=True,
            )
        ]
    return _chrf_score(total, beta, eps_smoothing)


def _best(
    refs: list[str],
    hypothesis: str,
    nc: int,
    nw: int,
    beta: float,
    lowercase: bool,
    whitespace: bool,
    eps_smoothing: bool,
) -> ChrfStats:
    if lowercase:
        hypothesis, refs = hypothesis.lower(), [r.lower() for r in refs]
    hyp_counts = _counts(hypothesis, nc, nw, whitespace)
    if len(refs) == 1:
        return ChrfStats(
            tuple(
                _chrf_stats(
                    hyp_counts, _counts(refs[0], nc, nw, whitespace)
                )
            )
        )
    best, best_f = None, -1.0
    for r in refs:
        stats = _chrf_stats(hyp_counts, _counts(r, nc, nw, whitespace))
        f = _chrf_score(stats, beta, eps_smoothing)
        if f > best_f:  # the first reference wins ties
            best, best_f = stats, f
    return ChrfStats(tuple(best))


def chrf_stats(
    reference,
    hypothesis: str,
    *,
    char_order: int = CHRF_CHAR_ORDER,
    word_order: int = CHRF_WORD_ORDER,
    beta: float = CHRF_BETA,
    lowercase: bool = False,
    whitespace: bool = False,
    eps_smoothing: bool = False,
) -> ChrfStats:
    """The :class:`ChrfStats` of one hypothesis; with several references, of the best-scoring one.

    ``beta`` and ``eps_smoothing`` only choose the best reference; pass them again to
    :meth:`ChrfStats.score`.

    >>> chrf_stats("ab", "ab").score()
    100.0
    """
    if not isinstance(hypothesis, str):
        raise ValueError(
            f"hypothesis must be a string, got {type(hypothesis).__name__}: {hypothesis!r:.60}"
        )
    nc, nw = _orders(char_order, word_order)
    return _best(
        as_references(reference, "reference"),
        hypothesis,
        nc,
        nw,
        validate.real(beta, "beta", low=0),
        _flag(lowercase, "lowercase"),
        _flag(whitespace, "whitespace"),
        _flag(eps_smoothing, "eps_smoothing"),
    )
