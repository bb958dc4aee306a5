r"""Dynamic time warping (DTW): the distance between two series after the best monotone alignment.

DTW matches each point of :math:`a` (length :math:`n`) with points of :math:`b` (length
:math:`m`) along a path from :math:`(0, 0)` to :math:`(n-1, m-1)` that moves by
:math:`(1,1)`, :math:`(1,0)` or :math:`(0,1)`, and minimises the summed cost:

.. math:: D_{i,j} = (a_i - b_j)^2 + \min(D_{i-1,j-1},\ D_{i-1,j},\ D_{i,j-1}),
          \qquad \mathrm{DTW}(a, b) = \sqrt{D_{n-1,m-1}}

Convention traps (metric-reference.md, section 8); we follow ``dtaidistance`` (= tslearn):

- Squared local cost and the square root of the sum; textbook DTW often sums :math:`|a_i - b_j|`
  with no root (3.0 instead of 1.732 on the worked example).
- Step pattern symmetric1: all three steps weigh 1. ``dtw-python`` defaults to symmetric2 (the
  diagonal weighs 2) with :math:`|\cdot|` cost, and may normalise by :math:`n + m`.
- ``window=w`` (Sakoe-Chiba band) allows :math:`|i - j| < w`, widened by the length difference
  when :math:`n \ne m`; it equals tslearn's ``sakoe_chiba_radius = w - 1``. ``window=1`` on equal
  lengths is the diagonal only (the Euclidean distance).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._numbers import numbers
from .probabilistic import _jit
from .registry import metric

__all__ = ["dtw", "dtw_path"]


def _series(
    a: Any, b: Any, window: int | None
) -> tuple[np.ndarray, np.ndarray, int | None]:
    a = numbers(a, "a", ndim=1)
    b = numbers(b, "b", ndim=1)
    whole = isinstance(window, (int, np.integer)) and not isinstance(
        window, (bool, np.bool_)
    )
    if window is not None and (not whole or window < 1):
        raise ValueError(
            f"window must be a positive integer (|i - j| < window) or None, got {window!r}"
        )
    if window is not None and window >= max(len(a), len(b)):
        window = None  # the band covers the whole table
    return a, b, window


def _anti_diagonals(
    a: np.ndarray, b: np.ndarray, window: int | None, keep: bool
):
    r"""Fill :math:`D` one anti-diagonal :math:`d = i + j` at a time, each as one NumPy step.

    Every cell of diagonal :math:`d` depends only on diagonals :math:`d-1` (up, left) and
    :math:`d-2` (diagonal step), so a whole diagonal is computed at once. Diagonal values are
    stored by row index :math:`i`, shifted by one so that position 0 is an "outside" cell
    (:math:`+\infty`). Returns the final corner value and, if ``keep``, every diagonal's slice
    with the row where it starts.
    """
    n, m = len(a), len(b)
    b_rev = b[
        ::-1
    ].copy()  # b[d - i] == b_rev[m - 1 - d + i]: contiguous in i
    prev2, prev, cur = (
        np.full(n + 2, np.inf) for _ in range(3)
    )  # diagonals d-2, d-1, d
    kept = []
    for d in range(n + m - 1):
        lo, hi = (
            max(0, d - m + 1),
            min(d, n - 1),
        )  # rows i on this diagonal
        cost = (
            a[lo : hi + 1] - b_rev[m - 1 - d + lo : m - d + hi]
        )  # (L,) a_i - b_j
        cost *= cost  # (L,) squared local cost
        if (
            window is not None
        ):  # dtaidistance's band: i - (n>m gap) - w < j < i + (m>n gap) + w
            i = np.arange(lo, hi + 1)  # (L,)
            offset = (d - i) - i  # (L,) j - i
            cost[
                (offset <= -max(0, n - m) - window)
                | (offset >= max(0, m - n) + window)
            ] = np.inf
        if d == 0:
            cur[1] = cost[0]
        else:
            best = np.minimum(
                prev[lo : hi + 1], prev[lo + 1 : hi + 2]
            )  # (L,) D[i-1, j], D[i, j-1]
            np.minimum(
                best, prev2[lo : hi + 1], out=best
            )  # (L,) and D[i-1, j-1]
            np.add(cost, best, out=cur[lo + 1 : hi + 2])
        cur[lo] = (
            np.inf
        )  # cells just outside the diagonal are outside the table
        cur[hi + 2] = np.inf
        if keep:
            kept.append((lo, cur[lo + 1 : hi + 2].copy()))
        prev2, prev, cur = prev, cur, prev2
    return prev[n], kept


def _dtw_rows(a: np.ndarray, b: np.ndarray, band: int) -> float:
    """:math:`D_{n-1,m-1}`, filled row by row, two rows kept (numba).

    The same cells, costs and minima as :func:`_anti_diagonals`, so the
    same number; ``band`` is the window (``n + m + 1`` for none).
    """
    n, m = len(a), len(b)
    below, above = -max(0, n - m) - band, max(0, m - n) + band
    prev = np.full(m + 1, np.inf)  # row i-1; prev[j + 1] holds D[i-1, j]
    cur = np.full(m + 1, np.inf)  # row i; cur[0] is outside the table
    prev[0] = 0.0  # so that D[0, 0] is its own cost
    for i in range(n):
        cur[0] = np.inf
        for j in range(m):
            cost = (a[i] - b[j]) * (a[i] - b[j])
            if j - i <= below or j - i >= above:  # outside the band
                cost = np.inf
            best = min(min(prev[j], prev[j + 1]), cur[j])
            cur[j + 1] = cost + best
        prev, cur = cur, prev
    return prev[m]


@metric(
    task="trajectories",
    formula=r"\sqrt{D_{n,m}},\ D_{i,j} = (a_i - b_j)^2 + \min(D_{i-1,j-1}, D_{i-1,j}, D_{i,j-1})",
    meaning="Distance between two series after stretching time to align them as well as possible.",
    use_when="Comparing trajectories, gestures or series that share a shape but differ in speed or phase.",
    hides="Warps freely (one point can match many) unless a window bounds it; scale-sensitive; cost, steps and normalisation vary between libraries.",
    range="[0, inf)",
    higher_is_better=False,
    reference="dtaidistance.dtw.distance_fast",
)
def dtw(a: Any, b: Any, window: int | None = None) -> float:
    r"""DTW distance :math:`\sqrt{D_{n-1,m-1}}` with squared local cost (``dtaidistance.dtw.distance_fast``).

    Args:
        a: series of length n (list, array or tensor); b: series of length m.
        window: Sakoe-Chiba band, dtaidistance's convention (:math:`|i - j| <` ``window``, widened
            by :math:`|n - m|`); None for no band.

    With numba the table is filled row by row in compiled code, two rows
    kept; without it, one anti-diagonal at a time (cells with equal
    :math:`i + j` do not depend on each other), so the Python loop runs
    :math:`n + m - 1` times, not :math:`nm`. Both give the same number.

    >>> round(dtw([0, 1, 2, 3, 2, 0], [0, 0, 1, 3, 3, 1]), 6)
    1.732051
    >>> dtw([0, 1, 2, 3, 2, 0], [0, 0, 1, 3, 3, 1], window=1)  # diagonal only: Euclidean
    2.0
    """
    a, b, window = _series(a, b, window)
    kernel = _jit(_dtw_rows)
    if kernel is None:
        total, _ = _anti_diagonals(a, b, window, keep=False)
    else:
        band = len(a) + len(b) + 1 if window is None else window
        total = kernel(a, b, band)
    return float(np.sqrt(total))


def dtw_path(
    a: Any, b: Any, window: int | None = None
) -> tuple[float, list[tuple[int, int]]]:
    r"""DTW distance and an optimal warping path, a list of index pairs ``(i, j)`` from (0, 0) to (n-1, m-1).

    The path is traced back from the corner, moving to the cheapest of the diagonal, upper and
    left neighbours, preferring them in that order on ties, as ``dtaidistance.dtw.warping_path``.
    Stores the whole table: :math:`O(nm)` memory.

    >>> dist, path = dtw_path([0, 1, 2], [0, 2])
    >>> round(dist, 6), path
    (1.0, [(0, 0), (1, 0), (2, 1)])
    """
    a, b, window = _series(a, b, window)
    total, diagonals = _anti_diagonals(a, b, window, keep=True)

    def value(i: int, j: int) -> float:
        if i < 0 or j < 0:
            return np.inf
        lo, values = diagonals[i + j]
        return values[i - lo]

    i, j = len(a) - 1, len(b) - 1
    path = [(i, j)]
    while i > 0 or j > 0:
        steps = [(i - 1, j - 1), (i - 1, j), (i, j - 1)]
        i, j = min(
            steps, key=lambda s: value(*s)
        )  # min keeps the first of equal values
        path.append((i, j))
    return float(np.sqrt(total)), path[::-1]
