"""Bootstrap intervals and the paired test, on additive statistics; checked against sacrebleu's paired_bs."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sacrebleu.metrics import BLEU
from sacrebleu.significance import PairedTest

from seqlib.metrics import (
    CountStats,
    ErrorCounts,
    bleu_stats,
    error_counts,
    wer,
)
from seqlib.metrics.bootstrap import (
    SEED,
    resample_indices,
    confidence_interval,
    paired_bootstrap,
    resample_scores,
)

WORDS = "the a cat dog sat on mat rug big small red".split()


def corpus(noise_a, noise_b, n=80, seed=0):
    rng = random.Random(seed)
    refs = [
        " ".join(rng.choices(WORDS, k=rng.randint(4, 12)))
        for _ in range(n)
    ]

    def noisy(s, p):
        return " ".join(
            w if rng.random() > p else rng.choice(WORDS)
            for w in s.split()
        )

    return (
        refs,
        [noisy(r, noise_a) for r in refs],
        [noisy(r, noise_b) for r in refs],
    )


@pytest.mark.parametrize("noise_b", [0.3, 0.37])
def test_paired_bleu_equals_sacrebleu_paired_bs(noise_b):
    refs, hyp_a, hyp_b = corpus(0.4, noise_b)
    _, theirs = PairedTest(
        [("a", hyp_a), ("b", hyp_b)],
        {"BLEU": BLEU()},
        references=[refs],
        test_type="bs",
        n_samples=1000,
    )()
    base, other = theirs["BLEU"]
    ours = paired_bootstrap(
        [bleu_stats(r, h) for r, h in zip(refs, hyp_a, strict=True)],
        [bleu_stats(r, h) for r, h in zip(refs, hyp_b, strict=True)],
        seed=SEED,
    )
    assert ours.score_a == pytest.approx(base.score, rel=1e-12)
    assert ours.score_b == pytest.approx(other.score, rel=1e-12)
    assert ours.p_value == pytest.approx(
        other.p_value, abs=2 / 1001
    )  # sacrebleu sums float32 stats
    samples = np.sort(
        resample_scores(
            [bleu_stats(r, h) for r, h in zip(refs, hyp_b, strict=True)],
            resample_indices(len(refs), 1000, SEED),
        )
    )
    assert samples.mean() == pytest.approx(other.mean, rel=1e-6)
    half_width = 0.5 * (
        samples[1000 - 1000 // 40 - 1] - samples[1000 // 40]
    )  # sacrebleu's estimate_ci
    assert half_width == pytest.approx(other.ci, rel=1e-5)


def test_resamples_pool_statistics_not_scores():
    refs, hyp_a, _ = corpus(0.4, 0.4)
    counts = error_counts(refs, hyp_a)
    every_item_once = np.arange(len(refs))[
        None, :
    ]  # (1, n): the full set as one "resample"
    assert resample_scores(counts, every_item_once)[0] == pytest.approx(
        wer(refs, hyp_a), rel=1e-15
    )


def test_interval_contains_the_score_and_narrows_with_more_items():
    small = [CountStats(int(i % 3 != 0), 1) for i in range(60)]
    large = small * 10
    a, b = confidence_interval(small), confidence_interval(large)
    assert a.low <= a.score <= a.high and b.low <= b.score <= b.high
    assert b.high - b.low < a.high - a.low
    assert confidence_interval(small, seed=1) == confidence_interval(
        small, seed=1
    )


def test_a_system_against_itself_is_not_significant():
    stats = [ErrorCounts(i % 3, 5) for i in range(50)]
    result = paired_bootstrap(stats, stats, resamples=300)
    assert (
        result.p_value == 1.0
        and result.interval_delta.low == result.interval_delta.high == 0.0
    )


@pytest.mark.parametrize(
    "a, b, match",
    [
        ([], [], "empty"),
        (
            [CountStats(1, 1)],
            [CountStats(1, 1), CountStats(0, 1)],
            "same length",
        ),
        (
            [CountStats(1, 1), ErrorCounts(1, 1)],
            [CountStats(1, 1)] * 2,
            "one type",
        ),
        ([1, 2], [1, 2], "one type"),
    ],
)
def test_bad_input(a, b, match):
    with pytest.raises(ValueError, match=match):
        paired_bootstrap(a, b)


def test_bad_options():
    stats = [CountStats(1, 1)] * 3
    for kwargs, match in (
        ({"resamples": True}, "resamples"),
        ({"confidence": 1.0}, "confidence"),
        ({"seed": -1}, "seed"),
    ):
        with pytest.raises(ValueError, match=match):
            confidence_interval(stats, **kwargs)
