r"""Sufficient statistics: small immutable values that add with ``+`` and turn into a score.

The book's central rule for corpus-level measures: **pool the statistics, then divide**.
Corpus perplexity is :math:`\exp(\sum \text{NLL} / \sum N)`, not the mean of per-batch
perplexities; corpus WER is :math:`\sum(S+D+I) / \sum N`, not the mean of per-utterance WERs;
corpus BLEU pools n-gram counts. Each such measure has a statistics class here (or beside its
metric: :class:`~seqlib.metrics.overlap_bleu.BleuStats`,
:class:`~seqlib.metrics.overlap_chrf.ChrfStats`) that

- is a frozen dataclass of counts or sums, one value per item (sentence, batch, utterance);
- adds field by field with ``+`` (tuples elementwise), and ``sum(stats)`` works (``0 + s = s``);
- turns into the score with ``.score()``.

Streaming evaluation is ``total = total + stats_of(batch)``; the paired bootstrap
(:mod:`seqlib.metrics.bootstrap`) resamples per-item statistics and sums them.

>>> s = NLLStats(2.0, 2) + NLLStats(1.0, 1)
>>> s, round(s.score(), 6)
(NLLStats(nll=3.0, tokens=3), 2.718282)
>>> sum([ErrorCounts(1, 4), ErrorCounts(2, 4)]).score()
0.375
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["Additive", "NLLStats", "CountStats", "ErrorCounts", "total"]


def _plus(a: Any, b: Any) -> Any:
    if isinstance(a, tuple):
        if len(a) != len(b):
            raise ValueError(
                f"cannot add statistics of different orders: {len(a)} and {len(b)} values"
            )
        return tuple(x + y for x, y in zip(a, b, strict=True))
    return a + b


@dataclass(frozen=True)
class Additive:
    """Base of every statistics class: field-wise ``+``; subclasses define :meth:`score`."""

    def __add__(self, other: Any):
        if type(other) is not type(self):
            return NotImplemented
        return type(self)(
            *(
                _plus(getattr(self, f.name), getattr(other, f.name))
                for f in fields(self)
            )
        )

    def __radd__(self, other: Any):
        if (
            isinstance(other, int)
            and not isinstance(other, bool)
            and other == 0
        ):
            return self  # sum(stats) starts from 0
        return NotImplemented

    def score(self) -> float:
        raise NotImplementedError


def _ratio(numerator, denominator, undefined: str) -> float:
    """``numerator / denominator``; ``ValueError(undefined)`` when nothing was counted."""
    if denominator <= 0:
        raise ValueError(undefined)
    return numerator / denominator


def total(stats: Iterable[Additive]) -> Additive:
    """The sum of a non-empty iterable of statistics, added left to right."""
    it = iter(stats)
    try:
        acc = next(it)
    except StopIteration:
        raise ValueError(
            "total needs at least one statistics value, got none"
        ) from None
    for s in it:
        acc = acc + s
    return acc


@dataclass(frozen=True)
class NLLStats(Additive):
    r"""Summed negative log-likelihood (nats, float64) and the number of tokens it covers.

    :meth:`score` is the perplexity :math:`\exp(\text{nll} / \text{tokens})`.
    """

    nll: float  # sum of -log p(token), in nats
    tokens: int  # tokens scored

    @property
    def mean_nll(self) -> float:
        """Mean NLL per token, in nats."""
        if self.tokens <= 0:
            raise ValueError(
                "no token was scored, so the mean NLL is undefined"
            )
        return self.nll / self.tokens

    def perplexity(self) -> float:
        r""":math:`\exp(\text{nll} / \text{tokens})`; ``inf`` past float64's range (or for an infinite NLL)."""
        try:
            return math.exp(self.mean_nll)
        except OverflowError:
            return math.inf

    def score(self) -> float:
        return self.perplexity()


@dataclass(frozen=True)
class CountStats(Additive):
    """Hits out of trials (accuracy-type measures); :meth:`score` is ``correct / total``."""

    correct: int
    total: int

    def score(self) -> float:
        return _ratio(
            self.correct,
            self.total,
            "no item was counted, so the rate is undefined",
        )


@dataclass(frozen=True)
class ErrorCounts(Additive):
    """Edits (S + D + I) and reference length N (WER, CER); :meth:`score` is ``errors / ref_len``."""

    errors: int
    ref_len: int

    def score(self) -> float:
        return _ratio(
            self.errors,
            self.ref_len,
            "the references are empty after normalisation, so the error "
            "rate is undefined (jiwer 4.0 returns the number of insertions instead)",
        )
