"""Parity tests for seqlib.metrics.labeling against seqeval, scikit-learn and rapidfuzz (metric-reference.md §3)."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest
import seqeval.metrics
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE1, IOE2, Entities
from sklearn.metrics import accuracy_score

from seqlib.metrics import labeling as L
from seqlib.metrics import schemes as SC
from seqlib.metrics import span_metrics as SM
from seqlib.metrics.labeling import (
    edit_distance,
    sequence_accuracy,
    span_f1,
    spans,
    token_accuracy,
)
from seqlib.metrics.semeval import span_scores
from seqlib.metrics.span_metrics import (
    span_precision,
    span_recall,
    span_report,
)

RTOL = 1e-6

Y_TRUE = [
    ["B-PER", "I-PER", "O", "B-LOC", "O"],
    ["B-ORG", "I-ORG", "I-ORG", "O"],
]
Y_PRED = [
    ["I-PER", "I-PER", "O", "B-LOC", "B-LOC"],
    ["B-ORG", "I-ORG", "O", "O"],
]


def seqeval_f1(y_true, y_pred, mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if mode == "strict":
            return seqeval.metrics.f1_score(
                y_true, y_pred, mode="strict", scheme=IOB2
            )
        return seqeval.metrics.f1_score(y_true, y_pred)


def test_worked_vector():
    assert token_accuracy(Y_TRUE, Y_PRED) == pytest.approx(
        0.666667, abs=1e-6
    )
    assert sequence_accuracy(Y_TRUE, Y_PRED) == 0.0
    assert span_f1(Y_TRUE, Y_PRED) == pytest.approx(0.571429, abs=1e-6)
    assert span_f1(Y_TRUE, Y_PRED, mode="strict") == pytest.approx(
        0.333333, abs=1e-6
    )
    flat_t = [t for s in Y_TRUE for t in s]
    flat_p = [t for s in Y_PRED for t in s]
    assert token_accuracy(Y_TRUE, Y_PRED) == pytest.approx(
        accuracy_score(flat_t, flat_p), rel=RTOL
    )


def test_edit_distance_worked_vectors():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("ca", "ac") == 2  # Levenshtein; OSA would say 1
    assert (
        edit_distance(
            ["the", "cat", "sat"], ["the", "bat", "sat", "down"]
        )
        == 2
    )
    assert (
        edit_distance("", "abc") == 3
        and edit_distance("abc", "") == 3
        and edit_distance("", "") == 0
    )
    assert edit_distance(np.array([1, 2, 3]), [1, 3]) == 1
    with pytest.raises(ValueError, match="string or a sequence"):
        edit_distance(5, "abc")


TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
tag_sequences = st.lists(
    st.lists(st.sampled_from(TAGS), min_size=0, max_size=8),
    min_size=1,
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(tags=st.lists(st.sampled_from(TAGS), max_size=12))
def test_spans_match_seqeval(tags):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = [
            (kind, start, end + 1)
            for kind, start, end in get_entities(tags)
        ]  # seqeval's end is inclusive
        strict = [
            (e.tag, e.start, e.end)
            for e in Entities([tags], IOB2).entities[0]
        ]
    assert spans(tags) == default
    assert spans(tags, mode="strict") == strict


def test_spans_teaching_examples():
    assert spans(["B-PER", "I-PER", "O", "B-LOC"]) == [
        ("PER", 0, 2),
        ("LOC", 3, 4),
    ]
    assert spans(["I-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    assert spans(["I-PER", "I-LOC"], mode="strict") == []
    assert spans(["B-PER", "B-PER"]) == [("PER", 0, 1), ("PER", 1, 2)]
    assert spans([]) == []


def test_token_and_sequence_accuracy_random():
    rng = np.random.default_rng(0)
    y_true = [
        list(rng.choice(TAGS, size=rng.integers(1, 9))) for _ in range(50)
    ]
    y_pred = [
        [t if rng.random() < 0.8 else rng.choice(TAGS) for t in s]
        for s in y_true
    ]
    flat_t = [t for s in y_true for t in s]
    flat_p = [t for s in y_pred for t in s]
    assert token_accuracy(y_true, y_pred) == pytest.approx(
        accuracy_score(flat_t, flat_p), rel=RTOL
    )
    assert sequence_accuracy(y_true, y_pred) == pytest.approx(
        np.mean([t == p for t, p in zip(y_true, y_pred)])
    )
    assert token_accuracy(
        [[1, 2, 3]], np.array([[1, 2, 0]])
    ) == pytest.approx(2 / 3)


def test_no_spans_at_all():
    assert (
        span_f1([["O", "O"]], [["O", "O"]])
        == seqeval_f1([["O", "O"]], [["O", "O"]], "default")
        == 0.0
    )
    assert span_f1([["O", "O"]], [["O", "O"]], zero_division=1.0) == 1.0


def test_validation():
    with pytest.raises(
        ValueError,
        match=r"sequence 1: target_seqs\[1\] has 4 tokens but pred_seqs\[1\] has 3",
    ):
        token_accuracy(Y_TRUE, [Y_PRED[0], Y_PRED[1][:3]])
    with pytest.raises(
        ValueError,
        match=r"target_tags\[1\] has 4 tokens but pred_tags\[1\] has 3",
    ):
        span_f1(Y_TRUE, [Y_PRED[0], Y_PRED[1][:3]])
    with pytest.raises(ValueError, match="4 tokens but pred_seqs"):
        sequence_accuracy(Y_TRUE, [Y_PRED[0], Y_PRED[1][:3]])
    with pytest.raises(
        ValueError,
        match="target_tags and pred_tags must have the same length",
    ):
        span_f1(Y_TRUE, Y_PRED[:1])
    with pytest.raises(ValueError, match="empty"):
        token_accuracy([], [])
    with pytest.raises(ValueError, match="no token"):
        token_accuracy([[]], [[]])
    with pytest.raises(
        TypeError, match=r"target_tags\[0\] must be a sequence .* got str"
    ):
        span_f1(["B-PER O"], ["B-PER O"])
    with pytest.raises(
        ValueError,
        match=r"target_tags\[0\]\[1\] is 'E-PER', which the IOB2 scheme does not use",
    ):
        span_f1([["B-PER", "E-PER"]], [["O", "O"]], mode="strict")
    with pytest.raises(ValueError, match=r"tags\[0\] is 'B-', not a tag"):
        spans(["B-"])
    with pytest.raises(
        ValueError, match=r"pred_tags\[0\]\[0\] is 'X-PER', not a tag"
    ):
        span_f1([["O"]], [["X-PER"]])
    with pytest.raises(ValueError, match="mode"):
        span_f1(Y_TRUE, Y_PRED, mode="lenient")
    with pytest.raises(
        ValueError, match="scheme=.* applies only with mode='strict'"
    ):
        span_f1(Y_TRUE, Y_PRED, scheme="IOBES")
    with pytest.raises(ValueError, match="scheme must be one of"):
        span_f1(Y_TRUE, Y_PRED, mode="strict", scheme="BIO")
    with pytest.raises(ValueError, match="BILOU"):
        span_f1(
            [["U-PER"]], [["U-PER"]]
        )  # the default mode reads B/I/E/S/O only
    with pytest.raises(ValueError, match="average must be one of"):
        span_f1(Y_TRUE, Y_PRED, average="samples")
    with pytest.raises(
        ValueError, match="zero_division must be 0, 1 or 'warn'"
    ):
        span_f1(Y_TRUE, Y_PRED, zero_division=0.5)


@pytest.mark.parametrize(
    "call",
    [
        lambda: span_f1(None, None),
        lambda: span_precision(None, Y_PRED),
        lambda: span_recall(Y_TRUE, 3),
        lambda: span_report(None, None),
        lambda: span_scores(None, None),
        lambda: token_accuracy(None, None),
        lambda: sequence_accuracy(Y_TRUE, None),
        lambda: spans(None),
        lambda: spans("B-PER"),
    ],
)
def test_wrong_kinds_are_refused_by_name(call):
    """Issue 17: the message names the parameter as spelled in the signature (target_tags, not target_seqs)."""
    with pytest.raises(
        TypeError,
        match=r"^(target_tags|pred_tags|target_seqs|pred_seqs|tags) must be",
    ):
        call()


def test_wrong_kinds_inside_are_refused_by_name():
    with pytest.raises(
        TypeError, match=r"target_tags\[0\]\[1\] must be a tag string"
    ):
        span_f1([["O", 3]], [["O", "O"]])
    with pytest.raises(TypeError, match="suffix must be a bool"):
        span_f1(Y_TRUE, Y_PRED, suffix="yes")


# --- every scheme, both readings, against seqeval ---------------------------------------------------

SCHEME_PREFIXES = {
    "IOB1": "IOB",
    "IOB2": "IOB",
    "IOE1": "IOE",
    "IOE2": "IOE",
    "IOBES": "IOBES",
    "BILOU": "BILOU",
}
SEQEVAL_SCHEMES = {
    "IOB1": IOB1,
    "IOB2": IOB2,
    "IOE1": IOE1,
    "IOE2": IOE2,
    "IOBES": IOBES,
    "BILOU": BILOU,
}


@st.composite
def scheme_tags(draw, scheme, max_len=10, typed=None):
    """A tag sequence of the scheme's prefixes; types PER/LOC, or none (bare prefixes) for a whole sequence."""
    typed = draw(st.booleans()) if typed is None else typed
    prefixes = draw(
        st.lists(
            st.sampled_from(SCHEME_PREFIXES[scheme]), max_size=max_len
        )
    )
    kinds = draw(
        st.lists(
            st.sampled_from(["PER", "LOC"]),
            min_size=len(prefixes),
            max_size=len(prefixes),
        )
    )
    return [
        p if p == "O" or not typed else f"{p}-{k}"
        for p, k in zip(prefixes, kinds, strict=True)
    ]


@settings(max_examples=40, deadline=None)
@given(data=st.data(), scheme=st.sampled_from(list(SCHEME_PREFIXES)))
def test_spans_equal_seqeval_in_every_scheme(data, scheme):
    tags = data.draw(scheme_tags(scheme))
    strict = [
        (e.tag, e.start, e.end)
        for e in Entities([tags], SEQEVAL_SCHEMES[scheme]).entities[0]
    ]
    assert spans(tags, mode="strict", scheme=scheme) == strict
    assert (
        spans(tags, mode="strict", scheme=SEQEVAL_SCHEMES[scheme])
        == strict
    )  # seqeval's class works too
    suffixed = [
        "O" if t == "O" else (t if len(t) == 1 else f"{t[2:]}-{t[0]}")
        for t in tags
    ]
    assert (
        spans(suffixed, mode="strict", scheme=scheme, suffix=True)
        == strict
    )
    if scheme != "BILOU":  # the default reading knows B, I, E, S and O
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            default = [
                (kind, start, end + 1)
                for kind, start, end in get_entities(tags)
            ]
        assert spans(tags) == default
        assert spans(suffixed, suffix=True) == default


def seqeval_scores(y_true, y_pred, mode, scheme, average, zero_division):
    kwargs = (
        {"mode": "strict", "scheme": SEQEVAL_SCHEMES[scheme]}
        if mode == "strict"
        else {}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tuple(
            fn(
                y_true,
                y_pred,
                average=average,
                zero_division=zero_division,
                **kwargs,
            )
            for fn in (
                seqeval.metrics.precision_score,
                seqeval.metrics.recall_score,
                seqeval.metrics.f1_score,
            )
        )


@settings(max_examples=50, deadline=None)
@given(
    data=st.data(),
    scheme=st.sampled_from(list(SCHEME_PREFIXES)),
    mode=st.sampled_from(["default", "strict"]),
    average=st.sampled_from(["micro", "macro", "weighted", None]),
    zero_division=st.sampled_from([0, 1]),
)
def test_span_scores_equal_seqeval(
    data, scheme, mode, average, zero_division
):
    if mode == "default" and scheme == "BILOU":
        scheme = "IOBES"
    y_true = data.draw(
        st.lists(scheme_tags(scheme, typed=True), min_size=1, max_size=4)
    )
    y_pred = [
        data.draw(
            st.lists(
                st.sampled_from(
                    sorted({t for s in y_true for t in s} | {"O"})
                ),
                min_size=len(s),
                max_size=len(s),
            )
        )
        for s in y_true
    ]
    options = {"scheme": scheme} if mode == "strict" else {}
    theirs = seqeval_scores(
        y_true, y_pred, mode, scheme, average, zero_division
    )
    try:
        ours = tuple(
            fn(
                y_true,
                y_pred,
                mode,
                zero_division,
                average=average,
                **options,
            )
            for fn in (span_precision, span_recall, span_f1)
        )
    except (
        ValueError
    ) as err:  # a macro average over no type at all: seqeval returns nan
        assert (
            "macro" in str(err)
            and average == "macro"
            and all(np.isnan(theirs))
        )
        return
    if average is None:
        ours = tuple(list(d.values()) for d in ours)
    np.testing.assert_allclose(
        np.array(ours, dtype=float),
        np.array(theirs, dtype=float),
        rtol=RTOL,
        atol=1e-12,
    )
    kwargs = (
        {"mode": "strict", "scheme": SEQEVAL_SCHEMES[scheme]}
        if mode == "strict"
        else {}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            text = seqeval.metrics.classification_report(
                y_true,
                y_pred,
                digits=3,
                zero_division=zero_division,
                **kwargs,
            )
            expected = seqeval.metrics.classification_report(
                y_true,
                y_pred,
                output_dict=True,
                zero_division=zero_division,
                **kwargs,
            )
        except (
            ValueError
        ):  # seqeval fails on a report without any span; so do we
            with pytest.raises(ValueError, match="nothing to report"):
                span_report(
                    y_true, y_pred, mode, zero_division, **options
                )
            return
    report = span_report(
        y_true, y_pred, mode, zero_division, digits=3, **options
    )
    assert set(report) == set(expected)
    for row, values in expected.items():
        np.testing.assert_allclose(
            [report[row][k] for k in values],
            list(values.values()),
            rtol=RTOL,
        )
    assert str(report) == text


def test_docstring_examples_run():
    for module in (L, SC, SM):
        assert (
            doctest.testmod(
                module, optionflags=doctest.NORMALIZE_WHITESPACE
            ).failed
            == 0
        )


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    scheme=st.sampled_from(["IOB2", "IOE2", "IOBES", "BILOU"]),
)
def test_span_report_detects_the_scheme_as_seqeval(data, scheme):
    """Strict report without a scheme: seqeval's auto_detect on y_true."""
    y_true = data.draw(
        st.lists(scheme_tags(scheme, typed=True), min_size=1, max_size=4)
    )
    y_pred = [
        data.draw(
            st.lists(
                st.sampled_from(
                    sorted({t for s in y_true for t in s} | {"O"})
                ),
                min_size=len(s),
                max_size=len(s),
            )
        )
        for s in y_true
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = seqeval.metrics.classification_report(
                y_true,
                y_pred,
                mode="strict",
                output_dict=True,
                zero_division=0,
            )
        except ValueError:  # no scheme detected
            with pytest.raises(ValueError, match="scheme="):
                span_report(y_true, y_pred, "strict")
            return
    if set(expected) == {"micro avg", "macro avg", "weighted avg"}:
        with pytest.raises(ValueError, match="nothing to report"):
            span_report(y_true, y_pred, "strict")  # seqeval: nan rows
        return
    report = span_report(y_true, y_pred, "strict")
    assert set(report) == set(expected)
    for row, values in expected.items():
        np.testing.assert_allclose(
            [report[row][k] for k in values],
            list(values.values()),
            rtol=RTOL,
        )


def test_strict_scores_without_scheme_read_iob2():
    """seqlib's None = IOB2; seqeval's scores fall back to the default reading."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lenient = seqeval.metrics.f1_score(Y_TRUE, Y_PRED, mode="strict")
        iob2 = seqeval.metrics.f1_score(
            Y_TRUE, Y_PRED, mode="strict", scheme=IOB2
        )
    assert lenient == pytest.approx(span_f1(Y_TRUE, Y_PRED))
    assert span_f1(Y_TRUE, Y_PRED, mode="strict") == pytest.approx(iob2)
    assert lenient != pytest.approx(iob2)


def test_span_report_refuses_an_undetectable_scheme():
    with pytest.raises(
        ValueError, match="prefixes \\['I', 'O'\\].*scheme="
    ):
        span_report([["I-X", "O"]], [["I-X", "O"]], "strict")
    with pytest.raises(TypeError, match="suffix must be a bool"):
        span_report(Y_TRUE, Y_PRED, "strict", suffix="yes")
