"""Parity tests for seqlib.metrics.speech against jiwer 4.0 (metric-reference.md §6)."""

from __future__ import annotations

import doctest

import jiwer
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jiwer.alignment import collect_error_counts
from rapidfuzz.distance import Levenshtein

from seqlib.metrics import edits
from seqlib.metrics import speech as SP
from seqlib.metrics.speech import Alignment, alignment, cer, wer

RTOL = 1e-6

REFS = ["the cat sat on the mat", "hello world"]
HYPS = ["the cat sit on mat", "hello big world"]


def test_worked_vectors():
    assert wer(REFS, HYPS) == pytest.approx(0.375)
    assert cer(REFS, HYPS) == pytest.approx(0.272727, abs=1e-6)
    per_utterance = [wer(r, h) for r, h in zip(REFS, HYPS, strict=True)]
    np.testing.assert_allclose(per_utterance, [0.333333, 0.5], atol=1e-6)
    assert np.mean(per_utterance) == pytest.approx(
        0.416667, abs=1e-6
    )  # not the corpus WER
    assert (
        wer("Hello, World!", "hello world") == 1.0
    )  # no lowercasing, no punctuation removal
    assert wer("hi", "oh hi there you") == 3.0  # WER can exceed 1
    assert cer("ab cd", "abcd") == pytest.approx(
        0.2
    )  # spaces are characters
    assert type(wer(REFS, HYPS)) is float


def test_alignment_counts_worked_vector():
    counts = [alignment(r, h) for r, h in zip(REFS, HYPS, strict=True)]
    assert sum(a.substitutions for a in counts) == 1
    assert sum(a.deletions for a in counts) == 1
    assert sum(a.insertions for a in counts) == 1
    assert sum(a.hits for a in counts) == 6
    a = alignment("hello world", "hello big world")
    assert a.operations == [
        ("equal", "hello", "hello"),
        ("insert", None, "big"),
        ("equal", "world", "world"),
    ]
    assert a.errors == 1 and a.error_rate == pytest.approx(0.5)
    assert isinstance(a, Alignment)


def test_empty_reference_raises_where_jiwer_counts():
    assert (
        jiwer.wer("", "some words") == 2
    )  # jiwer returns the insertion count
    with pytest.raises(ValueError, match="undefined"):
        wer("", "some words")
    with pytest.raises(ValueError, match="undefined"):
        wer(["", "   "], ["", ""])
    with pytest.raises(ValueError, match="undefined"):
        cer(" ", "x")
    with pytest.raises(ValueError, match="undefined"):
        alignment("", "a b").error_rate
    # an empty reference among non-empty ones is fine: its hypothesis words are insertions
    assert wer(["a b", ""], ["a b", "c"]) == pytest.approx(
        jiwer.wer(["a b", ""], ["a b", "c"])
    )


def test_validation():
    with pytest.raises(ValueError, match="same length"):
        wer(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="item 1"):
        wer(["a", 3], ["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        cer([], [])
    with pytest.raises(ValueError, match="unit"):
        alignment("a", "b", unit="phone")
    with pytest.raises(TypeError, match="^reference must be a string"):
        alignment(["a"], "b")
    with pytest.raises(TypeError, match="^hypothesis must be a string"):
        alignment("a", None)


@pytest.mark.parametrize(
    "fn", [wer, cer, SP.error_counts, SP.error_groups]
)
def test_wrong_kinds_are_refused_by_name(fn):
    """Issue 17: wer(None, None) used to raise "'NoneType' object is not iterable"."""
    with pytest.raises(
        TypeError,
        match="^references must be a string or a list of strings, got NoneType",
    ):
        fn(None, None)
    with pytest.raises(
        TypeError,
        match="^hypotheses must be a string or a list of strings, got int",
    ):
        fn("a b", 3)
    with pytest.raises(
        ValueError,
        match="hypotheses must be a string or a list of strings; item 0 is bytes",
    ):
        fn(["a"], [b"a"])
    with pytest.raises(TypeError, match="contiguous must be a bool"):
        fn("a", "a", contiguous="yes")


WORDS = ["a", "b", "c", "the", "cat", "Cat", "cat.", ","]
sentence = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
messy = st.text(
    alphabet="ab \t\n.", max_size=12
)  # whitespace runs, tabs, punctuation


@settings(max_examples=100, deadline=None)
@given(ref=st.one_of(sentence, messy), hyp=st.one_of(sentence, messy))
def test_alignment_counts_equal_jiwer(ref, hyp):
    for unit, process in (
        ("word", jiwer.process_words),
        ("char", jiwer.process_characters),
    ):
        ours, theirs = alignment(ref, hyp, unit=unit), process(ref, hyp)
        assert (
            ours.hits,
            ours.substitutions,
            ours.deletions,
            ours.insertions,
        ) == (
            theirs.hits,
            theirs.substitutions,
            theirs.deletions,
            theirs.insertions,
        )
        ref_units = [r for op, r, _ in ours.operations if op != "insert"]
        hyp_units = [h for op, _, h in ours.operations if op != "delete"]
        assert (
            ref_units == theirs.references[0]
            and hyp_units == theirs.hypotheses[0]
        )


def test_many_pairs_of_different_lengths():
    """The batched DP sorts and chunks the pairs; compare with jiwer on a corpus larger than a chunk."""
    rng = np.random.default_rng(0)
    vocab = [f"w{k}" for k in range(30)]
    refs = [
        " ".join(rng.choice(vocab, size=rng.integers(0, 40)))
        for _ in range(5_000)
    ]
    hyps = [
        " ".join(rng.choice(vocab, size=rng.integers(0, 40)))
        for _ in range(5_000)
    ]
    assert wer(refs, hyps) == pytest.approx(
        jiwer.wer(refs, hyps), rel=RTOL
    )
    assert cer(refs[:300], hyps[:300]) == pytest.approx(
        jiwer.cer(refs[:300], hyps[:300]), rel=RTOL
    )


def test_docstring_examples_run():
    for module in (SP, edits):
        assert (
            doctest.testmod(
                module, optionflags=doctest.NORMALIZE_WHITESPACE
            ).failed
            == 0
        )


# --- jiwer's own published tests (github.com/jitsi/jiwer, tests/), on seqlib -------------------------


def test_jiwer_published_cer_cases():
    """tests/test_cer.py: string/list inputs, the paper's known values and permutations."""
    for ref, hyp, expected in [
        ("This is a test", "This is a test", 0 / 14),
        ("This is a test", "", 14 / 14),
        ("This is a test", "This test", 5 / 14),
        (["This is a test"], ["This test"], 5 / 14),
        ("X", "X", 0),
        ("X", "X X Y Y", 6),
        ("X Y X", "X Z", 3 / 5),
        ("X", "Y", 1),
        ("X", "Y Z", 3),
        (["i", "am i good"], ["i am", "i good"], 0.6),
        (["am i good", "i"], ["i good", "i am"], 0.6),
    ]:
        assert cer(ref, hyp) == pytest.approx(expected, abs=1e-15)
    with pytest.raises(ValueError, match="same length"):
        cer(
            ["hello", "this", "sentence", "is fractured"],
            ["this sentence"],
        )


def test_jiwer_published_empty_reference_cases():
    """tests/test_empty_ref.py: where jiwer returns a number for an empty reference, seqlib raises."""
    with pytest.raises(ValueError, match="undefined"):
        wer("", "hello")
    with pytest.raises(ValueError, match="undefined"):
        cer("", "abd")
    assert (
        cer("a", "") == 1
        and cer("abc", "") == 1
        and wer("hello", "") == 1
    )
    assert wer(
        ["hello world", ""], ["hello world", "done"]
    ) == pytest.approx(1 / 2)
    assert wer(["hello world", ""], ["hello world", ""]) == wer(
        ["hello world"], ["hello world"]
    )


REF = ["sub", "sub", "sub", "sub", "sub", "this was", "del", "hit"]
HYP = ["bus", "bus", "bus", "usb", "bsu", "this was ins", "", "hit"]


def test_jiwer_published_error_counts():
    """tests/test_count_errors.py: grouped word and character errors, as visualize_error_counts prints them."""
    assert (
        str(SP.error_groups(REF, HYP))
        == """=== SUBSTITUTIONS ===
sub --> bus = 3x
sub --> usb = 1x
sub --> bsu = 1x

=== INSERTIONS ===
ins = 1x

=== DELETIONS ===
del = 1x"""
    )
    assert (
        str(SP.error_groups(REF, HYP, unit="char"))
        == """=== SUBSTITUTIONS ===
s --> b = 3x
b --> s = 3x

=== INSERTIONS ===
u    = 1x
b    = 1x
 ins = 1x

=== DELETIONS ===
u   = 1x
b   = 1x
del = 1x"""
    )
    assert (
        SP.error_groups(REF, HYP).text(top_k=1)
        == """=== SUBSTITUTIONS ===
sub --> bus = 3x

=== INSERTIONS ===
ins = 1x

=== DELETIONS ===
del = 1x"""
    )


@settings(max_examples=50, deadline=None)
@given(
    refs=st.lists(st.one_of(sentence, messy), min_size=1, max_size=4),
    data=st.data(),
)
def test_error_groups_equal_jiwer(refs, data):
    hyps = data.draw(
        st.lists(
            st.one_of(sentence, messy),
            min_size=len(refs),
            max_size=len(refs),
        )
    )
    for unit, process in (
        ("word", jiwer.process_words),
        ("char", jiwer.process_characters),
    ):
        subs, ins, dels = collect_error_counts(process(refs, hyps))
        ours = SP.error_groups(refs, hyps, unit=unit)
        assert list(ours["substitutions"].items()) == list(subs.items())
        assert list(ours["insertions"].items()) == list(ins.items())
        assert list(ours["deletions"].items()) == list(dels.items())
        assert str(ours) == jiwer.visualize_error_counts(
            process(refs, hyps)
        )


@settings(max_examples=50, deadline=None)
@given(
    refs=st.lists(st.one_of(sentence, messy), min_size=1, max_size=4),
    hyps=st.lists(st.one_of(sentence, messy), min_size=1, max_size=4),
)
def test_contiguous_equals_jiwer(refs, hyps):
    """jiwer's wer_contiguous / cer_contiguous (ReduceToSingleSentence): numbers of utterances may differ."""
    words = jiwer.process_words(
        refs,
        hyps,
        reference_transform=jiwer.transformations.wer_contiguous,
        hypothesis_transform=jiwer.transformations.wer_contiguous,
    )
    chars = jiwer.process_characters(
        refs,
        hyps,
        reference_transform=jiwer.transformations.cer_contiguous,
        hypothesis_transform=jiwer.transformations.cer_contiguous,
    )
    for ours, theirs in (
        (lambda: wer(refs, hyps, contiguous=True), words),
        (lambda: cer(refs, hyps, contiguous=True), chars),
    ):
        if theirs.hits + theirs.substitutions + theirs.deletions == 0:
            with pytest.raises(ValueError, match="undefined"):
                ours()
        else:
            assert ours() == pytest.approx(
                theirs.wer if theirs is words else theirs.cer, rel=RTOL
            )


def test_levenshtein_equals_rapidfuzz_and_the_table():
    rng = np.random.default_rng(1)
    refs = [
        list(rng.integers(0, 4, size=rng.integers(0, 90)))
        for _ in range(300)
    ]
    hyps = [
        list(rng.integers(0, 4, size=rng.integers(0, 90)))
        for _ in range(300)
    ]
    expected = [
        Levenshtein.distance(r, h)
        for r, h in zip(refs, hyps, strict=True)
    ]
    assert edits.levenshtein(refs, hyps) == expected
    assert edits.distances(*edits.encode(refs, hyps)).tolist() == expected
    assert edits.levenshtein(["", "abc"], ["abc", ""]) == [3, 3]


def test_counts_equal_jiwer_on_many_pairs():
    """edits.counts walks back thousands of tables at once; its H, S, D, I equal jiwer's (rapidfuzz's choice)."""
    rng = np.random.default_rng(2)
    vocab = [f"w{k}" for k in range(6)]
    refs = [
        " ".join(rng.choice(vocab, size=rng.integers(0, 30)))
        for _ in range(2_000)
    ]
    hyps = [
        " ".join(rng.choice(vocab, size=rng.integers(0, 30)))
        for _ in range(2_000)
    ]
    refs.append(
        " ".join(["a"] * 100 + ["b"] + ["a"] * 100)
    )  # affixes longer than the vectorized width
    hyps.append(" ".join(["a"] * 100 + ["c", "d"] + ["a"] * 99))
    r, h = edits.encode(
        [s.split() for s in refs], [s.split() for s in hyps]
    )
    ours = edits.counts(
        r, h, cells=20_000
    )  # small chunks, to exercise the chunking
    for k in range(0, len(refs), 97):
        j = jiwer.process_words(refs[k], hyps[k])
        assert ours[k].tolist() == [
            j.hits,
            j.substitutions,
            j.deletions,
            j.insertions,
        ], k
    j = jiwer.process_words(refs, hyps)
    assert ours.sum(axis=0).tolist() == [
        j.hits,
        j.substitutions,
        j.deletions,
        j.insertions,
    ]


def test_distances_equal_the_bit_parallel_levenshtein(monkeypatch):
    """speech.distances (rapidfuzz's C on one character per unit) and its
    fallback past 0x10FFFF distinct units both equal edits.levenshtein."""
    rng = np.random.default_rng(3)
    vocab = [f"w{k}" for k in range(50)] + ["", " ", "é", "\U0001f600"]
    refs = [
        list(rng.choice(vocab, size=rng.integers(0, 60)))
        for _ in range(300)
    ]
    hyps = [
        list(rng.choice(vocab, size=rng.integers(0, 60)))
        for _ in range(300)
    ]
    expected = edits.levenshtein(refs, hyps)
    assert SP.distances(refs, hyps) == expected

    def too_many(seqs, code):
        raise ValueError("chr() arg not in range(0x110000)")

    monkeypatch.setattr(SP, "_as_text", too_many)
    assert SP.distances(refs, hyps) == expected
