"""seqeval 1.2.2's own published test cases (tests/test_scheme.py, test_v1.py, test_metrics.py), run on seqlib.

Inputs and expected values are copied from seqeval's test files (github.com/chakki-works/seqeval);
spans are ``(type, start, end)``, end exclusive, as in seqeval's ``Entity``. Two of seqeval's IOE1
cases are commented out in its own file ("IOE1 hasn't yet been able to handle some cases"); they
are left out here too, and IOE1 otherwise follows seqeval's patterns.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import seqeval.metrics

from seqlib.metrics import (
    span_f1,
    span_precision,
    span_recall,
    span_report,
    spans,
)

#: tests/test_scheme.py: test_<scheme>_tokens and test_<scheme>_tokens_without_tag (242 cases)
TOKENS = {
    "IOB1": [
        ([], []),
        (["B-PER"], []),
        (["I-PER"], [("PER", 0, 1)]),
        (["O"], []),
        (["O", "I-PER"], [("PER", 1, 2)]),
        (["O", "B-PER"], []),
        (["I-PER", "O"], [("PER", 0, 1)]),
        (["I-PER", "I-PER"], [("PER", 0, 2)]),
        (["I-PER", "I-ORG"], [("PER", 0, 1), ("ORG", 1, 2)]),
        (["I-PER", "B-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["I-PER", "B-ORG"], [("PER", 0, 1)]),
        (["B-PER", "O"], []),
        (["B-PER", "I-PER"], [("PER", 1, 2)]),
        (["B-PER", "I-ORG"], [("ORG", 1, 2)]),
        (["B-PER", "B-PER"], [("PER", 1, 2)]),
        (["B-PER", "B-ORG"], []),
        ([], []),
        (["B"], []),
        (["I"], [("_", 0, 1)]),
        (["O"], []),
        (["O", "O"], []),
        (["O", "I"], [("_", 1, 2)]),
        (["O", "B"], []),
        (["I", "O"], [("_", 0, 1)]),
        (["I", "I"], [("_", 0, 2)]),
        (["I", "B"], [("_", 0, 1), ("_", 1, 2)]),
        (["B", "O"], []),
        (["B", "I"], [("_", 1, 2)]),
        (["B", "B"], [("_", 1, 2)]),
    ],
    "IOB2": [
        ([], []),
        (["B-PER"], [("PER", 0, 1)]),
        (["I-PER"], []),
        (["O"], []),
        (["O", "I-PER"], []),
        (["O", "B-PER"], [("PER", 1, 2)]),
        (["I-PER", "O"], []),
        (["I-PER", "I-PER"], []),
        (["I-PER", "I-ORG"], []),
        (["I-PER", "B-PER"], [("PER", 1, 2)]),
        (["I-PER", "B-ORG"], [("ORG", 1, 2)]),
        (["B-PER", "O"], [("PER", 0, 1)]),
        (["B-PER", "I-PER"], [("PER", 0, 2)]),
        (["B-PER", "I-ORG"], [("PER", 0, 1)]),
        (["B-PER", "B-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["B-PER", "B-ORG"], [("PER", 0, 1), ("ORG", 1, 2)]),
        ([], []),
        (["B"], [("_", 0, 1)]),
        (["I"], []),
        (["O"], []),
        (["O", "O"], []),
        (["O", "I"], []),
        (["O", "B"], [("_", 1, 2)]),
        (["I", "O"], []),
        (["I", "I"], []),
        (["I", "B"], [("_", 1, 2)]),
        (["B", "O"], [("_", 0, 1)]),
        (["B", "I"], [("_", 0, 2)]),
        (["B", "B"], [("_", 0, 1), ("_", 1, 2)]),
    ],
    "IOE1": [
        ([], []),
        (["E-PER"], []),
        (["I-PER"], [("PER", 0, 1)]),
        (["O"], []),
        (["O", "I-PER"], [("PER", 1, 2)]),
        (["O", "E-PER"], []),
        (["I-PER", "O"], [("PER", 0, 1)]),
        (["I-PER", "I-PER"], [("PER", 0, 2)]),
        (["I-PER", "I-ORG"], [("PER", 0, 1), ("ORG", 1, 2)]),
        (["I-PER", "E-ORG"], [("PER", 0, 1)]),
        (["E-PER", "O"], []),
        (["E-PER", "I-PER"], [("PER", 1, 2)]),
        (["E-PER", "I-ORG"], [("ORG", 1, 2)]),
        (["E-PER", "E-PER"], []),
        (["E-PER", "E-ORG"], []),
        ([], []),
        (["E"], []),
        (["I"], [("_", 0, 1)]),
        (["O"], []),
        (["O", "O"], []),
        (["O", "I"], [("_", 1, 2)]),
        (["O", "E"], []),
        (["I", "O"], [("_", 0, 1)]),
        (["I", "I"], [("_", 0, 2)]),
        (["E", "O"], []),
        (["E", "I"], [("_", 1, 2)]),
        (["E", "E"], []),
    ],
    "IOE2": [
        ([], []),
        (["E-PER"], [("PER", 0, 1)]),
        (["I-PER"], []),
        (["O"], []),
        (["O", "I-PER"], []),
        (["O", "E-PER"], [("PER", 1, 2)]),
        (["I-PER", "O"], []),
        (["I-PER", "I-PER"], []),
        (["I-PER", "I-ORG"], []),
        (["I-PER", "E-PER"], [("PER", 0, 2)]),
        (["I-PER", "E-ORG"], [("ORG", 1, 2)]),
        (["E-PER", "O"], [("PER", 0, 1)]),
        (["E-PER", "I-PER"], [("PER", 0, 1)]),
        (["E-PER", "I-ORG"], [("PER", 0, 1)]),
        (["E-PER", "E-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["E-PER", "E-ORG"], [("PER", 0, 1), ("ORG", 1, 2)]),
        ([], []),
        (["E"], [("_", 0, 1)]),
        (["I"], []),
        (["O"], []),
        (["O", "O"], []),
        (["O", "I"], []),
        (["O", "E"], [("_", 1, 2)]),
        (["I", "O"], []),
        (["I", "I"], []),
        (["I", "E"], [("_", 0, 2)]),
        (["E", "O"], [("_", 0, 1)]),
        (["E", "I"], [("_", 0, 1)]),
        (["E", "E"], [("_", 0, 1), ("_", 1, 2)]),
    ],
    "IOBES": [
        (["O"], []),
        (["I-PER"], []),
        (["B-PER"], []),
        (["E-PER"], []),
        (["S-PER"], [("PER", 0, 1)]),
        (["O", "O"], []),
        (["O", "I-PER"], []),
        (["O", "B-PER"], []),
        (["O", "E-PER"], []),
        (["O", "S-PER"], [("PER", 1, 2)]),
        (["I-PER", "O"], []),
        (["I-PER", "I-PER"], []),
        (["I-PER", "I-ORG"], []),
        (["I-PER", "B-PER"], []),
        (["I-PER", "E-PER"], []),
        (["I-PER", "E-ORG"], []),
        (["I-PER", "S-PER"], [("PER", 1, 2)]),
        (["B-PER", "O"], []),
        (["B-PER", "I-PER"], []),
        (["B-PER", "I-ORG"], []),
        (["B-PER", "B-PER"], []),
        (["B-PER", "E-PER"], [("PER", 0, 2)]),
        (["B-PER", "E-ORG"], []),
        (["B-PER", "S-PER"], [("PER", 1, 2)]),
        (["E-PER", "O"], []),
        (["E-PER", "I-PER"], []),
        (["E-PER", "B-PER"], []),
        (["E-PER", "E-PER"], []),
        (["E-PER", "S-PER"], [("PER", 1, 2)]),
        (["S-PER", "O"], [("PER", 0, 1)]),
        (["S-PER", "I-PER"], [("PER", 0, 1)]),
        (["S-PER", "B-PER"], [("PER", 0, 1)]),
        (["S-PER", "E-PER"], [("PER", 0, 1)]),
        (["S-PER", "S-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["O"], []),
        (["I"], []),
        (["B"], []),
        (["E"], []),
        (["S"], [("_", 0, 1)]),
        (["O", "O"], []),
        (["O", "I"], []),
        (["O", "B"], []),
        (["O", "E"], []),
        (["O", "S"], [("_", 1, 2)]),
        (["I", "O"], []),
        (["I", "I"], []),
        (["I", "B"], []),
        (["I", "E"], []),
        (["I", "S"], [("_", 1, 2)]),
        (["B", "O"], []),
        (["B", "I"], []),
        (["B", "B"], []),
        (["B", "E"], [("_", 0, 2)]),
        (["B", "S"], [("_", 1, 2)]),
        (["E", "O"], []),
        (["E", "I"], []),
        (["E", "B"], []),
        (["E", "E"], []),
        (["E", "S"], [("_", 1, 2)]),
        (["S", "O"], [("_", 0, 1)]),
        (["S", "I"], [("_", 0, 1)]),
        (["S", "B"], [("_", 0, 1)]),
        (["S", "E"], [("_", 0, 1)]),
        (["S", "S"], [("_", 0, 1), ("_", 1, 2)]),
    ],
    "BILOU": [
        (["O"], []),
        (["I-PER"], []),
        (["B-PER"], []),
        (["L-PER"], []),
        (["U-PER"], [("PER", 0, 1)]),
        (["O", "O"], []),
        (["O", "I-PER"], []),
        (["O", "B-PER"], []),
        (["O", "L-PER"], []),
        (["O", "U-PER"], [("PER", 1, 2)]),
        (["I-PER", "O"], []),
        (["I-PER", "I-PER"], []),
        (["I-PER", "I-ORG"], []),
        (["I-PER", "B-PER"], []),
        (["I-PER", "L-PER"], []),
        (["I-PER", "L-ORG"], []),
        (["I-PER", "U-PER"], [("PER", 1, 2)]),
        (["B-PER", "O"], []),
        (["B-PER", "I-PER"], []),
        (["B-PER", "I-ORG"], []),
        (["B-PER", "B-PER"], []),
        (["B-PER", "L-PER"], [("PER", 0, 2)]),
        (["B-PER", "L-ORG"], []),
        (["B-PER", "U-PER"], [("PER", 1, 2)]),
        (["L-PER", "O"], []),
        (["L-PER", "I-PER"], []),
        (["L-PER", "B-PER"], []),
        (["L-PER", "L-PER"], []),
        (["L-PER", "U-PER"], [("PER", 1, 2)]),
        (["U-PER", "O"], [("PER", 0, 1)]),
        (["U-PER", "I-PER"], [("PER", 0, 1)]),
        (["U-PER", "B-PER"], [("PER", 0, 1)]),
        (["U-PER", "L-PER"], [("PER", 0, 1)]),
        (["U-PER", "U-PER"], [("PER", 0, 1), ("PER", 1, 2)]),
        (["O"], []),
        (["I"], []),
        (["B"], []),
        (["L"], []),
        (["U"], [("_", 0, 1)]),
        (["O", "O"], []),
        (["O", "I"], []),
        (["O", "B"], []),
        (["O", "L"], []),
        (["O", "U"], [("_", 1, 2)]),
        (["I", "O"], []),
        (["I", "I"], []),
        (["I", "B"], []),
        (["I", "L"], []),
        (["I", "U"], [("_", 1, 2)]),
        (["B", "O"], []),
        (["B", "I"], []),
        (["B", "B"], []),
        (["B", "L"], [("_", 0, 2)]),
        (["B", "U"], [("_", 1, 2)]),
        (["L", "O"], []),
        (["L", "I"], []),
        (["L", "B"], []),
        (["L", "L"], []),
        (["L", "U"], [("_", 1, 2)]),
        (["U", "O"], [("_", 0, 1)]),
        (["U", "I"], [("_", 0, 1)]),
        (["U", "B"], [("_", 0, 1)]),
        (["U", "L"], [("_", 0, 1)]),
        (["U", "U"], [("_", 0, 1), ("_", 1, 2)]),
    ],
}


@pytest.mark.parametrize(
    "scheme, tokens, expected",
    [(s, t, e) for s, cases in TOKENS.items() for t, e in cases],
)
def test_seqeval_scheme_tables(scheme, tokens, expected):
    assert spans(tokens, mode="strict", scheme=scheme) == expected


@pytest.mark.parametrize(
    "tag, scheme",
    [
        ("E", "IOB1"),
        ("S", "IOB1"),
        ("E", "IOB2"),
        ("S", "IOB2"),
        ("B", "IOE1"),
        ("S", "IOE1"),
        ("B", "IOE2"),
        ("S", "IOE2"),
    ],
)
def test_seqeval_invalid_prefix(tag, scheme):
    with pytest.raises(
        ValueError, match=f"which the {scheme} scheme does not use"
    ):
        spans([tag], mode="strict", scheme=scheme)


def test_seqeval_iobes_tokens_with_iob2_scheme():
    with pytest.raises(ValueError, match="IOB2"):
        spans(["B-PER", "E-PER", "S-PER"], mode="strict", scheme="IOB2")


@pytest.mark.parametrize("tag", ["T", "H", "", "I-組織".encode()])
def test_seqeval_unknown_tokens(tag):
    # seqeval raises KeyError / IndexError deep inside; we name the position and the forms allowed
    with pytest.raises((ValueError, TypeError), match=r"tags\[0\]"):
        spans([tag], mode="strict", scheme="IOB2")


def test_seqeval_token_type_names():
    """test_token_tag: types with dashes and non-ASCII, bare prefixes read as type '_'."""
    assert spans(["I-ORG-COMPANY"], mode="strict", scheme="IOB1") == [
        ("ORG-COMPANY", 0, 1)
    ]
    assert spans(
        ["ORG-COMPANY-I"], mode="strict", scheme="IOB1", suffix=True
    ) == [("ORG-COMPANY", 0, 1)]
    assert spans(["B-組織"]) == [("組織", 0, 1)]
    assert spans(["I"], mode="strict", scheme="IOB1") == [("_", 0, 1)]


def test_seqeval_get_entities():
    """test_metrics.py: get_entities, its suffix style, and tags without a type (seqeval's ends are inclusive)."""
    y = [
        "O",
        "O",
        "O",
        "B-MISC",
        "I-MISC",
        "I-MISC",
        "O",
        "B-PER",
        "I-PER",
    ]
    assert spans(y) == [("MISC", 3, 6), ("PER", 7, 9)]
    y = [
        "O",
        "O",
        "O",
        "MISC-B",
        "MISC-I",
        "MISC-I",
        "O",
        "PER-B",
        "PER-I",
    ]
    assert spans(y, suffix=True) == [("MISC", 3, 6), ("PER", 7, 9)]
    assert [
        spans(s)
        for s in [["O", "O", "O", "B", "I", "I", "O"], ["B", "I", "O"]]
    ] == [[("_", 3, 6)], [("_", 0, 2)]]
    with pytest.raises(
        ValueError, match="not a tag"
    ):  # seqeval only warns "seems not to be NE tag"
        spans(["O", "O", "O", "MISC", "MISC", "MISC", "O", "PER", "PER"])


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_seqeval_conll_and_strict_f1(average):
    """test_metrics.py: test_conll_f1score (1 by every average) and test_strict_f1score (0)."""
    y_true, y_pred = [["B-ORG", "I-ORG"]], [["I-ORG", "I-ORG"]]
    default, strict = (
        span_f1(y_true, y_pred, average=average),
        span_f1(y_true, y_pred, "strict", average=average),
    )
    assert (default, strict) == (
        ({"ORG": 1.0}, {"ORG": 0.0}) if average is None else (1.0, 0.0)
    )


def test_seqeval_length_mismatch():
    for y_true, y_pred in (
        ([["O"]], [[]]),
        ([[]], [["O"]]),
        ([["B-PER"]], [["B-PER", "O"]]),
    ):
        with pytest.raises(ValueError, match="tokens but pred_tags"):
            span_f1(y_true, y_pred)
    with pytest.raises(ValueError, match="same length"):
        span_f1([["B"], []], [["B"]])


Y_TRUE, Y_PRED = (
    [["B-A", "B-B", "O", "B-A"]],
    [["O", "B-B", "B-C", "B-A"]],
)


def test_seqeval_v1_scores():
    """test_v1.py: test_scores, test_average_scores, test_weighted_true_sum_zero (strict IOB2)."""
    p, r, f = (
        fn(Y_TRUE, Y_PRED, "strict", average=None)
        for fn in (span_precision, span_recall, span_f1)
    )
    np.testing.assert_array_almost_equal(
        list(p.values()), [1.00, 1.00, 0.00], 2
    )
    np.testing.assert_array_almost_equal(
        list(r.values()), [0.50, 1.00, 0.00], 2
    )
    np.testing.assert_array_almost_equal(
        list(f.values()), [0.67, 1.00, 0.00], 2
    )
    for average, expected in (
        ("micro", [0.67, 0.67, 0.67]),
        ("macro", [0.67, 0.50, 0.56]),
        ("weighted", [1.00, 0.67, 0.78]),
    ):
        scores = [
            fn(Y_TRUE, Y_PRED, "strict", average=average)
            for fn in (span_precision, span_recall, span_f1)
        ]
        np.testing.assert_array_almost_equal(scores, expected, 2)
    assert [
        fn([["O"]], [["O"]], "strict", average="weighted")
        for fn in (span_precision, span_recall, span_f1)
    ] == [0.0, 0.0, 0.0]
    assert (
        span_report(Y_TRUE, Y_PRED, "strict")["macro avg"]["support"] == 3
    )


def test_seqeval_v1_report():
    """test_v1.py: test_output_dict and test_output_string (strict IOB2, the scheme auto_detect picks there)."""
    expected = {
        "A": {
            "f1-score": 0.6666666666666666,
            "precision": 1.0,
            "recall": 0.5,
            "support": 2,
        },
        "B": {
            "f1-score": 1.0,
            "precision": 1.0,
            "recall": 1.0,
            "support": 1,
        },
        "C": {
            "f1-score": 0.0,
            "precision": 0.0,
            "recall": 0.0,
            "support": 0,
        },
        "macro avg": {
            "f1-score": 0.5555555555555555,
            "precision": 0.6666666666666666,
            "recall": 0.5,
            "support": 3,
        },
        "micro avg": {
            "f1-score": 0.6666666666666666,
            "precision": 0.6666666666666666,
            "recall": 0.6666666666666666,
            "support": 3,
        },
        "weighted avg": {
            "f1-score": 0.7777777777777777,
            "precision": 1.0,
            "recall": 0.6666666666666666,
            "support": 3,
        },
    }
    report = span_report(Y_TRUE, Y_PRED, "strict", scheme="IOB2")
    assert {k: dict(v) for k, v in report.items()} == expected
    assert (
        str(report)
        == """\
              precision    recall  f1-score   support

           A       1.00      0.50      0.67         2
           B       1.00      1.00      1.00         1
           C       0.00      0.00      0.00         0

   micro avg       0.67      0.67      0.67         3
   macro avg       0.67      0.50      0.56         3
weighted avg       1.00      0.67      0.78         3
"""
    )


def test_seqeval_docstring_examples():
    """seqeval's docstrings: f1_score's example and classification_report's (default mode)."""
    y_true = [
        ["O", "O", "B-MISC", "I-MISC", "B-MISC", "O", "O"],
        ["B-PER", "I-PER", "O"],
    ]
    y_pred = [
        ["O", "O", "B-MISC", "I-MISC", "B-MISC", "I-MISC", "O"],
        ["B-PER", "I-PER", "O"],
    ]
    assert span_f1(y_true, y_pred) == pytest.approx(0.6666666666666666)
    assert span_f1(y_true, y_pred, average="macro") == 0.75
    assert span_f1(y_true, y_pred, average="weighted") == pytest.approx(
        0.6666666666666666
    )
    assert span_f1(y_true, y_pred, average=None) == {
        "MISC": 0.5,
        "PER": 1.0,
    }
    y_true = [
        ["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"],
        ["B-PER", "I-PER", "O"],
    ]
    y_pred = [
        ["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"],
        ["B-PER", "I-PER", "O"],
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert str(
            span_report(y_true, y_pred)
        ) == seqeval.metrics.classification_report(y_true, y_pred)
    assert [
        fn(y_true, y_pred, average="macro")
        for fn in (span_precision, span_recall, span_f1)
    ] == [0.5, 0.5, 0.5]


def test_zero_division_warn():
    with pytest.warns(UserWarning, match="ill-defined"):
        assert (
            span_precision([["B-PER"]], [["O"]], zero_division="warn")
            == 0.0
        )
    assert span_precision([["B-PER"]], [["O"]], zero_division=1) == 1.0
