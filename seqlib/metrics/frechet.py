r"""Two Fréchet distances: between curves (discrete, Eiter & Mannila) and between Gaussians (FID/FAD/FVD).

They share a name (Maurice Fréchet) and nothing else:

- :func:`discrete_frechet` compares two *curves* (ordered point sequences): the shortest leash
  that lets a person walk one curve and a dog the other, both moving forward only. It is the
  coupling distance of Eiter & Mannila (1994), as ``similaritymeasures.frechet_dist``.
- :func:`frechet_distance` compares two *sets of feature vectors* through Gaussians fitted to
  them: :math:`\|\mu_1-\mu_2\|^2 + \operatorname{tr}(\Sigma_1+\Sigma_2-2(\Sigma_1\Sigma_2)^{1/2})`,
  the formula behind the Fréchet Inception, Audio and Video distances (FID, FAD, FVD). It is a
  *squared* distance (the Wasserstein-2 distance squared), as those papers report it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlib import validate

from ._numbers import numbers
from .registry import metric

__all__ = ["discrete_frechet", "frechet_distance"]


def _curve(x: Any, name: str) -> np.ndarray:
    arr = numbers(x, name, ndim=(1, 2))
    return arr[:, None] if arr.ndim == 1 else arr  # (T, D)


@metric(
    task="trajectories",
    formula=r"F_{i,j}=\max\big(\|a_i-b_j\|,\ \min(F_{i-1,j},F_{i,j-1},F_{i-1,j-1})\big),\ d_F=F_{T,S}",
    meaning="The largest gap between two curves under the best forward-only matching of their points.",
    use_when="Comparing paths or trajectories as shapes, where the order of points matters and one bad point should count.",
    hides="A max, not a sum: one outlier point sets the value; blind to speed along the path (like DTW); scale-dependent.",
    range="[0, inf)",
    higher_is_better=False,
    reference="similaritymeasures.frechet_dist",
    options=(
        "p: the Minkowski p-norm between points, p >= 1 or inf; 2 is Euclidean (similaritymeasures p)",
    ),
)
def discrete_frechet(a: Any, b: Any, p: float = 2) -> float:
    r"""Discrete Fréchet distance between curves ``a`` ``(T, D)`` and ``b`` ``(S, D)`` (Eiter & Mannila 1994).

    Over all *couplings* (monotone walks through both point sequences from
    :math:`(a_1, b_1)` to :math:`(a_T, b_S)`, each step advancing one curve or both), the
    smallest possible largest distance between coupled points:
    :math:`F_{i,j} = \max(\|a_i - b_j\|_p, \min(F_{i-1,j}, F_{i,j-1}, F_{i-1,j-1}))`,
    :math:`d_F = F_{T,S}`: DTW's recursion with max in place of sum. It is a pseudometric on
    point sequences: the triangle inequality holds (unlike DTW's), but curves that differ only
    by repeated points are at distance 0 (``[0, 1, 2]`` and ``[0, 1, 1, 2]``). Equals
    ``similaritymeasures.frechet_dist(a, b, p)``; 1-D input ``(T,)`` is a curve of scalars.

    The table is filled one anti-diagonal at a time (cells with equal :math:`i + j` are
    independent), :math:`T + S - 1` NumPy steps instead of :math:`TS` Python ones.
    NaN/inf, strings and curves of different dimension are refused.

    >>> discrete_frechet([[0, 0], [1, 0], [2, 0]], [[0, 1], [1, 1], [2, 1]])  # parallel lines 1 apart
    1.0
    >>> discrete_frechet([0, 1, 2, 3], [0, 3])  # 1 is coupled with 0, 2 with 3
    1.0
    """
    a, b = _curve(a, "a"), _curve(b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"a and b must have the same dimension D, got a {a.shape} and b {b.shape}"
        )
    if (
        isinstance(p, (bool, np.bool_))
        or not isinstance(p, (int, float, np.integer, np.floating))
        or not p >= 1
    ):
        raise ValueError(f"p must be a number >= 1 (or inf), got {p!r}")
    diff = np.abs(a[:, None, :] - b[None, :, :])  # (T, S, D)
    if np.isinf(p):
        cost = diff.max(-1)  # (T, S)
    elif p == 2:
        cost = np.sqrt(np.einsum("tsd,tsd->ts", diff, diff))  # (T, S)
    elif p == 1:
        cost = diff.sum(-1)  # (T, S)
    else:
        cost = (diff**p).sum(-1) ** (1.0 / p)  # (T, S)
    n, m = cost.shape
    prev2, prev, cur = (
        np.full(n + 2, np.inf) for _ in range(3)
    )  # anti-diagonals d-2, d-1, d by row i (+1)
    rows = np.arange(n)
    for d in range(n + m - 1):
        lo, hi = (
            max(0, d - m + 1),
            min(d, n - 1),
        )  # rows i on this diagonal, column j = d - i
        c = cost[rows[lo : hi + 1], d - rows[lo : hi + 1]]  # (L,)
        if d == 0:
            cur[1] = c[0]
        else:
            best = np.minimum(
                prev[lo : hi + 1], prev[lo + 1 : hi + 2]
            )  # (L,) F[i-1, j], F[i, j-1]
            np.minimum(
                best, prev2[lo : hi + 1], out=best
            )  # (L,) and F[i-1, j-1]
            np.maximum(c, best, out=cur[lo + 1 : hi + 2])
        cur[lo] = (
            np.inf
        )  # cells just outside this diagonal are outside the table
        cur[hi + 2] = np.inf
        prev2, prev, cur = prev, cur, prev2
    return float(prev[n])


def _sqrt_psd(c: np.ndarray) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix (eigenvalues clipped at 0)."""
    vals, vecs = np.linalg.eigh(c)  # (D,), (D, D)
    return (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T  # (D, D)


@metric(
    task="trajectories",
    formula=r"\|\mu_1-\mu_2\|^2+\operatorname{tr}\big(\Sigma_1+\Sigma_2-2(\Sigma_1\Sigma_2)^{1/2}\big)",
    meaning="The squared Wasserstein-2 distance between Gaussians fitted to two feature sets (FID, FAD, FVD).",
    use_when="Comparing generated with real samples (audio, video, trajectories) through embedding features.",
    hides=(
        "Biased upwards with few samples (about 1/N), so compare equal sample sizes only; sees only the "
        "mean and covariance; depends entirely on the feature extractor."
    ),
    range="[0, inf)",
    higher_is_better=False,
    reference="the closed form with scipy.linalg.sqrtm(cov1 @ cov2).real (pytorch-fid's computation)",
    options=(
        "ddof: the covariances' delta degrees of freedom; 1 (N - 1, numpy.cov and pytorch-fid) or 0",
    ),
)
def frechet_distance(
    features_a: Any, features_b: Any, ddof: int = 1
) -> float:
    r"""Fréchet distance between Gaussians fitted to ``features_a`` ``(N, D)`` and ``features_b`` ``(M, D)``.

    :math:`d^2 = \|\mu_1-\mu_2\|^2 + \operatorname{tr}(\Sigma_1+\Sigma_2-2(\Sigma_1\Sigma_2)^{1/2})`
    (Fréchet 1957; Dowson & Landau 1982), the FID of Heusel et al. (2017) and the FAD/FVD
    formula, reported as is (a squared distance; no root taken). Means and sample covariances
    come from the rows; ``ddof=1`` divides by :math:`N - 1` (``numpy.cov``'s default and
    pytorch-fid's), ``ddof=0`` by :math:`N`.

    Numerical care: :math:`\Sigma_1\Sigma_2` is not symmetric, and ``scipy.linalg.sqrtm`` of it
    can return small imaginary parts. pytorch-fid drops them, but raises ``ValueError`` when
    an imaginary part on the diagonal exceeds 1e-3; and when ``sqrtm`` returns non-finite
    values it adds :math:`\epsilon I` to both covariances and retries. Here the trace is
    computed without that product:
    :math:`\operatorname{tr}(\Sigma_1\Sigma_2)^{1/2} = \sum_k \sqrt{\lambda_k}` with
    :math:`\lambda_k` the eigenvalues of the symmetric PSD matrix
    :math:`\Sigma_1^{1/2}\Sigma_2\Sigma_1^{1/2}` (similar to :math:`\Sigma_1\Sigma_2`), found
    with ``eigh`` and clipped at 0: real, stable for singular covariances (:math:`N \le D`),
    and with no Schur decomposition of a non-symmetric matrix (usually faster than ``sqrtm``;
    timings vary by machine). A negative result from rounding is clipped to 0.

    Needs at least 2 rows each (for ``ddof=1``) and the same ``D``; NaN/inf refused.

    >>> a = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])  # mean (1, 1), cov (4/3) I
    >>> round(frechet_distance(a, a + 3.0), 6)  # shifted by (3, 3): only the means differ
    18.0
    >>> round(frechet_distance(a, 2 * a), 6)  # means 1 apart per axis; stds 2/sqrt(3), 4/sqrt(3): 2 + 2 (4/3)
    4.666667
    """
    x = numbers(features_a, "features_a", ndim=2)  # (N, D)
    y = numbers(features_b, "features_b", ndim=2)  # (M, D)
    ddof = validate.integer(ddof, "ddof", minimum=0, maximum=1)
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"features_a and features_b must have the same dimension D, got {x.shape} and {y.shape}"
        )
    for arr, name in ((x, "features_a"), (y, "features_b")):
        if arr.shape[0] <= ddof:
            raise ValueError(
                f"{name} needs more than ddof = {ddof} rows for a covariance, got {arr.shape[0]}"
            )
    mu_x, mu_y = x.mean(0), y.mean(0)  # (D,), (D,)
    cov_x = np.atleast_2d(np.cov(x, rowvar=False, ddof=ddof))  # (D, D)
    cov_y = np.atleast_2d(np.cov(y, rowvar=False, ddof=ddof))  # (D, D)
    root_x = _sqrt_psd(cov_x)  # (D, D) Sigma_1^{1/2}
    middle = (
        root_x @ cov_y @ root_x
    )  # (D, D) symmetric PSD, similar to Sigma_1 Sigma_2
    eig = np.linalg.eigvalsh(
        (middle + middle.T) / 2.0
    )  # (D,) symmetrised against rounding
    tr_root = np.sqrt(np.clip(eig, 0.0, None)).sum()
    d2 = float(
        ((mu_x - mu_y) ** 2).sum()
        + np.trace(cov_x)
        + np.trace(cov_y)
        - 2.0 * tr_root
    )
    return max(d2, 0.0)
