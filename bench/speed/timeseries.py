"""Speed cases: forecasting metrics (seqlib.metrics.timeseries, .probabilistic, .intervals)."""

from __future__ import annotations

import numpy as np


def rows(rng):
    import pandas as pd
    import properscoring
    import scoringrules
    from utilsforecast.losses import mase as uf_mase

    obs = rng.normal(size=100_000)  # (1e5,)
    ens = rng.normal(
        size=(100_000, 50)
    )  # (1e5, 50) members on the last axis
    weights = rng.random(size=(100_000, 50))  # (1e5, 50)
    y = rng.normal(size=1_000_000)  # (1e6,) observations
    mu = y + rng.normal(size=1_000_000)  # (1e6,) forecast means
    sd = (
        rng.random(1_000_000) + 0.1
    )  # (1e6,) forecast standard deviations
    lower, upper = (
        mu - 1.28 * sd,
        mu + 1.28 * sd,
    )  # (1e6,) central 80 % intervals
    target_mv = rng.normal(size=(10_000, 3))  # (1e4, D=3)
    ens_mv = rng.normal(size=(10_000, 50, 3))  # (1e4, M=50, D=3)

    # MASE: 1000 hourly series, four weeks of training, a day-ahead forecast, season 24
    n_series, n_train, horizon = 1_000, 672, 24
    train = rng.normal(size=(n_train, n_series)).cumsum(0)  # (T, S)
    target = train[-horizon:] + rng.normal(
        size=(horizon, n_series)
    )  # (H, S)
    forecast = target + rng.normal(size=(horizon, n_series))  # (H, S)
    ids = np.arange(n_series)
    train_df = pd.DataFrame(
        {
            "unique_id": np.tile(ids, n_train),
            "ds": np.repeat(np.arange(n_train), n_series),
            "y": train.ravel(),
        }
    )
    test_df = pd.DataFrame(
        {
            "unique_id": np.tile(ids, horizon),
            "ds": np.repeat(np.arange(horizon) + n_train, n_series),
            "y": target.ravel(),
            "model": forecast.ravel(),
        }
    )

    return [
        (
            "CRPS, 1e5 x 50 ensemble",
            "timeseries",
            "crps_ensemble",
            lambda f: np.mean(f(obs, ens)),
            lambda: np.mean(properscoring.crps_ensemble(obs, ens)),
            "properscoring.crps_ensemble",
        ),
        (
            "CRPS, weighted members, 1e5 x 50",
            "timeseries",
            "crps_ensemble",
            lambda f: np.mean(f(obs, ens, weights=weights)),
            lambda: np.mean(
                properscoring.crps_ensemble(obs, ens, weights)
            ),
            "properscoring.crps_ensemble(weights)",
        ),
        (
            "CRPS Gaussian, 1e6",
            "timeseries",
            "crps_gaussian",
            lambda f: np.mean(f(y, mu, sd)),
            lambda: np.mean(scoringrules.crps_normal(y, mu, sd)),
            "scoringrules.crps_normal",
        ),
        (
            "MASE, 1000 series x 24 h, season 24",
            "timeseries",
            "mase",
            lambda f: f(target, forecast, train, 24),
            lambda: float(
                uf_mase(test_df, ["model"], 24, train_df)["model"].mean()
            ),
            "utilsforecast.losses.mase",
        ),
        (
            "interval coverage, 1e6",
            "intervals",
            "interval_coverage",
            lambda f: f(y, lower, upper),
            lambda: float(np.mean((lower <= y) & (y <= upper))),
            "numpy expression",
        ),
        (
            "interval score, 1e6",
            "intervals",
            "interval_score",
            lambda f: np.mean(f(y, lower, upper, 0.2)),
            lambda: np.mean(
                scoringrules.interval_score(y, lower, upper, 0.2)
            ),
            "scoringrules.interval_score",
        ),
        (
            "Gaussian log score, 1e6",
            "probabilistic",
            "gaussian_log_score",
            lambda f: np.mean(f(y, mu, sd)),
            lambda: np.mean(scoringrules.logs_normal(y, mu, sd)),
            "scoringrules.logs_normal",
        ),
        (
            "energy score, 1e4 x 50 x 3",
            "probabilistic",
            "energy_score",
            lambda f: np.mean(f(target_mv, ens_mv)),
            lambda: np.mean(scoringrules.es_ensemble(target_mv, ens_mv)),
            "scoringrules.es_ensemble",
        ),
    ]
