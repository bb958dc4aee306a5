r"""Ranking metrics for binary classification from real-valued scores: AUROC, average precision, their curves.

Semantics follow scikit-learn 1.9 exactly (metric-reference.md, section 2):

- AUROC counts a tie between a positive and a negative as one half (Mann-Whitney U). It does
  not depend on prevalence: a useless ranker scores 0.5 at any positive rate.
- Average precision is the step sum :math:`\sum_n (R_n - R_{n-1}) P_n`; the trapezoid rule
  (``auc(recall, precision)``) is a different number and can fall on either side of it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from seqlib import validate

from .registry import metric

__all__ = ["roc_auc", "average_precision", "roc_curve", "precision_recall_curve"]

_CLS = "classification"


def _binary_scores(target: Any, scores: Any, pos_label: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate a binary target and real scores; return (is_positive bool (n,), scores float64 (n,))."""
    y = validate.labels(target, "target")
    s = validate.array(scores, "scores", ndim=1)
    validate.same_length(y, s, "target", "scores")
    classes = np.unique(y)
    if len(classes) > 2:
        raise ValueError(f"target must be binary, got {len(classes)} classes: {classes[:5].tolist()}...")
    if len(classes) == 2 and pos_label not in classes.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not a valid label; it should be one of {classes.tolist()}")
    return y == pos_label, s


@metric(
    task=_CLS,
    formula=(r"\frac{1}{N_+ N_-}\sum_{i \in +}\sum_{j \in -}\big(\mathbf{1}(s_i > s_j) + "
             r"\tfrac12\mathbf{1}(s_i = s_j)\big)"),
    meaning="Probability that a random positive is scored above a random negative.",
    use_when="Comparing rankers independently of a threshold, with moderate imbalance.",
    hides=("Blind to the positive rate: a useless ranker scores 0.5 at any rate, but a high AUROC "
           "under heavy imbalance can go with poor precision at every useful threshold."),
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.roc_auc_score",
)
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


@metric(
    task=_CLS,
    formula=r"\sum_n (R_n - R_{n-1}) P_n",
    meaning="Precision averaged over the recall levels reached as the threshold falls.",
    use_when="Rare positives, where the top of the ranking matters.",
    hides=("Depends on the positive rate (its chance level on large test sets; higher on small ones); "
           "the trapezoid area under the PR curve is a different number, on either side of it."),
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.average_precision_score",
)
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
