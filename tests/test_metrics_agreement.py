"""MCC, balanced accuracy and Cohen's kappa against scikit-learn 1.9 (issue 14), with sample weights (issue 18)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import (
    balanced_accuracy,
    cohen_kappa,
    matthews_corrcoef,
)

RTOL = 1e-6


def sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@st.composite
def labelled(draw, classes=4):
    y = draw(
        st.lists(st.integers(0, classes - 1), min_size=1, max_size=40)
    )
    yhat = draw(
        st.lists(
            st.integers(0, classes - 1), min_size=len(y), max_size=len(y)
        )
    )
    w = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]),
                min_size=len(y),
                max_size=len(y),
            ).filter(lambda w: sum(w) > 0),
        )
    )
    return y, yhat, w


@settings(max_examples=50, deadline=None)
@given(labelled(), st.sampled_from([None, "linear", "quadratic"]))
def test_parity_with_weights(data, weights):
    y, yhat, w = data
    assert matthews_corrcoef(y, yhat, sample_weight=w) == pytest.approx(
        skm.matthews_corrcoef(y, yhat, sample_weight=w),
        rel=RTOL,
        abs=1e-12,
    )
    expected = sk(skm.balanced_accuracy_score, y, yhat, sample_weight=w)
    assert balanced_accuracy(y, yhat, sample_weight=w) == pytest.approx(
        expected, rel=RTOL, abs=1e-12
    )
    expected = sk(
        skm.balanced_accuracy_score,
        y,
        yhat,
        sample_weight=w,
        adjusted=True,
    )
    if np.isfinite(expected):
        assert balanced_accuracy(
            y, yhat, sample_weight=w, adjusted=True
        ) == pytest.approx(expected, rel=RTOL, abs=1e-12)
    else:  # one class in target: scikit-learn -inf, seqlib refuses
        with pytest.raises(ValueError, match="at least 2 classes"):
            balanced_accuracy(y, yhat, sample_weight=w, adjusted=True)
    expected = sk(
        skm.cohen_kappa_score, y, yhat, weights=weights, sample_weight=w
    )
    if np.isnan(expected):
        with pytest.raises(ValueError, match="undefined"):
            cohen_kappa(y, yhat, weights=weights, sample_weight=w)
    else:
        assert cohen_kappa(
            y, yhat, weights=weights, sample_weight=w
        ) == pytest.approx(expected, rel=RTOL, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    labelled(classes=5),
    st.sampled_from([None, "linear", "quadratic"]),
    st.lists(st.integers(0, 6), min_size=1, max_size=5, unique=True),
)
def test_kappa_labels_order_the_weights(data, weights, labels):
    y, yhat, w = data
    try:
        expected = sk(
            skm.cohen_kappa_score,
            y,
            yhat,
            labels=labels,
            weights=weights,
            sample_weight=w,
        )
    except ValueError:
        with pytest.raises(ValueError):
            cohen_kappa(
                y, yhat, labels=labels, weights=weights, sample_weight=w
            )
        return
    if np.isnan(expected):
        with pytest.raises(ValueError, match="undefined"):
            cohen_kappa(
                y, yhat, labels=labels, weights=weights, sample_weight=w
            )
    else:
        assert cohen_kappa(
            y, yhat, labels=labels, weights=weights, sample_weight=w
        ) == pytest.approx(expected, rel=RTOL, abs=1e-12)


def test_sklearn_doc_examples():
    assert (
        round(matthews_corrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]), 2)
        == -0.33
    )
    assert (
        balanced_accuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]) == 0.625
    )
    y1 = ["negative", "positive", "negative", "neutral", "positive"]
    y2 = ["negative", "positive", "negative", "neutral", "negative"]
    assert cohen_kappa(y1, y2) == pytest.approx(0.6875)


def test_accuracy_paradox_worked_vector():
    """95 negatives, 5 positives, a classifier that always says negative: accuracy 0.95, the others see through it."""
    y, yhat = [0] * 95 + [1] * 5, [0] * 100
    assert balanced_accuracy(y, yhat) == 0.5
    assert (
        matthews_corrcoef(y, yhat) == 0.0
    )  # constant prediction: sklearn's 0.0 for 0/0
    assert cohen_kappa(y, yhat) == 0.0
    # metric-reference.md section 2: balanced accuracy = torchmetrics' default (macro) multiclass accuracy
    assert balanced_accuracy(
        [0, 1, 2, 2, 1, 0, 2, 1], [0, 2, 2, 2, 0, 0, 1, 1]
    ) == pytest.approx(0.666667, abs=1e-6)


def test_edges():
    assert (
        matthews_corrcoef([1], [1]) == 0.0
        and balanced_accuracy([1], [0]) == 0.0
    )  # single item
    assert matthews_corrcoef(
        ["é", "猫", "é"], ["é", "猫", "猫"]
    ) == pytest.approx(
        skm.matthews_corrcoef(["é", "猫", "é"], ["é", "猫", "猫"])
    )  # non-ASCII labels
    assert balanced_accuracy([0, 0], [0, 1]) == pytest.approx(
        sk(skm.balanced_accuracy_score, [0, 0], [0, 1])
    )
    with pytest.raises(ValueError, match="undefined"):
        cohen_kappa(
            [1, 1], [1, 1]
        )  # chance agreement is total: sklearn NaN with a warning
    with pytest.raises(ValueError, match="weights must be one of"):
        cohen_kappa([0, 1], [0, 1], weights="cubic")
    with pytest.raises(
        ValueError, match="adjusted must be True or False"
    ):
        balanced_accuracy([0, 1], [0, 1], adjusted=1)
    with pytest.raises(ValueError, match="same length"):
        matthews_corrcoef([0, 1], [0])
    with pytest.raises(ValueError, match="empty"):
        cohen_kappa([], [])
    with pytest.raises(ValueError, match="NaN"):
        balanced_accuracy([np.nan, 1.0], [1.0, 1.0])
