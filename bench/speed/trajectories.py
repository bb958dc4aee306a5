"""Speed cases: trajectory metrics (seqlib.metrics.trajectories, .displacement, .frechet)."""

from __future__ import annotations

import numpy as np


def rows(rng):
    import scipy.linalg
    import similaritymeasures
    from dtaidistance import dtw as dtai

    walk_a = rng.normal(size=2_000).cumsum()  # (2000,)
    walk_b = rng.normal(size=2_000).cumsum()  # (2000,)
    curve_a = rng.normal(size=(500, 2)).cumsum(0)  # (500, 2) a 2-D path
    curve_b = rng.normal(size=(400, 2)).cumsum(0)  # (400, 2)
    truth = rng.normal(size=(10_000, 12, 2)).cumsum(
        1
    )  # (N, T, D): 1e4 agents, 12 future steps (4.8 s at 2.5 Hz)
    guess = truth + rng.normal(scale=0.3, size=truth.shape)  # (N, T, D)
    feats_a = rng.normal(
        size=(5_000, 128)
    )  # (N, D): 128-d embeddings, as VGGish's for FAD
    feats_b = rng.normal(size=(5_000, 128)) * 1.1 + 0.1  # (M, D)

    def fid_sqrtm(
        x, y
    ):  # pytorch-fid's computation: scipy sqrtm of the covariance product, real part
        mu_x, mu_y = x.mean(0), y.mean(0)
        cov_x, cov_y = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
        root = scipy.linalg.sqrtm(cov_x @ cov_y).real
        return float(
            ((mu_x - mu_y) ** 2).sum()
            + np.trace(cov_x + cov_y - 2 * root)
        )

    return [
        (
            "DTW, 2000 x 2000",
            "trajectories",
            "dtw",
            lambda f: f(walk_a, walk_b),
            lambda: dtai.distance_fast(walk_a, walk_b),
            "dtaidistance.distance_fast",
        ),
        (
            "discrete Frechet, 500 x 400 (2-D)",
            "frechet",
            "discrete_frechet",
            lambda f: f(curve_a, curve_b),
            lambda: similaritymeasures.frechet_dist(curve_a, curve_b),
            "similaritymeasures.frechet_dist",
        ),
        (
            "Frechet distance, 5000 x 128",
            "frechet",
            "frechet_distance",
            lambda f: f(feats_a, feats_b),
            lambda: fid_sqrtm(feats_a, feats_b),
            "scipy.linalg.sqrtm formula",
        ),
        (
            "ADE, 1e4 x 12 x 2",
            "displacement",
            "ade",
            lambda f: f(truth, guess),
            lambda: float(np.linalg.norm(guess - truth, axis=-1).mean()),
            "numpy np.linalg.norm",
        ),
        (
            "FDE, 1e4 x 12 x 2",
            "displacement",
            "fde",
            lambda f: f(truth, guess),
            lambda: float(
                np.linalg.norm(
                    guess[:, -1] - truth[:, -1], axis=-1
                ).mean()
            ),
            "numpy np.linalg.norm",
        ),
    ]
