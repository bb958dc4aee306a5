r"""Input checks shared by the classification family (labels, sample weights, probabilities, scores).

Every message names the parameter exactly as the public function spells it, says what was
expected and shows what came, so that a caller who passes logits where probabilities belong,
a string where numbers belong, or ``None``, is told so by name.

>>> weights([1, 2], 2).tolist()
[1.0, 2.0]
>>> probabilities([0.2, 1.7], "prob")
Traceback (most recent call last):
...
ValueError: prob must hold probabilities in [0, 1], got values from 0.2 to 1.7: these look like logits or scores; pass torch.sigmoid(logits) for a binary model (torch.softmax(logits, dim=-1) for several classes)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from seqlib import validate

__all__ = [
    "SAMPLE_WEIGHT",
    "kind",
    "labels",
    "pair",
    "probabilities",
    "scores",
    "weights",
]


def kind(x: Any) -> str:
    """A short description of what a caller passed: ``"NoneType"``, ``"str 'abc'"``, ``"int 3"``."""
    if isinstance(x, str):
        return f"str {x[:20]!r}"
    if x is None or np.isscalar(x):
        return f"{type(x).__name__} {x!r}" if x is not None else "None"
    return type(x).__name__


def _refuse_non_arrays(x: Any, name: str, wanted: str) -> None:
    if (
        x is None
        or isinstance(x, (str, bytes, dict, set))
        or np.isscalar(x)
    ):
        raise ValueError(f"{name} must be {wanted}, got {kind(x)}")


def labels(x: Any, name: str) -> np.ndarray:
    """A non-empty 1-D array of class labels (ints, bools or strings; floats must be whole numbers)."""
    _refuse_non_arrays(
        x, name, "a 1-D sequence of class labels (list, array or tensor)"
    )
    return validate.labels(x, name)


def weights(
    sample_weight: Any, n: int, name: str = "sample_weight"
) -> np.ndarray | None:
    """``None``, or ``sample_weight`` as a float64 ``(n,)`` array of finite weights >= 0 with a positive sum.

    scikit-learn accepts negative weights silently; here they are refused (a negative count of
    an item has no meaning for these metrics), as is a total weight of 0 (every ratio is 0/0).
    """
    if sample_weight is None:
        return None
    _refuse_non_arrays(
        sample_weight,
        name,
        f"None or a 1-D array of {n} non-negative weights",
    )
    w = validate.array(sample_weight, name, ndim=1, allow_empty=True)
    if len(w) != n:
        raise ValueError(
            f"{name} must have one weight per item ({n}), got {len(w)}"
        )
    if (w < 0).any():
        raise ValueError(
            f"{name} must be non-negative, got {w[w < 0][0]}"
        )
    if n and w.sum() == 0:
        raise ValueError(
            f"{name} sums to 0; at least one item must have a positive weight"
        )
    return w


def integer_weights(sample_weight: Any) -> bool:
    """Whether the caller's weights are integers (scikit-learn then returns an int64 confusion matrix)."""
    if isinstance(sample_weight, torch.Tensor):
        return not sample_weight.is_floating_point()
    return np.asarray(sample_weight).dtype.kind in "iub"


def probabilities(
    prob: Any, name: str, ndim: tuple[int, ...] = (1,)
) -> np.ndarray:
    """``prob`` as float64, each value in [0, 1]; for 2-D input each row must also sum to 1.

    Values outside [0, 1] are refused as logits or scores; rows of a 2-D array that do not sum
    to 1 (within :math:`\\sqrt{\\epsilon}` of the input's float type, at least 1e-6) are refused
    as unnormalised scores. scikit-learn raises for the first and only warns for the second.
    """
    _refuse_non_arrays(prob, name, "an array of probabilities")
    raw = (
        prob.detach().cpu().numpy()
        if isinstance(prob, torch.Tensor)
        else np.asarray(prob)
    )
    p = validate.array(raw, name)
    if p.ndim not in ndim:
        shapes = " or ".join({1: "(N,)", 2: "(N, C)"}[d] for d in ndim)
        raise ValueError(
            f"{name} must have shape {shapes}, got {p.shape}"
        )
    lo, hi = float(p.min()), float(p.max())
    if lo < 0 or hi > 1:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values from {lo:.4g} to {hi:.4g}: these look like "
            "logits or scores; pass torch.sigmoid(logits) for a binary model (torch.softmax(logits, dim=-1) "
            "for several classes)"
        )
    if p.ndim == 2:
        eps = (
            np.finfo(raw.dtype).eps
            if raw.dtype.kind == "f"
            else np.finfo(np.float64).eps
        )
        sums = p.sum(axis=1)  # (N,)
        bad = np.abs(sums - 1) > max(np.sqrt(eps), 1e-6)
        if bad.any():
            raise ValueError(
                f"{name} rows must sum to 1 (probabilities over the classes), got row {int(np.argmax(bad))} "
                f"summing to {sums[bad][0]:.6g}: pass torch.softmax(logits, dim=-1)"
            )
    return p


def scores(x: Any, name: str, ndim: tuple[int, ...] = (1,)) -> np.ndarray:
    """Real-valued scores as float64 (finite), with one of the allowed numbers of dimensions."""
    _refuse_non_arrays(x, name, "an array of real scores")
    s = validate.array(x, name)
    if s.ndim not in ndim:
        raise ValueError(
            f"{name} must have {' or '.join(map(str, ndim))} dimension(s), got shape {s.shape}"
        )
    return s


SAMPLE_WEIGHT = "sample_weight: weight of each item; counts become sums of weights (sample_weight)"


def pair(
    target: Any,
    pred: Any,
    sample_weight: Any = None,
    names: tuple[str, str] = ("target", "pred"),
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Check two label sequences of one length and optional weights; return (y, yhat, w or None)."""
    y, yhat = labels(target, names[0]), labels(pred, names[1])
    if len(y) != len(yhat):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got {len(y)} and {len(yhat)}"
        )
    return y, yhat, weights(sample_weight, len(y))
