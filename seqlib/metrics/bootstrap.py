r"""Bootstrap confidence intervals and the paired bootstrap test, built on additive statistics.

Give one statistics value per test item (sentence, utterance, sequence, batch) — any
:class:`~seqlib.metrics.stats.Additive`: :func:`~seqlib.metrics.overlap_bleu.bleu_stats`,
:func:`~seqlib.metrics.speech.error_counts`, :func:`~seqlib.metrics.labeling.token_counts`,
:class:`~seqlib.metrics.stats.NLLStats` per sentence, ... A resample draws ``n`` items with
replacement, **sums their statistics** and scores the sum, so a resampled corpus BLEU or WER is
pooled exactly like the real one (never a mean of item scores).

The paired test follows sacrebleu's ``paired_bs`` (Koehn 2004; Moses'
``bootstrap-hypothesis-difference-significance.pl``): both systems are scored on the *same*
resampled items; with :math:`d = |s_B - s_A|` on the full set and :math:`d^*_r` on resample
:math:`r`,

.. math:: p = \frac{1 + \#\{r : d^*_r - \overline{d^*} \ge d\}}{1 + R}

(sacrebleu counts :math:`>`; the two differ only on exact ties, where ``>=`` keeps a system
compared with itself at :math:`p = 1` instead of :math:`1/(R+1)`).

Intervals are percentile intervals of the resampled scores (sacrebleu reports the mean and
half the width of its 95 % interval). A paired bootstrap narrows the interval of a
*difference* only when the two systems' errors are correlated on the same items.

>>> from seqlib.metrics.stats import CountStats
>>> a = [CountStats(int(i % 4 != 0), 1) for i in range(200)]  # 75 % right
>>> b = [CountStats(int(i % 2 == 0), 1) for i in range(200)]  # 50 % right
>>> result = paired_bootstrap(a, b, resamples=200)
>>> result.score_a, result.score_b, result.p_value < 0.05
(0.75, 0.5, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from seqlib import validate

from .stats import Additive, total

__all__ = [
    "Interval",
    "PairedBootstrap",
    "resample_indices",
    "resample_scores",
    "confidence_interval",
    "paired_bootstrap",
]

SEED = 12345  # sacrebleu's default (SACREBLEU_SEED), so a run is reproducible by default


@dataclass(frozen=True)
class Interval:
    """A score on the full set with a percentile bootstrap interval ``[low, high]``."""

    score: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedBootstrap:
    """Two systems (A: the baseline, B: the contender) scored on the same resamples."""

    score_a: float
    score_b: float
    interval_a: Interval
    interval_b: Interval
    interval_delta: Interval  # score_b - score_a
    p_value: float  # the chance of a difference at least this large if the systems were equal
    resamples: int


def _matrix(
    stats: Sequence[Additive],
) -> tuple[np.ndarray, Callable[[np.ndarray], Additive]]:
    """Stack statistics into ``(n, F)`` (tuple fields flattened) and a function from a row back to a value."""
    template = stats[0]
    sizes = [
        len(v) if isinstance(v, tuple) else 0
        for v in (getattr(template, f.name) for f in fields(template))
    ]
    rows = [
        [
            x
            for v in (getattr(s, f.name) for f in fields(s))
            for x in (v if isinstance(v, tuple) else (v,))
        ]
        for s in stats
    ]
    integer = all(isinstance(x, (int, np.integer)) for x in rows[0])
    matrix = np.array(
        rows, dtype=np.int64 if integer else np.float64
    )  # (n, F)

    def rebuild(vector: np.ndarray) -> Additive:
        values, k = [], 0
        for size in sizes:
            if size:
                values.append(tuple(vector[k : k + size].tolist()))
                k += size
            else:
                values.append(vector[k].item())
                k += 1
        return type(template)(*values)

    return matrix, rebuild


def _check(stats: Sequence[Additive], name: str) -> list[Additive]:
    if isinstance(stats, (str, bytes)) or not isinstance(stats, Iterable):
        raise TypeError(
            f"{name} must be a sequence of statistics (one per item, e.g. NLLStats), "
            f"got {type(stats).__name__}"
        )
    stats = list(stats)
    if not stats:
        raise ValueError(
            f"{name} is empty; the bootstrap needs at least one item"
        )
    if not all(
        isinstance(s, Additive) and type(s) is type(stats[0])
        for s in stats
    ):
        raise ValueError(
            f"{name} must be statistics values of one type (seqlib.metrics.stats.Additive)"
        )
    return stats


def resample_indices(
    n: int, resamples: int, seed: int | None = SEED
) -> np.ndarray:
    """``(resamples, n)`` item indices drawn with replacement, as sacrebleu draws them for the same seed."""
    validate.integer(resamples, "resamples", minimum=1)
    validate.integer(seed, "seed", minimum=0, optional=True)
    return np.random.default_rng(seed).choice(
        n, size=(resamples, n), replace=True
    )  # (R, n)


def resample_scores(
    stats: Sequence[Additive], indices: np.ndarray, score=None
) -> np.ndarray:
    """Scores ``(R,)`` of the resamples: row ``r`` of ``indices`` ``(R, n)`` picks the items to sum."""
    score = score or (lambda s: s.score())
    matrix, rebuild = _matrix(stats)  # (n, F)
    sums = matrix[indices].sum(
        axis=1
    )  # (R, F): pooled statistics of every resample
    return np.array(
        [score(rebuild(row)) for row in sums], dtype=np.float64
    )  # (R,)


def _interval(
    full: float, samples: np.ndarray, confidence: float
) -> Interval:
    tail = 50.0 * (1.0 - confidence)
    low, high = np.percentile(samples, [tail, 100.0 - tail])
    return Interval(float(full), float(low), float(high))


def confidence_interval(
    stats: Sequence[Additive],
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = SEED,
    score=None,
) -> Interval:
    """The pooled score of ``stats`` (one value per item) and its percentile bootstrap interval.

    ``score`` maps a summed statistics value to a number (default ``.score()``; e.g.
    ``lambda s: s.score(smooth="floor")``).
    """
    stats = _check(stats, "stats")
    validate.real(
        confidence,
        "confidence",
        low=0,
        high=1,
        low_open=True,
        high_open=True,
    )
    score = score or (lambda s: s.score())
    samples = resample_scores(
        stats, resample_indices(len(stats), resamples, seed), score
    )
    return _interval(score(total(stats)), samples, confidence)


def paired_bootstrap(
    stats_a: Sequence[Additive],
    stats_b: Sequence[Additive],
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = SEED,
    score=None,
) -> PairedBootstrap:
    """Paired bootstrap test of system B against baseline A on the same items (sacrebleu's ``paired_bs``).

    ``stats_a[i]`` and ``stats_b[i]`` are the two systems' statistics on item ``i``. Returns
    both scores, their intervals, the interval of ``B - A`` and the p-value above.
    """
    stats_a, stats_b = (
        _check(stats_a, "stats_a"),
        _check(stats_b, "stats_b"),
    )
    validate.same_length(stats_a, stats_b, "stats_a", "stats_b")
    validate.real(
        confidence,
        "confidence",
        low=0,
        high=1,
        low_open=True,
        high_open=True,
    )
    score = score or (lambda s: s.score())
    indices = resample_indices(
        len(stats_a), resamples, seed
    )  # (R, n): the same items for both systems
    samples_a = resample_scores(stats_a, indices, score)  # (R,)
    samples_b = resample_scores(stats_b, indices, score)  # (R,)
    full_a, full_b = score(total(stats_a)), score(total(stats_b))
    observed = abs(full_b - full_a)
    diffs = np.abs(samples_b - samples_a)  # (R,)
    # sacrebleu counts '>'; '>=' differs only on exact ties and makes a system against itself p = 1, not 1/(R+1)
    p_value = (int(np.sum(diffs - diffs.mean() >= observed)) + 1) / (
        resamples + 1
    )
    return PairedBootstrap(
        float(full_a),
        float(full_b),
        _interval(full_a, samples_a, confidence),
        _interval(full_b, samples_b, confidence),
        _interval(full_b - full_a, samples_b - samples_a, confidence),
        p_value,
        resamples,
    )
