"""Tests for seqlib.ngram: normalisation, exact scoring, ML infinities, tuning, bad input."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.ngram import K_GRID, NGramLM

V = 5
TRAIN = [
    0,
    1,
    2,
    3,
    0,
    1,
    2,
    0,
    1,
    3,
    3,
    2,
    1,
    0,
    0,
    1,
    2,
    3,
    1,
    2,
]  # token 4 never occurs
VAL = [0, 1, 2, 3, 1, 2, 0, 1, 3, 2, 1, 0]


def brute_force_nll(lm: NGramLM, ids: list[int]) -> float:
    """NLL of ids[1:] read off distribution() one prefix at a time: the definition."""
    return -math.fsum(
        math.log(float(lm.distribution(ids[:t])[ids[t]]))
        for t in range(1, len(ids))
    )


@pytest.mark.parametrize("method", ["interpolation", "backoff"])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("k", [0.0, 0.01, 1.0])
def test_every_context_sums_to_one(method, n, k):
    lm = NGramLM(n, V, k=k, method=method).fit(
        TRAIN, VAL if method == "interpolation" else None
    )
    contexts = [()] + [
        c
        for length in range(1, n)
        for c in itertools.product(range(V), repeat=length)
    ]
    for context in (
        contexts
    ):  # every context of every length: seen, unseen, shorter, empty
        p = lm.distribution(list(context))
        assert p.shape == (V,) and p.dtype == torch.float64
        assert float(p.min()) >= 0.0
        assert abs(float(p.sum()) - 1.0) < 1e-12, (
            context,
            float(p.sum()),
        )


@pytest.mark.parametrize("method", ["interpolation", "backoff"])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("k", [0.05, 1.0])
def test_scores_equal_distribution(method, n, k):
    lm = NGramLM(n, V, k=k, method=method).fit(TRAIN, VAL)
    ids = [
        4,
        0,
        1,
        2,
        3,
        3,
        0,
        4,
        2,
        1,
        0,
    ]  # includes the unseen token and unseen n-grams
    logp = lm.token_log_probs(ids)
    assert logp.shape == (len(ids) - 1,)
    expected = [
        math.log(float(lm.distribution(ids[:t])[ids[t]]))
        for t in range(1, len(ids))
    ]
    torch.testing.assert_close(
        logp,
        torch.tensor(expected, dtype=torch.float64),
        rtol=1e-10,
        atol=1e-12,
    )
    assert lm.nll(ids) == pytest.approx(
        brute_force_nll(lm, ids), rel=1e-12
    )
    assert lm.log_prob(ids) == pytest.approx(-lm.nll(ids))
    assert lm.perplexity(ids) == pytest.approx(
        math.exp(lm.nll(ids) / (len(ids) - 1)), rel=1e-12
    )


def test_hand_computed_bigram():
    # Add-one, uniform lambdas (no validation ids). Unigram counts 0:3, 1:3, 2:2 of 8;
    # bigram C(0,1) = 3 = C(0), C(1,2) = 2 = C(1).
    lm = NGramLM(2, vocab_size=3, k=1.0).fit([0, 1, 2, 0, 1, 2, 0, 1])
    assert lm.lambdas == (0.5, 0.5)
    p1 = 0.5 * (4 / 6) + 0.5 * (4 / 11)
    p2 = 0.5 * (3 / 5) + 0.5 * (3 / 11)
    assert lm.nll([0, 1, 2]) == pytest.approx(
        -math.log(p1) - math.log(p2), rel=1e-14
    )
    assert lm.perplexity([0, 1, 2]) == pytest.approx(
        (p1 * p2) ** -0.5, rel=1e-14
    )


def test_first_token_is_not_scored_and_start_uses_shorter_contexts():
    lm = NGramLM(3, V, k=0.5, method="backoff").fit(TRAIN)
    assert len(lm.token_log_probs([2, 3])) == 1
    # the second token is scored from a one-token context: the bigram distribution
    assert float(lm.token_log_probs([2, 3])[0]) == pytest.approx(
        math.log(float(lm.distribution([2])[3]))
    )


def test_huge_k_is_uniform_and_perplexity_is_vocab_size():
    for method in ("interpolation", "backoff"):
        lm = NGramLM(3, V, k=1e12, method=method).fit(TRAIN)
        assert lm.perplexity(VAL) == pytest.approx(V, rel=1e-6)


def test_unsmoothed_ml_gives_inf_not_a_crash():
    held_out = [0, 1, 2, 2, 2]  # the bigram (2, 2) never occurs in TRAIN
    for lm in (
        NGramLM(2, V, k=0, method="backoff").fit(TRAIN),
        NGramLM(2, V, k=0, lambdas=(0, 1)).fit(TRAIN),
    ):
        assert lm.perplexity(held_out) == math.inf
        assert lm.nll(held_out) == math.inf
        assert (
            lm.perplexity([0, 1, 2, 3]) < math.inf
        )  # only seen bigrams: finite
    assert (
        NGramLM(1, V, k=0).fit(TRAIN).perplexity([0, 4]) == math.inf
    )  # token 4 never seen
    # interpolation is itself a smoothing: lower orders rescue the unseen bigram
    assert (
        NGramLM(2, V, k=0).fit(TRAIN, VAL).perplexity(held_out) < math.inf
    )


def test_ml_estimate_is_relative_frequency():
    lm = NGramLM(2, V, k=0, method="backoff").fit(TRAIN)
    following_1 = [b for a, b in zip(TRAIN, TRAIN[1:]) if a == 1]
    expected = np.bincount(following_1, minlength=V) / len(following_1)
    np.testing.assert_allclose(
        lm.distribution([1]).numpy(), expected, rtol=0, atol=1e-15
    )


def test_pure_top_order_interpolation_is_add_k():
    lm = NGramLM(2, V, k=0.5, lambdas=(0.0, 1.0)).fit(TRAIN)
    counts = np.bincount(
        [b for a, b in zip(TRAIN, TRAIN[1:]) if a == 3], minlength=V
    )
    np.testing.assert_allclose(
        lm.distribution([3]).numpy(),
        (counts + 0.5) / (counts.sum() + 0.5 * V),
    )
    assert torch.allclose(
        lm.distribution([4]), torch.full((V,), 1 / V, dtype=torch.float64)
    )  # unseen context


def test_backoff_keeps_seen_tokens_add_k_and_shares_the_rest():
    lm = NGramLM(2, V, k=0.5, method="backoff").fit(TRAIN)
    counts = np.bincount(
        [b for a, b in zip(TRAIN, TRAIN[1:]) if a == 0], minlength=V
    )
    p = lm.distribution([0]).numpy()
    seen = counts > 0
    np.testing.assert_allclose(
        p[seen], (counts[seen] + 0.5) / (counts.sum() + 0.5 * V)
    )
    unigram = lm.distribution([]).numpy()
    ratio = p[~seen] / unigram[~seen]
    np.testing.assert_allclose(
        ratio, ratio[0]
    )  # proportional to the lower order


def test_em_lambdas_and_k_tuning_lower_validation_nll():
    fixed = NGramLM(3, V, k=0.1).fit(TRAIN)  # uniform lambdas
    tuned = NGramLM(3, V, k=0.1).fit(TRAIN, VAL)
    assert (
        sum(tuned.lambdas) == pytest.approx(1.0)
        and min(tuned.lambdas) >= 0
    )
    assert tuned.nll(VAL) <= fixed.nll(VAL) + 1e-12
    auto = NGramLM(3, V, k=None).fit(TRAIN, VAL)
    assert auto.k in K_GRID
    assert all(
        auto.nll(VAL)
        <= NGramLM(3, V, k=k).fit(TRAIN, VAL).nll(VAL) + 1e-9
        for k in K_GRID
    )
    assert (
        NGramLM(3, V, k=None, method="backoff").fit(TRAIN, VAL).k
        in K_GRID
    )


def test_fixed_lambdas_are_kept():
    lm = NGramLM(2, V, k=0.1, lambdas=[0.3, 0.7]).fit(TRAIN, VAL)
    assert lm.lambdas == (0.3, 0.7)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=40),
    st.integers(1, 5),
    st.sampled_from(["interpolation", "backoff"]),
    st.sampled_from([0.0, 1e-3, 0.2, 2.0]),
    st.lists(st.integers(0, 6), min_size=0, max_size=6),
)
def test_normalisation_property(train, n, method, k, context):
    lm = NGramLM(n, 7, k=k, method=method).fit(train)
    p = lm.distribution(context)
    assert float(p.min()) >= 0 and abs(float(p.sum()) - 1) < 1e-12


def test_large_vocabulary_sparse_counts():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 2000, size=3000).tolist()
    for method in ("interpolation", "backoff"):
        lm = NGramLM(3, 2000, k=0.01, method=method).fit(
            ids[:2500], ids[2500:2700]
        )
        assert abs(float(lm.distribution(ids[10:12]).sum()) - 1) < 1e-12
        assert math.isfinite(lm.perplexity(ids[2700:]))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n must be"),
        ({"n": 6}, "n must be"),
        ({"n": 2.0}, "n must be"),
        ({"vocab_size": 0}, "vocab_size"),
        ({"vocab_size": -3}, "vocab_size"),
        ({"k": -0.1}, "k must be"),
        ({"k": math.inf}, "k must be"),
        ({"k": "1"}, "k must be"),
        ({"method": "kneser-ney"}, "method must be"),
        ({"lambdas": (0.5, 0.4)}, "lambdas must be"),
        ({"lambdas": (0.5, 0.3, 0.2)}, "lambdas must be"),
        ({"lambdas": (1.5, -0.5)}, "lambdas must be"),
        ({"lambdas": (0.5, 0.5), "method": "backoff"}, "only apply"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    args = {"n": 2, "vocab_size": V, **kwargs}
    with pytest.raises(ValueError, match=match):
        NGramLM(**args)


@pytest.mark.parametrize(
    "ids, match",
    [
        ([0, 1, 9], r"\[0, 5\)"),
        ([0, -1], r"\[0, 5\)"),
        (torch.tensor([0.0, 1.0]), "integer"),
        (torch.zeros(2, 2, dtype=torch.long), "1-D"),
        ("0123", "1-D tensor, array or list"),
        ([0, 1.5], "list of int"),
        ([True, False], "list of int"),
        ([3], "at least 2"),
        ([], "at least 2"),
    ],
)
def test_bad_ids_for_scoring(ids, match):
    lm = NGramLM(2, V).fit(TRAIN)
    with pytest.raises(ValueError, match=match):
        lm.perplexity(ids)


def test_bad_fit_and_unfitted_use():
    with pytest.raises(ValueError, match="not fitted"):
        NGramLM(2, V).distribution([0])
    with pytest.raises(ValueError, match="not fitted"):
        NGramLM(2, V).nll([0, 1])
    with pytest.raises(ValueError, match="at least 1"):
        NGramLM(2, V).fit([])
    with pytest.raises(ValueError, match="val_ids"):
        NGramLM(2, V, k=None).fit(TRAIN)
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        NGramLM(2, V).fit(TRAIN).distribution([7])
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        NGramLM(2, V).fit([0, 5])


# --------------------------------------------------------------------------- the book's figures


@pytest.fixture  # function scope: runs after conftest blocks the network
def time_machine_splits():
    from seqlib.batching import split
    from seqlib.data import DownloadError, time_machine
    from seqlib.text import build_corpus

    try:
        ids, vocab = build_corpus(time_machine())
    except (
        DownloadError,
        RuntimeError,
        OSError,
    ) as err:  # no copy, and no network in tests
        pytest.skip(f"Time Machine not available offline: {err}")
    return len(vocab), split(ids)


@pytest.mark.parametrize(
    "n, k, expected", [(4, 0.01, 4.688), (5, 0.003, 4.147)]
)
def test_time_machine_interpolated_figures_and_speed(
    time_machine_splits, n, k, expected
):
    V, (train, val, test) = time_machine_splits
    start = time.perf_counter()
    lm = NGramLM(n, V, k=k).fit(
        train, val
    )  # k as chosen by k=None from K_GRID on val
    ppl = lm.perplexity(test)
    assert (
        time.perf_counter() - start < 5.0
    )  # "a few seconds at most", with room for a busy CPU
    assert ppl == pytest.approx(
        expected, abs=1e-3
    )  # the author measured 4.77 and 4.22


def test_refit_retunes_and_repr():
    lm = NGramLM(2, V, k=None)
    lm.fit(TRAIN, VAL)
    with pytest.raises(ValueError, match="val_ids"):
        lm.fit(
            TRAIN
        )  # k=None keeps meaning "tune": it needs validation ids every time
    assert "NGramLM(n=2" in repr(lm.fit(TRAIN, VAL))


# an outside oracle: nltk.lm with the same add-k smoothing ------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 4),
    k=st.sampled_from([0.01, 0.5, 1.0]),
    seed=st.integers(0, 2**31 - 1),
    lambdas=st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4),
)
def test_add_k_interpolation_equals_nltk_lm(n, k, seed, lambdas):
    """Each order is nltk.lm.Lidstone(k); the mixture is their lambda-weighted sum.

    NLTK's vocabulary adds <UNK>, so its add-k denominator uses V + 1: our vocabulary gets one id
    (V) that never occurs, playing <UNK>. Compared where every order has its full context (t >= n-1).
    """
    from nltk.lm import Lidstone
    from nltk.lm.vocabulary import Vocabulary
    from nltk.util import everygrams

    rng = np.random.default_rng(seed)
    train, test = (
        rng.integers(0, V, 80).tolist(),
        rng.integers(0, V, 25).tolist(),
    )
    words = lambda ids: [str(i) for i in ids]  # noqa: E731 (nltk's vocabulary looks up strings)
    vocab = Vocabulary(words(range(V)))
    orders = []
    for m in range(1, n + 1):
        lm = Lidstone(k, m, vocabulary=vocab)
        lm.fit([list(everygrams(words(train), max_len=m))])
        orders.append(lm)
    weights = np.array(lambdas[:n]) / sum(lambdas[:n])
    ours = NGramLM(
        n, vocab_size=len(vocab), k=k, lambdas=weights.tolist()
    ).fit(train)
    p = np.exp(
        ours.token_log_probs(test).numpy()
    )  # (N-1,): p(test[t] | ...) for t = 1..N-1
    start = max(n - 1, 1)
    theirs = [
        sum(
            w * lm.score(str(test[t]), words(test[t - m + 1 : t]))
            for m, (w, lm) in enumerate(
                zip(weights, orders, strict=True), start=1
            )
        )
        for t in range(start, len(test))
    ]
    np.testing.assert_allclose(p[start - 1 :], theirs, rtol=1e-12)
    pure = NGramLM(
        n, vocab_size=len(vocab), k=k, lambdas=[0.0] * (n - 1) + [1.0]
    ).fit(train)
    nll = -sum(
        math.log(
            orders[-1].score(str(test[t]), words(test[t - n + 1 : t]))
        )
        for t in range(start, len(test))
    )
    assert -float(
        pure.token_log_probs(test)[start - 1 :].sum()
    ) == pytest.approx(nll, rel=1e-12)
