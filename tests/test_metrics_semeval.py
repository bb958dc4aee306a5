"""span_scores (SemEval-2013 partial/type/exact/strict) against nervaluate 1.2.1, the reference."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.scheme import IOBES, Entities

from seqlib.metrics import semeval as SE
from seqlib.metrics import span_scores

FIELDS = (
    "correct",
    "incorrect",
    "partial",
    "missed",
    "spurious",
    "possible",
    "actual",
    "precision",
    "recall",
    "f1",
)


def table(result) -> dict:
    """nervaluate's EvaluationResult objects as plain dicts, keyed like span_scores."""
    return {
        schema: {f: getattr(r, f) for f in FIELDS}
        for schema, r in result.items()
    }


def nervaluate(true, pred, types, loader="list", min_overlap=1.0):
    out = Evaluator(
        true,
        pred,
        tags=types,
        loader=loader,
        min_overlap_percentage=min_overlap,
    ).evaluate()
    return table(out["overall"]), {
        kind: table(per) for kind, per in out["entities"].items()
    }


BIO = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG"]
bio_corpus = st.lists(
    st.lists(st.sampled_from(BIO), min_size=0, max_size=10),
    min_size=1,
    max_size=4,
)


@settings(max_examples=50, deadline=None)
@given(
    true=bio_corpus,
    data=st.data(),
    overlap=st.sampled_from([1.0, 50.0, 100.0]),
)
def test_equals_nervaluate_on_bio_tags(true, data, overlap):
    pred = [
        data.draw(
            st.lists(
                st.sampled_from(BIO), min_size=len(s), max_size=len(s)
            )
        )
        for s in true
    ]
    overall, per_type = nervaluate(
        true, pred, ["PER", "LOC", "ORG"], min_overlap=overlap
    )
    assert (
        span_scores(true, pred, min_overlap_percentage=overlap) == overall
    )
    assert (
        span_scores(
            true, pred, by_type=True, min_overlap_percentage=overlap
        )
        == per_type
    )
    assert (
        span_scores(true, pred, types=["PER"])
        == nervaluate(true, pred, ["PER"])[0]
    )


IOBES_TAGS = [
    "O",
    "B-PER",
    "I-PER",
    "E-PER",
    "S-PER",
    "S-LOC",
    "B-LOC",
    "E-LOC",
]


@settings(max_examples=30, deadline=None)
@given(
    true=st.lists(
        st.lists(st.sampled_from(IOBES_TAGS), max_size=10),
        min_size=1,
        max_size=3,
    ),
    data=st.data(),
)
def test_equals_nervaluate_in_strict_iobes(true, data):
    """Other schemes: seqeval reads the spans, nervaluate's dict loader scores them."""
    pred = [
        data.draw(
            st.lists(
                st.sampled_from(IOBES_TAGS),
                min_size=len(s),
                max_size=len(s),
            )
        )
        for s in true
    ]

    def as_dicts(corpus):  # nervaluate's ends are inclusive
        return [
            [
                {"label": e.tag, "start": e.start, "end": e.end - 1}
                for e in doc
            ]
            for doc in Entities(corpus, IOBES).entities
        ]

    overall, per_type = nervaluate(
        as_dicts(true), as_dicts(pred), ["PER", "LOC"], loader="dict"
    )
    assert span_scores(true, pred, "strict", scheme="IOBES") == overall
    assert (
        span_scores(true, pred, "strict", scheme="IOBES", by_type=True)
        == per_type
    )


BASE = ["O", "B-PER", "I-PER", "O", "O", "O", "B-ORG", "I-ORG"]
#: nervaluate's tests/test_strategies.py: prediction -> (correct, incorrect, partial, missed, spurious) per strategy
STRATEGY_CASES = {
    "perfect match": (
        BASE,
        {
            "strict": (2, 0, 0, 0, 0),
            "ent_type": (2, 0, 0, 0, 0),
            "exact": (2, 0, 0, 0, 0),
            "partial": (2, 0, 0, 0, 0),
        },
    ),
    "missed entity": (
        ["O", "B-PER", "I-PER", "O", "O", "O", "O", "O"],
        {
            s: (1, 0, 0, 1, 0)
            for s in ("strict", "ent_type", "exact", "partial")
        },
    ),
    "wrong label": (
        ["O", "B-PER", "I-PER", "O", "O", "O", "B-LOC", "I-LOC"],
        {
            "strict": (1, 1, 0, 0, 0),
            "ent_type": (1, 1, 0, 0, 0),
            "exact": (2, 0, 0, 0, 0),
            "partial": (2, 0, 0, 0, 0),
        },
    ),
    "wrong boundary": (
        ["O", "B-PER", "I-PER", "O", "O", "O", "B-LOC", "O"],
        {
            "strict": (1, 1, 0, 0, 0),
            "ent_type": (1, 1, 0, 0, 0),
            "exact": (1, 1, 0, 0, 0),
            "partial": (1, 0, 1, 0, 0),
        },
    ),
    "shifted boundary": (
        ["O", "B-PER", "I-PER", "O", "O", "O", "O", "B-LOC"],
        {
            "strict": (1, 1, 0, 0, 0),
            "ent_type": (1, 1, 0, 0, 0),
            "exact": (1, 1, 0, 0, 0),
            "partial": (1, 0, 1, 0, 0),
        },
    ),
    "extra entity": (
        ["O", "B-PER", "I-PER", "O", "B-PER", "O", "B-LOC", "I-LOC"],
        {
            "strict": (1, 1, 0, 0, 1),
            "ent_type": (1, 1, 0, 0, 1),
            "exact": (2, 0, 0, 0, 1),
            "partial": (2, 0, 0, 0, 1),
        },
    ),
}


@pytest.mark.parametrize("case", list(STRATEGY_CASES))
def test_nervaluate_published_strategy_cases(case):
    pred, expected = STRATEGY_CASES[case]
    result = span_scores([BASE], [pred])
    for schema, counts in expected.items():
        assert (
            tuple(
                result[schema][k]
                for k in (
                    "correct",
                    "incorrect",
                    "partial",
                    "missed",
                    "spurious",
                )
            )
            == counts
        )


def test_nervaluate_published_evaluator_example():
    """tests/test_evaluator.py's sample data, and its 'invalid tags' case (nothing is scored)."""
    true = [
        ["O", "B-PER", "O", "B-ORG", "I-ORG", "B-LOC"],
        ["O", "B-PER", "O", "B-ORG"],
    ]
    pred = [
        ["O", "B-PER", "O", "B-ORG", "O", "B-PER"],
        ["O", "B-PER", "O", "B-LOC"],
    ]
    assert (
        span_scores(true, pred)
        == nervaluate(true, pred, ["PER", "ORG", "LOC"])[0]
    )
    assert set(span_scores(true, pred, by_type=True)) == {
        "PER",
        "ORG",
        "LOC",
    }
    nothing = span_scores(true, pred, types=["INVALID"])
    assert all(
        nothing[s][k] == 0
        for s in nothing
        for k in ("correct", "incorrect", "partial", "missed", "spurious")
    )
    with pytest.raises(
        ValueError,
        match=r"sequence 1: target_tags\[1\] has 7 tokens but pred_tags\[1\] has 10",
    ):
        span_scores([["O"] * 8, ["O"] * 7], [["O"] * 8, ["O"] * 10])


def test_worked_example_and_printing():
    t, p = (
        [["B-PER", "I-PER", "I-PER", "O", "B-LOC"]],
        [["O", "B-PER", "I-PER", "O", "B-ORG"]],
    )
    scores = span_scores(t, p)
    assert (
        scores["partial"]["precision"] == 0.75
        and scores["strict"]["f1"] == 0.0
    )
    assert str(scores).splitlines()[0].split() == [
        "COR",
        "INC",
        "PAR",
        "MIS",
        "SPU",
        "P",
        "R",
        "F1",
    ]
    assert "PER:" in str(span_scores(t, p, by_type=True))


def test_validation():
    t = [["B-PER", "O"]]
    with pytest.raises(
        ValueError, match="min_overlap_percentage must be in"
    ):
        span_scores(t, t, min_overlap_percentage=0.5)
    with pytest.raises(TypeError, match="types must be None or a list"):
        span_scores(t, t, types="PER")
    with pytest.raises(TypeError, match="by_type must be a bool"):
        span_scores(t, t, by_type=1)
    with pytest.raises(TypeError, match="^target_tags must be"):
        span_scores(None, t)
    with pytest.raises(ValueError, match="mode"):
        span_scores(t, t, mode="partial")


def test_docstring_examples_run():
    assert (
        doctest.testmod(
            SE, optionflags=doctest.NORMALIZE_WHITESPACE
        ).failed
        == 0
    )
