"""seqlib.validate: the one module that checks and converts arguments."""

import math

import numpy as np
import pytest
import torch

from seqlib import validate
from seqlib.models import RNNLM, RNNScratch
from seqlib.ngram import NGramLM
from seqlib.train import TrainConfig


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: TrainConfig(epochs=True), "epochs"),
        (lambda: TrainConfig(epochs=1, seed=True), "seed"),
        (lambda: TrainConfig(epochs=1, batch_size=True), "batch_size"),
        (lambda: TrainConfig(epochs=1, lr=True), "lr"),
        (lambda: TrainConfig(epochs=1, keep_best=1), "keep_best"),
        (lambda: RNNLM(RNNScratch(4, 3), 4, embed_dim=True), "embed_dim"),
        (lambda: RNNLM(RNNScratch(4, 3), True), "vocab_size"),
        (lambda: RNNScratch(True, 3), "num_inputs"),
        (lambda: NGramLM(True, 4), "n"),
    ],
)
def test_bool_is_not_an_int(make, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        make()


@pytest.mark.parametrize(
    "value", [True, 2.0, "3", None, 0, np.bool_(True)]
)
def test_integer_refuses(value):
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        validate.integer(value, "k", minimum=1)


def test_integer_accepts_numpy_and_none_when_optional():
    assert (
        validate.integer(np.int64(3), "k") == 3
        and type(validate.integer(np.int64(3), "k")) is int
    )
    assert validate.integer(None, "k", optional=True) is None
    with pytest.raises(ValueError, match="an int in 1..5"):
        validate.integer(6, "n", minimum=1, maximum=5)


@pytest.mark.parametrize(
    "value", [math.nan, math.inf, -math.inf, True, "0.1", 0.0, 1.5]
)
def test_real_refuses(value):
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\], got"):
        validate.real(value, "p", low=0, high=1, low_open=True)


def test_real_messages():
    with pytest.raises(
        ValueError, match="temperature must be a finite number > 0, got 0"
    ):
        validate.real(0, "temperature", low=0, low_open=True)
    assert validate.real(None, "clip", low=0, optional=True) is None
    assert validate.real(1, "lr") == 1.0


def test_choice():
    assert validate.choice("a", "mode", ("a", "b")) == "a"
    with pytest.raises(
        ValueError, match=r"mode must be one of \('a', 'b'\), got 'c'"
    ):
        validate.choice("c", "mode", ("a", "b"))


@pytest.mark.parametrize(
    "ids, match",
    [
        ([0.5, 1.0], "integer token ids"),
        (torch.tensor([True, False]), "integer token ids"),
        ([True, 1], "bool"),
        (torch.zeros(2, 2, dtype=torch.long), "1-D"),
        ([1, -2], ">= 0"),
        ([[1], [2, 3]], "1-D tensor, array or list"),
        (np.array([0.0, 1.0]), "integer token ids"),
    ],
)
def test_token_ids_refuses(ids, match):
    with pytest.raises(ValueError, match=match):
        validate.token_ids(ids)


def test_token_ids_vocab_and_length():
    assert (
        validate.token_ids(np.array([1, 2], dtype=np.int32)).dtype
        == torch.long
    )
    assert validate.token_ids([]).shape == (0,)
    with pytest.raises(ValueError, match=r"\[0, 3\), found 0..3"):
        validate.token_ids([0, 3], vocab_size=3)
    with pytest.raises(ValueError, match="at least 2 token"):
        validate.token_ids([1], min_len=2)


def test_array_checks_nan_dtype_shape_empty():
    with pytest.raises(ValueError, match="NaN"):
        validate.array([1.0, math.nan], "y")
    with pytest.raises(ValueError, match="array of numbers"):
        validate.array(["a", "b"], "y")
    with pytest.raises(ValueError, match="array of numbers"):
        validate.array([[1, 2], [3]], "y")
    with pytest.raises(ValueError, match=r"1 dimension\(s\)"):
        validate.array([[1.0]], "y", ndim=1)
    with pytest.raises(ValueError, match="empty"):
        validate.array([], "y")
    assert validate.array([], "y", allow_empty=True).size == 0
    np.testing.assert_array_equal(
        validate.array(torch.tensor([1.0, 2.0]), "y"), [1.0, 2.0]
    )


def test_labels():
    assert validate.labels([1.0, 2.0], "y").tolist() == [1.0, 2.0]
    for bad, match in (
        ([0.5], "non-integer"),
        ([math.nan], "NaN"),
        ([[1]], "1-D"),
        ([], "empty"),
        (np.array([1 + 1j]), "dtype"),
    ):
        with pytest.raises(ValueError, match=match):
            validate.labels(bad, "y")


def test_tensor_items_sentences():
    assert validate.tensor([[1.0, 2.0]], "x").shape == (1, 2)
    with pytest.raises(ValueError, match="array of numbers"):
        validate.tensor([[1.0], [2.0, 3.0]], "x")
    assert validate.items(torch.tensor([1, 2])) == [1, 2]
    assert validate.items((1, 2)) == [1, 2]
    assert validate.sentences("a b", "refs") == ["a b"]
    assert validate.sentences(np.array(["a", "b"]), "refs") == ["a", "b"]
    for bad, match in (([], "empty"), (["a", 1], "item 1 is int")):
        with pytest.raises(ValueError, match=match):
            validate.sentences(bad, "refs")


def test_same_length_and_shape():
    with pytest.raises(ValueError, match="same length, got 1 and 2"):
        validate.same_length([1], [1, 2])
    with pytest.raises(ValueError, match="same shape"):
        validate.same_shape(np.zeros(2), np.zeros((2, 1)))
