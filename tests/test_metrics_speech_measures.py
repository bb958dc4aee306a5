"""MER, WIL, WIP (jiwer 4.0) and the sentence error rate (NIST sclite's S.Err), with jiwer's published cases."""

from __future__ import annotations

import doctest

import jiwer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.metrics import speech_measures as SM
from seqlib.metrics import mer, sentence_error_rate, wer, wil, wip

REFS = ["the cat sat on the mat", "hello world"]
HYPS = ["the cat sit on mat", "hello big world"]


def measures(ref, hyp, contiguous=False):
    return {
        "wer": wer(ref, hyp, contiguous),
        "mer": mer(ref, hyp, contiguous),
        "wil": wil(ref, hyp, contiguous),
        "wip": wip(ref, hyp, contiguous),
    }


def all_m(
    w, m, lost
):  # jiwer's tests' helper: wer, mer, wil (wip = 1 - wil)
    return {"wer": w, "mer": m, "wil": lost, "wip": 1 - lost}


#: jiwer tests/test_measures.py, both transforms (default and contiguous): (ref, hyp, expected)
PUBLISHED = [
    ("This is a test", "This is a test", all_m(0, 0, 0)),
    ("This is a test", "", all_m(1, 1, 1)),
    ("This is a test", "This test", all_m(0.5, 0.5, 0.5)),
    ("This is a test", ["This test"], all_m(0.5, 0.5, 0.5)),
    (["This is a test"], "This test", all_m(0.5, 0.5, 0.5)),
    (["This is a test"], [""], all_m(1, 1, 1)),
    ("X", "X", all_m(0, 0, 0)),
    ("X", "X X Y Y", all_m(3, 0.75, 0.75)),
    ("X Y X", "X Z", all_m(2 / 3, 2 / 3, 5 / 6)),
    ("X", "Y", all_m(1, 1, 1)),
    ("X", "Y Z", all_m(2, 1, 1)),
    (
        "i am a short ground truth",
        "i am a considerably longer and very much incorrect hypothesis",
        all_m(7 / 6, 0.7, 0.85),
    ),
]


@pytest.mark.parametrize("ref, hyp, expected", PUBLISHED)
@pytest.mark.parametrize("contiguous", [False, True])
def test_jiwer_published_measures(ref, hyp, expected, contiguous):
    assert measures(ref, hyp, contiguous) == pytest.approx(
        expected, abs=1e-15
    )


def test_jiwer_published_permutations():
    """Default transform: invariant to the order of utterances; contiguous: not (test_permutations_*)."""
    assert measures(
        ["i", "am i good"], ["i am", "i good"]
    ) == pytest.approx(all_m(0.5, 0.4, 7 / 16))
    assert measures(
        ["am i good", "i"], ["i good", "i am"]
    ) == pytest.approx(all_m(0.5, 0.4, 7 / 16))
    assert measures(
        ["i", "am i good"], ["i am", "i good"], True
    ) == pytest.approx(all_m(0, 0, 0))
    assert measures(
        ["am i good", "i"], ["i good", "i am"], True
    ) == pytest.approx(all_m(0.5, 0.4, 7 / 16))


def test_jiwer_published_contiguous_sentence_lengths():
    """test_different_sentence_length_*: unequal numbers of utterances are joined, not refused."""
    assert measures(
        ["hello", "this", "sentence", "is fractured"],
        ["this sentence"],
        True,
    ) == pytest.approx(all_m(0.6, 0.6, 0.6))
    ref = [
        "i like monthy python",
        "what do you mean african or european swallow",
    ]
    hyp = ["i like", "python", "what you mean", "or swallow"]
    assert measures(ref, hyp, True) == pytest.approx(
        measures(" ".join(ref), " ".join(hyp), True), abs=1e-9
    )
    for fn in (
        mer,
        wil,
        wip,
        wer,
    ):  # test_fail_on_different_sentence_length
        with pytest.raises(ValueError, match="same length"):
            fn(
                ["hello", "this", "sentence", "is fractured"],
                ["this sentence"],
            )


def test_jiwer_published_empty_cases():
    """tests/test_empty_ref.py: jiwer's numbers for undefined ratios become refusals; the defined ones agree."""
    assert (mer("hello", ""), wip("hello", ""), wil("hello", "")) == (
        1,
        0,
        1,
    )  # test_empty_hyp
    assert mer("", "hello") == 1  # test_empty_ref: MER is I/I
    with pytest.raises(ValueError, match="undefined"):
        wip("", "hello")  # jiwer: 0
    with pytest.raises(ValueError, match="0/0"):
        mer("", "")  # jiwer: 0
    with pytest.raises(ValueError, match="undefined"):
        wil([""] * 3, [""] * 3)  # jiwer: WIP 1
    out = measures(
        ["hello world", ""], ["hello world", "done"]
    )  # test_multiple_one_empty_ref
    assert out == pytest.approx(
        {"wer": 1 / 2, "mer": 1 / 3, "wil": 1 / 3, "wip": 2 / 3}
    )
    assert measures(["hello world", ""], ["hello world", ""]) == measures(
        ["hello world"], ["hello world"]
    )


def test_worked_vector_and_ties():
    """metric-reference.md §6 (MER 0.333333, WIL 0.4375); the tie 'a b' / 'b c' takes jiwer's alignment."""
    assert (
        mer(REFS, HYPS) == pytest.approx(1 / 3)
        and wil(REFS, HYPS) == 0.4375
    )
    assert (
        mer("a b", "b c") == jiwer.mer("a b", "b c") == 1.0
    )  # two substitutions, not delete-hit-insert (2/3)


def test_sentence_error_rate():
    assert sentence_error_rate(REFS, HYPS) == 1.0
    assert (
        sentence_error_rate(["a b", "c", "", ""], ["a b", "c d", "", "x"])
        == 0.5
    )
    assert (
        sentence_error_rate("Hello, World!", "hello world") == 1.0
    )  # no normalisation, as WER
    assert (
        sentence_error_rate("  a   b ", "a b") == 0.0
    )  # but jiwer's whitespace rules
    with pytest.raises(TypeError, match="^references must be"):
        sentence_error_rate(None, ["a"])
    with pytest.raises(ValueError, match="empty"):
        sentence_error_rate([], [])


WORDS = ["a", "b", "c", "the", "cat", "Cat", "ü", "猫", ","]
utterance = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    st.text(alphabet="ab \t\n", max_size=10),
)


@settings(max_examples=50, deadline=None)
@given(refs=st.lists(utterance, min_size=1, max_size=4), data=st.data())
def test_equal_jiwer(refs, data):
    hyps = data.draw(
        st.lists(utterance, min_size=len(refs), max_size=len(refs))
    )
    out = jiwer.process_words(refs, hyps)
    n, p = (
        out.hits + out.substitutions + out.deletions,
        out.hits + out.substitutions + out.insertions,
    )
    assert SM.word_counts(refs, hyps) == {
        "hits": out.hits,
        "substitutions": out.substitutions,
        "deletions": out.deletions,
        "insertions": out.insertions,
    }
    for fn, expected, defined in (
        (mer, out.mer, n + p > 0),
        (wip, out.wip, n > 0),
        (wil, out.wil, n > 0),
    ):
        if defined:
            assert fn(refs, hyps) == pytest.approx(
                expected, rel=1e-12, abs=1e-15
            )
        else:
            with pytest.raises(ValueError):
                fn(refs, hyps)
    with_error = sum(
        any(chunk.type != "equal" for chunk in a) for a in out.alignments
    )
    assert sentence_error_rate(refs, hyps) == with_error / len(refs)


def test_docstring_examples_run():
    assert (
        doctest.testmod(
            SM, optionflags=doctest.NORMALIZE_WHITESPACE
        ).failed
        == 0
    )
