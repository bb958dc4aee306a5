r"""Ranking metrics for binary classification from real-valued scores: AUROC, average precision, their curves.

Semantics follow scikit-learn 1.9 exactly (metric-reference.md, section 2):

- AUROC counts a tie between a positive and a negative as one half (Mann-Whitney U). It does
  not depend on prevalence: a useless ranker scores 0.5 at any positive rate.
- Average precision is the step sum :math:`\sum_n (R_n - R_{n-1}) P_n`; the trapezoid rule
  (``auc(recall, precision)``) is a different number and can fall on either side of it.

Options, with scikit-learn's names and defaults: ``sample_weight`` (items of weight 0 are left
out); multi-label input, a 0/1 indicator target ``(N, L)`` with scores ``(N, L)``, averaged by
``average`` = ``"macro"`` (mean over labels), ``"micro"`` (pool every (item, label) pair),
``"weighted"`` (mean weighted by each label's positive weight), ``"samples"`` (mean over items
of each item's score across labels) or ``None`` (one score per label); ``max_fpr`` (AUROC only:
the area up to that false-positive rate, McClish-standardised so that chance is 0.5 and perfect
is 1). Where scikit-learn returns NaN (AUROC of a label or item with one class only), these
refuse with a message naming the label or item. In a multi-label average, AP gives a label
(or, for ``"samples"``, an item) without positives the value 0, as scikit-learn does: a trap,
since such labels pull a macro average down; a binary target without positives is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlib import validate

from ._multilabel import averaged as _averaged
from ._multilabel import inputs as _inputs
from .curves import binary_clf_curve
from .registry import metric

__all__ = ["average_precision", "roc_auc"]

_CLS = "classification"
OPTIONS = (
    "average: how multi-label scores combine: 'macro', 'micro', 'weighted', 'samples' or None (average)",
    "sample_weight: weight of each item; items of weight 0 are left out (sample_weight)",
    "pos_label: the positive class of a binary target (pos_label)",
)


def _auc_one(
    is_pos: np.ndarray,
    s: np.ndarray,
    w: np.ndarray | None,
    max_fpr: float | None,
) -> float:
    """Binary AUROC, or NaN when one class (of positive weight) is missing."""
    if (
        w is None and max_fpr is None
    ):  # O(n log n) Mann-Whitney U: sort, then count below / tied
        neg = np.sort(s[~is_pos])  # (n_neg,)
        pos = np.sort(s[is_pos])  # (n_pos,) sorted queries search faster
        if len(neg) == 0 or len(pos) == 0:
            return float("nan")
        below = np.searchsorted(
            neg, pos, side="left"
        )  # (n_pos,) negatives strictly below
        not_above = np.searchsorted(
            neg, pos, side="right"
        )  # (n_pos,) negatives below or tied
        wins = below.sum(dtype=np.int64) + 0.5 * (not_above - below).sum(
            dtype=np.int64
        )
        return float(wins / (len(pos) * len(neg)))
    fps, tps, _ = binary_clf_curve(is_pos, s, w)
    if len(tps) == 0 or tps[-1] <= 0 or fps[-1] <= 0:
        return float("nan")
    if (
        len(fps) > 2
    ):  # roc_curve's drop_intermediate=True, as scikit-learn integrates it
        keep = np.r_[
            True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True
        ]
        fps, tps = fps[keep], tps[keep]
    fpr, tpr = (
        np.r_[0.0, fps] / fps[-1],
        np.r_[0.0, tps] / tps[-1],
    )  # (K + 1,) each
    if max_fpr is None or max_fpr == 1:
        return float(np.trapezoid(tpr, fpr))
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr = np.append(
        tpr[:stop],
        np.interp(
            max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1]
        ),
    )
    fpr = np.append(fpr[:stop], max_fpr)
    partial = np.trapezoid(tpr, fpr)  # area up to max_fpr
    min_area, max_area = (
        0.5 * max_fpr**2,
        max_fpr,
    )  # chance diagonal, perfect ranker
    return float(
        0.5 * (1 + (partial - min_area) / (max_area - min_area))
    )  # McClish (1989)


def _ap_one(
    is_pos: np.ndarray, s: np.ndarray, w: np.ndarray | None
) -> float:
    """Binary average precision, or NaN when there is no positive (of positive weight)."""
    if w is None:
        pos = np.sort(s[is_pos])  # (n_pos,)
        neg = np.sort(s[~is_pos])  # (n_neg,)
        if len(pos) == 0:
            return float("nan")
        first = np.flatnonzero(
            np.r_[True, pos[1:] != pos[:-1]]
        )  # (K,) first index of each distinct positive score
        thresholds = pos[first]  # (K,) increasing
        tp = len(pos) - first  # (K,) positives scoring >= threshold
        fp = len(neg) - np.searchsorted(
            neg, thresholds, side="left"
        )  # (K,) negatives scoring >= threshold
        prec = tp / (tp + fp)  # (K,)
        recall_gain = -np.diff(np.r_[tp, 0]) / len(
            pos
        )  # (K,) R_n - R_{n-1}, threshold decreasing
        return float(np.sum(recall_gain * prec))
    fps, tps, _ = binary_clf_curve(is_pos, s, w)
    if len(tps) == 0 or tps[-1] <= 0:
        return float("nan")
    prec, rec = (
        np.r_[(tps / (tps + fps))[::-1], 1.0],
        np.r_[(tps / tps[-1])[::-1], 0.0],
    )
    return float(max(0.0, -np.sum(np.diff(rec) * prec[:-1])))


@metric(
    task=_CLS,
    formula=(
        r"\frac{1}{N_+ N_-}\sum_{i \in +}\sum_{j \in -}\big(\mathbf{1}(s_i > s_j) + "
        r"\tfrac12\mathbf{1}(s_i = s_j)\big)"
    ),
    meaning="Probability that a random positive is scored above a random negative.",
    use_when="Comparing rankers independently of a threshold, with moderate imbalance.",
    hides=(
        "Blind to the positive rate: a useless ranker scores 0.5 at any rate, but a high AUROC "
        "under heavy imbalance can go with poor precision at every useful threshold."
    ),
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.roc_auc_score",
    options=OPTIONS
    + (
        "max_fpr: partial AUROC up to this false-positive rate, McClish-standardised (max_fpr)",
    ),
)
def roc_auc(
    target: Any,
    scores: Any,
    pos_label: Any = 1,
    average: str | None = "macro",
    sample_weight: Any = None,
    max_fpr: float | None = None,
) -> float | np.ndarray:
    r"""Area under the ROC curve: the probability that a random positive outscores a random negative.

    .. math:: \mathrm{AUROC} = \frac{1}{W_+ W_-}\sum_{i:\,y_i=1}\ \sum_{j:\,y_j=0}
              w_i w_j\Big([s_i > s_j] + \tfrac12 [s_i = s_j]\Big)

    the Mann-Whitney U statistic divided by :math:`W_+ W_-` (:math:`w = 1` without
    ``sample_weight``); ties count one half. Unweighted, it is computed in :math:`O(n \log n)`:
    sort the negatives' scores, then for each positive count the negatives below it and tied
    with it (``searchsorted``). Range [0, 1], higher is better, 0.5 for chance.

    ``max_fpr`` in (0, 1]: the area under the curve up to that false-positive rate, standardised
    by McClish (1989) to :math:`\tfrac12\big(1 + \frac{A - m^2/2}{m - m^2/2}\big)` so that chance
    is 0.5 and a perfect ranker 1 (not for multiclass, as scikit-learn).
    Multi-label input and ``average``: see the module docstring. Equals
    ``sklearn.metrics.roc_auc_score``; refuses one class only
    (scikit-learn warns and returns NaN), NaN/inf scores, empty or ragged
    input.

    >>> roc_auc([0, 0, 1, 1], [0.1, 0.6, 0.35, 0.8])
    0.75
    >>> round(roc_auc([0, 0, 1, 1, 0, 1, 1, 0, 1, 0], [.1, .4, .35, .8, .4, .9, .2, .6, .6, .05], max_fpr=0.5), 6)
    0.706667
    """
    kind, y, s, w = _inputs(
        target,
        scores,
        pos_label,
        sample_weight,
        average,
        multiclass=False,
    )
    max_fpr = validate.real(
        max_fpr, "max_fpr", low=0, high=1, low_open=True, optional=True
    )
    return _averaged(
        lambda a, b, c: _auc_one(a, b, c, max_fpr),
        kind,
        y,
        s,
        w,
        average,
        "roc_auc",
        "both classes",
    )


@metric(
    task=_CLS,
    formula=r"\sum_n (R_n - R_{n-1}) P_n",
    meaning="Precision averaged over the recall levels reached as the threshold falls.",
    use_when="Rare positives, where the top of the ranking matters.",
    hides=(
        "Depends on the positive rate (its chance level on large test sets; higher on small ones); "
        "the trapezoid area under the PR curve is a different number, on either side of it."
    ),
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.average_precision_score",
    options=OPTIONS,
)
def average_precision(
    target: Any,
    scores: Any,
    pos_label: Any = 1,
    average: str | None = "macro",
    sample_weight: Any = None,
) -> float | np.ndarray:
    r"""Average precision, the step-wise area under the precision-recall curve.

    .. math:: \mathrm{AP} = \sum_n (R_n - R_{n-1})\, P_n

    over the distinct score thresholds in decreasing order, where :math:`P_n, R_n` are the
    (weighted) precision and recall of "predict positive when the score is at least threshold
    n". Unweighted, only thresholds at a positive's score change the recall, so with the
    positives' and negatives' scores sorted, :math:`TP` and :math:`FP` at each threshold are two
    ``searchsorted`` calls. Range [0, 1], higher is better; chance is the positive rate.

    Multi-label input and ``average``: see the module docstring; a 1-D multiclass target with
    scores ``(N, C)`` is binarized one-vs-rest, as scikit-learn does. Equals
    ``sklearn.metrics.average_precision_score``. Trap: ``auc(recall, precision)`` interpolates
    linearly (trapezoid) and is a different number. Refuses a target without positives (recall
    undefined; scikit-learn warns and returns 0), NaN/inf scores, empty or ragged input.

    >>> round(average_precision([0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
    ...                         [.1, .4, .35, .8, .4, .9, .2, .6, .6, .05]), 6)
    0.789286
    """
    kind, y, s, w = _inputs(
        target, scores, pos_label, sample_weight, average, multiclass=True
    )
    return _averaged(
        _ap_one,
        kind,
        y,
        s,
        w,
        average,
        "average_precision",
        "at least one positive",
        empty_value=0.0,
    )
