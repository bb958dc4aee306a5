"""ADE/FDE (seqlib.metrics.displacement) and both Fréchet distances (seqlib.metrics.frechet).

References: hand-computed vectors for ADE/FDE and minADE/minFDE (Gupta et al. 2018); the
discrete Fréchet distance against similaritymeasures 1.5.0 (``frechet_dist``); the Fréchet
distance between Gaussians against its closed form for diagonal covariances and against an
independent ``scipy.linalg.sqrtm`` computation (pytorch-fid's). Random inputs against the
references: tests/test_metrics_parity.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import similaritymeasures

from seqlib.metrics import ade, discrete_frechet, fde, frechet_distance


def test_ade_fde_hand_vectors_and_best_of_k():
    truth = [
        [[0, 0], [1, 0], [2, 0]],
        [[0, 0], [0, 1], [0, 2]],
    ]  # (N=2, T=3, D=2)
    guess = [
        [[0, 0], [1, 1], [2, 2]],
        [[0, 0], [0, 1], [3, 6]],
    ]  # errors 0, 1, 2 and 0, 0, 5
    assert ade(truth, guess) == pytest.approx((0 + 1 + 2 + 0 + 0 + 5) / 6)
    assert fde(truth, guess) == pytest.approx((2 + 5) / 2)
    assert ade(truth, truth) == 0.0 and fde(truth, truth) == 0.0
    samples = np.stack(
        [np.array(guess, float), np.array(truth, float) + [0.0, 3.0]],
        axis=1,
    )  # (N, K=2, T, D)
    # agent 0: ADE 1 (sample 0) or 3 (sample 1); FDE 2 or 3 -> min 1 and 2
    # agent 1: ADE 5/3 or 3; FDE 5 or 3 -> min 5/3 and 3 (each measure picks its own sample)
    assert ade(truth, samples) == pytest.approx((1 + 5 / 3) / 2)
    assert fde(truth, samples) == pytest.approx((2 + 3) / 2)
    one = [[[1.0, 2.0, 3.0]]]  # a single agent, a single step, D = 3
    assert (
        ade(one, [[[1.0, 2.0, 5.0]]])
        == 2.0
        == fde(one, [[[1.0, 2.0, 5.0]]])
    )


def test_ade_fde_refuse_by_name():
    with pytest.raises(ValueError, match="target must have 3 dimension"):
        ade([[0.0, 1.0]], [[0.0, 1.0]])
    with pytest.raises(
        ValueError,
        match=r"prediction must have the shape of target \(N, T, D\)",
    ):
        ade(np.zeros((2, 3, 2)), np.zeros((2, 4, 2)))
    with pytest.raises(
        ValueError,
        match=r"prediction with K samples must have shape \(N, K, T, D\)",
    ):
        fde(np.zeros((2, 3, 2)), np.zeros((2, 5, 4, 2)))
    with pytest.raises(
        ValueError, match="prediction must be finite, got NaN"
    ):
        fde(np.zeros((1, 1, 2)), np.full((1, 1, 2), np.nan))
    with pytest.raises(
        ValueError,
        match="target must be an array of real numbers .*got None",
    ):
        ade(None, np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="target is empty"):
        ade(np.zeros((0, 3, 2)), np.zeros((0, 3, 2)))


def test_discrete_frechet_vectors_and_similaritymeasures():
    assert (
        discrete_frechet(
            [[0, 0], [1, 0], [2, 0]], [[0, 1], [1, 1], [2, 1]]
        )
        == 1.0
    )
    assert discrete_frechet([0, 1, 2, 3], [0, 3]) == 1.0
    assert (
        discrete_frechet([[0.0, 0.0]], [[3.0, 4.0]]) == 5.0
    )  # single points
    assert discrete_frechet([[0.0, 0.0]], [[3.0, 4.0]], p=1) == 7.0
    rng = np.random.default_rng(0)
    for n, m, d in ((1, 5, 2), (7, 3, 1), (20, 31, 3), (2, 2, 2)):
        a, b = rng.normal(size=(n, d)), rng.normal(size=(m, d))
        for p in (1, 2, 3.5, np.inf):
            assert discrete_frechet(a, b, p=p) == pytest.approx(
                similaritymeasures.frechet_dist(a, b, p=p), rel=1e-12
            )
        assert discrete_frechet(a, b) == discrete_frechet(
            b, a
        )  # symmetric
    a, b, c = (rng.normal(size=(9, 2)) for _ in range(3))
    assert (
        discrete_frechet(a, c)
        <= discrete_frechet(a, b) + discrete_frechet(b, c) + 1e-12
    )  # a metric, unlike DTW
    ties = np.zeros((4, 2))  # all points equal
    assert discrete_frechet(ties, ties[:2]) == 0.0
    with pytest.raises(
        ValueError, match="a and b must have the same dimension D"
    ):
        discrete_frechet(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="p must be a number >= 1"):
        discrete_frechet([0.0], [1.0], p=0.5)
    with pytest.raises(
        ValueError, match="b must be finite, got infinite"
    ):
        discrete_frechet([0.0], [np.inf])
    with pytest.raises(
        ValueError, match="a must be an array of real numbers .*got a str"
    ):
        discrete_frechet("abc", [1.0])


def _fid_sqrtm(x, y):
    """pytorch-fid's computation: scipy sqrtm of the covariance product, its real part."""
    mu_x, mu_y = x.mean(0), y.mean(0)
    cov_x, cov_y = (
        np.atleast_2d(np.cov(x, rowvar=False)),
        np.atleast_2d(np.cov(y, rowvar=False)),
    )
    return float(
        ((mu_x - mu_y) ** 2).sum()
        + np.trace(
            cov_x + cov_y - 2 * scipy.linalg.sqrtm(cov_x @ cov_y).real
        )
    )


def test_frechet_distance_closed_form_and_sqrtm():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3)) * [1.0, 2.0, 0.5]
    y = rng.normal(size=(300, 3)) * [1.5, 1.0, 0.5] + [1.0, 0.0, -2.0]
    assert frechet_distance(x, y) == pytest.approx(
        _fid_sqrtm(x, y), rel=1e-9
    )
    # diagonal covariances: ||mu1 - mu2||^2 + sum_k (sigma1_k - sigma2_k)^2
    dx = np.array(
        [[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [2.0, 4.0]]
    )  # variances 4/3 and 16/3, covariance 0
    dy = dx * [3.0, 1.0] + [1.0, 1.0]
    sx, sy = dx.std(0, ddof=1), dy.std(0, ddof=1)
    closed = ((dx.mean(0) - dy.mean(0)) ** 2).sum() + (
        (sx - sy) ** 2
    ).sum()
    assert frechet_distance(dx, dy) == pytest.approx(closed, rel=1e-12)
    sx0, sy0 = dx.std(0), dy.std(0)  # ddof=0: divide by N
    assert frechet_distance(dx, dy, ddof=0) == pytest.approx(
        ((dx.mean(0) - dy.mean(0)) ** 2).sum() + ((sx0 - sy0) ** 2).sum(),
        rel=1e-12,
    )
    assert frechet_distance(x, x) == pytest.approx(
        0.0, abs=1e-9
    )  # identical sets
    a1, b1 = (
        rng.normal(0, 1, size=(200_000, 1)),
        rng.normal(1, 2, size=(200_000, 1)),
    )
    assert frechet_distance(a1, b1) == pytest.approx(
        2.0, abs=0.02
    )  # 1-D: (0 - 1)^2 + (1 - 2)^2
    few = (
        rng.normal(size=(5, 8)),
        rng.normal(size=(6, 8)),
    )  # N < D: singular covariances, sqrtm is inexact
    assert frechet_distance(*few) == pytest.approx(
        _fid_sqrtm(*few), rel=1e-6
    )


def test_frechet_distance_refuses_by_name():
    with pytest.raises(
        ValueError,
        match="features_a and features_b must have the same dimension D",
    ):
        frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(
        ValueError, match="features_b needs more than ddof = 1 rows"
    ):
        frechet_distance(np.zeros((5, 2)), np.zeros((1, 2)))
    with pytest.raises(
        ValueError, match="features_a must have 2 dimension"
    ):
        frechet_distance(np.zeros(5), np.zeros((5, 1)))
    with pytest.raises(
        ValueError, match="ddof must be an int in 0..1, got 2"
    ):
        frechet_distance(np.zeros((5, 2)), np.zeros((5, 2)), ddof=2)
    assert (
        frechet_distance(np.zeros((5, 2)), np.ones((5, 2))) == 2.0
    )  # zero-variance sets: the means only
