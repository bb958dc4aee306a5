"""Tests for seqlib.metrics.rl against NumPy / SciPy / torch formulas (metric-reference.md §7)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import rl
from seqlib.metrics.rl import (
    average_return,
    discounted_returns,
    policy_entropy,
    success_rate,
)

RTOL = 1e-6
EPISODES = [[1, 0, 0, 1], [0, 0, 5], [1, 1]]


def test_worked_vector():
    assert average_return(EPISODES) == pytest.approx(3.0)
    assert np.std([sum(e) for e in EPISODES]) == pytest.approx(
        1.414214, abs=1e-6
    )
    np.testing.assert_allclose(
        [discounted_returns(e, 0.9)[0] for e in EPISODES],
        [1.729, 4.05, 1.9],
        rtol=RTOL,
    )
    assert average_return(EPISODES, gamma=0.9) == pytest.approx(
        2.559667, abs=1e-6
    )
    assert success_rate([True, False, True]) == pytest.approx(
        0.666667, abs=1e-6
    )
    h = policy_entropy(torch.tensor([[2, 1, 0.1], [0, 0, 0]]))
    np.testing.assert_allclose(h.numpy(), [0.846738, 1.098612], atol=1e-6)
    np.testing.assert_allclose(
        h.numpy() / np.log(2), [1.221585, 1.584963], atol=1e-6
    )
    assert (
        type(average_return(EPISODES)) is float
        and type(success_rate([1, 0])) is float
    )


@settings(max_examples=50, deadline=None)
@given(
    episodes=st.lists(
        st.lists(st.floats(-10, 10), min_size=1, max_size=12),
        min_size=1,
        max_size=6,
    ),
    gamma=st.floats(0, 1),
)
def test_discounted_returns_random(
    episodes, gamma
):  # average_return: tests/test_metrics_parity.py
    for ep in episodes:
        g = discounted_returns(ep, gamma)
        reward_to_go = [
            sum(r * gamma**k for k, r in enumerate(ep[t:]))
            for t in range(len(ep))
        ]
        np.testing.assert_allclose(g, reward_to_go, rtol=RTOL, atol=1e-9)


def test_entropy_masked_actions_and_single_row():
    logits = torch.tensor(
        [[0.0, 0.0, float("-inf")], [5.0, float("-inf"), float("-inf")]]
    )
    np.testing.assert_allclose(
        policy_entropy(logits).numpy(), [np.log(2), 0.0], atol=1e-12
    )
    assert policy_entropy([0.0, 0.0, 0.0, 0.0]) == pytest.approx(
        np.log(4)
    )
    assert type(policy_entropy(np.zeros(3))) is float


def test_validation():
    with pytest.raises(ValueError, match="gamma"):
        average_return(EPISODES, gamma=1.5)
    with pytest.raises(ValueError, match="gamma"):
        discounted_returns([1, 2], gamma=-0.1)
    with pytest.raises(ValueError, match="episodes is empty"):
        average_return([])
    with pytest.raises(ValueError, match=r"episodes\[1\] is empty"):
        average_return([[1], []])
    with pytest.raises(ValueError, match="NaN"):
        average_return([[1, np.nan]])
    with pytest.raises(ValueError, match="flags"):
        success_rate([0, 2, 1])
    with pytest.raises(ValueError, match="empty"):
        success_rate([])
    with pytest.raises(ValueError, match="NaN"):
        policy_entropy([[0.0, float("nan")]])
    with pytest.raises(ValueError, match=r"\+inf"):
        policy_entropy([[0.0, float("inf")]])
    with pytest.raises(ValueError, match="at least one finite"):
        policy_entropy([[float("-inf"), float("-inf")]])
    with pytest.raises(ValueError, match="shape"):
        policy_entropy(torch.zeros(2, 3, 4))


def test_docstring_examples_run():
    assert (
        doctest.testmod(
            rl, optionflags=doctest.NORMALIZE_WHITESPACE
        ).failed
        == 0
    )


def test_discounted_return_hand_vectors_and_link():
    from seqlib.metrics import discounted_return

    assert discounted_return([0, 0, 5], gamma=0.9) == pytest.approx(
        4.05
    )  # 0.9^2 * 5
    assert discounted_return([1, 0, 0, 1], gamma=0.9) == pytest.approx(
        1.729
    )  # 1 + 0.9^3
    assert discounted_return([1, 1], gamma=0.9) == pytest.approx(1.9)
    assert discounted_return([1, 0, 0, 1], gamma=1.0) == 2.0
    assert (
        discounted_return([3.0, 2.0], gamma=0.0) == 3.0
    )  # gamma 0: the first reward only
    assert discounted_return([], gamma=0.9) == 0.0  # an empty episode
    rng = np.random.default_rng(0)
    r = rng.normal(size=50)
    assert discounted_return(r, 0.97) == pytest.approx(
        discounted_returns(r, 0.97)[0], rel=1e-12
    )
    episodes = [[1, 0, 0, 1], [0, 0, 5], [1, 1]]
    assert np.mean(
        [discounted_return(e, 0.9) for e in episodes]
    ) == pytest.approx(average_return(episodes, 0.9))
    with pytest.raises(
        ValueError, match=r"gamma must be in \[0, 1\], got 1.5"
    ):
        discounted_return([1.0], 1.5)
    with pytest.raises(
        ValueError,
        match="rewards must be an array of real numbers .*got a str",
    ):
        discounted_return("101", 0.9)
    with pytest.raises(
        ValueError, match="rewards must be finite, got NaN"
    ):
        discounted_return([1.0, np.nan], 0.9)


def test_sample_efficiency_hand_vectors():
    from seqlib.metrics import sample_efficiency

    # trapezoid area of (0, 0), (100, .5), (200, 1), (300, 1) = 25 + 75 + 100 = 200 over a span of 300
    out = sample_efficiency(
        [0, 100, 200, 300], [0.0, 0.5, 1.0, 1.0], threshold=0.9
    )
    assert (
        out.normalized_auc == pytest.approx(2 / 3)
        and out.steps_to_threshold == 200.0
    )
    assert out.normalized_auc == pytest.approx(
        np.trapezoid([0.0, 0.5, 1.0, 1.0], [0, 100, 200, 300]) / 300
    )
    assert (
        sample_efficiency(
            [0, 10], [-100.0, 100.0], low=-100, high=100
        ).normalized_auc
        == 0.5
    )
    assert (
        sample_efficiency(
            [0, 10, 20], [0.0, 0.5, 0.7], threshold=0.9
        ).steps_to_threshold
        == np.inf
    )  # never
    assert np.isnan(
        sample_efficiency([0, 10], [0.0, 1.0]).steps_to_threshold
    )  # no threshold given
    assert sample_efficiency([5], [0.3], threshold=0.3) == (
        0.3,
        5.0,
    )  # a single point: its height
    # a fast learner that plateaus low vs a slow one that ends high: the two summaries disagree
    fast = sample_efficiency(
        [0, 1, 2, 3, 4], [0.0, 0.6, 0.6, 0.6, 0.6], threshold=0.8
    )
    slow = sample_efficiency(
        [0, 1, 2, 3, 4], [0.0, 0.0, 0.2, 0.9, 1.0], threshold=0.8
    )
    assert (
        fast.normalized_auc > slow.normalized_auc
        and fast.steps_to_threshold > slow.steps_to_threshold
    )
    with pytest.raises(ValueError, match="steps must increase strictly"):
        sample_efficiency([0, 10, 10], [0.0, 1.0, 1.0])
    with pytest.raises(
        ValueError,
        match="steps and scores must have the same length, got 2 and 3",
    ):
        sample_efficiency([0, 10], [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="low must be < high"):
        sample_efficiency([0, 10], [0.0, 1.0], low=1.0, high=1.0)
    with pytest.raises(ValueError, match="low and high go together"):
        sample_efficiency([0, 10], [0.0, 1.0], low=0.0)
    with pytest.raises(
        ValueError,
        match="threshold must be None or a finite number, got '0.5'",
    ):
        sample_efficiency([0, 10], [0.0, 1.0], threshold="0.5")
    with pytest.raises(ValueError, match="steps is empty"):
        sample_efficiency([], [])
