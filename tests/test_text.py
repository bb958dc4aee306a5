"""Tests for seqlib.text: tokenize, Vocab (against D2L 1.0.3's own code), build_corpus."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.text import Vocab, VocabIndexError, build_corpus, tokenize


class D2LVocab:
    """D2L 1.0.3's Vocab, verbatim apart from formatting: the reference."""

    def __init__(self, tokens=[], min_freq=0, reserved_tokens=[]):  # noqa: B006 (D2L's code)
        if tokens and isinstance(tokens[0], list):
            tokens = [token for line in tokens for token in line]
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(
            counter.items(), key=lambda x: x[1], reverse=True
        )
        self.idx_to_token = list(
            sorted(
                set(
                    ["<unk>"]
                    + reserved_tokens
                    + [
                        token
                        for token, freq in self.token_freqs
                        if freq >= min_freq
                    ]
                )
            )
        )
        self.token_to_idx = {
            token: idx for idx, token in enumerate(self.idx_to_token)
        }

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    @property
    def unk(self):
        return self.token_to_idx["<unk>"]


@pytest.fixture  # function scope: runs after conftest blocks the network
def time_machine_text():
    from seqlib.data import DownloadError, time_machine

    try:
        return (
            time_machine()
        )  # offline when SEQLIB_DATA_DIR holds a verified copy
    except (
        DownloadError,
        RuntimeError,
        OSError,
    ) as err:  # no copy, and no network in tests
        pytest.skip(f"Time Machine not available offline: {err}")


TEXT = "the time traveller for so it will be convenient to speak of him was expounding a recondite matter to us"


def test_tokenize_char_and_word():
    assert tokenize("ab c") == ["a", "b", " ", "c"]
    assert tokenize(" the  time\nmachine ", unit="word") == [
        "the",
        "time",
        "machine",
    ]
    assert tokenize("") == [] and tokenize("", unit="word") == []


@pytest.mark.parametrize("bad", [None, 3, ["a", "b"], b"bytes"])
def test_tokenize_rejects_non_str(bad):
    with pytest.raises(ValueError, match="text must be a str"):
        tokenize(bad)


def test_tokenize_rejects_unknown_unit():
    with pytest.raises(ValueError, match="unit must be one of"):
        tokenize("abc", unit="byte")


@pytest.mark.parametrize("unit", ["char", "word"])
@pytest.mark.parametrize("min_freq", [0, 1, 2, 3])
@pytest.mark.parametrize("reserved", [[], ["<pad>", "<bos>", "<eos>"]])
def test_vocab_equals_d2l(unit, min_freq, reserved):
    tokens = tokenize(TEXT, unit)
    ours, ref = (
        Vocab(tokens, min_freq, reserved),
        D2LVocab(tokens, min_freq, reserved),
    )
    assert ours.token_freqs == ref.token_freqs
    assert ours.idx_to_token == ref.idx_to_token
    assert ours.token_to_idx == ref.token_to_idx
    assert ours.unk == ref.unk and len(ours) == len(ref.idx_to_token)
    probe = tokens[:20] + ["zebra", "Q", "<pad>"]
    assert ours[probe] == ref[probe]
    assert ours[tuple(probe)] == ref[tuple(probe)]


def test_vocab_flattens_list_of_lines_like_d2l():
    lines = [tokenize(line) for line in ["the cat", "sat on", "the mat"]]
    flat = [t for line in lines for t in line]
    assert (
        Vocab(lines).idx_to_token
        == Vocab(flat).idx_to_token
        == D2LVocab(lines).idx_to_token
    )
    assert Vocab(lines).token_freqs == D2LVocab(lines).token_freqs


def test_time_machine_vocab_has_28_chars(time_machine_text):
    ids, vocab = build_corpus(time_machine_text)
    assert len(vocab) == 28 and len(ids) == 173_428
    assert (
        vocab.idx_to_token[:3] == [" ", "<unk>", "a"]
        and vocab.idx_to_token[-1] == "z"
    )
    assert ids.dtype == torch.long and ids.shape == (173_428,)
    assert vocab.decode(ids[:100]) == time_machine_text[:100]


def test_getitem_and_unknown():
    vocab = Vocab(list("hello"))
    assert vocab["h"] == 2 and vocab["?"] == vocab.unk == 0
    assert vocab[["l", "?"]] == [3, 0] and vocab[("o",)] == [4]
    assert vocab[[]] == []


def test_to_tokens_shapes():
    vocab = Vocab(list("hello"))
    assert vocab.to_tokens(2) == "h"
    assert vocab.to_tokens([2]) == [
        "h"
    ]  # D2L fails here; one element in, one element out
    assert vocab.to_tokens((2, 1)) == ["h", "e"]
    assert vocab.to_tokens([]) == []
    assert vocab.to_tokens(torch.tensor(3)) == "l"
    assert vocab.to_tokens(torch.tensor([3])) == ["l"]
    assert vocab.to_tokens(np.array([4, 0])) == ["o", "<unk>"]
    assert vocab.to_tokens(np.int64(1)) == "e"


@pytest.mark.parametrize(
    "bad", [5, -1, [0, 5], [100], torch.tensor([-1])]
)
def test_to_tokens_out_of_range(bad):
    vocab = Vocab(list("hello"))  # 5 tokens: ids 0..4
    with pytest.raises(
        IndexError, match="outside this vocabulary of 5 tokens"
    ):
        vocab.to_tokens(bad)
    with pytest.raises(ValueError):  # the same error is also a ValueError
        vocab.to_tokens(bad)
    assert issubclass(VocabIndexError, IndexError)


@pytest.mark.parametrize("bad", [1.0, "a", [1.5], None, True])
def test_to_tokens_wrong_type(bad):
    with pytest.raises(ValueError, match="token ids must be ints"):
        Vocab(list("hello")).to_tokens(bad)


@pytest.mark.parametrize(
    "tokens, match",
    [
        ([], "no tokens"),
        ([[], []], "no tokens"),
        ("hello", "got a str"),
        ([1, 2], "tokens must be str"),
        (["a", None], "tokens must be str"),
    ],
)
def test_vocab_bad_tokens(tokens, match):
    with pytest.raises(ValueError, match=match):
        Vocab(tokens)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"min_freq": -1}, "min_freq"),
        ({"min_freq": 1.5}, "min_freq"),
        ({"reserved_tokens": "<pad>"}, "reserved_tokens"),
        ({"reserved_tokens": [1]}, "reserved_tokens"),
        ({"sep": 3}, "sep"),
    ],
)
def test_vocab_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Vocab(list("abc"), **kwargs)


def test_min_freq_maps_rare_tokens_to_unk():
    ids, vocab = build_corpus("aab", min_freq=2)
    assert vocab.idx_to_token == ["<unk>", "a"]
    assert ids.tolist() == [1, 1, 0]
    assert vocab.token_freqs == [("a", 2), ("b", 1)]


def test_encode_decode_round_trip():
    ids, vocab = build_corpus("the time machine", unit="word")
    assert vocab.sep == " "
    assert vocab.decode(ids) == "the time machine"
    assert torch.equal(
        vocab.encode("the machine"),
        torch.tensor([vocab["the"], vocab["machine"]]),
    )
    assert torch.equal(
        vocab.encode(["time"]), torch.tensor([vocab["time"]])
    )
    assert vocab.decode(ids, sep="_") == "the_time_machine"
    assert vocab.decode(ids[0]) == "the"
    chars_ids, chars = build_corpus("abc")
    assert chars.sep == "" and chars.decode(chars_ids.tolist()) == "abc"
    assert chars.encode("cab").dtype == torch.long
    assert Vocab(["ab", "c"]).sep == " " and Vocab(list("ab")).sep == ""
    with pytest.raises(ValueError, match="1-D"):
        chars.decode(torch.zeros(2, 2, dtype=torch.long))


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_build_corpus_empty(text):
    with pytest.raises(ValueError, match="no word tokens"):
        build_corpus(text, unit="word")
    if text == "":
        with pytest.raises(ValueError, match="no char tokens"):
            build_corpus(text)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="abcde \n", min_size=1, max_size=60))
def test_round_trip_property(text):
    ids, vocab = build_corpus(text)
    assert vocab.decode(ids) == text
    assert vocab.to_tokens(ids.tolist()) == list(text)
    assert torch.equal(vocab.encode(text), ids)
