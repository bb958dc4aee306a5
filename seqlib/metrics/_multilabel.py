r"""Input handling and averaging of the ranking metrics: binary, multiclass-as-one-vs-rest, multi-label.

:func:`inputs` validates ``(target, scores)`` and says which case they are; :func:`averaged`
applies a binary metric per label (or per item) and averages as scikit-learn 1.9's
``_average_binary_score`` does (``average`` = ``"macro"``, ``"micro"``, ``"weighted"``,
``"samples"`` or ``None``), refusing by name where scikit-learn would answer NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import _cls_checks as checks

__all__ = ["averaged", "inputs"]

_AVERAGES = ("macro", "micro", "weighted", "samples", None)


def inputs(
    target: Any,
    scores: Any,
    pos_label: Any,
    sample_weight: Any,
    average: Any,
    multiclass: bool,
):
    """Validate; return ("binary", is_pos (n,), s (n,), w) or ("multilabel", Y bool (n, L), S (n, L), w)."""
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of {_AVERAGES}, got {average!r}"
        )
    if (
        target is None
        or isinstance(target, (str, bytes, dict, set))
        or np.isscalar(target)
    ):
        raise ValueError(
            f"target must be class labels (N,) or a 0/1 indicator matrix (N, L), got {checks.kind(target)}"
        )
    y = np.asarray(
        target.detach().cpu().numpy()
        if isinstance(target, torch.Tensor)
        else target
    )
    s = checks.scores(scores, "scores", ndim=(1, 2))
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[
            :, 0
        ]  # a column vector is a binary target (scikit-learn's column_or_1d)
    if y.ndim == 1:
        y = checks.labels(y, "target")
        classes = np.unique(y)
        if s.ndim == 1 or s.shape[1] == 1:
            is_pos, s1, w = _binary(
                y,
                s.reshape(len(s), -1)[:, 0] if s.ndim == 2 else s,
                pos_label,
                sample_weight,
            )
            return "binary", is_pos, s1, w
        if not multiclass:
            raise ValueError(
                f"target is 1-D with {len(classes)} classes but scores is {s.shape}: pass a 0/1 indicator "
                "target (N, L) for one-vs-rest scores (scikit-learn's multi_class='ovr' after label_binarize)"
            )
        if pos_label != 1:
            raise ValueError(
                f"pos_label is fixed to 1 for a multiclass target, got {pos_label!r}"
            )
        if s.shape != (len(y), len(classes)):
            raise ValueError(
                f"scores must be (N, C) = {(len(y), len(classes))} for a target with {len(classes)} classes, "
                f"got {s.shape}"
            )
        y = (y[:, None] == classes[None, :]).astype(
            np.int64
        )  # (N, C) label_binarize
    if y.ndim != 2 or y.size == 0 or not np.isin(y, (0, 1)).all():
        raise ValueError(
            f"target must be 1-D class labels or a 2-D 0/1 indicator matrix (N, L), got shape {y.shape}"
            + ("" if y.ndim != 2 else " with values other than 0 and 1")
        )
    if s.shape != y.shape:
        raise ValueError(
            f"target and scores must have the same shape for multi-label input, got {y.shape} and {s.shape}"
        )
    if pos_label != 1:
        raise ValueError(
            f"pos_label is fixed to 1 for a multi-label indicator target, got {pos_label!r}"
        )
    return (
        "multilabel",
        y.astype(bool),
        s,
        checks.weights(sample_weight, len(y)),
    )


def _binary(
    y: np.ndarray, s: np.ndarray, pos_label: Any, sample_weight: Any
):
    if len(y) != len(s):
        raise ValueError(
            f"target and scores must have the same length, got {len(y)} and {len(s)}"
        )
    w = checks.weights(sample_weight, len(y))
    classes = np.unique(y)
    if len(classes) > 2:
        raise ValueError(
            f"target must be binary, got {len(classes)} classes: {classes[:5].tolist()}..."
        )
    if len(classes) == 2 and pos_label not in classes.tolist():
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label; it should be one of {classes.tolist()}"
        )
    return y == pos_label, s, w


def averaged(
    one,
    kind,
    y,
    s,
    w,
    average,
    what: str,
    undefined: str,
    empty_value: float = float("nan"),
):
    """scikit-learn's _average_binary_score, refusing where it would answer NaN.

    ``empty_value`` replaces an undefined per-label (per-item) score in a multi-label average:
    NaN (refuse) for AUROC, 0.0 for AP (scikit-learn's value for a label without positives).
    """
    if kind == "binary":
        value = one(y, s, w)
        if np.isnan(value):
            raise ValueError(
                f"{what} needs {undefined} in target; only one class is present"
            )
        return value
    n, n_labels = y.shape
    if average == "micro":
        value = one(
            y.ravel(),
            s.ravel(),
            None if w is None else np.repeat(w, n_labels),
        )
        if np.isnan(value):
            raise ValueError(
                f"{what} with average='micro' needs {undefined} among the pooled labels"
            )
        return value
    axis_items = (
        average == "samples"
    )  # score each item across labels instead of each label across items
    columns = range(n) if axis_items else range(n_labels)
    pick = (lambda a, j: a[j]) if axis_items else (lambda a, j: a[:, j])
    score = np.array(
        [
            one(pick(y, j), pick(s, j), None if axis_items else w)
            for j in columns
        ]
    )  # (L,) or (N,)
    score[np.isnan(score)] = empty_value
    average_weight = None
    if average == "weighted":
        average_weight = (
            y.sum(axis=0).astype(np.float64) if w is None else w @ y
        )  # (L,) positive weight per label
        if np.isclose(average_weight.sum(), 0.0):
            raise ValueError(
                f"{what} with average='weighted' needs at least one positive label in target"
            )
    elif average == "samples":
        average_weight = w
    if average_weight is not None:
        score[average_weight == 0] = (
            0.0  # scikit-learn's rule: weight-0 labels or items do not count
        )
    if np.isnan(score).any():
        where = "item" if axis_items else "label (column)"
        raise ValueError(
            f"{what} is undefined for {where} {int(np.flatnonzero(np.isnan(score))[0])}: it needs "
            f"{undefined} there; drop it or choose another average"
        )
    return (
        score
        if average is None
        else float(np.average(score, weights=average_weight))
    )
