r"""Probabilistic classification metrics: Brier score, log loss, expected calibration error.

These judge the *probabilities* a classifier states, not only the classes it picks. Two models
with the same accuracy can differ here: one says 0.99 when it is right 70% of the time (over-
confident), the other 0.7. Each function takes probabilities, never logits: values outside
[0, 1] are refused with a message saying they look like logits (torchmetrics would silently
apply a sigmoid, scikit-learn raises), and rows of a ``(N, C)`` array that do not sum to 1 are
refused (scikit-learn only warns).

- :func:`brier_score`: mean squared distance between the one-hot truth and the probabilities
  (Brier 1950), scikit-learn's ``brier_score_loss``; a *proper* score.
- :func:`log_loss`: mean negative log-probability of the true class, in nats; proper too, and
  unbounded: one confident mistake can dominate it.
- :func:`calibration_error`: the binned gap between stated confidence and observed frequency
  (ECE, Naeini et al. 2015; Guo et al. 2017), torchmetrics' ``binary_calibration_error``. Not a
  proper score: a model that always predicts the evaluation set's base
  rate is perfectly calibrated (ECE 0); another rate, such as the
  training set's, scores the difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from seqlib import validate

from . import _cls_checks as checks
from .registry import metric

__all__ = ["brier_score", "calibration_error", "log_loss"]

_CLS = "classification"
SAMPLE_WEIGHT = (
    "sample_weight: weight of each item in the mean (sample_weight)"
)


def _raw_dtype(prob: Any) -> np.dtype:
    """The float type the caller's probabilities came in (scikit-learn clips at its epsilon)."""
    if isinstance(prob, torch.Tensor):
        return (
            np.float32
            if prob.dtype
            in (torch.float32, torch.float16, torch.bfloat16)
            else np.float64
        )
    dtype = np.asarray(prob).dtype
    return dtype if dtype in (np.float32, np.float64) else np.float64


def _one_hot(
    y: np.ndarray, labels: Any, n_columns: int, name: str = "prob"
) -> np.ndarray:
    """(N, C) one-hot truth over the sorted classes (of ``labels`` or of the target): LabelBinarizer's order."""
    classes = np.unique(y) if labels is None else np.asarray(labels)
    if labels is not None:
        if classes.ndim != 1 or len(np.unique(classes)) != len(classes):
            raise ValueError(
                f"labels must be a 1-D list of distinct classes, got {np.asarray(labels).tolist()!r}"
            )
        if not np.array_equal(np.sort(classes), classes):
            raise ValueError(
                f"labels must be sorted (the columns of {name} follow the sorted classes), "
                f"got {classes.tolist()}; pass {np.sort(classes).tolist()}"
            )
        missing = np.setdiff1d(y, classes)
        if len(missing):
            raise ValueError(
                f"target contains labels {missing[:5].tolist()} not in labels {classes.tolist()}"
            )
    if len(classes) < 2:
        raise ValueError(
            f"target holds one class only ({classes.tolist()}); pass every class through labels="
        )
    if len(classes) != n_columns:
        raise ValueError(
            f"{name} has {n_columns} columns (classes) but there are {len(classes)} classes "
            f"{classes[:10].tolist()}; pass every class, sorted, through labels="
        )
    return (y[:, None] == classes[None, :]).astype(np.float64)  # (N, C)


def _binary_positive(y: np.ndarray, pos_label: Any) -> np.ndarray:
    """Truth as 0/1 floats for a binary target, resolving ``pos_label=None`` as scikit-learn does."""
    classes = np.unique(y)
    if len(classes) > 2:
        raise ValueError(
            f"target must be binary for 1-D prob, got {len(classes)} classes; pass prob (N, C)"
        )
    if pos_label is None:
        if y.dtype.kind in "OUS":
            raise ValueError(
                f"pos_label must be given for string labels {classes.tolist()}, got None"
            )
        pos_label = (
            1
            if set(classes.tolist()) <= {0, 1}
            or set(classes.tolist()) <= {-1, 1}
            else classes[-1]
        )
    return (y == pos_label).astype(np.float64)  # (N,)


@metric(
    task=_CLS,
    formula=(
        r"\frac{1}{N}\sum_{i=1}^{N} c\sum_{k}"
        r"\big(\mathbf 1(y_i = k) - p_{ik}\big)^2,"
        r"\ c = \tfrac12 \text{ (binary) or } 1"
    ),
    meaning="Mean squared error of the predicted probabilities against the 0/1 truth.",
    use_when="Judging probabilities (forecasts, risk scores); a proper score, bounded, forgiving of rare big mistakes.",
    hides="Dominated by the common class on imbalanced data; mixes calibration and sharpness in one number.",
    range=(
        "[0, 1] (binary); [0, 2] for 3+ classes or scale_by_half=False"
    ),
    higher_is_better=False,
    reference="sklearn.metrics.brier_score_loss",
    options=(
        SAMPLE_WEIGHT,
        "pos_label: the class prob refers to, for 1-D prob (pos_label)",
        "labels: the classes of the columns of prob (labels)",
        "scale_by_half: halve the per-item sum of squares; 'auto' = for 1-D or 2-column prob (scale_by_half)",
    ),
)
def brier_score(
    target: Any,
    prob: Any,
    sample_weight: Any = None,
    pos_label: Any = None,
    labels: Any = None,
    scale_by_half: bool | str = "auto",
) -> float:
    r"""Brier score (Brier 1950), as ``sklearn.metrics.brier_score_loss``.

    .. math:: \mathrm{BS} = \frac{\sum_i w_i \sum_k \big(\mathbf 1(y_i = k) - p_{ik}\big)^2}{\sum_i w_i}
              \times \begin{cases}\tfrac12 & \text{scale\_by\_half}\\ 1 & \text{otherwise}\end{cases}

    ``prob`` is ``(N,)``, the probability of ``pos_label`` (by default 1 for 0/1 or -1/1
    labels, else the larger class), or ``(N, C)`` with columns in sorted class order. For binary
    input the default (``scale_by_half="auto"``) gives the familiar
    :math:`\frac1N\sum_i (y_i - p_i)^2`, range [0, 1]; multiclass (3+ columns) is not halved,
    range [0, 2]. Lower is better. Refuses logits (values outside [0, 1]), rows not summing to
    1, NaN, empty or ragged input.

    >>> round(brier_score([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]), 6)
    0.0375
    """
    y = checks.labels(target, "target")
    p = checks.probabilities(prob, "prob", ndim=(1, 2))
    if len(y) != len(p):
        raise ValueError(
            f"target and prob must have the same length, got {len(y)} and {len(p)}"
        )
    w = checks.weights(sample_weight, len(y))
    if (
        scale_by_half not in ("auto", True, False)
        or isinstance(scale_by_half, (int, float))
        and not isinstance(scale_by_half, bool)
    ):
        raise ValueError(
            f"scale_by_half must be 'auto', True or False, got {checks.kind(scale_by_half)}"
        )
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if p.ndim == 1:
        truth = _binary_positive(y, pos_label)
        per_item = 2 * (truth - p) ** 2  # (N,) both columns of (1 - p, p)
    else:
        per_item = np.sum(
            (_one_hot(y, labels, p.shape[1]) - p) ** 2, axis=1
        )  # (N,)
    score = float(np.average(per_item, weights=w))
    halve = (
        (p.ndim == 1 or p.shape[1] < 3)
        if scale_by_half == "auto"
        else scale_by_half
    )
    return 0.5 * score if halve else score


@metric(
    task=_CLS,
    formula=r"-\frac{1}{N}\sum_{i=1}^{N}\log p_{i,y_i}",
    meaning="Mean surprise (nats) at the true class: the cross-entropy of the stated probabilities.",
    use_when="Judging probabilities when confident mistakes must cost a lot; the training loss of most classifiers.",
    hides="Unbounded: one confident mistake can dominate; scikit-learn clips probabilities at machine epsilon.",
    range="[0, inf)",
    higher_is_better=False,
    reference="sklearn.metrics.log_loss",
    options=(
        SAMPLE_WEIGHT,
        "normalize: mean (True) or sum (False) over items (normalize)",
        "labels: the classes of the columns of prob (labels)",
    ),
)
def log_loss(
    target: Any,
    prob: Any,
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
) -> float:
    r"""Log loss (cross-entropy of the probabilities, in nats), as ``sklearn.metrics.log_loss`` 1.9.

    .. math:: \mathcal L = -\frac{\sum_i w_i \log \operatorname{clip}(p_{i,y_i}, \epsilon, 1-\epsilon)}{\sum_i w_i}

    ``prob`` is ``(N, C)`` with columns in sorted class order, or ``(N,)``, the probability of
    the larger of two classes. As scikit-learn 1.9 (which no longer takes ``eps``),
    probabilities are clipped to :math:`[\epsilon, 1-\epsilon]`, :math:`\epsilon` the machine
    epsilon of the input's float type (2.2e-16 for float64: a certain mistake costs 36.04
    nats; 1.2e-7 for float32). ``normalize=False`` returns the (weighted) sum. Lower is
    better. A target with one class needs ``labels`` (scikit-learn's rule). Refuses logits
    (values outside [0, 1]) and unnormalised rows by name; for logits use
    :func:`~seqlib.metrics.lm.token_nll`, which is the same quantity.

    >>> round(log_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]), 6)
    0.197635
    """
    y = checks.labels(target, "target")
    p = checks.probabilities(prob, "prob", ndim=(1, 2))
    if len(y) != len(p):
        raise ValueError(
            f"target and prob must have the same length, got {len(y)} and {len(p)}"
        )
    w = checks.weights(sample_weight, len(y))
    if normalize is not True and normalize is not False:
        raise ValueError(
            f"normalize must be True or False, got {checks.kind(normalize)}"
        )
    if p.ndim == 1:
        p = np.stack(
            [1 - p, p], axis=1
        )  # (N, 2) columns: smaller class, larger class
    truth = _one_hot(y, labels, p.shape[1])  # (N, C)
    eps = np.finfo(_raw_dtype(prob)).eps
    p = np.clip(p, eps, 1 - eps)
    per_item = -np.sum(
        np.where(truth > 0, truth * np.log(p), 0.0), axis=1
    )  # (N,) xlogy
    if normalize:
        return float(np.average(per_item, weights=w))
    return float(per_item.sum() if w is None else per_item @ w)


@metric(
    task=_CLS,
    formula=(
        r"\sum_{b=1}^{S} \frac{n_b}{N}\,"
        r"\big|\mathrm{acc}_b - \mathrm{conf}_b\big|"
    ),
    meaning="Average gap between stated probability and observed frequency, over equal-width probability bins.",
    use_when="Checking whether predicted probabilities can be taken at face value (calibration).",
    hides=(
        "Depends on the number of bins; not a proper score (always "
        "predicting the evaluation set's base rate scores 0)."
    ),
    range="[0, 1]",
    higher_is_better=False,
    reference="torchmetrics.functional.classification.binary_calibration_error",
    options=(
        "n_bins: number of equal-width bins on [0, 1] (n_bins)",
        "norm: 'l1' (ECE), 'l2' (root of the weighted squared gaps) or 'max' (MCE) (norm)",
    ),
)
def calibration_error(
    target: Any, prob: Any, n_bins: int = 15, norm: str = "l1"
) -> float:
    r"""Binary expected calibration error with equal-width bins, as torchmetrics' ``binary_calibration_error``.

    Confidence is the predicted probability of the positive class, accuracy the 0/1 target.
    Bin :math:`b` holds the items with :math:`\beta_b \le p_i < \beta_{b+1}`, for the
    ``n_bins + 1`` edges :math:`\beta = \operatorname{linspace}(0, 1)`; as in torchmetrics an item
    with :math:`p_i = 1` falls in a bin of its own above the last edge. With
    :math:`\mathrm{acc}_b, \mathrm{conf}_b` the mean target and mean probability in bin
    :math:`b` and :math:`n_b` its size:

    .. math:: \mathrm{ECE} = \sum_b \frac{n_b}{N}\,|\mathrm{acc}_b - \mathrm{conf}_b| \quad(\texttt{"l1"}),\qquad
              \Big(\sum_b \frac{n_b}{N}(\mathrm{acc}_b - \mathrm{conf}_b)^2\Big)^{1/2} \quad(\texttt{"l2"}),\qquad
              \max_b |\mathrm{acc}_b - \mathrm{conf}_b| \quad(\texttt{"max"})

    (empty bins count 0). Range [0, 1], lower is better. This is the binary ("positive class")
    variant; top-label ECE, with confidence :math:`\max(p, 1-p)`, is another number. ``target``
    must hold 0/1 (or bool); ``prob`` probabilities: values outside [0, 1] are refused as
    logits (torchmetrics applies a sigmoid to them silently).

    >>> round(calibration_error([0, 1, 1, 0, 1], [0.1, 0.9, 0.8, 0.3, 0.55], n_bins=5), 6)
    0.23
    """
    y = checks.labels(target, "target")
    p = checks.probabilities(prob, "prob", ndim=(1,))
    if len(y) != len(p):
        raise ValueError(
            f"target and prob must have the same length, got {len(y)} and {len(p)}"
        )
    if not np.isin(y, (0, 1)).all() or y.dtype.kind in "OUS":
        raise ValueError(
            f"target must hold 0/1 (or bool) labels, got {np.unique(y)[:5].tolist()}"
        )
    n_bins = validate.integer(n_bins, "n_bins", minimum=1)
    validate.choice(norm, "norm", ("l1", "l2", "max"))
    edges = torch.linspace(
        0, 1, n_bins + 1, dtype=torch.float64
    ).numpy()  # (S + 1,) torch's exact edges, S = n_bins
    index = (
        np.searchsorted(edges, p, side="right") - 1
    )  # (N,) bucketize(right=True) - 1; p = 1 -> S
    count = np.bincount(index, minlength=n_bins + 1)  # (S + 1,)
    safe = np.maximum(count, 1)
    conf = (
        np.bincount(index, weights=p, minlength=n_bins + 1) / safe
    )  # (S + 1,) 0 in empty bins
    acc = (
        np.bincount(
            index, weights=y.astype(np.float64), minlength=n_bins + 1
        )
        / safe
    )  # (S + 1,)
    gap, share = np.abs(acc - conf), count / len(p)  # (S + 1,) each
    if norm == "l1":
        return float(gap @ share)
    if norm == "max":
        return float(gap.max())
    return float(np.sqrt((gap**2) @ share))
