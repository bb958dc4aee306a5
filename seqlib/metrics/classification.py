r"""Classification metrics for whole sequences: accuracy, P/R/F1, confusion matrix (and AUROC, AP from :mod:`.ranking`).

Semantics follow scikit-learn 1.9 exactly; the convention traps (metric-reference.md, section 2):

- Macro F1 is the *mean of per-class F1*, not the harmonic mean of macro-P and macro-R.
- Micro F1 equals accuracy for single-label multiclass data.
- Absent classes enter a macro average only when listed in ``labels=``.
- ``zero_division`` decides the value of an undefined ratio (0/0): 0.0, 1.0 or ``nan``
  (``nan`` entries are skipped by the macro average, as scikit-learn does).
- AUROC counts a tie between a positive and a negative as one half (Mann-Whitney U).
- Average precision is the step sum :math:`\sum_n (R_n - R_{n-1}) P_n`; the trapezoid rule
  (``auc(recall, precision)``) is optimistic.
- torchmetrics' ``multiclass_accuracy`` defaults to ``average='macro'``, which is balanced
  accuracy, not accuracy.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from seqlib import validate

from .registry import metric
from .stats import CountStats

__all__ = [
    "accuracy", "precision", "recall", "f1_score", "confusion_matrix",
    "roc_auc", "average_precision", "roc_curve", "precision_recall_curve",
]

_CLS = "classification"


def _pair(target: Any, pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y, yhat = validate.labels(target, "target"), validate.labels(pred, "prediction")
    validate.same_length(y, yhat)
    return y, yhat


@metric(
    task=_CLS,
    formula=r"\frac{1}{N}\sum_{i=1}^{N} \mathbf{1}(\hat y_i = y_i)",
    meaning="Share of items whose predicted class is the true class.",
    use_when="Balanced classes, when every error costs the same.",
    hides="Imbalance: always predicting the majority class scores its share.",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.accuracy_score",
)
def accuracy(target: Any, pred: Any) -> float:
    r"""Fraction of exact hits, :math:`\frac1n\sum_i [\hat y_i = y_i]` (``sklearn.metrics.accuracy_score``).

    Trap: torchmetrics' multiclass accuracy defaults to the *macro* (balanced) average.

    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    """
    y, yhat = _pair(target, pred)
    return CountStats(int(np.sum(y == yhat)), len(y)).score()


def _divide(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    """num / den elementwise, with ``zero_division`` where den == 0."""
    out = np.full(num.shape, zero_division, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _prf(target, pred, average, pos_label, zero_division, labels) -> tuple[float, float, float]:
    """Precision, recall and F1 with scikit-learn's ``precision_recall_fscore_support`` semantics."""
    if average not in ("binary", "macro", "micro", "weighted"):
        raise ValueError(f"average must be 'binary', 'macro', 'micro' or 'weighted', got {average!r}")
    if not (isinstance(zero_division, (int, float)) and (zero_division in (0, 1) or math.isnan(zero_division))):
        raise ValueError(f"zero_division must be 0.0, 1.0 or nan, got {zero_division!r}")
    y, yhat = _pair(target, pred)
    present = np.union1d(y, yhat)  # sorted labels seen in either array
    if average == "binary":
        if len(present) > 2:
            raise ValueError(f"average='binary' needs at most 2 classes, got {len(present)}; use 'macro' or 'micro'")
        if pos_label not in present.tolist() and len(present) == 2:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label; it should be one of {present.tolist()}")
        labels = [pos_label]  # scikit-learn ignores labels= in the binary case
    elif labels is None:
        labels = present
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D list of classes, got {labels.tolist()!r}")
    is_label_true = y[None, :] == labels[:, None]  # (K, n)
    is_label_pred = yhat[None, :] == labels[:, None]  # (K, n)
    tp = (is_label_true & is_label_pred).sum(axis=1)  # (K,)
    true_sum = is_label_true.sum(axis=1)  # (K,) support
    pred_sum = is_label_pred.sum(axis=1)  # (K,)
    if average == "micro":
        tp, true_sum, pred_sum = tp.sum(keepdims=True), true_sum.sum(keepdims=True), pred_sum.sum(keepdims=True)
    p = _divide(tp, pred_sum, zero_division)  # (K,)
    r = _divide(tp, true_sum, zero_division)  # (K,)
    f = _divide(2.0 * tp, true_sum + pred_sum, zero_division)  # (K,) = 2PR/(P+R) when defined
    weights = true_sum if average == "weighted" else None
    return tuple(_nan_mean(v, weights) for v in (p, r, f))


def _nan_mean(values: np.ndarray, weights: np.ndarray | None) -> float:
    """Mean over classes, skipping ``nan`` entries; all-zero weights fall back to the plain mean."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is not None and weights[keep].sum() > 0:
        return float(np.average(values[keep], weights=weights[keep]))
    return float(np.mean(values[keep]))


@metric(
    task=_CLS,
    formula=r"\frac{TP}{TP + FP}",
    meaning="Of the items predicted as the class, the share that truly are.",
    use_when="When false alarms are costly.",
    hides="Says nothing of missed items; 0/0 when nothing is predicted (zero_division).",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.precision_score",
)
def precision(target: Any, pred: Any, average: str = "binary", pos_label: Any = 1,
              zero_division: float = 0.0, labels: Any = None) -> float:
    r"""Precision :math:`\frac{TP}{TP + FP}`: of the items predicted as a class, the share that are.

    ``average``: ``"binary"`` (the class ``pos_label`` only), ``"macro"`` (unweighted mean over
    classes), ``"micro"`` (pool TP and FP over classes first) or ``"weighted"`` (mean weighted by
    support). ``labels`` lists the classes to average over (absent ones count only if listed);
    ``zero_division`` is the value of 0/0. Same as ``sklearn.metrics.precision_score``.

    >>> precision([0, 1, 1, 0], [0, 0, 0, 0])  # nothing predicted positive: 0/0
    0.0
    >>> precision([0, 1, 1, 0], [0, 0, 0, 0], zero_division=1.0)
    1.0
    """
    return _prf(target, pred, average, pos_label, zero_division, labels)[0]


@metric(
    task=_CLS,
    formula=r"\frac{TP}{TP + FN}",
    meaning="Of the items truly in the class, the share that were found.",
    use_when="When misses are costly (screening, retrieval).",
    hides="Says nothing of false alarms: predicting everything positive scores 1.",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.recall_score",
)
def recall(target: Any, pred: Any, average: str = "binary", pos_label: Any = 1,
           zero_division: float = 0.0, labels: Any = None) -> float:
    r"""Recall :math:`\frac{TP}{TP + FN}`: of the items of a class, the share found.

    Options as in :func:`precision`; same as ``sklearn.metrics.recall_score``. Macro recall is
    balanced accuracy.

    >>> recall([0, 0, 1, 1, 0, 1, 1, 0, 1, 0], [0, 0, 0, 1, 0, 1, 0, 1, 1, 0])
    0.6
    """
    return _prf(target, pred, average, pos_label, zero_division, labels)[1]


@metric(
    task=_CLS,
    formula=r"\frac{2PR}{P + R} = \frac{2TP}{2TP + FP + FN};\ \text{macro} = \frac1K\sum_k F_{1,k}",
    meaning="Harmonic mean of precision and recall; macro averages the per-class F1.",
    use_when="Imbalanced data where both kinds of error matter.",
    hides=("Ignores true negatives; macro F1 is not F1 of macro P and R; for single-label multiclass "
           "data micro F1 equals accuracy."),
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.f1_score",
)
def f1_score(target: Any, pred: Any, average: str = "binary", pos_label: Any = 1,
             zero_division: float = 0.0, labels: Any = None) -> float:
    r"""F1, the harmonic mean of precision and recall, :math:`F_1 = \frac{2PR}{P+R} = \frac{2TP}{2TP + FP + FN}`.

    Options as in :func:`precision`; same as ``sklearn.metrics.f1_score``.

    Traps: macro F1 is the mean of the per-class F1 scores, *not* :math:`2\bar P\bar R/(\bar P + \bar R)`
    of the macro precision and recall; micro F1 equals accuracy for single-label data.

    >>> round(f1_score([0, 1, 2, 2, 1, 0, 2, 1], [0, 2, 2, 2, 0, 0, 1, 1], average="macro"), 6)
    0.622222
    """
    return _prf(target, pred, average, pos_label, zero_division, labels)[2]


@metric(
    task=_CLS,
    formula=r"C_{jk} = \lvert\{i : y_i = j,\ \hat y_i = k\}\rvert",
    meaning="Counts of each (true class, predicted class) pair; rows are the truth.",
    use_when="Always, to see which classes are confused with which.",
    hides="Raw counts: large classes dominate unless rows are normalised.",
    range="counts in [0, N]",
    higher_is_better=None,
    reference="sklearn.metrics.confusion_matrix",
)
def confusion_matrix(target: Any, pred: Any, labels: Any = None) -> np.ndarray:
    r"""Counts :math:`C_{ij}` of items of true class ``labels[i]`` predicted as ``labels[j]``.

    Rows are the truth, columns the prediction (``sklearn.metrics.confusion_matrix``). The
    classes are ``labels`` in the given order, or the sorted union of the classes seen; items
    whose class is not in ``labels`` are left out. Returns an ``(K, K)`` int64 array.

    >>> confusion_matrix([0, 1, 1, 0], [0, 0, 1, 1])
    array([[1, 1],
           [1, 1]])
    """
    y, yhat = _pair(target, pred)
    labels = np.union1d(y, yhat) if labels is None else np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError("labels must be a non-empty 1-D list of classes")
    if not np.isin(y, labels).any():
        raise ValueError("at least one of the given labels must occur in target")
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    k = len(labels)
    row = order[np.clip(np.searchsorted(sorted_labels, y), 0, k - 1)]  # (n,) index of y in labels
    col = order[np.clip(np.searchsorted(sorted_labels, yhat), 0, k - 1)]  # (n,)
    keep = (labels[row] == y) & (labels[col] == yhat)  # (n,) both classes listed
    return np.bincount(row[keep] * k + col[keep], minlength=k * k).reshape(k, k).astype(np.int64)


# The ranking metrics (scores, not labels) live in .ranking, one concept per module, and are
# re-exported here for ``classification.roc_auc``; imported last so that the registry keeps the
# book's order (accuracy .. confusion_matrix, then roc_auc, average_precision).
from .ranking import average_precision, precision_recall_curve, roc_auc, roc_curve  # noqa: E402
