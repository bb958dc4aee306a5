r"""Forecasting metrics: point errors (MAE, RMSE, MAPE, sMAPE, R²), quantiles, and CRPS.

Point metrics take ``(target, prediction)`` of shape ``(N,)`` or ``(N, D)`` (``D`` series or
outputs) and follow scikit-learn: each output is scored on its own, then the outputs are
averaged (``multioutput="uniform_average"``) or returned (``"raw_values"``). Probabilistic
metrics return one score per observation, as properscoring and scoringrules do.

Convention traps named in the docstrings: MAPE is a fraction (not %) and undefined at zero
targets; sMAPE has several forms (this is M4's, 0-200 %); R² is not the squared correlation;
the CRPS of an ensemble has a standard and a "fair" estimator.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from seqlib import validate

from .registry import metric

__all__ = ["mae", "rmse", "mape", "smape", "r2_score", "pinball_loss", "crps_ensemble", "crps_gaussian"]

_POINT = "forecasting"

_MULTIOUTPUT = ("uniform_average", "raw_values")


def _pair(target, prediction) -> tuple[np.ndarray, np.ndarray]:
    """Both inputs as float64 arrays of the same shape, (N,) or (N, D)."""
    y = validate.array(target, "target")
    y_hat = validate.array(prediction, "prediction")
    if y.ndim not in (1, 2):
        raise ValueError(f"target must be (N,) or (N, D), got shape {y.shape}")
    validate.same_shape(y, y_hat)
    return y, y_hat


def _average(per_output: np.ndarray, multioutput: str):
    """Average the per-output scores (a float), or return them (an array), as scikit-learn."""
    if multioutput not in _MULTIOUTPUT:
        raise ValueError(f"multioutput must be one of {_MULTIOUTPUT}, got {multioutput!r}")
    per_output = np.atleast_1d(per_output)  # (D,)
    return per_output if multioutput == "raw_values" else float(per_output.mean())


@metric(
    task=_POINT,
    formula=r"\frac1N\sum_i |y_i-\hat y_i|",
    meaning="The average size of an error, in the units of the series.",
    use_when="A robust, interpretable default; the median forecast minimises it.",
    hides="Scale-dependent: cannot compare series of different magnitude; ignores error direction.",
    range="[0, inf)",
    higher_is_better=False,
    reference="sklearn.metrics.mean_absolute_error",
)
def mae(target, prediction, multioutput: str = "uniform_average"):
    r"""Mean absolute error :math:`\frac1N\sum_i |y_i-\hat y_i|` (``sklearn.metrics.mean_absolute_error``).

    >>> mae([3, -0.5, 2, 7, 0], [2.5, 0.0, 2, 8, 0.5])
    0.5
    """
    y, y_hat = _pair(target, prediction)
    return _average(np.abs(y - y_hat).mean(axis=0), multioutput)  # (D,) or ()


@metric(
    task=_POINT,
    formula=r"\sqrt{\frac1N\sum_i (y_i-\hat y_i)^2}",
    meaning="The typical error size, weighting large errors more than MAE does.",
    use_when="When large errors are disproportionately costly; the mean forecast minimises it.",
    hides="Dominated by a few outliers; scale-dependent; with several outputs the roots are averaged.",
    range="[0, inf)",
    higher_is_better=False,
    reference="sklearn.metrics.root_mean_squared_error",
)
def rmse(target, prediction, multioutput: str = "uniform_average"):
    r"""Root mean squared error :math:`\sqrt{\frac1N\sum_i (y_i-\hat y_i)^2}` per output.

    As ``sklearn.metrics.root_mean_squared_error``: with several outputs the root is taken per
    output and the roots are averaged, which is not the root of the pooled mean square.

    >>> round(rmse([3, -0.5, 2, 7, 0], [2.5, 0.0, 2, 8, 0.5]), 6)
    0.591608
    """
    y, y_hat = _pair(target, prediction)
    return _average(np.sqrt(((y - y_hat) ** 2).mean(axis=0)), multioutput)  # (D,) or ()


@metric(
    task=_POINT,
    formula=r"\frac1N\sum_i \frac{|y_i-\hat y_i|}{|y_i|}",
    meaning="The average error relative to the size of the target, as a fraction.",
    use_when="Strictly positive series far from zero, when relative error is what matters.",
    hides=("Undefined at zero targets and explosive near them; for a positive target, an "
           "under-forecast costs at most 100 % (if the forecast stays at or above 0), an "
           "over-forecast any amount."),
    range="[0, inf)",
    higher_is_better=False,
    reference="sklearn.metrics.mean_absolute_percentage_error",
)
def mape(target, prediction, multioutput: str = "uniform_average"):
    r"""Mean absolute percentage error as a **fraction**: :math:`\frac1N\sum_i |y_i-\hat y_i|/|y_i|`.

    scikit-learn's ``mean_absolute_percentage_error`` returns a fraction (0.1 means 10 %), not
    a percentage. At a zero target the ratio is undefined: scikit-learn silently divides by
    machine epsilon (and returns ~1e14), torchmetrics clamps at 1.17e-6; here it is an error.
    Use :func:`smape` or :func:`mae` for series that touch zero.

    >>> round(mape([1.0, 2.0, 4.0], [1.1, 1.8, 4.0]), 6)
    0.066667
    """
    y, y_hat = _pair(target, prediction)
    if np.any(y == 0):
        raise ValueError(
            f"mape is undefined where the target is 0 ({int(np.sum(y == 0))} zero target(s)): "
            "the percentage error |y - y_hat| / |y| divides by zero. Use mae or rmse instead "
            "(smape, too, breaks down near zero)."
        )
    eps = np.finfo(np.float64).eps  # scikit-learn's floor; only matters for |y| < 2.2e-16
    return _average((np.abs(y - y_hat) / np.maximum(np.abs(y), eps)).mean(axis=0), multioutput)


@metric(
    task=_POINT,
    formula=r"\frac{100}{N}\sum_i \frac{2|y_i-\hat y_i|}{|y_i|+|\hat y_i|}",
    meaning="The average error relative to the mean size of target and forecast, in percent (M4 form).",
    use_when=("Comparing accuracy across positive series of different scales, far from zero, as in the "
              "M3/M4 competitions."),
    hides=("Penalises under-forecasts more than over-forecasts of the same size (though swapping y "
           "and the forecast leaves it unchanged); unstable near zero (a zero target scores the 200 % "
           "maximum for any nonzero forecast); several variants (0-100 %, max-denominator) share the "
           "name."),
    range="[0, 200]",
    higher_is_better=False,
    reference="its M4 formula, written out in numpy",
)
def smape(target, prediction) -> float:
    r"""Symmetric MAPE in the M4 form, in percent: :math:`\frac{100}{N}\sum_i \frac{2|y_i-\hat y_i|}{|y_i|+|\hat y_i|}`.

    Range 0-200 %; a term with :math:`y_i=\hat y_i=0` counts 0 (a perfect forecast). Other
    forms exist and must be named: without the 2 the range is 0-100 %, and the "max" variant
    divides by :math:`\max(|y|+|\hat y|+\epsilon, 0.5+\epsilon)`. With several outputs the
    mean runs over every element (equal to averaging the per-output means).

    >>> round(smape([3, -0.5, 2, 7, 0], [2.5, 0.0, 2, 8, 0.5]), 6)
    86.30303
    """
    y, y_hat = _pair(target, prediction)
    num = 2.0 * np.abs(y - y_hat)  # (N,) or (N, D)
    den = np.abs(y) + np.abs(y_hat)  # same shape; 0 only when both are 0, and then num is 0
    ratio = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return float(100.0 * ratio.mean())


@metric(
    task=_POINT,
    formula=r"1-\frac{\sum_i (y_i-\hat y_i)^2}{\sum_i (y_i-\bar y)^2}",
    meaning="The share of the target's variance the forecast explains, against predicting the mean.",
    use_when="Comparing a model with the constant-mean baseline on one target.",
    hides="Not the squared correlation; depends on the variance of the evaluated window; arbitrary for constant targets.",
    range="(-inf, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.r2_score",
)
def r2_score(target, prediction, multioutput: str = "uniform_average"):
    r"""Coefficient of determination :math:`R^2 = 1-\sum_i (y_i-\hat y_i)^2 / \sum_i (y_i-\bar y)^2`.

    scikit-learn semantics (``force_finite=True``): per output, then ``"uniform_average"``,
    ``"variance_weighted"`` (weights are the outputs' variances) or ``"raw_values"``. A
    constant target (zero denominator) scores 1.0 if predicted exactly and 0.0 otherwise, where
    the formula would give -inf. R² is not the squared Pearson correlation (0.970 vs 0.951 on
    the example) and is negative for a forecast worse than the mean. Needs two samples.

    >>> round(r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]), 6)
    0.948608
    """
    if multioutput not in (*_MULTIOUTPUT, "variance_weighted"):
        raise ValueError(f"multioutput must be one of {(*_MULTIOUTPUT, 'variance_weighted')}, got {multioutput!r}")
    y, y_hat = _pair(target, prediction)
    if y.shape[0] < 2:
        raise ValueError(f"r2_score needs at least 2 samples (a variance), got {y.shape[0]}")
    y = y.reshape(y.shape[0], -1)  # (N, D)
    y_hat = y_hat.reshape(y.shape)  # (N, D)
    num = ((y - y_hat) ** 2).sum(axis=0)  # (D,)
    den = ((y - y.mean(axis=0)) ** 2).sum(axis=0)  # (D,)
    scores = np.ones_like(num)  # (D,) a perfect prediction scores 1, even for a constant target
    ok = (num != 0) & (den != 0)
    scores[ok] = 1.0 - num[ok] / den[ok]
    scores[(num != 0) & (den == 0)] = 0.0  # constant target, imperfect prediction
    if multioutput == "variance_weighted":
        return float(np.average(scores, weights=den) if np.any(den != 0) else scores.mean())
    return _average(scores, multioutput)


@metric(
    task=_POINT,
    formula=r"\frac1N\sum_i \max\big(\alpha(y_i-\hat y_i), (\alpha-1)(y_i-\hat y_i)\big)",
    meaning="How well a forecast works as the alpha-quantile of the target.",
    use_when="Evaluating quantile forecasts and prediction intervals.",
    hides="One quantile at a time; scale-dependent; some papers double it or scale it.",
    range="[0, inf)",
    higher_is_better=False,
    reference="sklearn.metrics.mean_pinball_loss",
)
def pinball_loss(target, prediction, alpha: float = 0.5, multioutput: str = "uniform_average"):
    r"""Quantile (pinball) loss :math:`\frac1N\sum_i \max(\alpha e_i, (\alpha-1) e_i)`, :math:`e=y-\hat y`.

    The loss whose minimiser is the :math:`\alpha`-quantile; at :math:`\alpha=0.5` it is half
    the MAE. Matches ``sklearn.metrics.mean_pinball_loss``; some papers double it or divide by
    :math:`\sum|y|` (the "scaled" quantile loss).

    >>> round(pinball_loss([3, -0.5, 2, 7, 0], [2.5, 0.0, 2, 8, 0.5], alpha=0.9), 6)
    0.13
    """
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be a quantile level in [0, 1], got {alpha}")
    y, y_hat = _pair(target, prediction)
    e = y - y_hat  # (N,) or (N, D)
    loss = np.where(e >= 0, alpha * e, (alpha - 1.0) * e)  # same shape
    return _average(loss.mean(axis=0), multioutput)


@metric(
    task=_POINT,
    formula=r"\frac1M\sum_i|x_i-y|-\frac{1}{2M^2}\sum_{i,j}|x_i-x_j|",
    meaning="The distance between the ensemble's distribution and the observation; MAE for a single member.",
    use_when="Scoring probabilistic (ensemble or sample-based) forecasts with one number in the target's units.",
    hides="The standard estimator favours small ensembles' under-dispersion; use fair=True to compare ensemble sizes.",
    range="[0, inf)",
    higher_is_better=False,
    reference="properscoring.crps_ensemble; scoringrules.crps_ensemble(estimator='fair')",
)
def crps_ensemble(obs, ensemble, fair: bool = False):
    r"""CRPS of an ensemble forecast, one score per observation (lower is better).

    :math:`\mathrm{CRPS}=\frac1M\sum_i|x_i-y|-\frac{1}{2M^2}\sum_{i,j}|x_i-x_j|`, the
    standard estimator (the empirical CDF of the members), as ``properscoring.crps_ensemble``.
    ``fair=True`` divides the spread term by :math:`2M(M-1)` instead, an unbiased estimate of
    the CRPS of the distribution the members are drawn from (``scoringrules.crps_ensemble(...,
    estimator="fair")``; its default ``"qd"`` estimator equals the standard one, its ``"akr"``
    differs). Sorting the members makes the pair sum linear:
    :math:`\sum_{i,j}|x_i-x_j| = 2\sum_{i=1}^M (2i-M-1)\,x_{(i)}`, so the cost is
    :math:`O(M\log M)`, not :math:`O(M^2)`.

    Args:
        obs: observations, shape ``S`` (any shape, a scalar included).
        ensemble: members on the last axis, shape ``S + (M,)``.

    Returns a float for a scalar observation, else an array of shape ``S``.

    >>> crps_ensemble([0.3, 2.0], [[0, 0.5, 1, -0.2], [1, 1.5, 1.2, 3]]).round(6).tolist()
    [0.16875, 0.43125]
    """
    y = validate.array(obs, "obs")
    x = validate.array(ensemble, "ensemble")
    if x.ndim != y.ndim + 1 or x.shape[:-1] != y.shape:
        raise ValueError(f"ensemble must have shape obs.shape + (M,) = {y.shape} + (M,), got {x.shape}")
    m = x.shape[-1]
    if fair and m < 2:
        raise ValueError(f"the fair CRPS needs at least 2 members, got {m}")
    x = np.sort(x, axis=-1)  # (..., M) a sorted copy, so the in-place steps below are safe
    rank_weight = 2.0 * np.arange(1, m + 1) - m - 1  # (M,) 2i - M - 1
    half_pair_sum = x @ rank_weight  # (...,) = 1/2 sum_ij |x_i - x_j|
    x -= y[..., None]  # (..., M) x_i - y
    np.abs(x, out=x)  # (..., M) |x_i - y|
    spread = half_pair_sum / (m * (m - 1) if fair else m * m)  # (...,)
    crps = x.mean(axis=-1) - spread  # (...,)
    return float(crps) if crps.ndim == 0 else crps


@metric(
    task=_POINT,
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
    Inputs broadcast; a float comes back when all are scalars.

    >>> round(crps_gaussian(1.7, 0.5, 2.0), 6)
    0.746312
    """
    y, mu_, sd = (validate.array(v, name) for v, name in ((obs, "obs"), (mu, "mu"), (sigma, "sigma")))
    if np.any(sd < 0):
        raise ValueError("sigma must be >= 0 (a standard deviation)")
    try:
        y, mu_, sd = np.broadcast_arrays(y, mu_, sd)
    except ValueError:
        raise ValueError(f"obs, mu and sigma must broadcast, got shapes {y.shape}, {mu_.shape}, {sd.shape}") from None
    point = sd == 0
    z = np.divide(y - mu_, sd, out=np.zeros_like(y), where=~point)  # standardised error
    erf = torch.special.erf(torch.from_numpy(np.asarray(z / math.sqrt(2.0)))).numpy()  # 2 Phi(z) - 1
    pdf = np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)  # phi(z)
    crps = np.where(point, np.abs(y - mu_), sd * (z * erf + 2.0 * pdf - 1.0 / math.sqrt(math.pi)))
    return float(crps) if crps.ndim == 0 else crps
