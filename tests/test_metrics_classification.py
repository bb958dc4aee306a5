"""Parity tests for seqlib.metrics.classification against scikit-learn (metric-reference.md §2)."""
from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import classification as C

RTOL = 1e-6

Y = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0]
S = [.1, .4, .35, .8, .4, .9, .2, .6, .6, .05]
YHAT = [int(s >= .5) for s in S]
YT = [0, 1, 2, 2, 1, 0, 2, 1]
YH = [0, 2, 2, 2, 0, 0, 1, 1]


def sk(fn, *args, **kwargs):
    """Call scikit-learn with its warnings silenced (zero_division='warn' etc.)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def test_binary_worked_vector():
    assert C.accuracy(Y, YHAT) == pytest.approx(0.7)
    assert C.precision(Y, YHAT) == pytest.approx(0.75)
    assert C.recall(Y, YHAT) == pytest.approx(0.6)
    assert C.f1_score(Y, YHAT) == pytest.approx(0.666667, abs=1e-6)
    assert C.f1_score(Y, YHAT, pos_label=0) == pytest.approx(0.727273, abs=1e-6)
    assert C.roc_auc(Y, S) == pytest.approx(0.74)
    assert C.average_precision(Y, S) == pytest.approx(0.789286, abs=1e-6)
    precision, recall, _ = C.precision_recall_curve(Y, S)
    assert skm.auc(recall, precision) == pytest.approx(0.801786, abs=1e-6)  # the optimistic trapezoid


def test_multiclass_worked_vector():
    assert C.accuracy(YT, YH) == pytest.approx(0.625)
    assert C.precision(YT, YH, average="macro") == pytest.approx(0.611111, abs=1e-6)
    assert C.recall(YT, YH, average="macro") == pytest.approx(0.666667, abs=1e-6)
    assert C.f1_score(YT, YH, average="macro") == pytest.approx(0.622222, abs=1e-6)
    assert C.f1_score(YT, YH, average="micro") == pytest.approx(0.625)
    assert C.f1_score(YT, YH, average="weighted") == pytest.approx(0.6)
    p, r = C.precision(YT, YH, average="macro"), C.recall(YT, YH, average="macro")
    assert 2 * p * r / (p + r) == pytest.approx(0.637681, abs=1e-6)  # the wrong "F1 of macro P, R"
    with pytest.raises(ValueError, match="binary"):
        C.f1_score(YT, YH)


def test_zero_division_worked_vector():
    yt, yh = [0, 1, 1, 0], [0, 0, 0, 0]
    assert C.precision(yt, yh) == 0.0
    assert C.precision(yt, yh, zero_division=1.0) == 1.0
    assert np.isnan(C.precision(yt, yh, zero_division=np.nan))
    assert C.f1_score(yt, yh, average="macro", labels=[0, 1]) == pytest.approx(0.333333, abs=1e-6)
    assert C.f1_score(yt, yh, average="macro", labels=[0, 1, 2]) == pytest.approx(0.222222, abs=1e-6)
    with pytest.raises(ValueError, match="zero_division"):
        C.precision(yt, yh, zero_division="warn")


labels_strategy = st.lists(st.integers(0, 3), min_size=1, max_size=40)


def test_string_labels_and_tensors():
    yt, yh = ["cat", "dog", "dog", "bird"], ["cat", "cat", "dog", "dog"]
    assert C.f1_score(yt, yh, average="macro") == pytest.approx(skm.f1_score(yt, yh, average="macro", zero_division=0))
    np.testing.assert_array_equal(C.confusion_matrix(yt, yh), skm.confusion_matrix(yt, yh))
    assert C.f1_score(yt, yh, pos_label="dog", labels=None, average="macro") == pytest.approx(
        skm.f1_score(yt, yh, average="macro", zero_division=0))
    assert C.accuracy(torch.tensor(YT), np.array(YH)) == pytest.approx(0.625)
    assert C.roc_auc(torch.tensor(Y), torch.tensor(S)) == pytest.approx(0.74)
    assert type(C.accuracy(YT, YH)) is float and type(C.roc_auc(Y, S)) is float


def test_confusion_matrix_labels():
    for labels in ([2, 0, 1], [0, 1], [1, 5, 0]):
        np.testing.assert_array_equal(C.confusion_matrix(YT, YH, labels=labels),
                                      skm.confusion_matrix(YT, YH, labels=labels))
    cm = C.confusion_matrix(YT, YH)
    assert cm.dtype.kind == "i" and cm[2].sum() == 3  # row 2: the three items whose truth is 2
    with pytest.raises(ValueError, match="labels"):
        C.confusion_matrix(YT, YH, labels=[7, 8])


scores_strategy = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0, -3.0]), min_size=2, max_size=60)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_curves_random_with_ties(data):  # the scalar metrics: tests/test_metrics_parity.py
    s = data.draw(scores_strategy)
    y = data.draw(st.lists(st.integers(0, 1), min_size=len(s), max_size=len(s)))
    if 0 < sum(y) < len(y):
        for ours, ref in zip(C.roc_curve(y, s), skm.roc_curve(y, s), strict=True):
            np.testing.assert_allclose(ours, ref, rtol=RTOL)
    if sum(y) > 0:
        for ours, ref in zip(C.precision_recall_curve(y, s), skm.precision_recall_curve(y, s), strict=True):
            np.testing.assert_allclose(ours, ref, rtol=RTOL)


@pytest.mark.parametrize("n, rate", [(1, 0.5), (2_000, 0.02), (5_000, 0.5), (3_000, 0.97)])
def test_ranking_metrics_continuous_and_imbalanced(n, rate):
    rng = np.random.default_rng(n)
    y = rng.random(n + 1) < rate
    y[0], y[-1] = True, False  # both classes present
    s = rng.normal(y * 0.7, 1.0)
    assert C.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), rel=RTOL)
    assert C.average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s), rel=RTOL)
    s_rounded = np.round(s, 1)  # many ties
    assert C.roc_auc(y, s_rounded) == pytest.approx(skm.roc_auc_score(y, s_rounded), rel=RTOL)
    assert C.average_precision(y, s_rounded) == pytest.approx(skm.average_precision_score(y, s_rounded), rel=RTOL)


def test_ranking_other_labels():
    y = np.array([-1, 1, 1, -1, 1])
    s = np.array([0.2, 0.3, 0.9, 0.3, 0.1])
    assert C.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s))
    assert C.average_precision(y, s) == pytest.approx(skm.average_precision_score(y, s))
    yz = np.array(["no", "yes", "yes", "no", "yes"])
    assert C.average_precision(yz, s, pos_label="yes") == pytest.approx(
        skm.average_precision_score(yz, s, pos_label="yes"))


def test_ranking_validation():
    with pytest.raises(ValueError, match="one class"):
        C.roc_auc([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="one class"):
        C.roc_curve([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="positive"):
        C.average_precision([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="binary"):
        C.roc_auc([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="same length"):
        C.roc_auc([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN"):
        C.roc_auc([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="NaN"):
        C.average_precision([0, 1], [np.inf, 0.2])
    with pytest.raises(ValueError, match="pos_label"):
        C.roc_auc([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="1 dimension"):
        C.roc_auc([0, 1], [[0.1, 0.2]])


def test_label_validation():
    with pytest.raises(ValueError, match="same length"):
        C.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        C.accuracy([], [])
    with pytest.raises(ValueError, match="non-integer"):
        C.f1_score([0.5, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="NaN"):
        C.accuracy([np.nan, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="1-D"):
        C.precision([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="average"):
        C.f1_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match="pos_label"):
        C.f1_score([0, 2], [0, 2], pos_label=1)


def test_docstring_examples_run():
    assert doctest.testmod(C, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
