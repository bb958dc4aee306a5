"""Tests for seqlib.translation: tokens, the number-translation task, its splits and arrays."""

from __future__ import annotations

import pytest
import torch
from num2words import num2words

from seqlib.text import Vocab
from seqlib.translation import (
    BOS,
    EOS,
    PAD,
    TranslationData,
    TranslationSplit,
    build_split,
    detokenize,
    number_pairs,
    tokenize,
    tokens_from_ids,
    translation_task,
)


@pytest.fixture(scope="module")
def small():
    return translation_task(
        max_number=1000, num_train=600, num_val=100, num_test=300, seed=3
    )


def test_french_irregular_examples():
    pairs = dict(
        zip(
            [71, 80, 81, 97, 200, 201],
            number_pairs([71, 80, 81, 97, 200, 201]),
        )
    )
    assert pairs[71] == (
        ["seventy", "-", "one"],
        ["soixante", "et", "onze"],
    )
    assert pairs[80][1] == ["quatre", "-", "vingts"]
    assert pairs[81][1] == ["quatre", "-", "vingt", "-", "un"]
    assert pairs[97][1] == [
        "quatre",
        "-",
        "vingt",
        "-",
        "dix",
        "-",
        "sept",
    ]
    assert pairs[200][1] == ["deux", "cents"] and pairs[201][1] == [
        "deux",
        "cent",
        "un",
    ]


def test_german_compounds_are_cut_into_pieces():
    assert number_pairs([71], tgt_lang="de")[0][1] == [
        "ein",
        "##und",
        "##siebzig",
    ]
    assert tokenize("neunhundertsiebzehn", "de") == [
        "neun",
        "##hundert",
        "##sieb",
        "##zehn",
    ]
    assert tokenize("sechzehn", "de") == ["sech", "##zehn"]


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_detokenize_inverts_tokenize_below_10000(lang):
    for n in [
        *range(1000),
        *range(1000, 10_000, 7),
        9999,
    ]:  # every shape of number, kept fast
        text = num2words(n, lang=lang)
        assert detokenize(tokenize(text, lang)) == text, n


def test_detokenize_drops_special_tokens_keeps_unk():
    assert (
        detokenize([BOS, "vingt", "-", "deux", EOS, PAD]) == "vingt-deux"
    )
    assert detokenize(["<unk>", "cents"]) == "<unk> cents"
    assert detokenize([]) == ""


def test_unknown_compound_word_stays_whole():
    assert tokenize("Zahl", "de") == ["Zahl"]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: tokenize(3), "text must be a str"),
        (lambda: tokenize("un", lang=None), "lang must be a str"),
        (lambda: detokenize("vingt"), "tokens must be a list of str"),
        (lambda: detokenize(["un", 2]), "tokens must be str"),
        (
            lambda: number_pairs([1], tgt_lang="xx"),
            "tgt_lang must be a language",
        ),
        (
            lambda: number_pairs([1], src_lang="zz"),
            "src_lang must be a language",
        ),
        (lambda: number_pairs([-1]), "numbers"),
        (
            lambda: number_pairs([1.5]),
            "numbers must be a sequence of ints >= 0, got an item 1.5",
        ),
        (
            lambda: number_pairs("seven"),
            "numbers must be a sequence of ints >= 0, got str",
        ),
        (lambda: number_pairs(None), "numbers must be a sequence"),
        (
            lambda: translation_task(
                max_number=10, num_train=5, num_val=5, num_test=5
            ),
            "num_train \\+ num_val \\+ num_test",
        ),
        (
            lambda: translation_task(num_train=0),
            "num_train must be an int >= 1",
        ),
        (
            lambda: translation_task(num_steps=1),
            "num_steps must be None or an int >= 2",
        ),
        (
            lambda: translation_task(min_freq=0),
            "min_freq must be an int >= 1",
        ),
        (lambda: translation_task(seed=-1), "seed must be an int >= 0"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_tokens_from_ids_needs_a_vocab():
    with pytest.raises(
        TypeError, match="vocab must be a seqlib.text.Vocab"
    ):
        tokens_from_ids([1], None)


def test_task_is_deterministic_and_seed_matters(small):
    again = translation_task(
        max_number=1000, num_train=600, num_val=100, num_test=300, seed=3
    )
    assert torch.equal(small.train.src, again.train.src) and torch.equal(
        small.test.labels, again.test.labels
    )
    other = translation_task(
        max_number=1000, num_train=600, num_val=100, num_test=300, seed=4
    )
    assert not torch.equal(small.train.numbers, other.train.numbers)


def test_splits_share_no_number_and_no_source_sentence(small):
    splits = [small.train, small.val, small.test]
    numbers = [set(s.numbers.tolist()) for s in splits]
    sources = [{tuple(src) for src, _ in s.pairs} for s in splits]
    rows = [
        {tuple(r.tolist()) for r in s.src} for s in splits
    ]  # also after id conversion
    for a in range(3):
        for b in range(a + 1, 3):
            assert not numbers[a] & numbers[b]
            assert not sources[a] & sources[b]
            assert not rows[a] & rows[b]
    assert [len(s) for s in splits] == [600, 100, 300]
    assert len(set().union(*numbers)) == 1000


def test_vocabularies_come_from_train_only():
    d = translation_task(
        max_number=100, num_train=30, num_val=30, num_test=40, seed=0
    )
    train_tokens = {t for s, _ in d.train.pairs for t in s}
    assert set(d.src_vocab.idx_to_token) == train_tokens | {
        PAD,
        BOS,
        EOS,
        "<unk>",
    }
    held_out = {t for s, _ in d.test.pairs for t in s} - train_tokens
    assert held_out  # with 30 training numbers some words are unseen...
    unk_rows = (d.test.src == d.src_vocab.unk).any(dim=1)
    assert unk_rows.any()  # ...and become <unk> in the test arrays


def test_arrays_layout_and_valid_lengths(small):
    sv, tv, T = small.src_vocab, small.tgt_vocab, small.num_steps
    for split in (small.train, small.test):
        n = len(split)
        assert (
            split.src.shape
            == split.dec_input.shape
            == split.labels.shape
            == (n, T)
        )
        assert all(
            t.dtype == torch.long
            for t in (
                split.src,
                split.src_valid_len,
                split.dec_input,
                split.labels,
                split.tgt_valid_len,
                split.numbers,
            )
        )
        for i, (s, t) in enumerate(split.pairs):
            assert (
                split.src_valid_len[i] == len(s) + 1
                and split.tgt_valid_len[i] == len(t) + 1
            )
            assert split.src[i].tolist() == sv[s] + [sv[EOS]] + [
                sv[PAD]
            ] * (T - len(s) - 1)
            assert split.dec_input[i].tolist() == [tv[BOS]] + tv[t] + [
                tv[PAD]
            ] * (T - len(t) - 1)
            assert split.labels[i].tolist() == tv[t] + [tv[EOS]] + [
                tv[PAD]
            ] * (T - len(t) - 1)
        # teacher forcing: the decoder input is the labels shifted right by one, <bos> first
        shifted = split.dec_input[:, 1:] != tv[PAD]  # (N, T - 1)
        assert torch.equal(
            split.dec_input[:, 1:][shifted], split.labels[:, :-1][shifted]
        )


def test_default_num_steps_truncates_nothing(small):
    assert small.num_truncated == 0
    longest = max(
        max(len(s), len(t))
        for split in (small.train, small.val, small.test)
        for s, t in split.pairs
    )
    assert small.num_steps >= longest + 1


def test_truncation_keeps_eos_and_counts():
    d = translation_task(
        max_number=1000,
        num_train=600,
        num_val=100,
        num_test=300,
        num_steps=5,
    )
    assert d.num_truncated > 0
    for split in (d.train, d.test):
        assert split.src.shape[1] == 5
        last = split.src[
            torch.arange(len(split)), split.src_valid_len - 1
        ]
        assert (
            last == d.src_vocab[EOS]
        ).all()  # every source still ends with <eos>
        assert (split.src_valid_len <= 5).all() and (
            split.tgt_valid_len <= 5
        ).all()
        assert (
            max(len(s) for s, _ in split.pairs) > 4
        )  # the references stay untruncated


def test_build_split_maps_unknown_tokens_to_unk():
    sv = Vocab([["a"]], reserved_tokens=(PAD, BOS, EOS))
    tv = Vocab([["x"]], reserved_tokens=(PAD, BOS, EOS))
    s = build_split(
        [(["a", "zzz"], ["x", "y"])], [7], sv, tv, num_steps=4
    )
    assert s.src[0].tolist() == [sv["a"], sv.unk, sv[EOS], sv[PAD]]
    assert s.labels[0].tolist() == [tv["x"], tv.unk, tv[EOS], tv[PAD]]
    with pytest.raises(
        ValueError, match="src_vocab must be a seqlib.text.Vocab"
    ):
        build_split([(["a"], ["x"])], [0], Vocab(["a"]), tv, num_steps=4)
    with pytest.raises(
        ValueError, match="pairs and numbers must have the same length"
    ):
        build_split([(["a"], ["x"])], [0, 1], sv, tv, num_steps=4)


def test_batches_cover_the_split_once(small):
    seen = torch.cat(
        [
            b[0]
            for b in small.val.batches(
                32,
                shuffle=True,
                generator=torch.Generator().manual_seed(0),
            )
        ]
    )
    assert seen.shape == small.val.src.shape
    assert sorted(map(tuple, seen.tolist())) == sorted(
        map(tuple, small.val.src.tolist())
    )
    sub = small.val.subset([3, 1])
    assert isinstance(sub, TranslationSplit) and sub.pairs == [
        small.val.pairs[3],
        small.val.pairs[1],
    ]
    with pytest.raises(ValueError, match="batch_size"):
        next(small.val.batches(0))


def test_tokens_from_ids_stops_at_eos(small):
    tv = small.tgt_vocab
    row = small.test.labels[0]
    assert tokens_from_ids(row, tv) == small.test.pairs[0][1]
    assert (
        tokens_from_ids(small.test.dec_input[0], tv)
        == small.test.pairs[0][1]
    )  # <bos>, <pad> dropped
    with pytest.raises(ValueError, match="ids must be ids in"):
        tokens_from_ids([len(tv)], tv)


def test_frozen_dataclasses(small):
    assert isinstance(small, TranslationData)
    with pytest.raises(AttributeError):
        small.num_steps = 3  # type: ignore[misc]
