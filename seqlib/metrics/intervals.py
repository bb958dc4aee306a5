r"""Prediction intervals: empirical coverage and the interval (Winkler) score.

A central :math:`(1-\alpha)` prediction interval :math:`[l, u]` (e.g. from the 0.1 to the 0.9
quantile, :math:`\alpha = 0.2`) is judged by how often it holds the truth (coverage, a
diagnostic to compare with :math:`1-\alpha`) and by the interval score, which charges its width
plus :math:`2/\alpha` per unit by which the truth falls outside (lower is better). Inputs
broadcast; crossed intervals (``lower > upper``), NaN and infinity are refused by name.
"""

from __future__ import annotations

import numpy as np

from seqlib import validate

from ._numbers import numbers
from .probabilistic import _broadcast, _jit, _out
from .registry import metric

__all__ = ["interval_coverage", "interval_score"]

_TASK = "forecasting"


def _interval(target, lower, upper) -> list[np.ndarray]:
    y, lo, hi = _broadcast(
        {
            "target": numbers(target, "target"),
            "lower": numbers(lower, "lower"),
            "upper": numbers(upper, "upper"),
        }
    )
    if np.any(lo > hi):
        k = int(np.argmax((lo > hi).reshape(-1)))
        raise ValueError(
            f"lower must be <= upper, got lower {lo.reshape(-1)[k]} > upper {hi.reshape(-1)[k]} "
            f"at flat index {k} ({int((lo > hi).sum())} crossed interval(s))"
        )
    return [y, lo, hi]


_EXPONENT = 0x7FF0000000000000  # float64 exponent: all ones for NaN/inf


def _covered(y, lo, hi) -> int:
    """How many ``lo <= y <= hi`` (flat float64 arrays), or -1 if a value
    is NaN/inf or an interval is crossed: one pass over the three arrays
    (numba kernel; integer reductions only, so it vectorises)."""
    bits_y, bits_lo = y.view(np.int64), lo.view(np.int64)
    bits_hi = hi.view(np.int64)
    inside, crossed, special = 0, 0, 0
    for k in range(y.size):
        inside += (lo[k] <= y[k]) & (y[k] <= hi[k])
        crossed += lo[k] > hi[k]
        special |= (bits_y[k] & _EXPONENT) == _EXPONENT
        special |= (bits_lo[k] & _EXPONENT) == _EXPONENT
        special |= (bits_hi[k] & _EXPONENT) == _EXPONENT
    return -1 if crossed or special else inside


def _fast_coverage(target, lower, upper) -> float | None:
    """Coverage by the numba kernel for float64 arrays of one shape;
    None if it does not apply or an input is bad (the checked path names
    it)."""
    kernel = _jit(_covered)
    arrays = (target, lower, upper)
    if (
        kernel is None
        or not all(
            type(v) is np.ndarray
            and v.dtype == np.float64
            and v.shape == target.shape
            for v in arrays
        )
        or target.size == 0
    ):
        return None
    inside = kernel(*(np.ravel(v) for v in arrays))  # views if contiguous
    return None if inside < 0 else inside / target.size


@metric(
    task=_TASK,
    formula=r"\frac1N\sum_i 1[l_i \le y_i \le u_i]",
    meaning="The share of targets that fall inside their prediction interval (ends included).",
    use_when="Checking calibration: a central (1 - alpha) interval should cover about 1 - alpha of the targets.",
    hides="Says nothing of width: an interval from -inf to inf covers 100 %; judge it beside interval_score.",
    range="[0, 1]",
    higher_is_better=None,
    reference="numpy: the mean of (lower <= target) & (target <= upper)",
)
def interval_coverage(target, lower, upper) -> float:
    r"""Empirical coverage :math:`\frac1N\sum_i 1[l_i \le y_i \le u_i]` of prediction intervals.

    A diagnostic, not a score with a direction: the nominal level (0.8 for the interval from
    the 0.1 to the 0.9 quantile) is the target, and too much coverage is as wrong as too little
    (an infinitely wide interval covers everything). Report it beside :func:`interval_score`.
    Inputs broadcast; ``lower > upper`` anywhere is refused (crossed quantiles), as are NaN/inf.

    >>> interval_coverage([0.1, 0.2, 0.6], [0.0, 0.1, 0.2], [0.4, 0.3, 0.5])
    0.6666666666666666
    """
    fast = _fast_coverage(target, lower, upper)  # None: the checked path
    if fast is not None:
        return fast
    y, lo, hi = _interval(target, lower, upper)
    return float(np.mean((lo <= y) & (y <= hi)))


@metric(
    task=_TASK,
    formula=r"(u-l)+\tfrac{2}{\alpha}(l-y)1[y<l]+\tfrac{2}{\alpha}(y-u)1[y>u]",
    meaning="The width of a central (1 - alpha) interval plus a penalty, 2/alpha per unit, for a target outside it.",
    use_when="Scoring prediction intervals (quantile forecasts) with one proper score, in the target's units.",
    hides="Proper only for the central (alpha/2, 1 - alpha/2) quantiles; one level at a time; scale-dependent.",
    range="[0, inf)",
    higher_is_better=False,
    reference="scoringrules.interval_score",
    options=(
        "alpha: the interval's nominal miss rate, (0, 1); 0.2 for an 80 % interval (scoringrules alpha)",
    ),
)
def interval_score(target, lower, upper, alpha):
    r"""Interval (Winkler) score of a central :math:`(1-\alpha)` prediction interval, per observation.

    :math:`\mathrm{IS}_\alpha = (u-l) + \frac2\alpha(l-y)\,1[y<l] + \frac2\alpha(y-u)\,1[y>u]`
    (Winkler 1972; Gneiting & Raftery 2007, eq. 43), lower is better, in the target's units;
    equals ``scoringrules.interval_score(obs, lower, upper, alpha)`` (same argument order,
    ``alpha`` required there too: it is 0.2 for the interval from the 0.1 to the 0.9 quantile).
    It is the sum of the pinball losses of ``l`` at level :math:`\alpha/2` and of ``u`` at
    level :math:`1-\alpha/2`, times :math:`2/\alpha`. Inputs broadcast; a float
    comes back for scalars. ``lower > upper``, NaN/inf and ``alpha`` outside (0, 1) are refused.

    >>> interval_score([0.1, 0.2, 0.3], [0.0, 0.1, 0.2], [0.4, 0.3, 0.5], alpha=0.5).round(6).tolist()
    [0.4, 0.2, 0.3]
    >>> interval_score(0.5, 0.0, 0.4, alpha=0.2)  # 0.4 wide, 0.1 above: 0.4 + 10 * 0.1
    1.4
    """
    alpha = validate.real(
        alpha, "alpha", low=0, high=1, low_open=True, high_open=True
    )
    y, lo, hi = _interval(target, lower, upper)
    score = np.asarray(
        np.subtract(lo, y)
    )  # distance below the interval (negative inside)
    np.maximum(
        score, y - hi, out=score
    )  # or above it: at most one of the two is positive, as lower <= upper
    np.maximum(score, 0.0, out=score)
    score *= 2.0 / alpha
    score += hi - lo  # the width
    return _out(score)
