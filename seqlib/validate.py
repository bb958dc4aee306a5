r"""Argument validation and conversion: the one place where seqlib checks what callers pass.

Every public function of seqlib turns its arguments into the types it computes with through
these helpers, so a wrong argument gets the same kind of message everywhere: a ``ValueError``
that names the parameter, says what was expected and shows what came.

Rules kept here, once:

- ``bool`` is not an int, although Python says ``isinstance(True, int)``: ``epochs=True`` is
  refused, not read as 1.
- Real numbers must be finite (no NaN, no infinity) unless the bounds say otherwise.
- Arrays keep the dimensions the caller asked for; empty input is refused unless allowed.
- Token ids are integers ``>= 0`` (and ``< vocab_size`` when given), never floats or bools.

>>> integer(3, "epochs", minimum=1)
3
>>> integer(True, "epochs", minimum=1)
Traceback (most recent call last):
...
ValueError: epochs must be an int >= 1, got True
>>> real(0.5, "top_p", low=0, high=1, low_open=True, optional=True)
0.5
>>> token_ids([3, 1, 2], "ids").tolist()
[3, 1, 2]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

__all__ = [
    "integer",
    "real",
    "choice",
    "token_ids",
    "array",
    "tensor",
    "labels",
    "items",
    "sentences",
    "same_length",
    "same_shape",
    "parameters",
    "function",
]


def _is_int(value: Any) -> bool:
    """True for Python and NumPy integers, False for bools (which Python counts as ints)."""
    return isinstance(value, (int, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    )


def _bound(kind: str, low, high, low_open: bool, high_open: bool) -> str:
    """What a one-sided range asks for, e.g. ``"an int >= 1"`` or ``"a finite number > 0"``."""
    if low is not None:
        return f"{kind} {'>' if low_open else '>='} {low}"
    if high is not None:
        return f"{kind} {'<' if high_open else '<='} {high}"
    return kind


def _check(
    ok: bool, value: Any, name: str, wanted: str, optional: bool
) -> None:
    if not ok:
        raise ValueError(
            f"{name} must be {'None or ' if optional else ''}{wanted}, got {value!r}"
        )


def integer(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    optional: bool = False,
) -> int | None:
    """Return ``value`` as an ``int`` in ``[minimum, maximum]``; ``None`` passes if ``optional``.

    Raises ``ValueError`` for bools, floats (even whole ones), strings and values out of range.
    """
    if value is None and optional:
        return None
    both = minimum is not None and maximum is not None
    wanted = (
        f"an int in {minimum}..{maximum}"
        if both
        else _bound("an int", minimum, maximum, False, False)
    )
    ok = (
        _is_int(value)
        and (minimum is None or value >= minimum)
        and (maximum is None or value <= maximum)
    )
    _check(ok, value, name, wanted, optional)
    return int(value)


def real(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    optional: bool = False,
) -> float | None:
    """Return ``value`` as a finite ``float`` within the bounds; ``None`` passes if ``optional``.

    ``low_open`` / ``high_open`` make a bound strict: ``real(t, "temperature", low=0,
    low_open=True)`` accepts ``t > 0``. Bools, NaN and infinities are refused.
    """
    if value is None and optional:
        return None
    if low is not None and high is not None:
        wanted = f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    else:
        wanted = _bound("a finite number", low, high, low_open, high_open)
    ok = isinstance(
        value, (int, float, np.integer, np.floating)
    ) and not isinstance(value, (bool, np.bool_))
    ok = ok and math.isfinite(value)
    ok = ok and (
        low is None or (value > low if low_open else value >= low)
    )
    ok = ok and (
        high is None or (value < high if high_open else value <= high)
    )
    _check(ok, value, name, wanted, optional)
    return float(value)


def choice(value: Any, name: str, allowed: Sequence) -> Any:
    """Return ``value`` if it is one of ``allowed``; else raise ``ValueError`` listing them."""
    if value not in tuple(allowed):
        raise ValueError(
            f"{name} must be one of {tuple(allowed)}, got {value!r}"
        )
    return value


def token_ids(
    ids: Any,
    name: str = "ids",
    *,
    vocab_size: int | None = None,
    min_len: int = 0,
) -> torch.Tensor:
    """Check token ids (1-D tensor, array, list or tuple of ints ``>= 0``); return an int64 ``(N,)`` tensor.

    ``vocab_size`` additionally requires ids ``< vocab_size``; ``min_len`` a minimum length.
    Raises ``ValueError`` for float, complex or bool ids, other than one dimension, negative
    ids, ids outside the vocabulary, or too few of them.
    """
    wanted = f"{name} must hold integer token ids (a 1-D tensor, array or list of int)"
    if isinstance(ids, str):
        raise ValueError(f"{wanted}, got a str")
    if isinstance(ids, (list, tuple)) and any(
        isinstance(i, (bool, np.bool_)) for i in ids
    ):
        raise ValueError(f"{wanted}, got bool values")
    if isinstance(ids, torch.Tensor):
        tensor_ = ids
    else:
        try:
            tensor_ = torch.as_tensor(ids)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(
                f"{wanted}, got {type(ids).__name__}: {err}"
            ) from None
        if tensor_.numel() == 0:
            tensor_ = tensor_.long()  # torch.as_tensor([]) is float32; an empty list is just empty
    if (
        tensor_.dtype.is_floating_point
        or tensor_.dtype.is_complex
        or tensor_.dtype == torch.bool
    ):
        raise ValueError(f"{wanted}, got dtype {tensor_.dtype}")
    tensor_ = tensor_.long()
    if tensor_.dim() != 1:
        raise ValueError(
            f"{name} must be 1-D (one long sequence of token ids), got shape {tuple(tensor_.shape)}"
        )
    if len(tensor_) < min_len:
        raise ValueError(
            f"{name} needs at least {min_len} token(s), got {len(tensor_)}"
        )
    if tensor_.numel():
        lo, hi = int(tensor_.min()), int(tensor_.max())
        if vocab_size is not None and not 0 <= lo <= hi < vocab_size:
            raise ValueError(
                f"{name} must be ids in [0, {vocab_size}), found {lo}..{hi}"
            )
        if lo < 0:
            raise ValueError(f"{name} must be token ids >= 0, found {lo}")
    return tensor_  # (N,)


def array(
    x: Any,
    name: str,
    dtype=np.float64,
    ndim: int | None = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Convert ``x`` (list, ndarray or tensor) to a NumPy array of ``dtype``, checking it.

    Raises ``ValueError`` for ragged input, the wrong number of dimensions, an empty array
    (unless ``allow_empty``) and, for float dtypes, NaN or infinite values.
    """
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must be an array of numbers, got {type(x).__name__}: {err}"
        ) from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimension(s), got shape {arr.shape}"
        )
    if not allow_empty and arr.size == 0:
        raise ValueError(
            f"{name} is empty; a metric needs at least one element"
        )
    if np.issubdtype(arr.dtype, np.floating) and not np.all(
        np.isfinite(arr)
    ):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def tensor(x: Any, name: str) -> torch.Tensor:
    """Turn a tensor, NumPy array or (nested) list into a detached tensor, with a clear error."""
    if isinstance(x, torch.Tensor):
        return x.detach()
    try:
        return torch.as_tensor(np.asarray(x))
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{name} must be an array of numbers, got {type(x).__name__}: {err}"
        ) from None


def labels(x: Any, name: str) -> np.ndarray:
    """A non-empty 1-D array of class labels (ints, bools or strings); floats must be whole numbers."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence of labels, got shape {arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty; a metric needs at least one element"
        )
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
        if not np.all(arr == np.round(arr)):
            raise ValueError(
                f"{name} must hold class labels, got non-integer values such as {arr[arr != np.round(arr)][0]}"
            )
    elif arr.dtype.kind not in "biuUSO":
        raise ValueError(
            f"{name} must hold class labels (ints, bools or strings), got dtype {arr.dtype}"
        )
    return arr


def items(x: Any) -> list:
    """A Python list of the items of ``x`` (list, tuple, ndarray or tensor; nested stay nested)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return list(x)


def sentences(x: Any, name: str) -> list[str]:
    """A non-empty list of strings from one string or a sequence of strings."""
    if isinstance(x, str):
        return [x]
    x = items(x)
    for k, s in enumerate(x):
        if not isinstance(s, str):
            raise ValueError(
                f"{name} must be a string or a list of strings; item {k} is {type(s).__name__}"
            )
    if not x:
        raise ValueError(f"{name} is empty; pass at least one sentence")
    return x


def same_length(
    a, b, name_a: str = "target", name_b: str = "prediction"
) -> None:
    """Raise unless ``a`` and ``b`` have the same length (metrics never truncate silently)."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same length, got {len(a)} and {len(b)}"
        )


def same_shape(
    a: np.ndarray,
    b: np.ndarray,
    name_a: str = "target",
    name_b: str = "prediction",
) -> None:
    """Raise unless two arrays have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def parameters(params: Any, name: str = "params") -> list[torch.Tensor]:
    """A list of tensors (``model.parameters()``, a list or a tuple of them); else ``TypeError``.

    >>> len(parameters(torch.nn.Linear(2, 3).parameters()))
    2
    """
    if isinstance(params, torch.Tensor):
        return [params]
    if isinstance(params, (str, bytes)):
        raise TypeError(
            f"{name} must be an iterable of tensors (e.g. model.parameters()), got a str"
        )
    try:
        listed = list(params)
    except TypeError:
        raise TypeError(
            f"{name} must be an iterable of tensors (e.g. model.parameters()), "
            f"got {type(params).__name__}"
        ) from None
    for k, p in enumerate(listed):
        if not isinstance(p, torch.Tensor):
            raise TypeError(
                f"{name} must be an iterable of tensors, got {type(p).__name__} at item {k}"
            )
    return listed


def function(fn: Any, name: str, what: str = "a function") -> Any:
    """Return ``fn`` if it is callable (a function or a class); else ``TypeError`` naming ``name``."""
    if not callable(fn):
        raise TypeError(f"{name} must be {what}, got {type(fn).__name__}")
    return fn


def module(model: Any, name: str = "model") -> torch.nn.Module:
    """Return ``model`` if it is a ``torch.nn.Module``; else ``TypeError`` naming ``name``."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"{name} must be a torch.nn.Module (an RNNLM), got {type(model).__name__}"
        )
    return model
