"""Brier score and log loss against scikit-learn 1.9, calibration error against torchmetrics 1.9 (issue 14)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torchmetrics.functional.classification import (
    binary_calibration_error,
)

from seqlib.metrics import brier_score, calibration_error, log_loss

RTOL = 1e-6
PROBS = st.one_of(
    st.floats(0, 1),
    st.sampled_from([0.0, 1.0, 0.5, 0.2, 1 / 3, 14 / 15, 0.4, 0.6]),
)  # bin edges too


def sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@st.composite
def binary_probs(draw):
    p = draw(st.lists(PROBS, min_size=1, max_size=60))
    y = draw(
        st.lists(st.integers(0, 1), min_size=len(p), max_size=len(p))
    )
    w = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, 2.0]),
                min_size=len(p),
                max_size=len(p),
            ).filter(lambda w: sum(w) > 0),
        )
    )
    return np.array(y), np.array(p), w


@st.composite
def multiclass_probs(draw):
    n, c = draw(st.integers(1, 20)), draw(st.integers(2, 5))
    raw = np.array(
        draw(
            st.lists(
                st.lists(st.floats(0, 10), min_size=c, max_size=c),
                min_size=n,
                max_size=n,
            )
        )
    )
    raw[:, 0] += 1e-3  # every row has mass
    y = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    return np.array(y), raw / raw.sum(axis=1, keepdims=True), c


@settings(max_examples=50, deadline=None)
@given(binary_probs(), st.sampled_from(["auto", True, False]))
def test_brier_binary(data, scale):
    y, p, w = data
    expected = skm.brier_score_loss(
        y, p, sample_weight=w, scale_by_half=scale
    )
    assert brier_score(
        y, p, sample_weight=w, scale_by_half=scale
    ) == pytest.approx(expected, rel=RTOL, abs=1e-15)
    assert brier_score(
        y, 1 - p, sample_weight=w, pos_label=0, scale_by_half=scale
    ) == pytest.approx(
        skm.brier_score_loss(
            y, 1 - p, sample_weight=w, pos_label=0, scale_by_half=scale
        ),
        rel=RTOL,
        abs=1e-15,
    )


@settings(max_examples=50, deadline=None)
@given(multiclass_probs(), st.booleans())
def test_brier_and_log_loss_multiclass(data, normalize):
    y, p, c = data
    labels = list(range(c))
    assert brier_score(y, p, labels=labels) == pytest.approx(
        sk(skm.brier_score_loss, y, p, labels=labels), rel=RTOL, abs=1e-15
    )
    assert log_loss(
        y, p, labels=labels, normalize=normalize
    ) == pytest.approx(
        sk(skm.log_loss, y, p, labels=labels, normalize=normalize),
        rel=RTOL,
        abs=1e-15,
    )


@settings(max_examples=50, deadline=None)
@given(binary_probs(), st.booleans())
def test_log_loss_binary_with_clipping(data, normalize):
    y, p, w = data
    labels = [0, 1]
    expected = skm.log_loss(
        y, p, sample_weight=w, labels=labels, normalize=normalize
    )
    assert log_loss(
        y, p, sample_weight=w, labels=labels, normalize=normalize
    ) == pytest.approx(expected, rel=RTOL)
    p32 = p.astype(
        np.float32
    )  # scikit-learn clips at the epsilon of the input's float type
    # scikit-learn then computes 1 - p in float32: an absolute error of a
    # float32 unit near 1 (6e-8) in each term, large relative to a tiny loss
    assert log_loss(y, p32, labels=labels) == pytest.approx(
        skm.log_loss(y, p32, labels=labels), rel=1e-5, abs=1e-6
    )


def ece_by_hand(y, p, n_bins, norm):
    """The formula, written independently: equal-width bins [k/B, (k+1)/B), p = 1 in a bin of its own (torchmetrics)."""
    edges = torch.linspace(0, 1, n_bins + 1, dtype=torch.float64).tolist()
    bins = {}
    for yi, pi in zip(y, p, strict=True):
        b = max(k for k, e in enumerate(edges) if e <= pi)
        bins.setdefault(b, []).append((yi, pi))
    gaps = {
        b: abs(np.mean([t for t, _ in v]) - np.mean([q for _, q in v]))
        for b, v in bins.items()
    }
    shares = {b: len(v) / len(p) for b, v in bins.items()}
    if norm == "l1":
        return sum(gaps[b] * shares[b] for b in bins)
    if norm == "l2":
        return np.sqrt(sum(gaps[b] ** 2 * shares[b] for b in bins))
    return max(gaps.values())


@settings(max_examples=50, deadline=None)
@given(
    binary_probs(),
    st.integers(1, 20),
    st.sampled_from(["l1", "l2", "max"]),
)
def test_calibration_error_matches_torchmetrics_and_the_formula(
    data, n_bins, norm
):
    y, p, _ = data
    ours = calibration_error(y, p, n_bins=n_bins, norm=norm)
    ref = binary_calibration_error(
        torch.tensor(p, dtype=torch.float64),
        torch.tensor(y),
        n_bins=n_bins,
        norm=norm,
    )
    assert ours == pytest.approx(float(ref), rel=1e-9, abs=1e-12)
    assert ours == pytest.approx(
        ece_by_hand(y, p, n_bins, norm), rel=1e-9, abs=1e-12
    )
    # torchmetrics in float32 (metric-reference.md: rtol 1e-4), except where a probability
    # sits on a bin edge: float32 edges k/B round differently from float64 ones, so such a
    # probability can land in the neighbouring bin (found by hypothesis: p = 0.4 with 15 bins)
    p32 = p.astype(np.float32).astype(np.float64)  # (N,)
    edges = np.arange(n_bins + 1) / n_bins  # (B + 1,)
    on_an_edge = (
        np.abs(p32[:, None] - edges[None, :]).min()
        <= 4 * np.finfo(np.float32).eps
    )
    if not on_an_edge:
        ref32 = binary_calibration_error(
            torch.tensor(p, dtype=torch.float32),
            torch.tensor(y),
            n_bins=n_bins,
            norm=norm,
        )
        assert calibration_error(
            y, p32, n_bins=n_bins, norm=norm
        ) == pytest.approx(float(ref32), rel=1e-4, abs=1e-6)


def test_calibration_error_float32_edge_case_from_hypothesis():
    """The case hypothesis found: float32's 0.4 and 6/15 differ, so the bins differ; float64 agrees."""
    y, p = np.array([0, 0, 0, 0]), np.array([0.0, 0.0, 0.375, 0.4])
    ref = binary_calibration_error(
        torch.tensor(p, dtype=torch.float64),
        torch.tensor(y),
        n_bins=15,
        norm="l2",
    )
    assert calibration_error(y, p, n_bins=15, norm="l2") == pytest.approx(
        float(ref), rel=1e-9
    )


def test_worked_vectors_and_sklearn_doc_examples():
    y, p = np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.8, 0.3])
    assert brier_score(y, p) == pytest.approx(0.0375)
    assert brier_score(y, 1 - p, pos_label=0) == pytest.approx(0.0375)
    assert brier_score(
        ["spam", "ham", "ham", "spam"], p, pos_label="ham"
    ) == pytest.approx(0.0375)
    assert brier_score(y, p > 0.5) == 0.0
    assert brier_score(y, p, scale_by_half=False) == pytest.approx(0.075)
    assert str(
        brier_score(
            ["eggs", "ham", "spam"],
            [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]],
            labels=["eggs", "ham", "spam"],
        )
    ).startswith("0.146")  # the docstring prints 0.146...
    assert log_loss(
        ["spam", "ham", "ham", "spam"],
        [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]],
    ) == pytest.approx(0.21616, abs=1e-5)
    assert log_loss([0, 1], [[1.0, 0.0], [1.0, 0.0]]) == pytest.approx(
        18.021826694558577
    )  # clipped at 2.2e-16
    # a perfectly calibrated model: within each bin, the positive rate equals the stated probability
    assert calibration_error([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.0
    assert calibration_error([1, 1], [1.0, 1.0]) == 0.0
    assert (
        calibration_error([0, 0], [1.0, 1.0]) == 1.0
    )  # certain and always wrong


@pytest.mark.parametrize("fn", [brier_score, log_loss, calibration_error])
def test_logits_are_refused_by_name(fn):
    with pytest.raises(ValueError, match="look like logits"):
        fn([0, 1, 1], [-2.0, 3.1, 0.4])  # logits, not probabilities
    with pytest.raises(ValueError, match="NaN"):
        fn([0, 1], [0.5, np.nan])
    with pytest.raises(ValueError, match="same length"):
        fn([0, 1, 1], [0.5, 0.5])
    with pytest.raises(ValueError, match="empty"):
        fn([], [])


def test_unnormalised_rows_and_class_mismatches():
    with pytest.raises(ValueError, match="rows must sum to 1"):
        log_loss([0, 1], [[0.5, 0.6], [0.2, 0.8]])
    with pytest.raises(ValueError, match="rows must sum to 1"):
        brier_score([0, 1, 2], [[0.5, 0.4, 0], [0, 1, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match="one class only"):
        log_loss([1, 1], [0.7, 0.9])  # as scikit-learn: needs labels=
    assert log_loss([1, 1], [0.7, 0.9], labels=[0, 1]) == pytest.approx(
        skm.log_loss([1, 1], [0.7, 0.9], labels=[0, 1])
    )
    with pytest.raises(ValueError, match="3 columns"):
        log_loss([0, 1], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    with pytest.raises(ValueError, match="labels must be sorted"):
        log_loss([0, 1], [[0.2, 0.8], [0.1, 0.9]], labels=[1, 0])
    with pytest.raises(ValueError, match="pos_label must be given"):
        brier_score(["a", "b"], [0.2, 0.7])
    with pytest.raises(ValueError, match="0/1"):
        calibration_error([0, 2], [0.2, 0.7])
    with pytest.raises(ValueError, match="n_bins"):
        calibration_error([0, 1], [0.2, 0.7], n_bins=0)
    with pytest.raises(ValueError, match="norm"):
        calibration_error([0, 1], [0.2, 0.7], norm="l3")
    with pytest.raises(ValueError, match="scale_by_half"):
        brier_score([0, 1], [0.2, 0.7], scale_by_half=1)
