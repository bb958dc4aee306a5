"""Parity tests for seqlib.metrics.trajectories (DTW) against dtaidistance (metric-reference.md §8)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
from dtaidistance import dtw as dtai
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import trajectories as AL
from seqlib.metrics.trajectories import dtw, dtw_path

RTOL = 1e-6
A = [0, 1, 2, 3, 2, 0]
B = [0, 0, 1, 3, 3, 1]


def test_worked_vector():
    assert dtw(A, B) == pytest.approx(1.732051, abs=1e-6)
    assert dtw(A, B, window=1) == pytest.approx(
        2.0
    )  # diagonal only: the Euclidean distance
    assert dtw(A, B, window=2) == pytest.approx(
        1.732051, abs=1e-6
    )  # = tslearn sakoe_chiba_radius=1
    assert dtw(A, B[:4]) == pytest.approx(3.316625, abs=1e-6)
    assert type(dtw(A, B)) is float
    dist, path = dtw_path(A, B)
    assert dist == pytest.approx(1.732051, abs=1e-6)
    assert path[0] == (0, 0) and path[-1] == (5, 5)
    assert np.sqrt(
        sum((A[i] - B[j]) ** 2 for i, j in path)
    ) == pytest.approx(dist)


series = st.lists(
    st.floats(-5, 5, allow_nan=False, width=32), min_size=1, max_size=25
)


@settings(max_examples=100, deadline=None)
@given(
    a=series, b=series, window=st.one_of(st.none(), st.integers(1, 30))
)
def test_path_random(
    a, b, window
):  # dtw itself: tests/test_metrics_parity.py
    a, b = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
    kwargs = {} if window is None else {"window": window}
    # use_pruning=False: with its default pruning, distance_fast returns inf when the DTW equals
    # its Euclidean upper bound exactly (e.g. a=[0], b=[2, 3]), a bug in dtaidistance 2.5.1
    expected = dtai.distance_fast(a, b, use_pruning=False, **kwargs)
    dist, path = dtw_path(a, b, window=window)
    assert dist == pytest.approx(expected, rel=RTOL, abs=1e-12)
    # the path is a valid warping path whose cost is the distance
    assert path[0] == (0, 0) and path[-1] == (len(a) - 1, len(b) - 1)
    steps = {
        (i2 - i1, j2 - j1) for (i1, j1), (i2, j2) in zip(path, path[1:])
    }
    assert steps <= {(1, 0), (0, 1), (1, 1)}
    assert np.sqrt(
        sum((a[i] - b[j]) ** 2 for i, j in path)
    ) == pytest.approx(dist, rel=RTOL, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 30),
    m=st.integers(1, 30),
    seed=st.integers(0, 2**31 - 1),
)
def test_path_equals_dtaidistance(n, m, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n).cumsum(), rng.normal(size=m).cumsum()
    assert dtw_path(a, b)[1] == dtai.warping_path(a, b)


def test_dtaidistance_pruning_bug():
    """Documented reference bug: distance_fast's pruning turns an exact tie with its bound into inf."""
    assert (
        dtai.distance_fast(np.array([0.0]), np.array([2.0, 3.0]))
        == np.inf
    )
    assert dtw([0.0], [2.0, 3.0]) == pytest.approx(
        dtai.distance(np.array([0.0]), np.array([2.0, 3.0]))
    )


def test_long_series_and_inputs():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=700).cumsum(), rng.normal(size=500).cumsum()
    assert dtw(a, b) == pytest.approx(dtai.distance_fast(a, b), rel=RTOL)
    assert dtw(a, b, window=50) == pytest.approx(
        dtai.distance_fast(a, b, window=50), rel=RTOL
    )
    assert dtw(torch.tensor(A), np.array(B)) == pytest.approx(
        1.732051, abs=1e-6
    )
    assert dtw([3.0], [1.0, 2.0]) == pytest.approx(np.sqrt(5.0))


def test_validation():
    with pytest.raises(ValueError, match="empty"):
        dtw([], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        dtw([1.0, np.nan], [1.0])
    with pytest.raises(
        ValueError, match="b must be finite, got infinite"
    ):
        dtw_path([1.0], [np.inf])
    with pytest.raises(ValueError, match="1 dimension"):
        dtw([[1.0, 2.0]], [1.0])
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="window"):
            dtw(A, B, window=bad)


def test_docstring_examples_run():
    assert (
        doctest.testmod(
            AL, optionflags=doctest.NORMALIZE_WHITESPACE
        ).failed
        == 0
    )
