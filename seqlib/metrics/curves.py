r"""Threshold curves of a binary ranker: ROC, precision-recall and DET points, as scikit-learn 1.9 draws them.

All three sweep a threshold down through the distinct scores; at each, "predict positive when
score >= threshold" gives weighted counts of true and false positives,

.. math:: TP(t) = \sum_{i:\,s_i \ge t} w_i\,[y_i = 1], \qquad FP(t) = \sum_{i:\,s_i \ge t} w_i\,[y_i = 0]

(:math:`w_i = 1` without ``sample_weight``; items of weight 0 are left out, as scikit-learn
does). These are building blocks for plots and for :func:`~.ranking.roc_auc` (``max_fpr``),
not metrics; they are not in the registry.

``drop_intermediate`` removes points that do not change the curve's shape: on the ROC curve
the collinear ones (scikit-learn's default, ``True``); on the PR and DET curves the points
strictly inside a run of equal true-positive counts (default ``False``, as scikit-learn).
Undefined curves (one class only) are refused with a message, where
scikit-learn warns and returns NaN rates (ROC, DET) or, for a PR curve
without positives, sets recall to 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _cls_checks as checks

__all__ = [
    "binary_clf_curve",
    "det_curve",
    "precision_recall_curve",
    "roc_curve",
]


def _binary_target(
    target: Any,
    scores: Any,
    pos_label: Any,
    sample_weight: Any = None,
    names: tuple[str, str] = ("target", "scores"),
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate a binary target, 1-D real scores and weights: (is_positive bool (n,), scores (n,), w or None)."""
    y = checks.labels(target, names[0])
    s = checks.scores(scores, names[1])
    if len(y) != len(s):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got {len(y)} and {len(s)}"
        )
    w = checks.weights(sample_weight, len(y))
    classes = np.unique(y)
    if len(classes) > 2:
        raise ValueError(
            f"{names[0]} must be binary, got {len(classes)} classes: {classes[:5].tolist()}..."
        )
    if len(classes) == 2 and pos_label not in classes.tolist():
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label; it should be one of {classes.tolist()}"
        )
    return y == pos_label, s, w


def binary_clf_curve(
    is_pos: np.ndarray, s: np.ndarray, w: np.ndarray | None
):
    """FP and TP (float64) at each distinct score threshold, thresholds decreasing (sklearn's counts)."""
    if (
        w is not None
    ):  # zero-weight items do not exist for the curve (scikit-learn's rule)
        keep = w != 0
        is_pos, s, w = is_pos[keep], s[keep], w[keep]
    order = np.argsort(
        s
    )[
        ::-1
    ]  # (n,) decreasing score; the order within ties does not change the counts
    s, is_pos = s[order], is_pos[order]
    last = np.r_[
        np.flatnonzero(np.diff(s)), len(s) - 1
    ]  # (K,) last index of each tie group
    if w is None:
        tps = np.cumsum(is_pos, dtype=np.float64)[last]  # (K,)
        fps = 1.0 + last - tps  # (K,)
    else:
        w = w[order]
        tps = np.cumsum(is_pos * w)[last]  # (K,)
        fps = np.cumsum((1 - is_pos) * w)[
            last
        ]  # (K,) as scikit-learn sums them
    return fps, tps, s[last]


def _check_both(fps: np.ndarray, tps: np.ndarray, what: str) -> None:
    if tps[-1] <= 0 or fps[-1] <= 0:
        raise ValueError(
            f"{what} needs both classes (with positive weight) in target; only one class is present"
        )


def roc_curve(
    target: Any,
    scores: Any,
    pos_label: Any = 1,
    sample_weight: Any = None,
    drop_intermediate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""ROC curve points ``(fpr, tpr, thresholds)``, as ``sklearn.metrics.roc_curve``.

    :math:`\mathrm{FPR} = FP(t)/FP(-\infty)`, :math:`\mathrm{TPR} = TP(t)/TP(-\infty)`. Thresholds
    run from :math:`+\infty` (nothing predicted positive: the point (0, 0)) down through the
    distinct scores. ``drop_intermediate=True`` (scikit-learn's default) drops collinear points,
    which change neither the plot nor the area. Needs both classes.

    >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    is_pos, s, w = _binary_target(
        target, scores, pos_label, sample_weight
    )
    fps, tps, thresholds = binary_clf_curve(is_pos, s, w)
    _check_both(fps, tps, "roc_curve")
    if drop_intermediate is not True and drop_intermediate is not False:
        raise ValueError(
            f"drop_intermediate must be True or False, got {checks.kind(drop_intermediate)}"
        )
    if (
        drop_intermediate and len(fps) > 2
    ):  # keep a point only where the curve bends
        keep = np.r_[
            True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True
        ]  # (K,)
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def _drop_flat_tp(fps, tps, thresholds, drop_intermediate):
    """Keep only the first and last point of each run of equal TP (scikit-learn's PR/DET rule)."""
    if drop_intermediate is not True and drop_intermediate is not False:
        raise ValueError(
            f"drop_intermediate must be True or False, got {checks.kind(drop_intermediate)}"
        )
    if drop_intermediate and len(fps) > 2:
        keep = np.r_[
            True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True
        ]  # (K,)
        return fps[keep], tps[keep], thresholds[keep]
    return fps, tps, thresholds


def precision_recall_curve(
    target: Any,
    scores: Any,
    pos_label: Any = 1,
    sample_weight: Any = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Precision-recall points ``(precision, recall, thresholds)``, as scikit-learn's.

    :math:`P = TP/(TP + FP)`, :math:`R = TP/TP(-\infty)`. One point per distinct score,
    thresholds increasing, recall decreasing; a final point (precision 1, recall 0) with no
    threshold closes the curve. ``drop_intermediate=True`` keeps only the ends of each vertical
    run (equal recall); the default is ``False``, as in scikit-learn 1.9. Needs at least one
    positive (scikit-learn warns and sets recall to 1).

    >>> p, r, thr = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> p.round(4).tolist(), r.tolist(), thr.tolist()
    ([0.5, 0.6667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    is_pos, s, w = _binary_target(
        target, scores, pos_label, sample_weight
    )
    fps, tps, thresholds = binary_clf_curve(is_pos, s, w)
    if tps[-1] <= 0:
        raise ValueError(
            "precision_recall_curve needs at least one positive (with positive weight) in target"
        )
    fps, tps, thresholds = _drop_flat_tp(
        fps, tps, thresholds, drop_intermediate
    )
    prec = (
        tps / (tps + fps)
    )  # (K,) never 0/0: each threshold predicts an item of positive weight positive
    rec = tps / tps[-1]  # (K,)
    return np.r_[prec[::-1], 1.0], np.r_[rec[::-1], 0.0], thresholds[::-1]


def det_curve(
    target: Any,
    scores: Any,
    pos_label: Any = 1,
    sample_weight: Any = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Detection error tradeoff points ``(fpr, fnr, thresholds)``, as ``sklearn.metrics.det_curve`` (1.9).

    :math:`\mathrm{FNR} = 1 - \mathrm{TPR}`, the miss rate, against the false-alarm rate, both
    errors (lower is better); DET plots usually draw both axes on a normal-deviate scale
    (``scipy.stats.norm.ppf``), where a ranker with Gaussian scores is a straight line. As in
    scikit-learn 1.9 a threshold :math:`+\infty` (everything negative: FPR 0, FNR 1) starts the
    sweep. The points run with thresholds increasing (FPR falling): from the first threshold
    at which FNR reaches 0 to the last one at which FPR is still 0. Needs both classes.

    >>> fpr, fnr, thr = det_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), fnr.tolist(), thr.tolist()
    ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.35, 0.4, 0.8])
    """
    is_pos, s, w = _binary_target(
        target, scores, pos_label, sample_weight
    )
    fps, tps, thresholds = binary_clf_curve(is_pos, s, w)
    _check_both(fps, tps, "det_curve")
    fps, tps, thresholds = (
        np.r_[0.0, fps],
        np.r_[0.0, tps],
        np.r_[np.inf, thresholds],
    )
    fps, tps, thresholds = _drop_flat_tp(
        fps, tps, thresholds, drop_intermediate
    )
    fns = tps[-1] - tps  # (K,)
    first = (
        np.searchsorted(fps, fps[0], side="right") - 1
    )  # last point with FP still at its start
    last = (
        np.searchsorted(tps, tps[-1]) + 1
    )  # stop once every positive is found
    sl = slice(first, last)
    return (
        fps[sl][::-1] / fps[-1],
        fns[sl][::-1] / tps[-1],
        thresholds[sl][::-1],
    )
