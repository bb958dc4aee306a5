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
S = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.6, 0.6, 0.05]
YHAT = [int(s >= 0.5) for s in S]
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
    assert C.f1_score(Y, YHAT, pos_label=0) == pytest.approx(
        0.727273, abs=1e-6
    )
    assert C.roc_auc(Y, S) == pytest.approx(0.74)
    assert C.average_precision(Y, S) == pytest.approx(0.789286, abs=1e-6)
    precision, recall, _ = C.precision_recall_curve(Y, S)
    assert skm.auc(recall, precision) == pytest.approx(
        0.801786, abs=1e-6
    )  # the optimistic trapezoid


def test_multiclass_worked_vector():
    assert C.accuracy(YT, YH) == pytest.approx(0.625)
    assert C.precision(YT, YH, average="macro") == pytest.approx(
        0.611111, abs=1e-6
    )
    assert C.recall(YT, YH, average="macro") == pytest.approx(
        0.666667, abs=1e-6
    )
    assert C.f1_score(YT, YH, average="macro") == pytest.approx(
        0.622222, abs=1e-6
    )
    assert C.f1_score(YT, YH, average="micro") == pytest.approx(0.625)
    assert C.f1_score(YT, YH, average="weighted") == pytest.approx(0.6)
    p, r = (
        C.precision(YT, YH, average="macro"),
        C.recall(YT, YH, average="macro"),
    )
    assert 2 * p * r / (p + r) == pytest.approx(
        0.637681, abs=1e-6
    )  # the wrong "F1 of macro P, R"
    with pytest.raises(ValueError, match="binary"):
        C.f1_score(YT, YH)


def test_zero_division_worked_vector():
    yt, yh = [0, 1, 1, 0], [0, 0, 0, 0]
    assert C.precision(yt, yh) == 0.0
    assert C.precision(yt, yh, zero_division=1.0) == 1.0
    assert np.isnan(C.precision(yt, yh, zero_division=np.nan))
    assert C.f1_score(
        yt, yh, average="macro", labels=[0, 1]
    ) == pytest.approx(0.333333, abs=1e-6)
    assert C.f1_score(
        yt, yh, average="macro", labels=[0, 1, 2]
    ) == pytest.approx(0.222222, abs=1e-6)
    with pytest.raises(ValueError, match="zero_division"):
        C.precision(yt, yh, zero_division="warn")


labels_strategy = st.lists(st.integers(0, 3), min_size=1, max_size=40)


def test_string_labels_and_tensors():
    yt, yh = ["cat", "dog", "dog", "bird"], ["cat", "cat", "dog", "dog"]
    assert C.f1_score(yt, yh, average="macro") == pytest.approx(
        skm.f1_score(yt, yh, average="macro", zero_division=0)
    )
    np.testing.assert_array_equal(
        C.confusion_matrix(yt, yh), skm.confusion_matrix(yt, yh)
    )
    assert C.f1_score(
        yt, yh, pos_label="dog", labels=None, average="macro"
    ) == pytest.approx(
        skm.f1_score(yt, yh, average="macro", zero_division=0)
    )
    assert C.accuracy(torch.tensor(YT), np.array(YH)) == pytest.approx(
        0.625
    )
    assert C.roc_auc(torch.tensor(Y), torch.tensor(S)) == pytest.approx(
        0.74
    )
    assert (
        type(C.accuracy(YT, YH)) is float
        and type(C.roc_auc(Y, S)) is float
    )


def test_confusion_matrix_labels():
    for labels in ([2, 0, 1], [0, 1], [1, 5, 0]):
        np.testing.assert_array_equal(
            C.confusion_matrix(YT, YH, labels=labels),
            skm.confusion_matrix(YT, YH, labels=labels),
        )
    cm = C.confusion_matrix(YT, YH)
    assert (
        cm.dtype.kind == "i" and cm[2].sum() == 3
    )  # row 2: the three items whose truth is 2
    with pytest.raises(ValueError, match="labels"):
        C.confusion_matrix(YT, YH, labels=[7, 8])


scores_strategy = st.lists(
    st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0, -3.0]),
    min_size=2,
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_curves_random_with_ties(
    data,
):  # the scalar metrics: tests/test_metrics_parity.py
    s = data.draw(scores_strategy)
    y = data.draw(
        st.lists(st.integers(0, 1), min_size=len(s), max_size=len(s))
    )
    if 0 < sum(y) < len(y):
        for ours, ref in zip(
            C.roc_curve(y, s), skm.roc_curve(y, s), strict=True
        ):
            np.testing.assert_allclose(ours, ref, rtol=RTOL)
    if sum(y) > 0:
        for ours, ref in zip(
            C.precision_recall_curve(y, s),
            skm.precision_recall_curve(y, s),
            strict=True,
        ):
            np.testing.assert_allclose(ours, ref, rtol=RTOL)


@pytest.mark.parametrize(
    "n, rate", [(1, 0.5), (2_000, 0.02), (5_000, 0.5), (3_000, 0.97)]
)
def test_ranking_metrics_continuous_and_imbalanced(n, rate):
    rng = np.random.default_rng(n)
    y = rng.random(n + 1) < rate
    y[0], y[-1] = True, False  # both classes present
    s = rng.normal(y * 0.7, 1.0)
    assert C.roc_auc(y, s) == pytest.approx(
        skm.roc_auc_score(y, s), rel=RTOL
    )
    assert C.average_precision(y, s) == pytest.approx(
        skm.average_precision_score(y, s), rel=RTOL
    )
    s_rounded = np.round(s, 1)  # many ties
    assert C.roc_auc(y, s_rounded) == pytest.approx(
        skm.roc_auc_score(y, s_rounded), rel=RTOL
    )
    assert C.average_precision(y, s_rounded) == pytest.approx(
        skm.average_precision_score(y, s_rounded), rel=RTOL
    )


def test_ranking_other_labels():
    y = np.array([-1, 1, 1, -1, 1])
    s = np.array([0.2, 0.3, 0.9, 0.3, 0.1])
    assert C.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s))
    assert C.average_precision(y, s) == pytest.approx(
        skm.average_precision_score(y, s)
    )
    yz = np.array(["no", "yes", "yes", "no", "yes"])
    assert C.average_precision(yz, s, pos_label="yes") == pytest.approx(
        skm.average_precision_score(yz, s, pos_label="yes")
    )


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
    with pytest.raises(ValueError, match="indicator target"):
        C.roc_auc(
            [0, 1], [[0.1, 0.2]]
        )  # 1-D target, 2-D scores: multiclass AUROC is not offered
    with pytest.raises(
        ValueError, match="scores must have 1 or 2 dimension"
    ):
        C.roc_auc([0, 1], [[[0.1, 0.2]]])


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


# --- sample_weight (issue 18), scikit-learn semantics ----------------------------------------------

weights_strategy = st.lists(
    st.sampled_from([0, 0.5, 1, 2, 3.25]), min_size=1, max_size=40
)


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    average=st.sampled_from(["macro", "micro", "weighted"]),
    zd=st.sampled_from([0.0, 1.0, np.nan]),
)
def test_sample_weight_matches_sklearn(data, average, zd):
    y = data.draw(labels_strategy)
    yhat = data.draw(
        st.lists(st.integers(0, 3), min_size=len(y), max_size=len(y))
    )
    w = data.draw(
        st.lists(
            st.sampled_from([0, 0.5, 1, 2, 3.25]),
            min_size=len(y),
            max_size=len(y),
        ).filter(lambda w: sum(w) > 0)
    )
    assert C.accuracy(y, yhat, sample_weight=w) == pytest.approx(
        skm.accuracy_score(y, yhat, sample_weight=w), rel=RTOL
    )
    np.testing.assert_allclose(
        C.confusion_matrix(y, yhat, sample_weight=w),
        skm.confusion_matrix(y, yhat, sample_weight=w),
        rtol=RTOL,
    )
    for ours, ref in (
        (C.precision, skm.precision_score),
        (C.recall, skm.recall_score),
        (C.f1_score, skm.f1_score),
    ):
        expected = sk(
            ref,
            y,
            yhat,
            average=average,
            sample_weight=w,
            zero_division=zd,
        )
        got = ours(
            y, yhat, average=average, sample_weight=w, zero_division=zd
        )
        np.testing.assert_allclose(
            got,
            expected,
            rtol=RTOL,
            equal_nan=True,
            err_msg=f"{ours.__name__} {average}",
        )
    yb, yhb = [v % 2 for v in y], [v % 2 for v in yhat]
    assert C.f1_score(yb, yhb, sample_weight=w) == pytest.approx(
        sk(skm.f1_score, yb, yhb, sample_weight=w, zero_division=0)
    )


def test_sample_weight_worked_vector_and_dtypes():
    # integer weights are repeated items: weight 2 is the item twice
    w = [1, 2, 1, 1, 3, 1, 1, 2, 1, 1]
    rep_y = np.repeat(Y, w)
    rep_yhat = np.repeat(YHAT, w)
    assert C.f1_score(Y, YHAT, sample_weight=w) == pytest.approx(
        C.f1_score(rep_y, rep_yhat)
    )
    assert C.accuracy(Y, YHAT, sample_weight=w) == pytest.approx(
        C.accuracy(rep_y, rep_yhat)
    )
    cm_int = C.confusion_matrix(Y, YHAT, sample_weight=w)
    cm_float = C.confusion_matrix(
        Y, YHAT, sample_weight=np.asarray(w, dtype=float)
    )
    assert (
        cm_int.dtype == np.int64 and cm_float.dtype == np.float64
    )  # as scikit-learn
    np.testing.assert_array_equal(
        cm_int, C.confusion_matrix(rep_y, rep_yhat)
    )
    np.testing.assert_array_equal(
        C.confusion_matrix(
            YT, YH, labels=[2, 0], sample_weight=[1.5] * 8
        ),
        skm.confusion_matrix(
            YT, YH, labels=[2, 0], sample_weight=[1.5] * 8
        ),
    )


@pytest.mark.parametrize(
    "weights, message",
    [
        ([1, 1], "one weight per item"),
        ([1, -1, 1, 1], "non-negative"),
        ([0, 0, 0, 0], "sums to 0"),
        ([1, np.nan, 1, 1], "NaN"),
        ("1111", "sample_weight must be"),
        ([[1, 1, 1, 1]], "1 dimension"),
    ],
)
def test_sample_weight_validation(weights, message):
    for fn in (
        C.accuracy,
        C.f1_score,
        C.confusion_matrix,
        C.matthews_corrcoef,
    ):
        with pytest.raises(ValueError, match=message):
            fn([0, 1, 1, 0], [0, 1, 0, 0], sample_weight=weights)


def test_sklearn_doc_examples():
    assert C.accuracy([0, 1, 2, 3], [0, 2, 1, 3]) == 0.5
    np.testing.assert_array_equal(
        C.confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]),
        [[2, 0, 0], [0, 0, 1], [1, 0, 2]],
    )
    np.testing.assert_array_equal(
        C.confusion_matrix(
            ["cat", "ant", "cat", "cat", "ant", "bird"],
            ["ant", "ant", "cat", "cat", "ant", "cat"],
            labels=["ant", "bird", "cat"],
        ),
        [[2, 0, 0], [0, 0, 1], [1, 0, 2]],
    )
    assert C.confusion_matrix(
        [0, 1, 0, 1], [1, 1, 1, 0]
    ).ravel().tolist() == [0, 2, 1, 1]


@pytest.mark.parametrize("bad", [None, "0101", 3, {0: 1}])
def test_wrong_kind_of_input_is_named(bad):
    """Every public function of the family names the parameter that got the wrong kind of input."""
    good_y, good_s, good_p = (
        [0, 1, 1, 0],
        [0.1, 0.8, 0.4, 0.3],
        [0.1, 0.8, 0.4, 0.3],
    )
    calls = {
        "target": [
            lambda b: C.accuracy(b, good_y),
            lambda b: C.f1_score(b, good_y),
            lambda b: C.roc_auc(b, good_s),
            lambda b: C.average_precision(b, good_s),
            lambda b: C.roc_curve(b, good_s),
            lambda b: C.precision_recall_curve(b, good_s),
            lambda b: C.det_curve(b, good_s),
            lambda b: C.matthews_corrcoef(b, good_y),
            lambda b: C.balanced_accuracy(b, good_y),
            lambda b: C.cohen_kappa(b, good_y),
            lambda b: C.brier_score(b, good_p),
            lambda b: C.log_loss(b, good_p),
            lambda b: C.calibration_error(b, good_p),
            lambda b: C.confusion_matrix(b, good_y),
        ],
        "pred": [
            lambda b: C.accuracy(good_y, b),
            lambda b: C.recall(good_y, b),
            lambda b: C.confusion_matrix(good_y, b),
            lambda b: C.matthews_corrcoef(good_y, b),
            lambda b: C.balanced_accuracy(good_y, b),
            lambda b: C.cohen_kappa(good_y, b),
        ],
        "scores": [
            lambda b: C.roc_auc(good_y, b),
            lambda b: C.average_precision(good_y, b),
            lambda b: C.roc_curve(good_y, b),
            lambda b: C.precision_recall_curve(good_y, b),
            lambda b: C.det_curve(good_y, b),
        ],
        "prob": [
            lambda b: C.brier_score(good_y, b),
            lambda b: C.log_loss(good_y, b),
            lambda b: C.calibration_error(good_y, b),
        ],
    }
    for name, fns in calls.items():
        for fn in fns:
            with pytest.raises(ValueError, match=rf"^{name}\b"):
                fn(bad)


def test_docstring_examples_run():
    from seqlib.metrics import (
        _cls_checks,
        _multilabel,
        agreement,
        calibration,
        curves,
        prf,
        ranking,
    )

    for module in (
        C,
        prf,
        ranking,
        _multilabel,
        curves,
        agreement,
        calibration,
        _cls_checks,
    ):
        assert (
            doctest.testmod(
                module, optionflags=doctest.NORMALIZE_WHITESPACE
            ).failed
            == 0
        ), module.__name__
