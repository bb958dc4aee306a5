"""Parity tests for seqlib.metrics.speech against jiwer 4.0 (metric-reference.md §6)."""
from __future__ import annotations

import doctest

import jiwer
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    assert np.mean(per_utterance) == pytest.approx(0.416667, abs=1e-6)  # not the corpus WER
    assert wer("Hello, World!", "hello world") == 1.0  # no lowercasing, no punctuation removal
    assert wer("hi", "oh hi there you") == 3.0  # WER can exceed 1
    assert cer("ab cd", "abcd") == pytest.approx(0.2)  # spaces are characters
    assert type(wer(REFS, HYPS)) is float


def test_alignment_counts_worked_vector():
    counts = [alignment(r, h) for r, h in zip(REFS, HYPS, strict=True)]
    assert sum(a.substitutions for a in counts) == 1
    assert sum(a.deletions for a in counts) == 1
    assert sum(a.insertions for a in counts) == 1
    assert sum(a.hits for a in counts) == 6
    a = alignment("hello world", "hello big world")
    assert a.operations == [("equal", "hello", "hello"), ("insert", None, "big"), ("equal", "world", "world")]
    assert a.errors == 1 and a.error_rate == pytest.approx(0.5)
    assert isinstance(a, Alignment)


def test_empty_reference_raises_where_jiwer_counts():
    assert jiwer.wer("", "some words") == 2  # jiwer returns the insertion count
    with pytest.raises(ValueError, match="undefined"):
        wer("", "some words")
    with pytest.raises(ValueError, match="undefined"):
        wer(["", "   "], ["", ""])
    with pytest.raises(ValueError, match="undefined"):
        cer(" ", "x")
    with pytest.raises(ValueError, match="undefined"):
        alignment("", "a b").error_rate
    # an empty reference among non-empty ones is fine: its hypothesis words are insertions
    assert wer(["a b", ""], ["a b", "c"]) == pytest.approx(jiwer.wer(["a b", ""], ["a b", "c"]))


def test_validation():
    with pytest.raises(ValueError, match="same length"):
        wer(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="item 1"):
        wer(["a", 3], ["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        cer([], [])
    with pytest.raises(ValueError, match="unit"):
        alignment("a", "b", unit="phone")
    with pytest.raises(ValueError, match="strings"):
        alignment(["a"], "b")


WORDS = ["a", "b", "c", "the", "cat", "Cat", "cat.", ","]
sentence = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
messy = st.text(alphabet="ab \t\n.", max_size=12)  # whitespace runs, tabs, punctuation


@settings(max_examples=100, deadline=None)
@given(ref=st.one_of(sentence, messy), hyp=st.one_of(sentence, messy))
def test_alignment_counts_equal_jiwer(ref, hyp):
    for unit, process in (("word", jiwer.process_words), ("char", jiwer.process_characters)):
        ours, theirs = alignment(ref, hyp, unit=unit), process(ref, hyp)
        assert (ours.hits, ours.substitutions, ours.deletions, ours.insertions) == (
            theirs.hits, theirs.substitutions, theirs.deletions, theirs.insertions)
        ref_units = [r for op, r, _ in ours.operations if op != "insert"]
        hyp_units = [h for op, _, h in ours.operations if op != "delete"]
        assert ref_units == theirs.references[0] and hyp_units == theirs.hypotheses[0]


def test_many_pairs_of_different_lengths():
    """The batched DP sorts and chunks the pairs; compare with jiwer on a corpus larger than a chunk."""
    rng = np.random.default_rng(0)
    vocab = [f"w{k}" for k in range(30)]
    refs = [" ".join(rng.choice(vocab, size=rng.integers(0, 40))) for _ in range(5_000)]
    hyps = [" ".join(rng.choice(vocab, size=rng.integers(0, 40))) for _ in range(5_000)]
    assert wer(refs, hyps) == pytest.approx(jiwer.wer(refs, hyps), rel=RTOL)
    assert cer(refs[:300], hyps[:300]) == pytest.approx(jiwer.cer(refs[:300], hyps[:300]), rel=RTOL)


def test_docstring_examples_run():
    assert doctest.testmod(SP, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
