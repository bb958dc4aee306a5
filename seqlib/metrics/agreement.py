r"""Chance-aware label metrics: Matthews correlation, balanced accuracy, Cohen's kappa.

Accuracy rewards a classifier for agreeing with the truth, including the agreement it would
reach by chance: on data with 95% negatives, "always negative" scores 0.95 (the accuracy
paradox). These three correct for that, each differently:

- :func:`balanced_accuracy`: the mean of the per-class recalls; chance (and the constant
  classifier) scores :math:`1/K`.
- :func:`matthews_corrcoef`: the correlation between the truth and the prediction as one-hot
  vectors (Gorodkin's :math:`R_K` for :math:`K > 2` classes); 0 for chance and for any
  constant prediction, 1 for perfect, -1 for perfect disagreement (binary).
- :func:`cohen_kappa`: observed agreement beyond the agreement expected from the two label
  distributions, :math:`\kappa = (p_o - p_e)/(1 - p_e)`; ``weights`` for ordinal classes.

All three take ``sample_weight`` and follow scikit-learn 1.9 exactly (the functions named in each
docstring); metric-reference.md section 11 lists the conventions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlib import validate

from . import _cls_checks as checks
from .registry import metric

__all__ = ["balanced_accuracy", "cohen_kappa", "matthews_corrcoef"]

_CLS = "classification"
SAMPLE_WEIGHT = "sample_weight: weight of each item; counts become sums of weights (sample_weight)"


def _confusion(
    target: Any,
    pred: Any,
    sample_weight: Any,
    labels: Any = None,
    names: tuple[str, str] = ("target", "pred"),
) -> np.ndarray:
    """Float64 confusion matrix (rows truth, columns prediction) over ``labels`` or the classes seen."""
    from .classification import (
        confusion_matrix,  # one implementation of the counting
    )

    y, yhat = (
        checks.labels(target, names[0]),
        checks.labels(pred, names[1]),
    )
    if len(y) != len(yhat):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got {len(y)} and {len(yhat)}"
        )
    w = checks.weights(sample_weight, len(y))
    return confusion_matrix(
        y, yhat, labels=labels, sample_weight=w
    ).astype(np.float64)  # (K, K)


@metric(
    task=_CLS,
    formula=r"\frac{c\,s - \sum_k p_k t_k}{\sqrt{(s^2 - \sum_k p_k^2)(s^2 - \sum_k t_k^2)}}",
    meaning="Correlation between true and predicted classes; 0 for chance or a constant guess, 1 for perfect.",
    use_when="Imbalanced classes, when one number must reflect all four cells of the confusion matrix.",
    hides="Not a rate: hard to read as a share of items; undefined (reported as 0) for a constant prediction.",
    range="[-1, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.matthews_corrcoef",
    options=(SAMPLE_WEIGHT,),
)
def matthews_corrcoef(
    target: Any, pred: Any, sample_weight: Any = None
) -> float:
    r"""Matthews correlation coefficient (Matthews 1975; multiclass :math:`R_K` of Gorodkin 2004).

    With the confusion matrix :math:`C`, :math:`c = \operatorname{tr} C` items correct out of
    :math:`s`, :math:`t_k` items truly of class :math:`k` and :math:`p_k` predicted as :math:`k`:

    .. math:: \mathrm{MCC} = \frac{c\,s - \sum_k p_k t_k}
              {\sqrt{\big(s^2 - \sum_k p_k^2\big)\big(s^2 - \sum_k t_k^2\big)}}

    which for two classes is :math:`\frac{TP\cdot TN - FP\cdot FN}{\sqrt{(TP+FP)(TP+FN)(TN+FP)(TN+FN)}}`.
    Range [-1, 1] (the multiclass minimum lies between -1 and 0), higher is better; 0 for
    chance. When the denominator is 0 (a constant prediction, or one class only) it returns
    0.0, as ``sklearn.metrics.matthews_corrcoef`` does. ``sample_weight`` weighs the items.

    >>> matthews_corrcoef([0, 0, 1, 1, 0, 1, 1, 0, 1, 0], [0, 0, 0, 1, 0, 1, 0, 1, 1, 0])
    0.408248290463863
    >>> matthews_corrcoef([0, 0, 0, 1], [0, 0, 0, 0])  # always the majority class
    0.0
    """
    c = _confusion(target, pred, sample_weight)
    t_sum, p_sum = (
        c.sum(axis=1),
        c.sum(axis=0),
    )  # (K,) truth, prediction marginals
    n_correct, n = np.trace(c), p_sum.sum()
    cov_tp = n_correct * n - t_sum @ p_sum
    cov_pp, cov_tt = n**2 - p_sum @ p_sum, n**2 - t_sum @ t_sum
    return (
        0.0
        if cov_pp * cov_tt == 0
        else float(cov_tp / np.sqrt(cov_pp * cov_tt))
    )


@metric(
    task=_CLS,
    formula=r"\frac{1}{K}\sum_{k=1}^{K} \frac{C_{kk}}{\sum_j C_{kj}}",
    meaning="Mean over classes of the share of each class found (macro recall).",
    use_when="Imbalanced classes where each class matters equally, whatever its size.",
    hides="Ignores precision: flooding a rare class with predictions costs little.",
    range="[0, 1] (adjusted: [-1/(K-1), 1])",
    higher_is_better=True,
    reference="sklearn.metrics.balanced_accuracy_score",
    options=(
        SAMPLE_WEIGHT,
        "adjusted: rescale so that chance scores 0 and perfect 1 (adjusted)",
    ),
)
def balanced_accuracy(
    target: Any,
    pred: Any,
    sample_weight: Any = None,
    adjusted: bool = False,
) -> float:
    r"""Balanced accuracy, the mean per-class recall (Brodersen et al. 2010).

    .. math:: \mathrm{BA} = \frac1K \sum_{k=1}^{K} \frac{C_{kk}}{\sum_j C_{kj}}

    over the :math:`K` classes present in ``target`` (classes only predicted are skipped, as
    ``sklearn.metrics.balanced_accuracy_score`` does, with its warning left out). A constant
    prediction, and chance, score :math:`1/K`. ``adjusted=True`` rescales to
    :math:`(\mathrm{BA} - 1/K)/(1 - 1/K)`, so that chance is 0; it needs two classes in
    ``target`` (with one, scikit-learn returns NaN if that class is fully
    recalled, BA = 1, and -inf otherwise). Equals torchmetrics' default
    ``multiclass_accuracy`` (``average="macro"``), a trap for those who
    wanted accuracy, when every predicted class occurs in ``target``;
    torchmetrics counts a class only predicted as recall 0 (target
    ``[0, 0, 1, 1]``, pred ``[0, 2, 1, 1]``, 3 classes: 0.5, here 0.75).

    >>> balanced_accuracy([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0] * 10)  # accuracy is 0.9
    0.5
    >>> balanced_accuracy([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0] * 10, adjusted=True)
    0.0
    """
    if adjusted is not True and adjusted is not False:
        raise ValueError(
            f"adjusted must be True or False, got {checks.kind(adjusted)}"
        )
    c = _confusion(target, pred, sample_weight)
    support = c.sum(axis=1)  # (K,) weight of each class in target
    per_class = (
        np.diag(c)[support > 0] / support[support > 0]
    )  # (K_true,) recalls
    score = float(np.mean(per_class))
    if adjusted:
        if len(per_class) < 2:
            raise ValueError(
                "balanced_accuracy(adjusted=True) needs at least 2 classes in target, got 1: chance "
                "level 1/K = 1 leaves nothing to rescale"
            )
        chance = 1 / len(per_class)
        score = (score - chance) / (1 - chance)
    return score


@metric(
    task=_CLS,
    formula=r"1 - \frac{\sum_{jk} w_{jk} C_{jk}}{\sum_{jk} w_{jk} E_{jk}},\ E = \frac{C\mathbf 1\,\mathbf 1^\top C}{N}",
    meaning="Agreement between two labellings beyond what their label frequencies give by chance.",
    use_when="Inter-annotator agreement, or a classifier against the truth on imbalanced data; weighted for ordinal classes.",
    hides="Depends on the class distribution (the same accuracy gives different kappas); undefined when chance agreement is total.",
    range="[-1, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.cohen_kappa_score",
    options=(
        "weights: None (any disagreement counts 1), 'linear' (|j-k|) or 'quadratic' ((j-k)^2) (weights)",
        "labels: the classes and their order, which the weights follow (labels)",
        SAMPLE_WEIGHT,
    ),
)
def cohen_kappa(
    target: Any,
    pred: Any,
    labels: Any = None,
    weights: str | None = None,
    sample_weight: Any = None,
) -> float:
    r"""Cohen's kappa (Cohen 1960; weighted kappa, Cohen 1968): agreement corrected for chance.

    With the confusion matrix :math:`C` (``target`` as rows), the chance matrix
    :math:`E_{jk} = (\sum_i C_{ji})(\sum_i C_{ik})/N` and disagreement weights :math:`w_{jk}`
    (1 off the diagonal for ``weights=None``, :math:`|j-k|` for ``"linear"``,
    :math:`(j-k)^2` for ``"quadratic"``, with :math:`j, k` the classes' positions in ``labels``
    or in sorted order):

    .. math:: \kappa = 1 - \frac{\sum_{jk} w_{jk} C_{jk}}{\sum_{jk} w_{jk} E_{jk}}

    which for ``weights=None`` is :math:`(p_o - p_e)/(1 - p_e)`. Range [-1, 1], higher is
    better, 0 for chance. Symmetric in its two arguments. Equals
    ``sklearn.metrics.cohen_kappa_score``, except where it is undefined,
    which this refuses: both labellings constant and equal (scikit-learn
    returns NaN with a warning), or no item with a listed label
    (scikit-learn 1.9 raises ValueError "At least one label in labels
    must be present in y1").

    >>> round(cohen_kappa([0, 1, 2, 2, 1, 0, 2, 1], [0, 2, 2, 2, 0, 0, 1, 1]), 6)
    0.44186
    >>> round(cohen_kappa([0, 1, 2, 2, 1, 0, 2, 1], [0, 2, 2, 2, 0, 0, 1, 1], weights="quadratic"), 6)
    0.727273
    """
    validate.choice(weights, "weights", (None, "linear", "quadratic"))
    c = _confusion(target, pred, sample_weight, labels=labels)
    k = len(c)
    total = c.sum()
    if total == 0:
        raise ValueError(
            "cohen_kappa is undefined: no item has a label listed in labels (in both target and pred)"
        )
    expected = (
        np.outer(c.sum(axis=0), c.sum(axis=1)) / total
    )  # (K, K) chance agreement
    if weights is None:
        w_mat = 1.0 - np.eye(k)  # (K, K)
    else:
        diff = (
            np.arange(k)[None, :] - np.arange(k)[:, None]
        )  # (K, K) j - k
        w_mat = (
            np.abs(diff)
            if weights == "linear"
            else diff.astype(np.float64) ** 2
        )
    den = np.sum(w_mat * expected)
    if den == 0:
        raise ValueError(
            "cohen_kappa is undefined: target and pred share a single label, so chance agreement is total"
        )
    return float(1 - np.sum(w_mat * c) / den)
