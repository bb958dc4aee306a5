"""Sufficient statistics: immutable, additive, and the corpus functions are their sums' scores."""

from __future__ import annotations

import dataclasses
import math

import pytest

from seqlib.metrics import (
    BleuStats,
    ChrfStats,
    CountStats,
    ErrorCounts,
    NLLStats,
    bleu_stats,
    chrf,
    chrf_stats,
    corpus_bleu,
    corpus_stats,
    wer,
)
from seqlib.metrics.stats import total

HYPS = [
    "The cat sat on the mat.",
    "A quick brown dog jumps over the lazy fox.",
]
REFS = [
    "The cat is sitting on the mat.",
    "The quick brown fox jumps over the lazy dog.",
]


def test_stats_are_frozen_and_add_fieldwise():
    s = NLLStats(1.5, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.nll = 0.0
    assert s + NLLStats(0.5, 1) == NLLStats(2.0, 4)
    assert sum([CountStats(1, 2), CountStats(2, 2)]) == CountStats(3, 4)
    assert BleuStats((1, 0, 0, 0), (2, 1, 0, 0), 2, 3) + BleuStats(
        (1, 1, 0, 0), (1, 0, 0, 0), 1, 1
    ) == BleuStats((2, 1, 0, 0), (3, 1, 0, 0), 3, 4)
    with pytest.raises(TypeError):
        NLLStats(1.0, 1) + CountStats(1, 1)
    with pytest.raises(ValueError, match="different orders"):
        BleuStats((1,), (1,), 1, 1) + BleuStats((1, 1), (1, 1), 1, 1)
    with pytest.raises(ValueError, match="at least one"):
        total([])


def test_scores():
    assert NLLStats(3 * math.log(5), 3).score() == pytest.approx(5.0)
    assert CountStats(3, 4).score() == 0.75
    assert ErrorCounts(3, 8).score() == 0.375
    for empty in (NLLStats(0.0, 0), CountStats(0, 0), ErrorCounts(0, 0)):
        with pytest.raises(ValueError, match="undefined"):
            empty.score()


def test_corpus_functions_are_scores_of_pooled_stats():
    pooled = bleu_stats(REFS[0], HYPS[0]) + bleu_stats(REFS[1], HYPS[1])
    assert corpus_stats(REFS, HYPS) == pooled
    assert (
        corpus_bleu(REFS, HYPS)
        == pooled.score()
        == pytest.approx(37.979743, abs=1e-6)
    )
    chrf_pooled = chrf_stats(REFS[0], HYPS[0]) + chrf_stats(
        REFS[1], HYPS[1]
    )
    assert isinstance(chrf_pooled, ChrfStats)
    assert (
        chrf(REFS, HYPS)
        == chrf_pooled.score()
        == pytest.approx(61.831779, abs=1e-6)
    )


def test_streaming_equals_one_shot():
    refs = ["the cat sat on the mat", "hello world", "a b c"]
    hyps = ["the cat sit on mat", "hello big world", "a c"]
    stream = 0
    for k in range(len(refs)):
        stream = stream + corpus_stats(refs[k : k + 1], hyps[k : k + 1])
    assert stream == corpus_stats(refs, hyps)
    assert wer(refs, hyps) == pytest.approx(4 / 11)
