r"""Forecasting metrics for point forecasts: MAE, RMSE, MAPE, sMAPE, R², pinball loss and MASE.

Point metrics take ``(target, prediction)`` of shape ``(N,)`` or ``(N, D)`` (``N`` time steps,
``D`` series or outputs) and follow scikit-learn: each output is scored on its own, then the
outputs are averaged (``multioutput="uniform_average"``) or returned (``"raw_values"``).
Probabilistic scores (CRPS, intervals, log and energy scores) live in :mod:`.probabilistic`
and are re-exported here.

Convention traps named in the docstrings: MAPE is a fraction (not %) and undefined at zero
targets; sMAPE has several forms (this is M4's, 0-200 %); R² is not the squared correlation;
MASE divides by the in-sample MAE of the *seasonal* naive forecast on the training series.
Strings, booleans, ``None``, NaN and infinity are refused by name.
"""

from __future__ import annotations

import numpy as np

from seqlib import validate

from ._numbers import numbers
from .probabilistic import crps_ensemble, crps_gaussian  # noqa: F401 (re-exported: they lived here)
from .registry import metric

__all__ = [
    "mae",
    "rmse",
    "mape",
    "smape",
    "r2_score",
    "pinball_loss",
    "mase",
    "crps_ensemble",
    "crps_gaussian",
]

_POINT = "forecasting"

_MULTIOUTPUT = ("uniform_average", "raw_values")


def _pair(target, prediction) -> tuple[np.ndarray, np.ndarray]:
    """Both inputs as float64 arrays of the same shape, (N,) or (N, D)."""
    y = numbers(target, "target")
    y_hat = numbers(prediction, "prediction")
    if y.ndim not in (1, 2):
        raise ValueError(
            f"target must be (N,) or (N, D), got shape {y.shape}"
        )
    validate.same_shape(y, y_hat)
    return y, y_hat


def _average(per_output: np.ndarray, multioutput: str):
    """Average the per-output scores (a float), or return them (an array), as scikit-learn."""
    validate.choice(multioutput, "multioutput", _MULTIOUTPUT)
    per_output = np.atleast_1d(per_output)  # (D,)
    return (
        per_output
        if multioutput == "raw_values"
        else float(per_output.mean())
    )


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
    return _average(
        np.abs(y - y_hat).mean(axis=0), multioutput
    )  # (D,) or ()


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
    return _average(
        np.sqrt(((y - y_hat) ** 2).mean(axis=0)), multioutput
    )  # (D,) or ()


@metric(
    task=_POINT,
    formula=r"\frac1N\sum_i \frac{|y_i-\hat y_i|}{|y_i|}",
    meaning="The average error relative to the size of the target, as a fraction.",
    use_when="Strictly positive series far from zero, when relative error is what matters.",
    hides=(
        "Undefined at zero targets and explosive near them; for a positive target, an "
        "under-forecast costs at most 100 % (if the forecast stays at or above 0), an "
        "over-forecast any amount."
    ),
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
    eps = np.finfo(
        np.float64
    ).eps  # scikit-learn's floor; only matters for |y| < 2.2e-16
    return _average(
        (np.abs(y - y_hat) / np.maximum(np.abs(y), eps)).mean(axis=0),
        multioutput,
    )


@metric(
    task=_POINT,
    formula=r"\frac{100}{N}\sum_i \frac{2|y_i-\hat y_i|}{|y_i|+|\hat y_i|}",
    meaning="The average error relative to the mean size of target and forecast, in percent (M4 form).",
    use_when=(
        "Comparing accuracy across positive series of different scales, far from zero, as in the "
        "M3/M4 competitions."
    ),
    hides=(
        "Penalises under-forecasts more than over-forecasts of the same size (though swapping y "
        "and the forecast leaves it unchanged); unstable near zero (a zero target scores the 200 % "
        "maximum for any nonzero forecast); several variants (0-100 %, max-denominator) share the "
        "name."
    ),
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
    den = np.abs(y) + np.abs(
        y_hat
    )  # same shape; 0 only when both are 0, and then num is 0
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
        raise ValueError(
            f"multioutput must be one of {(*_MULTIOUTPUT, 'variance_weighted')}, got {multioutput!r}"
        )
    y, y_hat = _pair(target, prediction)
    if y.shape[0] < 2:
        raise ValueError(
            f"r2_score needs at least 2 samples (a variance), got {y.shape[0]}"
        )
    y = y.reshape(y.shape[0], -1)  # (N, D)
    y_hat = y_hat.reshape(y.shape)  # (N, D)
    num = ((y - y_hat) ** 2).sum(axis=0)  # (D,)
    den = ((y - y.mean(axis=0)) ** 2).sum(axis=0)  # (D,)
    scores = np.ones_like(
        num
    )  # (D,) a perfect prediction scores 1, even for a constant target
    ok = (num != 0) & (den != 0)
    scores[ok] = 1.0 - num[ok] / den[ok]
    scores[(num != 0) & (den == 0)] = (
        0.0  # constant target, imperfect prediction
    )
    if multioutput == "variance_weighted":
        return float(
            np.average(scores, weights=den)
            if np.any(den != 0)
            else scores.mean()
        )
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
def pinball_loss(
    target,
    prediction,
    alpha: float = 0.5,
    multioutput: str = "uniform_average",
):
    r"""Quantile (pinball) loss :math:`\frac1N\sum_i \max(\alpha e_i, (\alpha-1) e_i)`, :math:`e=y-\hat y`.

    The loss whose minimiser is the :math:`\alpha`-quantile; at :math:`\alpha=0.5` it is half
    the MAE. Matches ``sklearn.metrics.mean_pinball_loss``; some papers double it or divide by
    :math:`\sum|y|` (the "scaled" quantile loss).

    >>> round(pinball_loss([3, -0.5, 2, 7, 0], [2.5, 0.0, 2, 8, 0.5], alpha=0.9), 6)
    0.13
    """
    alpha = validate.real(
        alpha, "alpha", low=0, high=1
    )  # a quantile level
    y, y_hat = _pair(target, prediction)
    e = y - y_hat  # (N,) or (N, D)
    loss = np.where(e >= 0, alpha * e, (alpha - 1.0) * e)  # same shape
    return _average(loss.mean(axis=0), multioutput)


@metric(
    task=_POINT,
    formula=(
        r"\frac{\frac1{T'}\sum_{j=1}^{T'} |y_j-\hat y_j|}"
        r"{\frac1{T-m}\sum_{t=m+1}^{T} |x_t-x_{t-m}|}"
    ),
    meaning="The forecast's MAE divided by the in-sample MAE of the seasonal naive forecast (period m) on the training series.",
    use_when="Comparing accuracy across series of different scales, or series with zeros, where MAPE fails (M4).",
    hides=(
        "Depends on the training window and the season chosen; below 1 means better than the in-sample "
        "naive forecast, not than a naive forecast of the test period."
    ),
    range="[0, inf)",
    higher_is_better=False,
    reference="utilsforecast.losses.mase",
    options=(
        "season: the seasonal period m of the naive forecast; 1 is the random walk (utilsforecast seasonality, "
        "sktime sp)",
        "multioutput: 'uniform_average' (mean of the per-series "
        "MASE; sktime's uniform_average differs, it divides the "
        "averaged MAE by the averaged naive MAE) or 'raw_values'",
    ),
)
def mase(
    target,
    prediction,
    train,
    season,
    multioutput: str = "uniform_average",
):
    r"""Mean absolute scaled error (Hyndman & Koehler 2006) with a seasonal period :math:`m`.

    :math:`\mathrm{MASE} = \mathrm{MAE}(y, \hat y) \,/\, \frac{1}{T-m}\sum_{t=m+1}^{T}
    |x_t - x_{t-m}|`, where :math:`y, \hat y` cover a horizon of :math:`T'` steps,
    :math:`x_1..x_T` is the *training* series and the denominator is the in-sample MAE of the
    seasonal naive forecast "same time one season ago". Per series it equals
    ``utilsforecast.losses.mase(..., seasonality=m)``; for one series, or with
    ``multioutput="raw_values"``, also sktime's ``mean_absolute_scaled_error(..., sp=m)``.
    Two differences from sktime: for several series sktime's ``uniform_average`` divides the
    averaged MAE by the averaged naive MAE, where this function averages the per-series MASE
    (sktime's docstring example: 0.181818 there, 0.195489 here); and sktime floors a zero
    denominator at machine epsilon, where this function raises. Below 1: better, on average,
    than that naive forecast was in-sample. Scale-free, and defined at zero targets (unlike
    MAPE).

    Args:
        target, prediction: shape ``(T',)`` for one series, or ``(T', D)`` for ``D`` series.
        train: the training series, ``(T,)`` or ``(T, D)``, oldest first, with :math:`T > m`.
        season: the period :math:`m\ge1` (24 for hourly data with a daily cycle; 1 = random walk).
        multioutput: ``"uniform_average"`` (mean of the per-series MASE) or ``"raw_values"``.

    Raises ``ValueError`` when a training series has no seasonal difference (:math:`T \le m`)
    or a zero denominator (a series that repeats exactly every :math:`m` steps: utilsforecast
    returns inf or NaN there), and for NaN/inf, strings and mismatched shapes.

    >>> mase([3.0, 5.0], [2.0, 5.0], train=[1.0, 2.0, 4.0, 3.0], season=1)  # 0.5 / (4 / 3)
    0.375
    """
    season = validate.integer(season, "season", minimum=1)
    y, y_hat = _pair(target, prediction)
    x = numbers(train, "train", ndim=y.ndim)
    if x.shape[1:] != y.shape[1:]:
        raise ValueError(
            f"train must have one column per series of target, {y.shape[1:]}, got shape {x.shape}"
        )
    if x.shape[0] <= season:
        raise ValueError(
            f"train needs more than season = {season} observations for a seasonal difference, "
            f"got {x.shape[0]}"
        )
    scale = np.abs(x[season:] - x[:-season]).mean(
        axis=0
    )  # (D,) or () in-sample seasonal-naive MAE
    if np.any(scale == 0):
        raise ValueError(
            f"mase is undefined: the seasonal naive forecast (season {season}) is exact on train "
            f"(zero denominator) for {int(np.sum(scale == 0))} series; use mae instead"
        )
    return _average(np.abs(y - y_hat).mean(axis=0) / scale, multioutput)
