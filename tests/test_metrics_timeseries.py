"""Parity tests for seqlib.metrics.timeseries, metric-reference.md §5.

References: scikit-learn 1.9 (MAE, RMSE, MAPE, R², pinball), properscoring 0.1 and
scoringrules 0.10 (CRPS). sMAPE has no sklearn call; it is checked against its M4 formula.
"""

from __future__ import annotations

import numpy as np
import properscoring as ps
import pytest
import scoringrules as sr
import sklearn.metrics as skm
import torch

from seqlib.metrics.timeseries import (
    crps_ensemble,
    crps_gaussian,
    mae,
    mape,
    pinball_loss,
    r2_score,
    rmse,
    smape,
)

RTOL = 1e-6
Y = [3, -0.5, 2, 7, 0]
P = [2.5, 0.0, 2, 8, 0.5]


def test_point_worked_vectors():
    assert mae(Y, P) == pytest.approx(0.5)
    assert rmse(Y, P) == pytest.approx(0.591608, abs=1e-6)
    assert smape(Y, P) == pytest.approx(86.303030, abs=1e-6)
    for alpha, value in [(0.1, 0.37), (0.5, 0.25), (0.9, 0.13)]:
        assert pinball_loss(Y, P, alpha=alpha) == pytest.approx(value)
    assert r2_score(Y, P) == pytest.approx(0.951117, abs=1e-6)
    assert r2_score(Y, P) != pytest.approx(
        np.corrcoef(Y, P)[0, 1] ** 2
    )  # 0.970283: not the squared correlation
    for fn in (mae, rmse, smape, r2_score, pinball_loss):
        assert type(fn(Y, P)) is float


def test_mape_is_a_fraction_and_undefined_at_zero():
    y, p = [1.0, 2.0, 4.0, -5.0], [1.1, 1.8, 4.0, -4.0]
    assert mape(y, p) == pytest.approx(
        skm.mean_absolute_percentage_error(y, p), rel=RTOL
    )
    assert mape(y, p) < 1  # 0.1 means 10 %
    with pytest.raises(
        ValueError, match="undefined where the target is 0"
    ):
        mape(Y, P)  # sklearn returns 4.5e14 here


def test_smape_conventions():
    assert (
        smape([0.0, 1.0], [0.0, 1.0]) == 0.0
    )  # 0/0 counts as a perfect forecast
    assert smape([1.0], [0.0]) == pytest.approx(
        200.0
    )  # the top of the 0-200 % range
    assert smape([1.0, 2.0], [-1.0, 2.0]) == pytest.approx(100.0)


def test_multioutput_vectors():
    Y2, P2 = [[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]]
    assert r2_score(Y2, P2) == pytest.approx(0.936801, abs=1e-6)
    assert r2_score(
        Y2, P2, multioutput="variance_weighted"
    ) == pytest.approx(0.938257, abs=1e-6)
    for ours, theirs in [
        (mae, skm.mean_absolute_error),
        (rmse, skm.root_mean_squared_error),
        (r2_score, skm.r2_score),
    ]:
        for mo in ("uniform_average", "raw_values"):
            np.testing.assert_allclose(
                ours(Y2, P2, multioutput=mo),
                theirs(Y2, P2, multioutput=mo),
                rtol=RTOL,
            )
    np.testing.assert_allclose(
        pinball_loss(Y2, P2, 0.3, multioutput="raw_values"),
        skm.mean_pinball_loss(
            Y2, P2, alpha=0.3, multioutput="raw_values"
        ),
        rtol=RTOL,
    )
    assert smape(Y2, P2) == pytest.approx(
        np.mean(
            [
                smape(np.array(Y2)[:, d], np.array(P2)[:, d])
                for d in range(2)
            ]
        )
    )


def test_r2_constant_target():
    # sklearn's force_finite=True: perfect -> 1.0, imperfect -> 0.0 (the formula gives nan / -inf)
    assert (
        r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0])
        == skm.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0])
        == 1.0
    )
    assert (
        r2_score([2.0, 2.0, 2.0], [2.0, 2.5, 2.0])
        == skm.r2_score([2.0, 2.0, 2.0], [2.0, 2.5, 2.0])
        == 0.0
    )
    Y2, P2 = (
        [[1.0, 3.0], [1.0, 4.0], [1.0, 5.0]],
        [[1.0, 3.0], [2.0, 4.5], [1.0, 5.0]],
    )
    for mo in ("uniform_average", "variance_weighted", "raw_values"):
        np.testing.assert_allclose(
            r2_score(Y2, P2, multioutput=mo),
            skm.r2_score(Y2, P2, multioutput=mo),
            rtol=RTOL,
        )
    const = [[1.0, 3.0], [1.0, 3.0]]
    assert r2_score(
        const, [[1.0, 3.0], [1.0, 2.0]], multioutput="variance_weighted"
    ) == skm.r2_score(
        const, [[1.0, 3.0], [1.0, 2.0]], multioutput="variance_weighted"
    )


def test_inputs_lists_arrays_tensors():
    for y, p in [
        (Y, P),
        (np.array(Y), np.array(P)),
        (torch.tensor(Y), torch.tensor(P)),
        (
            torch.tensor(Y, dtype=torch.float32),
            torch.tensor(P, dtype=torch.float32),
        ),
    ]:
        assert mae(y, p) == pytest.approx(0.5)
        assert r2_score(y, p) == pytest.approx(0.951117, abs=1e-6)
    obs, ens = (
        torch.tensor([0.3, 2.0]),
        torch.tensor([[0, 0.5, 1, -0.2], [1, 1.5, 1.2, 3]]),
    )
    np.testing.assert_allclose(
        crps_ensemble(obs, ens), [0.16875, 0.43125], rtol=1e-6
    )


def test_point_validation():
    with pytest.raises(ValueError, match="same shape"):
        mae([1.0, 2.0], [1.0])
    with pytest.raises(
        ValueError, match="target must be finite, got NaN"
    ):
        rmse([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(
        ValueError, match="prediction must be finite, got infinite"
    ):
        smape([1.0, 2.0], [np.inf, 2.0])
    with pytest.raises(ValueError, match="empty"):
        mae([], [])
    with pytest.raises(ValueError, match=r"\(N,\) or \(N, D\)"):
        mae(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        r2_score([1.0], [1.0])
    with pytest.raises(ValueError, match="alpha"):
        pinball_loss(Y, P, alpha=1.5)
    with pytest.raises(ValueError, match="multioutput"):
        mae(Y, P, multioutput="variance_weighted")
    with pytest.raises(ValueError, match="multioutput"):
        r2_score(Y, P, multioutput="mean")


# --- CRPS ---------------------------------------------------------------------------------------

OBS = [0.3, 2.0]
ENS = [[0, 0.5, 1, -0.2], [1, 1.5, 1.2, 3]]


def test_crps_worked_vectors():
    np.testing.assert_allclose(
        crps_ensemble(OBS, ENS), [0.16875, 0.43125], rtol=RTOL
    )
    np.testing.assert_allclose(
        crps_ensemble(OBS, ENS, fair=True), [0.083333333, 0.3], rtol=1e-6
    )
    np.testing.assert_allclose(
        crps_ensemble(OBS, ENS),
        ps.crps_ensemble(np.array(OBS), np.array(ENS)),
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        crps_ensemble(OBS, ENS, fair=True),
        sr.crps_ensemble(np.array(OBS), np.array(ENS), estimator="fair"),
        rtol=RTOL,
    )
    assert crps_gaussian(1.7, 0.5, 2.0) == pytest.approx(
        0.746312, abs=1e-6
    )
    assert crps_gaussian(1.7, 0.5, 0.0) == pytest.approx(
        1.2
    )  # a point forecast: the absolute error
    assert crps_gaussian(1.7, 0.5, 1e-9) == pytest.approx(1.2)
    assert crps_ensemble(1.0, [1.0]) == 0.0 and crps_ensemble(
        1.0, [3.0]
    ) == pytest.approx(2.0)  # one member: MAE
    assert (
        type(crps_ensemble(0.3, ENS[0])) is float
        and type(crps_gaussian(1.7, 0.5, 2.0)) is float
    )


def test_crps_ensemble_shapes():
    rng = np.random.default_rng(0)
    obs, ens = rng.normal(size=(3, 4)), rng.normal(size=(3, 4, 7))
    out = crps_ensemble(obs, ens)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out, ps.crps_ensemble(obs, ens), rtol=RTOL)
    ens_copy = ens.copy()
    crps_ensemble(obs, ens, fair=True)
    np.testing.assert_array_equal(
        ens, ens_copy
    )  # the input is not sorted in place


def test_crps_gaussian_random():
    rng = np.random.default_rng(1)
    x, mu, sig = (
        rng.normal(size=500) * 3,
        rng.normal(size=500),
        rng.uniform(0.01, 5, size=500),
    )
    np.testing.assert_allclose(
        crps_gaussian(x, mu, sig), ps.crps_gaussian(x, mu, sig), rtol=RTOL
    )
    np.testing.assert_allclose(
        crps_gaussian(x, mu, sig), sr.crps_normal(x, mu, sig), rtol=RTOL
    )
    np.testing.assert_allclose(
        crps_gaussian(x, 0.0, 1.0),
        ps.crps_gaussian(x, 0.0, 1.0),
        rtol=RTOL,
    )  # broadcasting


def test_crps_validation():
    with pytest.raises(ValueError, match=r"obs.shape \+ \(M,\)"):
        crps_ensemble([0.3, 2.0], [[0, 1]])
    np.testing.assert_allclose(
        crps_ensemble([0.3, 2.0], [0.0, 1.0]), [0.3, 1.0]
    )  # shaped like obs: a point
    # forecast, the absolute error (properscoring's "deterministic" case)
    with pytest.raises(ValueError, match="at least 2 members"):
        crps_ensemble([0.3], [[1.0]], fair=True)
    with pytest.raises(
        ValueError, match="ensemble must be finite, got NaN"
    ):
        crps_ensemble([0.3], [[np.nan, 1.0]])
    with pytest.raises(ValueError, match="empty"):
        crps_ensemble([0.3], np.zeros((1, 0)))
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        crps_gaussian(1.0, 0.0, -1.0)
    with pytest.raises(ValueError, match="broadcast"):
        crps_gaussian([1.0, 2.0], [0.0, 0.0, 0.0], 1.0)


# --- MASE (utilsforecast 0.2.17 as the reference) ------------------------------------------------


def _utilsforecast_mase(target, prediction, train, season):
    """utilsforecast.losses.mase on long data frames built from (H, D) / (T, D) arrays, per series."""
    import pandas as pd
    from utilsforecast.losses import mase as uf_mase

    target, prediction, train = (
        np.asarray(a, dtype=float).reshape(len(a), -1)
        for a in (target, prediction, train)
    )
    n_train, n_series = train.shape
    train_df = pd.DataFrame(
        {
            "unique_id": np.tile(np.arange(n_series), n_train),
            "ds": np.repeat(np.arange(n_train), n_series),
            "y": train.ravel(),
        }
    )
    test_df = pd.DataFrame(
        {
            "unique_id": np.tile(np.arange(n_series), len(target)),
            "ds": np.repeat(np.arange(len(target)) + n_train, n_series),
            "y": target.ravel(),
            "model": prediction.ravel(),
        }
    )
    return (
        uf_mase(test_df, ["model"], season, train_df)
        .sort_values("unique_id")["model"]
        .to_numpy()
    )


def test_mase_worked_vector_and_utilsforecast():
    from seqlib.metrics import mase

    # train 1, 2, 4, 3: one-step naive errors 1, 2, 1 (mean 4/3); forecast errors 1, 0 (MAE 0.5)
    assert mase(
        [3.0, 5.0], [2.0, 5.0], [1.0, 2.0, 4.0, 3.0], season=1
    ) == pytest.approx(0.375)
    # season 2: seasonal differences 4 - 1 = 3, 3 - 2 = 1 (mean 2)
    assert mase(
        [3.0, 5.0], [2.0, 5.0], [1.0, 2.0, 4.0, 3.0], season=2
    ) == pytest.approx(0.25)
    rng = np.random.default_rng(3)
    train, target, pred = (
        rng.normal(size=(40, 3)),
        rng.normal(size=(6, 3)),
        rng.normal(size=(6, 3)),
    )
    for season in (1, 4, 12):
        expected = _utilsforecast_mase(target, pred, train, season)
        np.testing.assert_allclose(
            mase(target, pred, train, season, multioutput="raw_values"),
            expected,
            rtol=RTOL,
        )
        assert mase(target, pred, train, season) == pytest.approx(
            expected.mean(), rel=RTOL
        )
    assert (
        mase([0.0, 0.0], [0.0, 0.0], [0.0, 1.0, 0.0], season=1) == 0.0
    )  # zeros in target: fine (MAPE is not)


def test_mase_edges_are_refused_by_name():
    from seqlib.metrics import mase

    with pytest.raises(ValueError, match="zero denominator"):
        mase(
            [1.0], [2.0], [5.0, 5.0, 5.0], season=1
        )  # utilsforecast: inf
    with pytest.raises(ValueError, match="zero denominator"):
        mase(
            [1.0], [2.0], [1.0, 2.0, 1.0, 2.0], season=2
        )  # exactly periodic training series
    with pytest.raises(
        ValueError, match="train needs more than season = 24 observations"
    ):
        mase([1.0], [2.0], np.arange(24.0), season=24)
    with pytest.raises(
        ValueError, match="season must be an int >= 1, got 0"
    ):
        mase([1.0], [2.0], [1.0, 2.0], season=0)
    with pytest.raises(
        ValueError, match="season must be an int >= 1, got 1.0"
    ):
        mase([1.0], [2.0], [1.0, 2.0], season=1.0)
    with pytest.raises(
        ValueError, match="train must have one column per series"
    ):
        mase([[1.0, 2.0]], [[2.0, 2.0]], [[1.0], [2.0]], season=1)
    with pytest.raises(
        ValueError,
        match="train must be an array of real numbers .*got a str",
    ):
        mase([1.0], [2.0], "1 2 3", season=1)
    with pytest.raises(ValueError, match="train must be finite, got NaN"):
        mase([1.0], [2.0], [1.0, np.nan, 3.0], season=1)
    with pytest.raises(ValueError, match="target is empty"):
        mase([], [], [1.0, 2.0], season=1)


def test_point_metrics_refuse_strings():  # issue 17: "1" used to become 1.0
    with pytest.raises(
        ValueError,
        match="target must be an array of real numbers .*got strings such as '1'",
    ):
        mae(["1", "2"], [1.0, 2.0])
    with pytest.raises(
        ValueError,
        match="prediction must be an array of real numbers .*got booleans",
    ):
        rmse([1.0, 2.0], [True, False])
    with pytest.raises(
        ValueError, match=r"alpha must be in \[0, 1\], got '0.5'"
    ):
        pinball_loss([1.0], [1.0], alpha="0.5")
