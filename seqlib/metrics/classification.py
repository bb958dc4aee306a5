r"""Classification metrics for whole sequences: accuracy, P/R/F1, confusion matrix (and AUROC, AP from :mod:`.ranking`).

Semantics follow scikit-learn 1.9 exactly; the convention traps (metric-reference.md, section 2):

- Macro F1 is the *mean of per-class F1*, not the harmonic mean of macro-P and macro-R.
- Micro F1 equals accuracy for single-label multiclass data.
- Absent classes enter a macro average only when listed in ``labels=``.
- ``zero_division`` decides the value of an undefined ratio (0/0): 0.0, 1.0 or ``nan``
  (``nan`` entries are skipped by the macro average, as scikit-learn does).
- AUROC counts a tie between a positive and a negative as one half (Mann-Whitney U).
- Average precision is the step sum :math:`\sum_n (R_n - R_{n-1}) P_n`; the trapezoid rule
  (``auc(recall, precision)``) is a different number, on either side of it.
- torchmetrics' ``multiclass_accuracy`` defaults to ``average='macro'``, which is balanced
  accuracy, not accuracy.
- ``sample_weight`` (scikit-learn's name) weighs each item; every count becomes a sum of
  weights. Negative weights and a total weight of 0 are refused (scikit-learn accepts them).

The chance-corrected and imbalance-aware scores (MCC, balanced accuracy, Cohen's kappa) live in
:mod:`.agreement`, the probabilistic ones (Brier, log loss, calibration error) in
:mod:`.calibration`, the ranking scores and their curves in :mod:`.ranking` and :mod:`.curves`;
all are re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _cls_checks as checks
from ._cls_checks import SAMPLE_WEIGHT
from ._cls_checks import pair as _pair
from .registry import metric

__all__ = [
    "accuracy",
    "average_precision",
    "balanced_accuracy",
    "brier_score",
    "calibration_error",
    "cohen_kappa",
    "confusion_matrix",
    "det_curve",
    "f1_score",
    "log_loss",
    "matthews_corrcoef",
    "precision",
    "precision_recall_curve",
    "recall",
    "roc_auc",
    "roc_curve",
]

_CLS = "classification"


@metric(
    task=_CLS,
    formula=r"\frac{1}{N}\sum_{i=1}^{N} \mathbf{1}(\hat y_i = y_i)",
    meaning="Share of items whose predicted class is the true class.",
    use_when="Balanced classes, when every error costs the same.",
    hides="Imbalance: always predicting the majority class scores its share.",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.accuracy_score",
    options=(SAMPLE_WEIGHT,),
)
def accuracy(target: Any, pred: Any, sample_weight: Any = None) -> float:
    r"""Fraction of exact hits, :math:`\frac1n\sum_i [\hat y_i = y_i]` (``sklearn.metrics.accuracy_score``).

    With ``sample_weight`` :math:`w`: :math:`\sum_i w_i [\hat y_i = y_i] / \sum_i w_i`. Range
    [0, 1], higher is better. Empty, NaN or differently long input is refused.

    Trap: torchmetrics' multiclass accuracy defaults to the *macro* (balanced) average.

    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2])
    0.75
    >>> accuracy([0, 1, 2, 2], [0, 2, 2, 2], sample_weight=[1, 2, 1, 0])
    0.5
    """
    y, yhat, w = _pair(target, pred, sample_weight)
    hits = y == yhat  # (n,)
    return (
        float(hits.mean())
        if w is None
        else float(np.dot(hits, w) / w.sum())
    )


# precision, recall and F1 live in .prf (one concept per module); imported here, between
# accuracy and confusion_matrix, so that the registry keeps the book's order.
from .prf import f1_score, precision, recall


def _small_ints(x: np.ndarray) -> bool:
    """Non-negative integer (or bool) labels with a small largest id: counted without sorting."""
    return x.dtype.kind in "biu" and (
        x.dtype == bool
        or (x.min() >= 0 and x.max() < max(4 * len(x), 1024))
    )


def _top(y: np.ndarray, yhat: np.ndarray) -> int:
    return int(max(y.max(), yhat.max())) + 1


@metric(
    task=_CLS,
    formula=r"C_{jk} = \lvert\{i : y_i = j,\ \hat y_i = k\}\rvert",
    meaning="Counts of each (true class, predicted class) pair; rows are the truth.",
    use_when="Always, to see which classes are confused with which.",
    hides="Raw counts: large classes dominate unless rows are normalised.",
    range="counts in [0, N]",
    higher_is_better=None,
    reference="sklearn.metrics.confusion_matrix",
    options=(
        "labels: the classes, in the order of the rows and columns (labels)",
        SAMPLE_WEIGHT,
    ),
)
def confusion_matrix(
    target: Any, pred: Any, labels: Any = None, sample_weight: Any = None
) -> np.ndarray:
    r"""Counts :math:`C_{ij}` of items of true class ``labels[i]`` predicted as ``labels[j]``.

    Rows are the truth, columns the prediction (``sklearn.metrics.confusion_matrix``). The
    classes are ``labels`` in the given order, or the sorted union of the classes seen; items
    whose class is not in ``labels`` are left out. Returns an ``(K, K)`` int64 array, or with
    ``sample_weight`` the sums of the items' weights (int64 for integer weights, else float64,
    as scikit-learn).

    >>> confusion_matrix([0, 1, 1, 0], [0, 0, 1, 1])
    array([[1, 1],
           [1, 1]])
    """
    y, yhat, w = _pair(target, pred, sample_weight)
    small_ints = labels is None and _small_ints(y) and _small_ints(yhat)
    if small_ints:  # O(n) path for class ids 0..m: the classes seen, without sorting n items
        seen = np.flatnonzero(
            np.bincount(y, minlength=_top(y, yhat))
            + np.bincount(yhat, minlength=_top(y, yhat))
        )
        labels = (
            seen.astype(np.result_type(y, yhat))
            if y.dtype != bool
            else seen.astype(bool)
        )
    labels = np.union1d(y, yhat) if labels is None else np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            f"labels must be a non-empty 1-D list of classes, got {labels.tolist()!r}"
        )
    k = len(labels)
    if small_ints:
        lookup = np.zeros(int(labels.max()) + 1, dtype=np.int64)
        lookup[labels.astype(np.int64)] = np.arange(k)
        row, col = (
            lookup[y.astype(np.int64)],
            lookup[yhat.astype(np.int64)],
        )  # (n,) each
        cells = (
            row * k + col
        )  # (n,) flat cell index; every item is listed
        keep = slice(None)
    else:
        if not np.isin(y, labels).any():
            raise ValueError(
                "at least one of the given labels must occur in target"
            )
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        row = order[
            np.clip(np.searchsorted(sorted_labels, y), 0, k - 1)
        ]  # (n,) index of y in labels
        col = order[
            np.clip(np.searchsorted(sorted_labels, yhat), 0, k - 1)
        ]  # (n,)
        keep = (labels[row] == y) & (
            labels[col] == yhat
        )  # (n,) both classes listed
        cells = row[keep] * k + col[keep]  # (n_kept,) flat cell index
    if w is None:
        return (
            np.bincount(cells, minlength=k * k)
            .reshape(k, k)
            .astype(np.int64)
        )
    counts = np.bincount(cells, weights=w[keep], minlength=k * k).reshape(
        k, k
    )  # (K, K) float64
    return (
        counts.astype(np.int64)
        if checks.integer_weights(sample_weight)
        else counts
    )


# The ranking metrics (scores, not labels) live in .ranking and .curves, the chance-corrected ones
# in .agreement, the probabilistic ones in .calibration, one concept per module; all are
# re-exported here (``classification.roc_auc``) and imported last so that the registry keeps the
# book's order (accuracy .. confusion_matrix, roc_auc, average_precision, then the newer ones).
# isort: off
from .ranking import average_precision, roc_auc
from .curves import det_curve, precision_recall_curve, roc_curve
from .agreement import balanced_accuracy, cohen_kappa, matthews_corrcoef
from .calibration import brier_score, calibration_error, log_loss
# isort: on
