"""Input checks shared by the metric modules.

Metrics accept Python lists, NumPy arrays or torch tensors. These helpers turn them into
NumPy arrays and raise a ``ValueError`` that says what was expected and what came.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def to_numpy(x: Any, name: str, dtype=np.float64, ndim: int | None = None, allow_empty: bool = False) -> np.ndarray:
    """Convert ``x`` (list, ndarray or tensor) to a NumPy array of ``dtype``, checking it.

    Raises ``ValueError`` for ragged input, the wrong number of dimensions, an empty array
    (unless ``allow_empty``) and, for float dtypes, NaN or infinite values.
    """
    if hasattr(x, "detach"):  # torch tensor, without importing torch here
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of numbers, got {type(x).__name__}: {err}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty; a metric needs at least one element")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def same_length(a, b, name_a: str = "target", name_b: str = "prediction") -> None:
    """Raise unless ``a`` and ``b`` have the same length (metrics never truncate silently)."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} and {name_b} must have the same length, got {len(a)} and {len(b)}")


def same_shape(a: np.ndarray, b: np.ndarray, name_a: str = "target", name_b: str = "prediction") -> None:
    """Raise unless two arrays have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")
