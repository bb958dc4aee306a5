r"""Classification metrics for whole sequences: accuracy, P/R/F1, confusion matrix, AUROC, AP.

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

from ._registry import MetricInfo
from ._validate import same_length, to_numpy

__all__ = [
    "accuracy", "precision", "recall", "f1_score", "confusion_matrix",
    "roc_auc", "average_precision", "roc_curve", "precision_recall_curve",
]
#: public functions that are not metrics (no registry entry)
HELPERS = ("roc_curve", "precision_recall_curve")


def _labels(x: Any, name: str) -> np.ndarray:
    """A 1-D array of class labels (ints, bools or strings); floats must be whole numbers."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of labels, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; a metric needs at least one element")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold class labels, got non-integer values such as {arr[arr != np.round(arr)][0]}")
    elif arr.dtype.kind not in "biuUSO":
        raise ValueError(f"{name} must hold class labels (ints, bools or strings), got dtype {arr.dtype}")
    return arr


def _pair(target: Any, pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y, yhat = _labels(target, "target"), _labels(pred, "prediction")
    same_length(y, yhat)
    return y, yhat


def accuracy(target: Any, pred: Any) -> float:
    r"""Fraction of exact hits, :math:`\frac1n\sum_i [\hat y_i = y_i]` (``sklearn.metrics.accuracy_score``).

    Trap: torchmetrics' multiclass accuracy defaults to the *macro* (balanced) average.

    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    """
    y, yhat = _pair(target, pred)
    return float(np.mean(y == yhat))


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


def recall(target: Any, pred: Any, average: str = "binary", pos_label: Any = 1,
           zero_division: float = 0.0, labels: Any = None) -> float:
    r"""Recall :math:`\frac{TP}{TP + FN}`: of the items of a class, the share found.

    Options as in :func:`precision`; same as ``sklearn.metrics.recall_score``. Macro recall is
    balanced accuracy.

    >>> recall([0, 0, 1, 1, 0, 1, 1, 0, 1, 0], [0, 0, 0, 1, 0, 1, 0, 1, 1, 0])
    0.6
    """
    return _prf(target, pred, average, pos_label, zero_division, labels)[1]


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


def _binary_scores(target: Any, scores: Any, pos_label: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate a binary target and real scores; return (is_positive bool (n,), scores float64 (n,))."""
    y = _labels(target, "target")
    s = to_numpy(scores, "scores", ndim=1)
    same_length(y, s, "target", "scores")
    classes = np.unique(y)
    if len(classes) > 2:
        raise ValueError(f"target must be binary, got {len(classes)} classes: {classes[:5].tolist()}...")
    if len(classes) == 2 and pos_label not in classes.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not a valid label; it should be one of {classes.tolist()}")
    return y == pos_label, s


def roc_auc(target: Any, scores: Any, pos_label: Any = 1) -> float:
    r"""Area under the ROC curve: the probability that a random positive outscores a random negative.

    .. math:: \mathrm{AUROC} = \frac{1}{n_+ n_-}\sum_{i:\,y_i=1}\ \sum_{j:\,y_j=0}
              \Big([s_i > s_j] + \tfrac12 [s_i = s_j]\Big)

    the Mann-Whitney U statistic divided by :math:`n_+ n_-`; ties count one half. Computed in
    :math:`O(n \log n)`: sort the negatives' scores, then for each positive count the negatives
    below it (``searchsorted`` left) and tied with it (right minus left). Equals
    ``sklearn.metrics.roc_auc_score``. Raises if only one class is present (undefined).

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.6, 0.35, 0.8])
    0.75
    """
    is_pos, s = _binary_scores(target, scores, pos_label)
    neg = np.sort(s[~is_pos])  # (n_neg,)
    pos = np.sort(s[is_pos])  # (n_pos,) sorted queries search faster
    if len(neg) == 0 or len(pos) == 0:
        raise ValueError("roc_auc needs both classes in target; only one class is present")
    below = np.searchsorted(neg, pos, side="left")  # (n_pos,) negatives strictly below
    not_above = np.searchsorted(neg, pos, side="right")  # (n_pos,) negatives below or tied
    wins = below.sum(dtype=np.int64) + 0.5 * (not_above - below).sum(dtype=np.int64)
    return float(wins / (len(pos) * len(neg)))


def average_precision(target: Any, scores: Any, pos_label: Any = 1) -> float:
    r"""Average precision, the step-wise area under the precision-recall curve.

    .. math:: \mathrm{AP} = \sum_n (R_n - R_{n-1})\, P_n

    over the distinct score thresholds in decreasing order, where :math:`P_n, R_n` are the
    precision and recall of "predict positive when the score is at least threshold n". Only
    thresholds at a positive's score change the recall, so with the positives' and negatives'
    scores sorted, :math:`TP` and :math:`FP` at each threshold are two ``searchsorted`` calls.
    Equals ``sklearn.metrics.average_precision_score``.

    Trap: ``auc(recall, precision)`` interpolates linearly (trapezoid) and comes out higher.
    Raises if there is no positive (recall undefined).

    >>> round(average_precision([0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
    ...                         [.1, .4, .35, .8, .4, .9, .2, .6, .6, .05]), 6)
    0.789286
    """
    is_pos, s = _binary_scores(target, scores, pos_label)
    pos = np.sort(s[is_pos])  # (n_pos,)
    neg = np.sort(s[~is_pos])  # (n_neg,)
    if len(pos) == 0:
        raise ValueError("average_precision needs at least one positive in target; recall is undefined")
    first = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]])  # (K,) first index of each distinct positive score
    thresholds = pos[first]  # (K,) increasing
    tp = len(pos) - first  # (K,) positives scoring >= threshold
    fp = len(neg) - np.searchsorted(neg, thresholds, side="left")  # (K,) negatives scoring >= threshold
    prec = tp / (tp + fp)  # (K,)
    recall_gain = -np.diff(np.r_[tp, 0]) / len(pos)  # (K,) R_n - R_{n-1}, threshold decreasing
    return float(np.sum(recall_gain * prec))


def _curve_counts(target, scores, pos_label):
    """TP and FP counts (float64) at each distinct score threshold, in decreasing order."""
    is_pos, s = _binary_scores(target, scores, pos_label)
    order = np.argsort(-s, kind="stable")  # (n,) decreasing score
    s, is_pos = s[order], is_pos[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # (K,) last index of each tie group
    tps = np.cumsum(is_pos, dtype=np.float64)[last]  # (K,)
    fps = 1.0 + last - tps  # (K,)
    return fps, tps, s[last]


def roc_curve(target: Any, scores: Any, pos_label: Any = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""ROC curve points ``(fpr, tpr, thresholds)``, as ``sklearn.metrics.roc_curve``.

    Thresholds run from :math:`+\infty` (nothing predicted positive: the point (0, 0)) down
    through the distinct scores; collinear intermediate points are dropped
    (scikit-learn's ``drop_intermediate=True``). Needs both classes.

    >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    fps, tps, thresholds = _curve_counts(target, scores, pos_label)
    if tps[-1] == 0 or fps[-1] == 0:
        raise ValueError("roc_curve needs both classes in target; only one class is present")
    if len(fps) > 2:  # keep a point only where the curve bends
        keep = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]  # (K,)
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def precision_recall_curve(target: Any, scores: Any, pos_label: Any = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Precision-recall points ``(precision, recall, thresholds)``, as scikit-learn's.

    One point per distinct score, thresholds increasing, recall decreasing; a final point
    (precision 1, recall 0) with no threshold closes the curve. Needs at least one positive.

    >>> p, r, thr = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> p.round(4).tolist(), r.tolist(), thr.tolist()
    ([0.5, 0.6667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    fps, tps, thresholds = _curve_counts(target, scores, pos_label)
    if tps[-1] == 0:
        raise ValueError("precision_recall_curve needs at least one positive in target")
    prec = tps / (tps + fps)  # (K,) never 0/0: each threshold predicts at least one item positive
    rec = tps / tps[-1]  # (K,)
    return np.r_[prec[::-1], 1.0], np.r_[rec[::-1], 0.0], thresholds[::-1]


_CLS = "classification"
INFO = [
    MetricInfo("accuracy", _CLS, r"\frac{1}{N}\sum_{i=1}^{N} \mathbf{1}(\hat y_i = y_i)",
               "Share of items whose predicted class is the true class.",
               "Balanced classes, when every error costs the same.",
               "Imbalance: always predicting the majority class scores its share.",
               "[0, 1]", True, "sklearn.metrics.accuracy_score"),
    MetricInfo("precision", _CLS, r"\frac{TP}{TP + FP}",
               "Of the items predicted as the class, the share that truly are.",
               "When false alarms are costly.",
               "Says nothing of missed items; 0/0 when nothing is predicted (zero_division).",
               "[0, 1]", True, "sklearn.metrics.precision_score"),
    MetricInfo("recall", _CLS, r"\frac{TP}{TP + FN}",
               "Of the items truly in the class, the share that were found.",
               "When misses are costly (screening, retrieval).",
               "Says nothing of false alarms: predicting everything positive scores 1.",
               "[0, 1]", True, "sklearn.metrics.recall_score"),
    MetricInfo("f1_score", _CLS, r"\frac{2PR}{P + R} = \frac{2TP}{2TP + FP + FN};\ \text{macro} = \frac1K\sum_k F_{1,k}",
               "Harmonic mean of precision and recall; macro averages the per-class F1.",
               "Imbalanced data where both kinds of error matter.",
               "Ignores true negatives; macro F1 is not F1 of macro P and R; for single-label multiclass data micro F1 equals accuracy.",
               "[0, 1]", True, "sklearn.metrics.f1_score"),
    MetricInfo("confusion_matrix", _CLS, r"C_{jk} = \lvert\{i : y_i = j,\ \hat y_i = k\}\rvert",
               "Counts of each (true class, predicted class) pair; rows are the truth.",
               "Always, to see which classes are confused with which.",
               "Raw counts: large classes dominate unless rows are normalised.",
               "counts in [0, N]", None, "sklearn.metrics.confusion_matrix"),
    MetricInfo("roc_auc", _CLS, r"\frac{1}{N_+ N_-}\sum_{i \in +}\sum_{j \in -}\big(\mathbf{1}(s_i > s_j) + \tfrac12\mathbf{1}(s_i = s_j)\big)",
               "Probability that a random positive is scored above a random negative.",
               "Comparing rankers independently of a threshold, with moderate imbalance.",
               "Blind to the positive rate: a useless ranker scores 0.5 at any rate, but a high AUROC under heavy imbalance can go with poor precision at every useful threshold.",
               "[0, 1]", True, "sklearn.metrics.roc_auc_score"),
    MetricInfo("average_precision", _CLS, r"\sum_n (R_n - R_{n-1}) P_n",
               "Precision averaged over the recall levels reached as the threshold falls.",
               "Rare positives, where the top of the ranking matters.",
               "Depends on the positive rate (its chance level on large test sets; higher on small ones); the trapezoid area under the PR curve is a different number, on either side of it.",
               "[0, 1]", True, "sklearn.metrics.average_precision_score"),
]
