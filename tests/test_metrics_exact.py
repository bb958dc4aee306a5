"""Tests for seqlib.metrics.exact_match against Hugging Face evaluate's exact_match.

evaluate loads its metric scripts from the Hub, which tests cannot reach, so the reference here
is :func:`hf_exact_match`, a NumPy transcription of the computation evaluate documents for
``metrics/exact_match`` in evaluate 0.4.6 (regexes, then case, then
punctuation, then digits, then ``predictions == references``, so two
texts emptied by normalization match), plus evaluate's own published
examples.
"""

from __future__ import annotations

import re
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import REGISTRY, exact_match


def hf_exact_match(
    references,
    hypotheses,
    regexes_to_ignore=None,
    ignore_case=False,
    ignore_punctuation=False,
    ignore_numbers=False,
):
    """The reference: evaluate's documented computation on NumPy string arrays."""
    p, r = np.asarray(hypotheses), np.asarray(references)
    for s in regexes_to_ignore or []:
        p = np.array([re.sub(s, "", x) for x in p], dtype=str)
        r = np.array([re.sub(s, "", x) for x in r], dtype=str)
    if ignore_case:
        p, r = np.char.lower(p), np.char.lower(r)
    if ignore_punctuation:
        table = str.maketrans("", "", string.punctuation)
        p, r = np.char.translate(p, table), np.char.translate(r, table)
    if ignore_numbers:
        table = str.maketrans("", "", string.digits)
        p, r = np.char.translate(p, table), np.char.translate(r, table)
    return float(np.mean(p == r))  # evaluate 0.4.6: preds == refs


REFS = ["the cat", "theater", "YELLING", "agent007"]
PREDS = ["cat?", "theater", "yelling", "agent"]


@pytest.mark.parametrize(
    "kwargs, expected",
    [  # evaluate's docstring examples
        ({}, 0.25),
        (
            {
                "regexes_to_ignore": ["the ", "yell"],
                "ignore_case": True,
                "ignore_punctuation": True,
            },
            0.5,
        ),
        (
            {
                "regexes_to_ignore": ["the ", "yell", "YELL"],
                "ignore_case": True,
                "ignore_punctuation": True,
            },
            0.75,
        ),
        (
            {
                "regexes_to_ignore": ["the ", "yell", "YELL"],
                "ignore_case": True,
                "ignore_punctuation": True,
                "ignore_numbers": True,
            },
            1.0,
        ),
    ],
)
def test_exact_match_published_examples(kwargs, expected):
    assert exact_match(REFS, PREDS, **kwargs) == pytest.approx(expected)
    assert hf_exact_match(REFS, PREDS, **kwargs) == pytest.approx(
        expected
    )


def test_exact_match_published_sentences():
    refs = [
        "The cat sat on the mat.",
        "Theaters are great.",
        "It's like comparing oranges and apples.",
    ]
    preds = [
        "The cat sat on the mat?",
        "Theaters are great.",
        "It's like comparing apples and oranges.",
    ]
    assert round(exact_match(refs, preds), 2) == 0.33


def test_exact_match_edges():
    assert exact_match(["a b"], ["a  b"]) == 0.0  # whitespace counts
    assert (
        exact_match(["a b"], ["a  b"], regexes_to_ignore=[r"\s+"]) == 1.0
    )
    # Both emptied by normalization: equal, as in evaluate 0.4.6.
    assert exact_match(["?!"], ["..."], ignore_punctuation=True) == 1.0
    assert hf_exact_match(["?!"], ["..."], ignore_punctuation=True) == 1.0
    assert exact_match(["?!"], ["..."]) == 0.0
    assert exact_match(["?!"], ["?!"], ignore_punctuation=True) == 1.0
    assert exact_match([""], [""]) == 1.0
    assert exact_match(
        ["Schön", "今天天气很好", "Été"], ["schön", "今天天气很好", "été"]
    ) == pytest.approx(1 / 3)
    assert (
        exact_match(
            ["Schön", "今天天气很好", "Été"],
            ["schön", "今天天气很好", "été"],
            ignore_case=True,
        )
        == 1.0
    )
    assert (
        exact_match(["答案。"], ["答案"], ignore_punctuation=True) == 0.0
    )  # full-width punctuation is not ASCII
    assert exact_match(["x"] * 5, ["x"] * 5) == 1.0  # all ties
    assert (
        exact_match(["a\0"], ["a"])
        == hf_exact_match(["a\0"], ["a"])
        == 1.0
    )


def test_exact_match_refuses_wrong_kinds_by_name():
    with pytest.raises(
        ValueError,
        match="references must be a list of strings.*single str",
    ):
        exact_match("abc", ["abc"])
    with pytest.raises(
        ValueError,
        match="hypotheses must be a list of strings, got NoneType",
    ):
        exact_match(["a"], None)
    with pytest.raises(
        ValueError,
        match="hypotheses must be a list of strings, item 1 is int",
    ):
        exact_match(["a", "b"], ["a", 3])
    with pytest.raises(
        ValueError,
        match="references must be a list of strings, item 0 is list",
    ):
        exact_match([["a", "b"]], ["a"])
    with pytest.raises(ValueError, match="same length.*got 2 and 1"):
        exact_match(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="at least one pair"):
        exact_match([], [])
    with pytest.raises(
        ValueError, match="regexes_to_ignore must be None or a list"
    ):
        exact_match(["a"], ["a"], regexes_to_ignore="a")
    with pytest.raises(
        ValueError,
        match="regexes_to_ignore must hold regular expressions.*item 0 is int",
    ):
        exact_match(["a"], ["a"], regexes_to_ignore=[1])
    with pytest.raises(
        ValueError, match="ignore_case must be a bool, got str"
    ):
        exact_match(["a"], ["a"], ignore_case="yes")


ALPHABET = list("aAbB 1.,?!é猫")
text = st.text(alphabet=ALPHABET, max_size=6)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(text, text), min_size=1, max_size=8),
    st.lists(st.sampled_from(["a", "b ", r"\d", "A+"]), max_size=2),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_exact_match_random_matches_reference(
    pairs, regexes, case, punct, numbers
):
    refs, hyps = [r for r, _ in pairs], [h for _, h in pairs]
    kwargs = {
        "regexes_to_ignore": regexes or None,
        "ignore_case": case,
        "ignore_punctuation": punct,
        "ignore_numbers": numbers,
    }
    assert exact_match(refs, hyps, **kwargs) == pytest.approx(
        hf_exact_match(refs, hyps, **kwargs), abs=1e-12
    )


def test_exact_match_registered_with_options():
    info = REGISTRY["exact_match"]
    assert info.higher_is_better is True and info.range == "[0, 1]"
    assert {o.split(":")[0] for o in info.options} == {
        "regexes_to_ignore",
        "ignore_case",
        "ignore_punctuation",
        "ignore_numbers",
    }
