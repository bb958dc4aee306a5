"""Ranking options of issue 18 against scikit-learn 1.9: sample_weight, multi-label averages, max_fpr, curves, DET."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqlib.metrics import classification as C

RTOL = 1e-6
SCORES = [
    0.0,
    0.1,
    0.25,
    0.5,
    0.9,
    1.0,
    -3.0,
]  # few values: ties between and within classes
WEIGHTS = [0.0, 0.5, 1.0, 2.0, 3.0]
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)


def sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@st.composite
def weighted_binary(draw, min_size=2):
    s = draw(
        st.lists(st.sampled_from(SCORES), min_size=min_size, max_size=50)
    )
    y = draw(
        st.lists(st.integers(0, 1), min_size=len(s), max_size=len(s))
    )
    w = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(WEIGHTS), min_size=len(s), max_size=len(s)
            ),
        )
    )
    return np.array(y), np.array(s), (None if w is None else np.array(w))


def weighted_totals(y, w):
    w = np.ones(len(y)) if w is None else w
    return w[y == 1].sum(), w[y == 0].sum()


@SETTINGS
@given(weighted_binary(), st.sampled_from([None, 0.05, 0.3, 0.5, 1.0]))
def test_roc_auc_weights_and_max_fpr(data, max_fpr):
    y, s, w = data
    pos, neg = weighted_totals(y, w)
    if pos > 0 and neg > 0:
        expected = sk(
            skm.roc_auc_score, y, s, sample_weight=w, max_fpr=max_fpr
        )
        assert C.roc_auc(
            y, s, sample_weight=w, max_fpr=max_fpr
        ) == pytest.approx(expected, rel=RTOL, abs=1e-12)
    else:  # scikit-learn: NaN with a warning (or an error); seqlib refuses by name
        with pytest.raises(ValueError, match="both classes|sums to 0"):
            C.roc_auc(y, s, sample_weight=w, max_fpr=max_fpr)


@SETTINGS
@given(weighted_binary())
def test_average_precision_weights(data):
    y, s, w = data
    pos, _ = weighted_totals(y, w)
    if pos > 0:
        expected = sk(skm.average_precision_score, y, s, sample_weight=w)
        assert C.average_precision(
            y, s, sample_weight=w
        ) == pytest.approx(expected, rel=RTOL, abs=1e-12)
    else:
        with pytest.raises(ValueError, match="positive|sums to 0"):
            C.average_precision(y, s, sample_weight=w)


@SETTINGS
@given(weighted_binary(), st.booleans())
def test_curves_weights_and_drop_intermediate(data, drop):
    y, s, w = data
    pos, neg = weighted_totals(y, w)
    pairs = []
    if pos > 0 and neg > 0:
        pairs += [
            (
                C.roc_curve(
                    y, s, sample_weight=w, drop_intermediate=drop
                ),
                sk(
                    skm.roc_curve,
                    y,
                    s,
                    sample_weight=w,
                    drop_intermediate=drop,
                ),
            ),
            (
                C.det_curve(
                    y, s, sample_weight=w, drop_intermediate=drop
                ),
                sk(
                    skm.det_curve,
                    y,
                    s,
                    sample_weight=w,
                    drop_intermediate=drop,
                ),
            ),
        ]
    if pos > 0:
        pairs.append(
            (
                C.precision_recall_curve(
                    y, s, sample_weight=w, drop_intermediate=drop
                ),
                sk(
                    skm.precision_recall_curve,
                    y,
                    s,
                    sample_weight=w,
                    drop_intermediate=drop,
                ),
            )
        )
    for ours, ref in pairs:
        for a, b in zip(ours, ref, strict=True):
            np.testing.assert_allclose(a, b, rtol=RTOL)
    if pos == 0 and (w is None or w.sum() > 0):
        with pytest.raises(ValueError, match="positive"):
            C.precision_recall_curve(y, s, sample_weight=w)


def test_curve_defaults_are_sklearns():
    y, s = (
        [0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
        [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.6, 0.6, 0.05],
    )
    for ours, ref in (
        (C.roc_curve, skm.roc_curve),
        (C.precision_recall_curve, skm.precision_recall_curve),
        (C.det_curve, skm.det_curve),
    ):
        for a, b in zip(ours(y, s), ref(y, s), strict=True):
            np.testing.assert_allclose(a, b)


@st.composite
def multilabel(draw):
    n, n_labels = draw(st.integers(2, 12)), draw(st.integers(2, 4))
    y = np.array(
        draw(
            st.lists(
                st.lists(
                    st.integers(0, 1),
                    min_size=n_labels,
                    max_size=n_labels,
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
    s = np.array(
        draw(
            st.lists(
                st.lists(
                    st.sampled_from(SCORES),
                    min_size=n_labels,
                    max_size=n_labels,
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
    w = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(WEIGHTS[1:]), min_size=n, max_size=n
            ).map(np.array),
        )
    )
    return y, s, w


@SETTINGS
@given(
    multilabel(),
    st.sampled_from(["macro", "micro", "weighted", "samples", None]),
    st.sampled_from([None, 0.5]),
)
def test_multilabel_averages(data, average, max_fpr):
    y, s, w = data
    for ours, ref, kwargs in (
        (C.roc_auc, skm.roc_auc_score, {"max_fpr": max_fpr}),
        (C.average_precision, skm.average_precision_score, {}),
    ):
        expected = sk(
            ref, y, s, average=average, sample_weight=w, **kwargs
        )
        undefined = np.isnan(expected).any() or (
            average in ("weighted", "micro") and y.sum() == 0
        )
        if undefined:  # scikit-learn answers NaN (or 0 when no label has a positive): seqlib refuses
            with pytest.raises(ValueError):
                ours(y, s, average=average, sample_weight=w, **kwargs)
        else:
            np.testing.assert_allclose(
                ours(y, s, average=average, sample_weight=w, **kwargs),
                expected,
                rtol=RTOL,
                atol=1e-12,
                err_msg=f"{ours.__name__} {average}",
            )


def test_multilabel_sklearn_doc_example():
    from sklearn.datasets import make_multilabel_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier

    x, y = make_multilabel_classification(random_state=0)
    clf = MultiOutputClassifier(
        LogisticRegression(solver="newton-cholesky")
    ).fit(x, y)
    y_score = np.transpose(
        [score[:, 1] for score in clf.predict_proba(x)]
    )  # (N, L)
    np.testing.assert_allclose(
        C.roc_auc(y, y_score, average=None),
        skm.roc_auc_score(y, y_score, average=None),
    )
    np.testing.assert_allclose(
        C.roc_auc(y, y_score, average=None).round(3),
        [0.828, 0.852, 0.94, 0.869, 0.95],
        atol=1.5e-3,
    )  # the values printed in scikit-learn's docstring
    for average in ("macro", "micro", "weighted", "samples"):
        assert C.average_precision(
            y, y_score, average=average
        ) == pytest.approx(
            skm.average_precision_score(y, y_score, average=average),
            rel=RTOL,
        )


def test_sklearn_doc_examples():
    y_true, y_scores = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    assert str(C.average_precision(y_true, y_scores)).startswith("0.83")
    y_mc = [0, 0, 1, 1, 2, 2]
    s_mc = [
        [0.7, 0.2, 0.1],
        [0.4, 0.3, 0.3],
        [0.1, 0.8, 0.1],
        [0.2, 0.3, 0.5],
        [0.4, 0.4, 0.2],
        [0.1, 0.2, 0.7],
    ]
    assert C.average_precision(y_mc, s_mc) == pytest.approx(
        skm.average_precision_score(y_mc, np.array(s_mc))
    )  # sklearn 1.9 fails on lists here
    assert str(C.average_precision(y_mc, s_mc)).startswith(
        "0.77"
    )  # the docstring prints 0.77...
    fpr, fnr, thr = C.det_curve(y_true, y_scores)
    assert (fpr.tolist(), fnr.tolist(), thr.tolist()) == (
        [0.5, 0.5, 0.0],
        [0.0, 0.5, 0.5],
        [0.35, 0.4, 0.8],
    )
    fpr, tpr, thr = C.roc_curve([1, 1, 2, 2], y_scores, pos_label=2)
    assert fpr.tolist() == [0, 0, 0.5, 0.5, 1] and tpr.tolist() == [
        0,
        0.5,
        0.5,
        1,
        1,
    ]
    assert thr.tolist() == [np.inf, 0.8, 0.4, 0.35, 0.1]


def test_max_fpr_worked_vector_and_limits():
    y, s = (
        [0, 0, 1, 1, 0, 1, 1, 0, 1, 0],
        [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.6, 0.6, 0.05],
    )
    assert C.roc_auc(y, s, max_fpr=0.5) == pytest.approx(
        0.706667, abs=1e-6
    )  # metric-reference.md section 2
    assert C.roc_auc(y, s, max_fpr=1.0) == pytest.approx(C.roc_auc(y, s))
    perfect = [0, 0, 1, 1]
    assert C.roc_auc(
        perfect, [0.1, 0.2, 0.8, 0.9], max_fpr=0.1
    ) == pytest.approx(1.0)
    for bad in (0, 1.5, -0.1, "0.5", np.nan):
        with pytest.raises(ValueError, match="max_fpr"):
            C.roc_auc(y, s, max_fpr=bad)


def test_refusals_name_the_problem():
    with pytest.raises(ValueError, match="label \\(column\\) 1"):
        C.roc_auc(
            [[0, 1], [1, 1], [0, 1]],
            [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]],
            average=None,
        )  # label 1 all positive
    with pytest.raises(ValueError, match="average must be one of"):
        C.roc_auc([0, 1], [0.1, 0.2], average="binary")
    with pytest.raises(ValueError, match="same shape"):
        C.roc_auc([[0, 1], [1, 0]], [[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]])
    with pytest.raises(ValueError, match="other than 0 and 1"):
        C.average_precision([[0, 2], [1, 0]], [[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(ValueError, match="pos_label is fixed to 1"):
        C.average_precision(
            [[0, 1], [1, 0]], [[0.1, 0.2], [0.3, 0.4]], pos_label=0
        )
    with pytest.raises(ValueError, match="drop_intermediate"):
        C.roc_curve([0, 1], [0.1, 0.2], drop_intermediate="yes")
    with pytest.raises(ValueError, match="both classes"):
        C.det_curve([1, 1], [0.1, 0.2])
    assert C.roc_auc(
        [0, 1, 1], [0.2, 0.3, 0.1], average=None
    ) == pytest.approx(0.5)  # binary: average ignored


def test_all_ties_and_single_items():
    assert C.roc_auc([0, 1], [0.3, 0.3]) == 0.5  # one tie counts one half
    assert C.average_precision([0, 1], [0.3, 0.3]) == pytest.approx(
        skm.average_precision_score([0, 1], [0.3, 0.3])
    )
    assert C.average_precision([1], [0.3]) == 1.0
    with pytest.raises(ValueError, match="one class"):
        C.roc_auc([1], [0.3])
    with pytest.raises(ValueError, match="empty"):
        C.roc_auc([], [])
