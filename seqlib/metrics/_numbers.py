"""Arrays of real numbers for the forecasting, RL and trajectory metrics, refused by name if not.

:func:`seqlib.validate.array` converts with ``np.asarray(x, dtype=float)``, which quietly turns
the string ``"1"`` into 1.0 (issue 17: ``crps_ensemble("1", ["1", "2"])`` returned 0.25). The
metrics here take numbers only: strings, bytes, ``None``, booleans and objects are refused with
a message that names the parameter, says what was expected and what came.

>>> numbers([1, 2.5], "target").tolist()
[1.0, 2.5]
>>> numbers(["1", "2"], "ensemble")
Traceback (most recent call last):
...
ValueError: ensemble must be an array of real numbers (ints or floats), got strings such as '1'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["numbers"]


def _describe(x: Any, raw: np.ndarray | None) -> str:
    if x is None:
        return "None"
    if isinstance(x, (str, bytes)):
        return f"a {type(x).__name__} {x!r}"
    if raw is not None and raw.dtype.kind in "USO" and raw.size:
        first = raw.reshape(-1)[0]
        first = first.item() if isinstance(first, np.generic) else first
        kind = (
            "strings"
            if raw.dtype.kind in "US" or isinstance(first, str)
            else f"{type(first).__name__} items"
        )
        return f"{kind} such as {first!r}"
    if raw is not None and raw.dtype.kind == "b":
        return "booleans"
    if raw is not None and raw.dtype.kind == "c":
        return "complex numbers"
    return type(x).__name__


def numbers(
    x: Any,
    name: str,
    ndim: int | tuple[int, ...] | None = None,
    allow_empty: bool = False,
    finite: bool = True,
) -> np.ndarray:
    """``x`` (number, list, ndarray or tensor of ints/floats) as a float64 array, checked.

    Raises ``ValueError`` naming ``name`` for: ``None``, strings, booleans, complex or object
    values, ragged lists, a number of dimensions outside ``ndim``, an empty array (unless
    ``allow_empty``) and NaN or infinite values (unless ``finite=False``).
    """
    wanted = f"{name} must be an array of real numbers (ints or floats)"
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if x is None or isinstance(x, (str, bytes)):
        raise ValueError(f"{wanted}, got {_describe(x, None)}")
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{wanted}, got {type(x).__name__}: {err}"
        ) from None
    if (
        raw.dtype.kind not in "iuf"
        and not (raw.dtype.kind == "O" and raw.size == 0)
        and raw.size
    ):
        raise ValueError(f"{wanted}, got {_describe(x, raw)}")
    arr = raw.astype(np.float64, copy=False)
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and arr.ndim not in dims:
        want = " or ".join(str(d) for d in dims)
        raise ValueError(
            f"{name} must have {want} dimension(s), got shape {arr.shape}"
        )
    if not allow_empty and arr.size == 0:
        raise ValueError(
            f"{name} is empty; a metric needs at least one element, got shape {arr.shape}"
        )
    if finite:
        with np.errstate(over="ignore", invalid="ignore"):
            total = arr.sum()  # a fast first test: NaN or inf in arr make it non-finite (so may overflow)
    if finite and not np.isfinite(total) and not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "infinite"
        raise ValueError(
            f"{name} must be finite, got {bad} values ({int((~np.isfinite(arr)).sum())} of {arr.size})"
        )
    return arr
