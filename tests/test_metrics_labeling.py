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
from seqeval.scheme import IOB2, Entities
from sklearn.metrics import accuracy_score

from seqlib.metrics import labeling as L
from seqlib.metrics.labeling import edit_distance, sequence_accuracy, span_f1, spans, token_accuracy

RTOL = 1e-6

Y_TRUE = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
Y_PRED = [["I-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]]


def seqeval_f1(y_true, y_pred, mode):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if mode == "strict":
            return seqeval.metrics.f1_score(y_true, y_pred, mode="strict", scheme=IOB2)
        return seqeval.metrics.f1_score(y_true, y_pred)


def test_worked_vector():
    assert token_accuracy(Y_TRUE, Y_PRED) == pytest.approx(0.666667, abs=1e-6)
    assert sequence_accuracy(Y_TRUE, Y_PRED) == 0.0
    assert span_f1(Y_TRUE, Y_PRED) == pytest.approx(0.571429, abs=1e-6)
    assert span_f1(Y_TRUE, Y_PRED, mode="strict") == pytest.approx(0.333333, abs=1e-6)
    flat_t = [t for s in Y_TRUE for t in s]
    flat_p = [t for s in Y_PRED for t in s]
    assert token_accuracy(Y_TRUE, Y_PRED) == pytest.approx(accuracy_score(flat_t, flat_p), rel=RTOL)


def test_edit_distance_worked_vectors():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("ca", "ac") == 2  # Levenshtein; OSA would say 1
    assert edit_distance(["the", "cat", "sat"], ["the", "bat", "sat", "down"]) == 2
    assert edit_distance("", "abc") == 3 and edit_distance("abc", "") == 3 and edit_distance("", "") == 0
    assert edit_distance(np.array([1, 2, 3]), [1, 3]) == 1
    with pytest.raises(ValueError, match="string or a sequence"):
        edit_distance(5, "abc")


TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
tag_sequences = st.lists(st.lists(st.sampled_from(TAGS), min_size=0, max_size=8), min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(tags=st.lists(st.sampled_from(TAGS), max_size=12))
def test_spans_match_seqeval(tags):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = [(kind, start, end + 1) for kind, start, end in get_entities(tags)]  # seqeval's end is inclusive
        strict = [(e.tag, e.start, e.end) for e in Entities([tags], IOB2).entities[0]]
    assert spans(tags) == default
    assert spans(tags, mode="strict") == strict


def test_spans_teaching_examples():
    assert spans(["B-PER", "I-PER", "O", "B-LOC"]) == [("PER", 0, 2), ("LOC", 3, 4)]
    assert spans(["I-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    assert spans(["I-PER", "I-LOC"], mode="strict") == []
    assert spans(["B-PER", "B-PER"]) == [("PER", 0, 1), ("PER", 1, 2)]
    assert spans([]) == []


def test_token_and_sequence_accuracy_random():
    rng = np.random.default_rng(0)
    y_true = [list(rng.choice(TAGS, size=rng.integers(1, 9))) for _ in range(50)]
    y_pred = [[t if rng.random() < 0.8 else rng.choice(TAGS) for t in s] for s in y_true]
    flat_t = [t for s in y_true for t in s]
    flat_p = [t for s in y_pred for t in s]
    assert token_accuracy(y_true, y_pred) == pytest.approx(accuracy_score(flat_t, flat_p), rel=RTOL)
    assert sequence_accuracy(y_true, y_pred) == pytest.approx(np.mean([t == p for t, p in zip(y_true, y_pred)]))
    assert token_accuracy([[1, 2, 3]], np.array([[1, 2, 0]])) == pytest.approx(2 / 3)


def test_no_spans_at_all():
    assert span_f1([["O", "O"]], [["O", "O"]]) == seqeval_f1([["O", "O"]], [["O", "O"]], "default") == 0.0
    assert span_f1([["O", "O"]], [["O", "O"]], zero_division=1.0) == 1.0


def test_validation():
    with pytest.raises(ValueError, match="sequence 1: target has 4 tokens but prediction has 3"):
        token_accuracy(Y_TRUE, [Y_PRED[0], Y_PRED[1][:3]])
    with pytest.raises(ValueError, match="4 tokens but prediction has 3"):
        span_f1(Y_TRUE, [Y_PRED[0], Y_PRED[1][:3]])
    with pytest.raises(ValueError, match="4 tokens but prediction has 3"):
        sequence_accuracy(Y_TRUE, [Y_PRED[0], Y_PRED[1][:3]])
    with pytest.raises(ValueError, match="same length"):
        span_f1(Y_TRUE, Y_PRED[:1])
    with pytest.raises(ValueError, match="empty"):
        token_accuracy([], [])
    with pytest.raises(ValueError, match="no token"):
        token_accuracy([[]], [[]])
    with pytest.raises(ValueError, match="is a string"):
        span_f1(["B-PER O"], ["B-PER O"])
    with pytest.raises(ValueError, match="not a BIO tag"):
        span_f1([["B-PER", "E-PER"]], [["O", "O"]])
    with pytest.raises(ValueError, match="not a BIO tag"):
        spans(["B-"])
    with pytest.raises(ValueError, match="mode"):
        span_f1(Y_TRUE, Y_PRED, mode="lenient")


def test_docstring_examples_run():
    assert doctest.testmod(L, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
