r"""Precision, recall and F1 for class labels, with scikit-learn 1.9's options and semantics.

:math:`P = TP/(TP + FP)`, :math:`R = TP/(TP + FN)`, :math:`F_1 = 2TP/(2TP + FP + FN)` for the
class ``pos_label`` (``average="binary"``) or per class and then averaged: ``"macro"`` (mean
over classes), ``"micro"`` (pool the counts first; equals accuracy for single-label data) or
``"weighted"`` (mean weighted by support). ``zero_division`` is the value of 0/0; ``labels``
lists the classes to average over; ``sample_weight`` turns every count into a sum of weights.
Re-exported by :mod:`.classification`, where the other label metrics are.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._cls_checks import SAMPLE_WEIGHT
from ._cls_checks import pair as _pair
from .registry import metric

__all__ = ["f1_score", "precision", "recall"]

_CLS = "classification"


def _divide(
    num: np.ndarray, den: np.ndarray, zero_division: float
) -> np.ndarray:
    """num / den elementwise, with ``zero_division`` where den == 0."""
    out = np.full(num.shape, zero_division, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _prf(
    target, pred, average, pos_label, zero_division, labels, sample_weight
) -> tuple[float, float, float]:
    """Precision, recall and F1 with scikit-learn's ``precision_recall_fscore_support`` semantics."""
    if average not in ("binary", "macro", "micro", "weighted"):
        raise ValueError(
            f"average must be 'binary', 'macro', 'micro' or 'weighted', got {average!r}"
        )
    if not (
        isinstance(zero_division, (int, float))
        and (zero_division in (0, 1) or math.isnan(zero_division))
    ):
        raise ValueError(
            f"zero_division must be 0.0, 1.0 or nan, got {zero_division!r}"
        )
    y, yhat, w = _pair(target, pred, sample_weight)
    present = np.union1d(y, yhat)  # sorted labels seen in either array
    if average == "binary":
        if len(present) > 2:
            raise ValueError(
                f"average='binary' needs at most 2 classes, got {len(present)}; use 'macro' or 'micro'"
            )
        if pos_label not in present.tolist() and len(present) == 2:
            raise ValueError(
                f"pos_label={pos_label!r} is not a valid label; it should be one of {present.tolist()}"
            )
        labels = [
            pos_label
        ]  # scikit-learn ignores labels= in the binary case
    elif labels is None:
        labels = present
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            f"labels must be a non-empty 1-D list of classes, got {labels.tolist()!r}"
        )
    tp, true_sum, pred_sum = _counts(y, yhat, labels, w)  # (K,) each
    if average == "micro":
        tp, true_sum, pred_sum = (
            tp.sum(keepdims=True),
            true_sum.sum(keepdims=True),
            pred_sum.sum(keepdims=True),
        )
    p = _divide(tp, pred_sum, zero_division)  # (K,)
    r = _divide(tp, true_sum, zero_division)  # (K,)
    f = _divide(
        2.0 * tp, true_sum + pred_sum, zero_division
    )  # (K,) = 2PR/(P+R) when defined
    weights = true_sum if average == "weighted" else None
    return tuple(_nan_mean(v, weights) for v in (p, r, f))


def _counts(y, yhat, labels, w):
    """TP, support and predicted count of each of ``labels`` (sums of weights with ``w``)."""
    k = len(labels)
    try:  # O(n log K): each item's class index, by binary search in the sorted labels
        order = np.argsort(labels, kind="stable")
        ordered = labels[order]  # (K,)
        if len(np.unique(ordered)) != k:
            raise TypeError(
                "duplicate labels"
            )  # counted per listed label below
        index = []
        for values in (y, yhat):
            at = np.clip(
                np.searchsorted(ordered, values), 0, k - 1
            )  # (n,)
            index.append(np.where(ordered[at] == values, order[at], -1))
    except (
        TypeError
    ):  # labels and targets of mixed kinds, or duplicates: compare all
        is_true = y[None, :] == labels[:, None]  # (K, n)
        is_pred = yhat[None, :] == labels[:, None]  # (K, n)
        weights = np.ones(len(y)) if w is None else w
        tp = (is_true & is_pred) @ weights  # (K,)
        return tp, is_true @ weights, is_pred @ weights
    yi, pi = index  # (n,) each; -1 for a class not listed

    def count(idx, keep):
        return np.bincount(
            idx[keep], weights=None if w is None else w[keep], minlength=k
        )

    return (
        count(yi, (yi >= 0) & (yi == pi)),
        count(yi, yi >= 0),
        count(pi, pi >= 0),
    )


def _nan_mean(values: np.ndarray, weights: np.ndarray | None) -> float:
    """Mean over classes, skipping ``nan`` entries; all-zero weights fall back to the plain mean."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is not None and weights[keep].sum() > 0:
        return float(np.average(values[keep], weights=weights[keep]))
    return float(np.mean(values[keep]))


# The options precision, recall and f1_score share (scikit-learn's names).
_PRF_OPTIONS = (
    "average: 'binary' (pos_label only), 'macro', 'micro' or 'weighted' (average)",
    "pos_label: the positive class when average='binary' (pos_label)",
    "zero_division: value of 0/0: 0.0, 1.0 or nan (zero_division)",
    "labels: the classes to average over, absent ones included (labels)",
    SAMPLE_WEIGHT,
)


@metric(
    task=_CLS,
    formula=r"\frac{TP}{TP + FP}",
    meaning="Of the items predicted as the class, the share that truly are.",
    use_when="When false alarms are costly.",
    hides="Says nothing of missed items; 0/0 when nothing is predicted (zero_division).",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.precision_score",
    options=_PRF_OPTIONS,
)
def precision(
    target: Any,
    pred: Any,
    average: str = "binary",
    pos_label: Any = 1,
    zero_division: float = 0.0,
    labels: Any = None,
    sample_weight: Any = None,
) -> float:
    r"""Precision :math:`\frac{TP}{TP + FP}`: of the items predicted as a class, the share that are.

    ``average``: ``"binary"`` (the class ``pos_label`` only), ``"macro"`` (unweighted mean over
    classes), ``"micro"`` (pool TP and FP over classes first) or ``"weighted"`` (mean weighted by
    support). ``labels`` lists the classes to average over (absent ones count only if listed);
    ``zero_division`` is the value of 0/0; ``sample_weight`` turns every count into a sum of
    the items' weights. Same as ``sklearn.metrics.precision_score``. Range [0, 1], higher is
    better. Empty, NaN, non-label or differently long input is refused by name.

    >>> precision([0, 1, 1, 0], [0, 0, 0, 0])  # nothing predicted positive: 0/0
    0.0
    >>> precision([0, 1, 1, 0], [0, 0, 0, 0], zero_division=1.0)
    1.0
    """
    return _prf(
        target,
        pred,
        average,
        pos_label,
        zero_division,
        labels,
        sample_weight,
    )[0]


@metric(
    task=_CLS,
    formula=r"\frac{TP}{TP + FN}",
    meaning="Of the items truly in the class, the share that were found.",
    use_when="When misses are costly (screening, retrieval).",
    hides="Says nothing of false alarms: predicting everything positive scores 1.",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.recall_score",
    options=_PRF_OPTIONS,
)
def recall(
    target: Any,
    pred: Any,
    average: str = "binary",
    pos_label: Any = 1,
    zero_division: float = 0.0,
    labels: Any = None,
    sample_weight: Any = None,
) -> float:
    r"""Recall :math:`\frac{TP}{TP + FN}`: of the items of a class, the share found.

    Options as in :func:`precision`; same as ``sklearn.metrics.recall_score``. Macro recall is
    balanced accuracy.

    >>> recall([0, 0, 1, 1, 0, 1, 1, 0, 1, 0], [0, 0, 0, 1, 0, 1, 0, 1, 1, 0])
    0.6
    """
    return _prf(
        target,
        pred,
        average,
        pos_label,
        zero_division,
        labels,
        sample_weight,
    )[1]


@metric(
    task=_CLS,
    formula=r"\frac{2PR}{P + R} = \frac{2TP}{2TP + FP + FN};\ \text{macro} = \frac1K\sum_k F_{1,k}",
    meaning="Harmonic mean of precision and recall; macro averages the per-class F1.",
    use_when="Imbalanced data where both kinds of error matter.",
    hides=(
        "Ignores true negatives; macro F1 is not F1 of macro P and R; for single-label multiclass "
        "data micro F1 equals accuracy."
    ),
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.f1_score",
    options=_PRF_OPTIONS,
)
def f1_score(
    target: Any,
    pred: Any,
    average: str = "binary",
    pos_label: Any = 1,
    zero_division: float = 0.0,
    labels: Any = None,
    sample_weight: Any = None,
) -> float:
    r"""F1, the harmonic mean of precision and recall, :math:`F_1 = \frac{2PR}{P+R} = \frac{2TP}{2TP + FP + FN}`.

    Options as in :func:`precision`; same as ``sklearn.metrics.f1_score``.

    Traps: macro F1 is the mean of the per-class F1 scores, *not* :math:`2\bar P\bar R/(\bar P + \bar R)`
    of the macro precision and recall; micro F1 equals accuracy for single-label data.

    >>> round(f1_score([0, 1, 2, 2, 1, 0, 2, 1], [0, 2, 2, 2, 0, 0, 1, 1], average="macro"), 6)
    0.622222
    """
    return _prf(
        target,
        pred,
        average,
        pos_label,
        zero_division,
        labels,
        sample_weight,
    )[2]
