"""top_k_accuracy against sklearn.metrics.top_k_accuracy_score 1.9, ties included (issue 14)."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import top_k_accuracy, topk


def sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@st.composite
def scored(draw):
    n, c = draw(st.integers(1, 25)), draw(st.integers(3, 7))
    s = np.array(
        draw(
            st.lists(
                st.lists(
                    st.sampled_from([0.0, 0.1, 0.5, 0.5, 2.0, -1.0]),
                    min_size=c,
                    max_size=c,
                ),
                min_size=n,
                max_size=n,
            )
        )
    )  # few values: many ties
    y = np.array(
        draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    )
    w = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, 2.0]),
                min_size=n,
                max_size=n,
            )
            .filter(lambda w: sum(w) > 0)
            .map(np.array),
        )
    )
    return y, s, w, c


@settings(max_examples=50, deadline=None)
@given(scored(), st.integers(1, 8), st.booleans())
def test_parity_with_ties(data, k, normalize):
    y, s, w, c = data
    expected = sk(
        skm.top_k_accuracy_score,
        y,
        s,
        k=k,
        normalize=normalize,
        sample_weight=w,
        labels=list(range(c)),
    )
    assert top_k_accuracy(
        y, s, k=k, normalize=normalize, sample_weight=w
    ) == pytest.approx(expected, abs=1e-12)
    if (
        len(np.unique(y)) == c
    ):  # every class present: scikit-learn needs no labels
        assert top_k_accuracy(y, s, k=k) == pytest.approx(
            sk(skm.top_k_accuracy_score, y, s, k=k)
        )


def test_ties_go_to_the_larger_class_index():
    scores = [[0.5, 0.5, 0.0]]  # classes 0 and 1 tie for first place
    assert (
        top_k_accuracy([1], scores, k=1, labels=[0, 1, 2]) == 1.0
    )  # the larger index wins the tie
    assert (
        top_k_accuracy([0], scores, k=1, labels=[0, 1, 2]) == 0.0
    )  # not "every tied class is a hit"
    assert (
        skm.top_k_accuracy_score([0], scores, k=1, labels=[0, 1, 2])
        == 0.0
    )


def test_sklearn_doc_example_and_string_labels():
    y = np.array([0, 1, 2, 2])
    s = np.array(
        [
            [0.5, 0.2, 0.2],
            [0.3, 0.4, 0.2],
            [0.2, 0.4, 0.3],
            [0.7, 0.2, 0.1],
        ]
    )
    assert top_k_accuracy(y, s, k=2) == 0.75
    assert top_k_accuracy(y, s, k=2, normalize=False) == 3.0
    names = np.array(["ant", "bee", "cat", "cat"])
    assert (
        top_k_accuracy(names, s, k=2) == 0.75
    )  # columns follow the sorted class names
    assert (
        top_k_accuracy(["bee"], s[:1], k=1, labels=["ant", "bee", "cat"])
        == 0.0
    )


def test_language_model_shape_tokens_as_columns():
    """Next-token logits (N, V) with targets that cover only part of the vocabulary: the id is the column."""
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(50, 100, generator=g)  # (N, V)
    targets = torch.randint(0, 100, (50,), generator=g)  # (N,)
    expected = skm.top_k_accuracy_score(
        targets.numpy(), logits.numpy(), k=5, labels=list(range(100))
    )
    assert top_k_accuracy(targets, logits, k=5) == pytest.approx(expected)
    assert top_k_accuracy(targets, logits, k=1) == pytest.approx(
        float((logits.argmax(1) == targets).double().mean())
    )
    assert top_k_accuracy(targets, logits, k=100) == 1.0


def test_refusals_name_the_parameter():
    s = [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]
    for bad_k in (0, 1.5, True, "2", None):
        with pytest.raises(ValueError, match="^k must be"):
            top_k_accuracy([0, 1], s, k=bad_k)
    with pytest.raises(ValueError, match="^scores must have 2 dimension"):
        top_k_accuracy([0, 1], [0.1, 0.9])
    with pytest.raises(ValueError, match="^scores must be"):
        top_k_accuracy([0, 1], None)
    with pytest.raises(ValueError, match="^target must be"):
        top_k_accuracy("01", s)
    with pytest.raises(ValueError, match="NaN"):
        top_k_accuracy([0, 1], [[0.1, np.nan, 0.7], [0.3, 0.3, 0.4]])
    with pytest.raises(ValueError, match="same length"):
        top_k_accuracy([0, 1, 2], s)
    with pytest.raises(ValueError, match="3 columns"):
        top_k_accuracy([5, 7], s)  # neither 3 classes nor ids < 3
    with pytest.raises(ValueError, match="sorted"):
        top_k_accuracy([0, 1], s, labels=[2, 1, 0])
    with pytest.raises(ValueError, match="not in labels"):
        top_k_accuracy([0, 5], s, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="empty"):
        top_k_accuracy([], np.zeros((0, 3)))


def test_docstring_examples_run():
    assert (
        doctest.testmod(
            topk, optionflags=doctest.NORMALIZE_WHITESPACE
        ).failed
        == 0
    )
