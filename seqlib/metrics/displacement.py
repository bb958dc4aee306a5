r"""Trajectory forecasting errors: average and final displacement error (ADE, FDE), and best of K.

A trajectory forecaster predicts positions :math:`\hat p_{n,t} \in \mathbb R^D` for
:math:`t = 1..T` future steps of :math:`N` agents. The errors are Euclidean distances per step:

.. math:: \mathrm{ADE} = \frac{1}{NT}\sum_{n,t}\|\hat p_{n,t}-p_{n,t}\|_2, \qquad
          \mathrm{FDE} = \frac1N\sum_n\|\hat p_{n,T}-p_{n,T}\|_2

(Alahi et al. 2016, Social LSTM; Pellegrini et al. 2009). A multimodal forecaster gives
:math:`K` samples per agent; the *best-of-K* variants minADE\ :sub:`K` / minFDE\ :sub:`K`
(Gupta et al. 2018, Social GAN) keep the sample closest to the truth per agent, each measure
choosing its own best sample. Convention traps: the norm is the Euclidean distance, not its
square (an "MSE" of positions is a different number); best-of-K rewards spraying samples, so
report K; some benchmarks (Argoverse) report the ADE of the sample with the best FDE instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._numbers import numbers
from .registry import metric

__all__ = ["ade", "fde"]


def _distances(
    target: Any, prediction: Any, last: bool = False
) -> np.ndarray:
    """Per-step Euclidean distances, ``(N, T)`` or ``(N, K, T)`` for K samples per agent (T = 1 if ``last``)."""
    y = numbers(target, "target", ndim=3)  # (N, T, D)
    p = numbers(
        prediction, "prediction", ndim=(3, 4)
    )  # (N, T, D) or (N, K, T, D)
    if p.ndim == 3 and p.shape != y.shape:
        raise ValueError(
            f"prediction must have the shape of target (N, T, D) = {y.shape}, or (N, K, T, D) "
            f"for K samples, got {p.shape}"
        )
    if p.ndim == 4 and (p.shape[0], *p.shape[2:]) != y.shape:
        raise ValueError(
            f"prediction with K samples must have shape (N, K, T, D) = ({y.shape[0]}, K, "
            f"{y.shape[1]}, {y.shape[2]}), got {p.shape}"
        )
    if last:
        y, p = (
            y[..., -1:, :],
            p[..., -1:, :],
        )  # (N, 1, D), (N, 1, D) or (N, K, 1, D): the final step only
    if p.ndim == 4:
        y = y[:, None]  # (N, 1, T, D)
    diff = p - y  # (N, T, D) or (N, K, T, D)
    if diff.shape[-1] <= 8:  # positions: 2-3 coordinates, one pass each
        squared = sum(diff[..., k] ** 2 for k in range(diff.shape[-1]))
        return np.sqrt(squared)  # (N, T) or (N, K, T)
    return np.sqrt(
        np.einsum("...d,...d->...", diff, diff)
    )  # (N, T) or (N, K, T)


@metric(
    task="trajectories",
    formula=r"\frac{1}{NT}\sum_{n=1}^{N}\sum_{t=1}^{T}\|\hat p_{n,t}-p_{n,t}\|_2",
    meaning="The mean Euclidean distance between predicted and true positions, over agents and future steps.",
    use_when="Trajectory forecasting (pedestrians, vehicles, agents), in the positions' units, beside FDE.",
    hides="Averages away where the error happens (late errors matter more); best-of-K rewards many diverse samples.",
    range="[0, inf)",
    higher_is_better=False,
    reference="the definition (Alahi et al. 2016), in numpy; minADE_K as Gupta et al. 2018",
    options=(
        "prediction of shape (N, K, T, D): K samples per agent, scored by the best one (minADE_K)",
    ),
)
def ade(target: Any, prediction: Any) -> float:
    r"""Average displacement error :math:`\frac{1}{NT}\sum_{n,t}\|\hat p_{n,t}-p_{n,t}\|_2`.

    ``target`` is ``(N, T, D)`` (N agents, T future steps, D coordinates); ``prediction`` is
    the same shape, or ``(N, K, T, D)`` for K samples per agent, which gives the best-of-K
    minADE\ :sub:`K` (each agent's sample with the smallest ADE, then the mean over agents).
    In the positions' units; lower is better. NaN/inf, strings and mismatched shapes are refused.

    >>> ade([[[0, 0], [1, 0], [2, 0]]], [[[0, 0], [1, 1], [2, 2]]])  # (0 + 1 + 2) / 3
    1.0
    """
    d = _distances(target, prediction)  # (N, T) or (N, K, T)
    per_agent = d.mean(-1) if d.ndim == 2 else d.mean(-1).min(-1)  # (N,)
    return float(per_agent.mean())


@metric(
    task="trajectories",
    formula=r"\frac1N\sum_{n=1}^{N}\|\hat p_{n,T}-p_{n,T}\|_2",
    meaning="The mean Euclidean distance between predicted and true positions at the last forecast step.",
    use_when="Trajectory forecasting, when where the agent ends up matters (goals, collisions), beside ADE.",
    hides="Ignores the path between now and the end; grows with the horizon T, so compare equal horizons only.",
    range="[0, inf)",
    higher_is_better=False,
    reference="the definition (Alahi et al. 2016), in numpy; minFDE_K as Gupta et al. 2018",
    options=(
        "prediction of shape (N, K, T, D): K samples per agent, scored by the best one (minFDE_K)",
    ),
)
def fde(target: Any, prediction: Any) -> float:
    r"""Final displacement error :math:`\frac1N\sum_n\|\hat p_{n,T}-p_{n,T}\|_2`, at the last step.

    Shapes as :func:`ade`; with ``(N, K, T, D)`` predictions it is minFDE\ :sub:`K`, each agent
    scored by its sample that ends closest (which need not be its best sample for ADE).

    >>> fde([[[0, 0], [1, 0], [2, 0]]], [[[0, 0], [1, 1], [2, 2]]])
    2.0
    """
    d = _distances(target, prediction, last=True)[
        ..., -1
    ]  # (N,) or (N, K)
    return float((d if d.ndim == 1 else d.min(-1)).mean())
