"""Probabilistic forecast scores (seqlib.metrics.probabilistic): worked vectors, published cases, edges.

References: properscoring 0.1 (its own published tests in properscoring/tests/test_crps.py: the
15 toy ensembles and the 13 weighted ones are copied below as inputs and expected values),
scoringrules 0.10 (interval_score, logs_normal, es_ensemble). Random inputs against the
references: tests/test_metrics_parity.py.
"""

from __future__ import annotations

import numpy as np
import properscoring as ps
import pytest
import scoringrules as sr
import torch

from seqlib.metrics import (
    crps_ensemble,
    crps_gaussian,
    energy_score,
    gaussian_log_score,
    interval_coverage,
    interval_score,
)

# properscoring/tests/test_crps.py, TestCRPS.test_crps_toy_examples: (observation, ensemble, expected)
TOY = [
    (0, 0, 0.0),
    (0, 1, 1.0),
    (-1, 0, 1.0),
    (0, [-1], 1.0),
    (0, [0], 0.0),
    (0, [1], 1.0),
    (0, [0, 0], 0.0),
    (0, [0, 1], 0.25),
    (0, [1, 0], 0.25),
    (0, [1, 1], 1.0),
    (2, [0, 1], 1.25),
    (0, [-1, 1], 0.5),
    (0, [0, 0, 1], 1.0 / 9),
    (1, [0, 0, 1], 4.0 / 9),
    (0, [-1, 0, 0, 1], 1.0 / 8),
]
# ... TestCRPS.test_crps_weight_examples: (observation, ensemble, weights, expected)
WEIGHTED = [
    (1.0, [0, 2], [0.5, 0.5], 0.5),
    (1.0, [2, 0], [0.5, 0.5], 0.5),
    (1.0, [0, 2], [0.8, 0.2], 0.64 + 0.04),
    (1.5, [0, 2], [0.8, 0.2], 0.64 * 1.5 + 0.04 * 0.5),
    (1.0, [0, 3], [0.5, 0.5], 0.75),
    (1.0, [-1, 3], [0.5, 0.5], 1),
    (1.0, [0, 2], [1, 0], 1),
    (1.0, [0, 1, 2], [1.0 / 3, 1.0 / 3, 1.0 / 3], 2.0 / 9),
    (
        1.5,
        [0, 1, 2],
        [1.0 / 3, 1.0 / 3, 1.0 / 3],
        1.0 / 9 + 4.0 / 9 * 0.5 + 1.0 / 9 * 0.5,
    ),
    (-1.0, [0, 1, 2], [1.0 / 3, 1.0 / 3, 1.0 / 3], 1 + 1.0 / 9 + 4.0 / 9),
    (
        2.5,
        [0, 1, 2],
        [1.0 / 3, 1.0 / 3, 1.0 / 3],
        4.0 / 9 + 1.0 / 9 + 0.5 * 1,
    ),
    (1.0, [0, 1, 2, 3], [0.25, 0.25, 0.25, 0.25], 3.0 / 8),
    (
        1.5,
        [0, 1, 2, 3],
        [0.25, 0.25, 0.25, 0.25],
        1.0 / 16 + 0.5 * 4.0 / 16 + 0.5 * 4.0 / 16 + 1.0 / 16,
    ),
]


@pytest.mark.parametrize(("obs", "ensemble", "expected"), TOY)
def test_properscoring_published_toy_examples(obs, ensemble, expected):
    assert crps_ensemble(obs, ensemble) == pytest.approx(
        expected, abs=1e-12
    )


@pytest.mark.parametrize(
    ("obs", "ensemble", "weights", "expected"), WEIGHTED
)
def test_properscoring_published_weight_examples(
    obs, ensemble, weights, expected
):
    assert crps_ensemble(obs, ensemble, weights=weights) == pytest.approx(
        expected, abs=1e-12
    )
    assert crps_ensemble(
        obs, ensemble, weights=np.array(weights) * 7.0
    ) == pytest.approx(expected, abs=1e-12)


def test_properscoring_published_consistency_cases():
    rng = np.random.default_rng(1983)
    obs, forecasts = rng.normal(size=10), rng.normal(size=(10, 5))
    one_by_one = np.array(
        [crps_ensemble(o, f) for o, f in zip(obs, forecasts, strict=True)]
    )
    np.testing.assert_allclose(
        crps_ensemble(obs, forecasts), one_by_one
    )  # test_basic_consistency
    np.testing.assert_allclose(
        crps_ensemble(obs, forecasts.T, axis=0), one_by_one
    )
    np.testing.assert_allclose(crps_ensemble(obs, obs), np.zeros(10))
    vec = rng.random(100)  # test_crps_beyond_bounds
    assert crps_ensemble(-0.1, vec) == pytest.approx(
        0.1 + crps_ensemble(0, vec)
    )
    x = 0.37  # test_crps_degenerate_ensemble: a zero-variance ensemble scores the absolute error
    for delta in (-np.pi, 0.0, np.pi):
        assert crps_ensemble(x + delta, x * np.ones(10)) == pytest.approx(
            abs(delta)
        )
    for weights in (
        np.ones(10),
        0.1 * np.ones(10),
    ):  # test_weight_normalization
        assert crps_ensemble(
            x, vec[:10], weights=weights
        ) == pytest.approx(crps_ensemble(x, vec[:10]))
    with pytest.raises(
        ValueError, match="weights must have the shape of ensemble"
    ):
        crps_ensemble(x, vec[:10], weights=np.ones(5))


def test_crps_axis_and_weights_against_properscoring():
    rng = np.random.default_rng(0)
    obs, ens, w = (
        rng.normal(size=(4, 3)),
        rng.normal(size=(4, 3, 7)),
        rng.random((4, 3, 7)),
    )
    for axis in (0, 1, 2, -1, -2):
        e, ww = np.moveaxis(ens, -1, axis), np.moveaxis(w, -1, axis)
        np.testing.assert_allclose(
            crps_ensemble(obs, e, axis=axis),
            ps.crps_ensemble(obs, e, axis=axis),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            crps_ensemble(obs, e, weights=ww, axis=axis),
            ps.crps_ensemble(obs, e, ww, axis=axis),
            rtol=1e-12,
        )
    ties = [0.0, 0.0, 1.0, 1.0, 1.0]  # tied members, one zero weight
    assert crps_ensemble(
        0.5, ties, weights=[0.1, 0.5, 0.2, 0.0, 0.2]
    ) == pytest.approx(
        ps.crps_ensemble(
            0.5, np.array(ties), np.array([0.1, 0.5, 0.2, 0.0, 0.2])
        )
    )


def test_crps_refuses_nan_strings_and_bad_options():
    with pytest.raises(
        ValueError,
        match="obs must be an array of real numbers .*got a str '1'",
    ):
        crps_ensemble("1", ["1", "2"])  # issue 17: returned 0.25
    with pytest.raises(
        ValueError,
        match="ensemble must be an array of real numbers .*got strings such as '1'",
    ):
        crps_ensemble(1.0, ["1", "2"])
    with pytest.raises(ValueError, match="obs must be finite, got NaN"):
        crps_ensemble(np.nan, [1.0, 2.0])  # properscoring returns nan
    with pytest.raises(
        ValueError, match="ensemble must be finite, got NaN"
    ):
        crps_ensemble(
            0.0, [np.nan, 1.0]
        )  # properscoring skips the nan member (1.0)
    with pytest.raises(ValueError, match="weights must be >= 0"):
        crps_ensemble(0.0, [0.0, 1.0], weights=[-1.0, 2.0])
    with pytest.raises(ValueError, match="weights must not all be 0"):
        crps_ensemble(0.0, [0.0, 1.0], weights=[0.0, 0.0])
    with pytest.raises(
        ValueError,
        match="fair CRPS needs at least 2 members and no weights",
    ):
        crps_ensemble(0.0, [0.0, 1.0], fair=True, weights=[1.0, 1.0])
    with pytest.raises(
        ValueError, match="axis must index a dimension of ensemble"
    ):
        crps_ensemble([0.0], [[0.0, 1.0]], axis=2)
    with pytest.raises(ValueError, match="axis must be an int"):
        crps_ensemble([0.0], [[0.0, 1.0]], axis="0")
    with pytest.raises(
        ValueError, match="fair must be a bool, got 'yes'"
    ):
        crps_ensemble([0.0], [[0.0, 1.0]], fair="yes")
    with pytest.raises(ValueError, match="weights need an ensemble"):
        crps_ensemble([0.0], [1.0], weights=[1.0])
    assert crps_ensemble(
        torch.tensor([0.3]), torch.tensor([[0.0, 0.5, 1.0, -0.2]])
    )[0] == pytest.approx(0.16875)


def test_interval_worked_vectors_and_scoringrules_examples():
    assert interval_score(0.1, 0.0, 0.4, 0.5) == pytest.approx(
        float(sr.interval_score(0.1, 0.0, 0.4, 0.5))
    )  # 0.4
    y, lo, hi = [0.1, 0.2, 0.3], [0.0, 0.1, 0.2], [0.4, 0.3, 0.5]
    np.testing.assert_allclose(
        interval_score(y, lo, hi, alpha=0.5),
        sr.interval_score(np.array(y), np.array(lo), np.array(hi), 0.5),
    )
    assert interval_score(0.5, 0.0, 0.4, alpha=0.2) == pytest.approx(
        1.4
    )  # 0.4 + (2 / 0.2) * 0.1
    assert interval_score(-1.0, 0.0, 0.4, alpha=0.2) == pytest.approx(
        10.4
    )  # below: 0.4 + 10 * 1
    assert (
        interval_score(3.0, 3.0, 3.0, alpha=0.1) == 0.0
    )  # a point interval that hits
    assert interval_coverage(
        [0.1, 0.2, 0.6], [0.0, 0.1, 0.2], [0.4, 0.3, 0.5]
    ) == pytest.approx(2 / 3)
    assert (
        interval_coverage([0.0, 0.4], 0.0, 0.4) == 1.0
    )  # ends count as inside; scalars broadcast
    assert interval_coverage([5.0], [0.0], [0.4]) == 0.0  # a single item
    with pytest.raises(
        ValueError,
        match=r"lower must be <= upper, got lower 1.0 > upper 0.0",
    ):
        interval_score([0.5], [1.0], [0.0], alpha=0.2)
    with pytest.raises(
        ValueError, match=r"alpha must be in \(0, 1\), got 0"
    ):
        interval_score([0.5], [0.0], [1.0], alpha=0)
    with pytest.raises(
        ValueError, match="target, lower, upper must broadcast"
    ):
        interval_coverage([0.5, 0.1], [0.0, 0.0, 0.0], [1.0])
    with pytest.raises(ValueError, match="upper is empty"):
        interval_coverage([0.5], [0.0], [])
    with pytest.raises(
        ValueError, match="lower must be finite, got infinite"
    ):
        interval_coverage([0.5], [-np.inf], [1.0])


def test_gaussian_log_score_sign_and_references():
    assert gaussian_log_score(0.0, 0.4, 0.1) == pytest.approx(
        float(sr.logs_normal(0.0, 0.4, 0.1))
    )  # 6.616353
    assert gaussian_log_score(0.0, 0.0, 1.0) == pytest.approx(
        0.5 * np.log(2 * np.pi)
    )  # 0.918939 nats
    assert (
        gaussian_log_score(0.0, 0.0, 0.01) < 0
    )  # a sharp, correct forecast: density > 1
    rng = np.random.default_rng(0)
    y, mu, sd = (
        rng.normal(size=50),
        rng.normal(size=50),
        rng.random(50) + 0.05,
    )
    torch_nll = torch.nn.functional.gaussian_nll_loss(
        torch.tensor(mu),
        torch.tensor(y),
        torch.tensor(sd) ** 2,
        full=True,
        reduction="none",
    )
    np.testing.assert_allclose(
        gaussian_log_score(y, mu, sd), torch_nll.numpy(), rtol=1e-12
    )
    with pytest.raises(ValueError, match="std must be > 0"):
        gaussian_log_score([0.0], [0.0], [0.0])  # scoringrules: nan
    with pytest.raises(ValueError, match="mean must be finite, got NaN"):
        gaussian_log_score([0.0], [np.nan], [1.0])
    with pytest.raises(
        ValueError,
        match="target must be an array of real numbers .*got None",
    ):
        gaussian_log_score(None, 0.0, 1.0)


def test_energy_score_vectors_axes_and_crps_link():
    assert energy_score(
        [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]
    ) == pytest.approx(1 - np.sqrt(2) / 4)
    rng = np.random.default_rng(0)
    obs, ens = rng.normal(size=(6, 1)), rng.normal(size=(6, 9, 1))
    np.testing.assert_allclose(
        energy_score(obs, ens),
        crps_ensemble(obs[:, 0], ens[..., 0]),
        rtol=1e-12,
    )  # D = 1
    np.testing.assert_allclose(
        energy_score(obs, ens, estimator="fair"),
        crps_ensemble(obs[:, 0], ens[..., 0], fair=True),
        rtol=1e-12,
    )
    obs, ens = (
        rng.normal(size=(2, 3, 4)),
        rng.normal(size=(2, 3, 5, 4)),
    )  # any leading shape S
    np.testing.assert_allclose(
        energy_score(obs, ens), sr.es_ensemble(obs, ens), rtol=1e-12
    )
    assert (
        energy_score([1.0, 2.0], [[1.0, 2.0]]) == 0.0
    )  # one member on the target
    assert energy_score(
        [0.0, 0.0], [[3.0, 4.0], [3.0, 4.0]]
    ) == pytest.approx(5.0)  # zero-variance ensemble
    with pytest.raises(
        ValueError,
        match=r"ensemble must have shape target.shape\[:-1\] \+ \(M, D\)",
    ):
        energy_score(np.zeros((3, 2)), np.zeros((3, 4, 3)))
    with pytest.raises(
        ValueError, match="fair energy score needs at least 2 members"
    ):
        energy_score(
            np.zeros((3, 2)), np.zeros((3, 1, 2)), estimator="fair"
        )
    with pytest.raises(ValueError, match="estimator must be one of"):
        energy_score(
            np.zeros((3, 2)), np.zeros((3, 1, 2)), estimator="qd"
        )


def test_crps_gaussian_refuses_strings():
    with pytest.raises(
        ValueError, match="sigma must be an array of real numbers"
    ):
        crps_gaussian(0.0, 0.0, "1")
    assert crps_gaussian(1.7, 0.5, 0.0) == pytest.approx(
        1.2
    )  # sigma = 0: the absolute error
