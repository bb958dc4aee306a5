r"""Probabilistic forecasts: CRPS (ensemble, Gaussian), the Gaussian log score, the energy score.

Each score compares a *distribution* (an ensemble, a mean and a standard deviation, an
interval) with the observation, and returns one score per observation, as properscoring and
scoringrules do (average them yourself, and say so). All are negatively oriented (lower is
better). Prediction intervals (coverage, interval score) are in :mod:`.intervals`.

Convention traps named in the docstrings: the CRPS and energy score of an ensemble have a
standard ("nrg") and a "fair" estimator; the log score here is the *negative* log density (in
nats, lower is better), as scoringrules' ``logs_normal`` with ``negative=True``.

NaN and infinity are refused everywhere (properscoring returns NaN for a NaN observation and
skips NaN members; scoringrules propagates NaN): drop missing values before scoring.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from seqlib import validate

from ._numbers import numbers
from .registry import metric

__all__ = [
    "crps_ensemble",
    "crps_gaussian",
    "gaussian_log_score",
    "energy_score",
]

_TASK = "forecasting"


def _broadcast(arrays: dict[str, np.ndarray]) -> list[np.ndarray]:
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        raise ValueError(
            f"{', '.join(arrays)} must broadcast to one shape, got {shapes}"
        ) from None


def _out(x: np.ndarray):
    return float(x) if x.ndim == 0 else x


_JITTED: dict = {}


def _jit(kernel, **options):
    """``kernel`` compiled by numba (imported on first use), or None.

    Numba is optional: each caller keeps a NumPy path for when it is
    missing. Compiled code is cached on disk (``cache=True``), so a new
    process does not compile again. ``options`` go to ``numba.njit``.
    """
    if kernel not in _JITTED:
        try:
            import numba
        except ImportError:
            _JITTED[kernel] = None
        else:
            try:  # cache=True needs a writable __pycache__ or user dir
                compiled = numba.njit(cache=True, **options)(kernel)
            except RuntimeError:  # numba: "no locator available"
                compiled = numba.njit(**options)(kernel)
            _JITTED[kernel] = compiled
    return _JITTED[kernel]


def _weighted_crps_rows(y, x, w, order, out) -> bool:
    """Weighted CRPS per row of ``x`` (N, M), members taken in ``order``.

    The sums of :func:`crps_ensemble`'s NumPy path, one row at a time
    (numba kernel). Returns False, leaving ``out`` unfinished, if a weight
    is < 0 or a row's weights sum to 0 (the caller raises).
    """
    n, m = x.shape
    for r in range(n):
        total = 0.0
        for k in range(m):
            if w[r, k] < 0.0:
                return False
            total += w[r, k]
        if total == 0.0:
            return False
        cum = 0.0  # W_<=i, normalised
        half = 0.0  # sum_i w_i x_(i) (W_<i - W_>i)
        err = 0.0  # sum_i w_i |x_i - y|
        for k in range(m):
            j = order[r, k]
            wk = w[r, j] / total
            cum += wk
            half += wk * x[r, j] * (2.0 * cum - wk - 1.0)
            err += wk * abs(x[r, j] - y[r])
        out[r] = err - half
    return True


@metric(
    task=_TASK,
    formula=r"\sum_i w_i|x_i-y|-\frac12\sum_{i,j}w_iw_j|x_i-x_j|,\ w_i=\frac1M",
    meaning="The distance between the ensemble's distribution and the observation; MAE for a single member.",
    use_when="Scoring probabilistic (ensemble or sample-based) forecasts with one number in the target's units.",
    hides="The standard estimator favours small ensembles' under-dispersion; use fair=True to compare ensemble sizes.",
    range="[0, inf)",
    higher_is_better=False,
    reference="properscoring.crps_ensemble; scoringrules.crps_ensemble(estimator='fair')",
    options=(
        "fair: divide the spread term by 2M(M-1), an unbiased estimate (scoringrules estimator='fair')",
        "weights: probability weight of each member, normalised to sum 1 (properscoring weights)",
        "axis: the ensemble-member axis of ensemble and weights (properscoring axis)",
    ),
)
def crps_ensemble(
    obs, ensemble, fair: bool = False, weights=None, axis: int = -1
):
    r"""CRPS of an ensemble forecast, one score per observation (lower is better).

    With members :math:`x_1..x_M` and weights :math:`w_i` (default :math:`1/M`; given weights
    are normalised to sum 1), the CRPS of the empirical distribution is
    :math:`\sum_i w_i|x_i-y| - \frac12\sum_{i,j}w_iw_j|x_i-x_j|`, in the target's units
    (``properscoring.crps_ensemble``, which integrates :math:`(F(z)-1[y\le z])^2` for the
    same weighted empirical CDF: the same number). ``fair=True`` divides the unweighted spread
    term by :math:`2M(M-1)` instead of :math:`2M^2`, an unbiased estimate of the CRPS of the
    distribution the members are drawn from (``scoringrules.crps_ensemble(...,
    estimator="fair")``; its default ``"qd"`` equals the standard one); it takes no weights.
    Sorting makes the pair sum linear: :math:`\frac12\sum_{i,j}w_iw_j|x_i-x_j| =
    \sum_i w_i x_{(i)}(W_{<i}-W_{>i})` with :math:`W` the weight below / above member
    :math:`i`, so the cost is :math:`O(M\log M)`.

    Args:
        obs: observations, shape ``S`` (any shape, a scalar included).
        ensemble: members on ``axis``, shape ``S + (M,)`` when ``axis=-1``. An ensemble of
            the same shape as ``obs`` is a one-member (deterministic) forecast: the absolute
            error, as in properscoring.
        fair: the unbiased ("fair") estimator; needs :math:`M\ge2`.
        weights: ``None`` or non-negative member weights of the ensemble's shape (properscoring's
            ``weights``); each observation's weights must not all be 0.
        axis: the member axis of ``ensemble`` and ``weights`` (properscoring's ``axis``).

    Returns a float for a scalar observation, else an array of shape ``S``.

    NaN and infinity are refused with a ``ValueError`` (properscoring instead scores a NaN
    observation NaN and skips NaN members): drop missing values first. Strings, ``None`` and
    booleans are refused by name (``crps_ensemble("1", ["1", "2"])`` raises).

    >>> crps_ensemble([0.3, 2.0], [[0, 0.5, 1, -0.2], [1, 1.5, 1.2, 3]]).round(6).tolist()
    [0.16875, 0.43125]
    >>> round(crps_ensemble(1.0, [0, 2], weights=[0.8, 0.2]), 6)  # properscoring's own test: 0.64 + 0.04
    0.68
    """
    y = numbers(obs, "obs")
    x = numbers(ensemble, "ensemble")
    if not isinstance(fair, (bool, np.bool_)):
        raise ValueError(f"fair must be a bool, got {fair!r}")
    axis = validate.integer(axis, "axis")
    w = None if weights is None else numbers(weights, "weights")
    if w is not None and w.shape != x.shape:
        raise ValueError(
            f"weights must have the shape of ensemble {x.shape}, got {w.shape}"
        )
    if (
        x.shape == y.shape and x.ndim == y.ndim
    ):  # one member per observation: a point forecast
        if w is not None:
            raise ValueError(
                "weights need an ensemble (members on axis); ensemble has the shape of obs, "
                f"{x.shape}: a point forecast"
            )
        if fair:
            raise ValueError(
                "the fair CRPS needs at least 2 members, got a point forecast (ensemble shaped like obs)"
            )
        return _out(np.abs(y - x))
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(
            f"axis must index a dimension of ensemble (shape {x.shape}), got {axis}"
        )
    x = np.moveaxis(x, axis, -1)  # (..., M)
    if x.shape[:-1] != y.shape:
        raise ValueError(
            f"ensemble must have shape obs.shape + (M,) on axis {axis}, i.e. {y.shape} + (M,), "
            f"got {np.moveaxis(numbers(ensemble, 'ensemble'), axis, -1).shape}"
        )
    m = x.shape[-1]
    if fair and (m < 2 or w is not None):
        raise ValueError(
            f"the fair CRPS needs at least 2 members and no weights, got {m} member(s)"
            f"{' and weights' if w is not None else ''}"
        )
    if w is None:
        x = np.sort(
            x, axis=-1
        )  # (..., M) a sorted copy, so the in-place steps below are safe
        rank_weight = 2.0 * np.arange(1, m + 1) - m - 1  # (M,) 2i - M - 1
        half_pair_sum = np.einsum(
            "...m,m->...", x, rank_weight
        )  # (...,) = 1/2 sum_ij |x_i - x_j|
        x -= y[..., None]  # (..., M) x_i - y
        np.abs(x, out=x)  # (..., M) |x_i - y|
        spread = half_pair_sum / (
            m * (m - 1) if fair else m * m
        )  # (...,)
        return _out(np.einsum("...m->...", x) / m - spread)  # (...,)
    w = np.moveaxis(w, axis, -1)  # (..., M)
    kernel = _jit(_weighted_crps_rows)
    if kernel is not None:  # numba: one pass per row over argsort's order
        rows = x.reshape(-1, m)  # (N, M)
        out = np.empty(rows.shape[0])  # (N,)
        order = np.argsort(rows, axis=-1)  # (N, M)
        if kernel(y.reshape(-1), rows, w.reshape(-1, m), order, out):
            return _out(out.reshape(y.shape))
    if np.any(w < 0):  # without numba, or to name a bad weight
        raise ValueError(
            f"weights must be >= 0 (probabilities up to a factor), got {w.min()}"
        )
    total = w.sum(axis=-1, keepdims=True)  # (..., 1)
    if np.any(total == 0):
        raise ValueError(
            f"weights must not all be 0 for an observation; {int((total == 0).sum())} observation(s) "
            "got weights summing to 0"
        )
    shape = y.shape
    x, w, y = (
        x.reshape(-1, m),
        w.reshape(-1, m),
        y.reshape(-1),
    )  # (N, M), (N, M), (N,)
    flat = np.argsort(x, axis=-1)  # (N, M) the sorting order of each row
    flat += (m * np.arange(len(x)))[:, None]  # as flat indices
    x = np.take(x.reshape(-1), flat)  # (N, M) sorted members
    w = np.take(w.reshape(-1), flat)  # (N, M) their weights
    w /= total.reshape(-1, 1)  # normalised to sum 1 per observation
    # 1/2 sum_ij w_i w_j |x_i - x_j| = sum_i w_i x_i (W_<i - W_>i), and W_<i - W_>i = 2 cumsum(w)_i - w_i - 1
    balance = np.cumsum(w, axis=-1)  # (N, M)
    balance *= 2.0
    balance -= w
    balance -= 1.0
    half_pair_sum = np.einsum("nm,nm,nm->n", w, x, balance)  # (N,)
    x -= y[:, None]  # (N, M) x_i - y
    np.abs(x, out=x)
    return _out(
        (np.einsum("nm,nm->n", w, x) - half_pair_sum).reshape(shape)
    )


@metric(
    task=_TASK,
    formula=r"\sigma\left[z(2\Phi(z)-1)+2\varphi(z)-\tfrac{1}{\sqrt\pi}\right],\ z=\tfrac{y-\mu}{\sigma}",
    meaning="The CRPS of a normal forecast, in closed form.",
    use_when="Models that output a mean and a standard deviation.",
    hides="Assumes the forecast really is Gaussian; rewards sharpness only when calibrated.",
    range="[0, inf)",
    higher_is_better=False,
    reference="properscoring.crps_gaussian; scoringrules.crps_normal",
)
def crps_gaussian(obs, mu, sigma):
    r"""CRPS of a Gaussian forecast :math:`N(\mu, \sigma^2)`, in closed form, per observation.

    :math:`\sigma\,[z(2\Phi(z)-1) + 2\varphi(z) - 1/\sqrt\pi]` with :math:`z=(y-\mu)/\sigma`
    (``properscoring.crps_gaussian``, ``scoringrules.crps_normal``). As :math:`\sigma\to0` it
    becomes :math:`|y-\mu|`, the absolute error of a point forecast; ``sigma=0`` returns that.
    Inputs broadcast; a float comes back when all are scalars. NaN/inf are refused.

    >>> round(crps_gaussian(1.7, 0.5, 2.0), 6)
    0.746312
    """
    y, mu_, sd = (
        numbers(v, name)
        for v, name in ((obs, "obs"), (mu, "mu"), (sigma, "sigma"))
    )
    if np.any(sd < 0):
        raise ValueError(
            f"sigma must be >= 0 (a standard deviation), got {sd.min()}"
        )
    y, mu_, sd = _broadcast({"obs": y, "mu": mu_, "sigma": sd})
    point = sd == 0
    z = np.divide(
        y - mu_, sd, out=np.zeros_like(y), where=~point
    )  # standardised error
    erf = torch.special.erf(
        torch.from_numpy(np.asarray(z / math.sqrt(2.0)))
    ).numpy()  # 2 Phi(z) - 1
    pdf = np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)  # phi(z)
    return _out(
        np.where(
            point,
            np.abs(y - mu_),
            sd * (z * erf + 2.0 * pdf - 1.0 / math.sqrt(math.pi)),
        )
    )


@metric(
    task=_TASK,
    formula=r"\tfrac12\log(2\pi\sigma^2)+\frac{(y-\mu)^2}{2\sigma^2}",
    meaning="The negative log density of the target under the forecast N(mu, sigma^2), in nats: a Gaussian NLL.",
    use_when="Models that output a mean and a standard deviation and are trained with the Gaussian NLL.",
    hides="Unbounded: one target far in the tail dominates the mean; sign conventions differ (some report the log density).",
    range="(-inf, inf)",
    higher_is_better=False,
    reference="scoringrules.logs_normal (negative=True)",
)
def gaussian_log_score(target, mean, std):
    r"""Logarithmic score of a Gaussian forecast, as a *negative* log density (nats), per observation.

    :math:`\mathrm{LS} = -\log\varphi_{\mu,\sigma}(y) = \tfrac12\log(2\pi\sigma^2) +
    \frac{(y-\mu)^2}{2\sigma^2}`: lower is better, and it can be negative (a sharp, correct
    forecast has a density above 1). It equals ``scoringrules.logs_normal(obs, mu, sigma)``
    (whose ``negative=True`` default is this sign) and PyTorch's
    ``F.gaussian_nll_loss(mean, target, std**2, full=True, reduction="none")`` for
    ``std >= 1e-3`` (PyTorch clamps the variance at ``eps=1e-6``). Add
    :math:`\log` of the data's scale to compare series in different units. Inputs broadcast;
    ``std`` must be > 0 (at 0 the density is a spike: scoringrules returns NaN); NaN/inf refused.
    Computed from the standardised error, so it stays finite far in the tail where scoringrules,
    taking the log of an underflowed density, returns inf (:math:`|z| \gtrsim 38.57`: 761.4 at z = 39).

    >>> round(gaussian_log_score(0.0, 0.4, 0.1), 6)  # scoringrules' docstring example
    6.616353
    """
    named = {"target": target, "mean": mean, "std": std}
    y, mu, sd = (
        numbers(v, name, finite=False) for name, v in named.items()
    )  # finiteness: checked once, below
    if np.any(sd <= 0):
        raise ValueError(
            f"std must be > 0 (a standard deviation; the log density is undefined at 0), got {sd.min()}"
        )
    y, mu, sd = _broadcast({"target": y, "mean": mu, "std": sd})
    score = np.asarray(np.subtract(y, mu))  # (...,)
    score /= sd  # standardised error z
    score *= score
    score *= 0.5
    score += np.log(sd)
    score += 0.5 * math.log(2.0 * math.pi)
    if (
        not np.isfinite(score).all()
    ):  # only a NaN or infinite input (or overflow) gets here: name it
        for name in named:
            numbers(named[name], name)
        raise ValueError(
            f"gaussian_log_score overflows: the standardised error is too large, got max |z| "
            f"{np.abs((y - mu) / sd).max():.3g}"
        )
    return _out(score)


@metric(
    task=_TASK,
    formula=r"\frac1M\sum_m\|x_m-y\|-\frac1{2M^2}\sum_{m,k}\|x_m-x_k\|",
    meaning="The CRPS generalised to vectors: how far a multivariate ensemble lies from the observed vector.",
    use_when="Scoring ensembles of multivariate forecasts (several series or horizons at once) with one number.",
    hides="Weak at detecting errors in the dependence between components; scale-dependent per component.",
    range="[0, inf)",
    higher_is_better=False,
    reference="scoringrules.es_ensemble",
    options=(
        "estimator: 'nrg' (all M^2 pairs, the default) or 'fair' (divide by M(M-1)) (scoringrules estimator)",
    ),
)
def energy_score(target, ensemble, estimator: str = "nrg"):
    r"""Energy score of a multivariate ensemble, one score per observation (lower is better).

    :math:`\mathrm{ES} = \frac1M\sum_m\|x_m-y\| - \frac{1}{2M^2}\sum_{m,k}\|x_m-x_k\|` with
    the Euclidean norm over the :math:`D` components (Gneiting & Raftery 2007), as
    ``scoringrules.es_ensemble(obs, fct)`` with its defaults ``m_axis=-2`` (members),
    ``v_axis=-1`` (components) and ``estimator="nrg"``. ``estimator="fair"`` divides the pair
    sum by :math:`2M(M-1)`. With :math:`D=1` it is :func:`crps_ensemble`.

    Args:
        target: observations, shape ``S + (D,)``, e.g. ``(N, D)``.
        ensemble: members, shape ``S + (M, D)``, e.g. ``(N, M, D)``.

    Returns a float for one observation ``(D,)``, else an array of shape ``S``. NaN/inf refused.
    The pair sum runs over member offsets :math:`k = 1..M-1`, one NumPy step each.

    >>> round(energy_score([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]), 6)  # 1 - sqrt(2)/4
    0.646447
    """
    estimator = validate.choice(estimator, "estimator", ("nrg", "fair"))
    y = numbers(target, "target")
    x = numbers(ensemble, "ensemble")
    if (
        y.ndim < 1
        or x.ndim != y.ndim + 1
        or x.shape[:-2] != y.shape[:-1]
        or x.shape[-1] != y.shape[-1]
    ):
        raise ValueError(
            f"ensemble must have shape target.shape[:-1] + (M, D) with D = target.shape[-1], "
            f"i.e. {y.shape[:-1]} + (M, {y.shape[-1] if y.ndim else '?'}), got target {y.shape}, "
            f"ensemble {x.shape}"
        )
    m, d = x.shape[-2], x.shape[-1]
    if estimator == "fair" and m < 2:
        raise ValueError(
            f"the fair energy score needs at least 2 members, got {m}"
        )
    flat_x = x.reshape(-1, m, d)  # (N, M, D)
    flat_y = y.reshape(-1, d)  # (N, D)
    to_obs = np.sqrt(((flat_x - flat_y[:, None, :]) ** 2).sum(-1)).mean(
        -1
    )  # (N,) mean ||x_m - y||
    pair_sum = np.zeros(
        len(flat_x)
    )  # (N,) sum over m < k of ||x_m - x_k||
    for k in range(
        1, m
    ):  # compare each member with the one k places later: M - 1 vector steps
        diff = flat_x[:, k:, :] - flat_x[:, :-k, :]  # (N, M - k, D)
        np.square(diff, out=diff)
        pair_sum += np.sqrt(diff.sum(-1)).sum(-1)  # (N,)
    denom = m * m if estimator == "nrg" else m * (m - 1)
    return _out((to_obs - pair_sum / denom).reshape(y.shape[:-1]))
