"""D2L's own code as a test oracle: the book's mirror of D2L equals D2L where it means to, and
differs, by a measured amount, only where the book says D2L is wrong.

D2L 1.0.3 cannot be installed normally beside the book (it pins numpy 1.23.5, pandas 2.0.3 and
scipy 1.10.1, and imports torchvision, which cannot load with the CPU build of torch 2.13). It
runs when installed without its pins and given a stand-in for torchvision::

    pip install --no-deps d2l==1.0.3

The stand-in lives in ``tests/d2l_standin`` and is put on ``sys.path`` only here. Without d2l
these tests are skipped, unless ``SEQLIB_REQUIRE_D2L=1`` (set by ``.ci/run``), which turns the
skip into a failure. Where the book deliberately differs from D2L, the test asserts the
difference and its size, and checks that the chapter discussing it prints the same number
(read from the chapter's stored outputs, which nbval in turn proves the chapter's code prints).
"""

from __future__ import annotations

import importlib
import math
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F

from seqlib import clipping, data, decode, text
from seqlib.lm import RNNLM
from seqlib.metrics import overlap, perplexity
from seqlib.models import RNNScratch

ROOT = Path(__file__).resolve().parents[1]
STANDIN = Path(__file__).resolve().parent / "d2l_standin"


@pytest.fixture(scope="module")
def d2l():
    """``d2l.torch``, imported with the torchvision stand-in; skip (or fail in CI) without it."""
    if importlib.util.find_spec("d2l") is None:
        message = "d2l is not installed: pip install --no-deps d2l==1.0.3"
        if os.environ.get("SEQLIB_REQUIRE_D2L") == "1":
            pytest.fail(message + " (SEQLIB_REQUIRE_D2L=1)")
        pytest.skip(message)
    if importlib.util.find_spec("torchvision") is not None:
        return importlib.import_module("d2l.torch")
    sys.path.insert(0, str(STANDIN))
    try:
        return importlib.import_module(
            "d2l.torch"
        )  # keeps its own references to the stand-in
    finally:  # other tests (torchmetrics) must not find a torchvision afterwards
        sys.path.remove(str(STANDIN))
        for name in [
            m
            for m in sys.modules
            if m == "torchvision" or m.startswith("torchvision.")
        ]:
            del sys.modules[name]


def chapter_output(chapter: str, pattern: str) -> re.Match:
    """The first line of ``chapters/<chapter>``'s stored text outputs matching ``pattern``."""
    nb = nbformat.read(ROOT / "chapters" / chapter, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines():
                if match := re.search(pattern, line):
                    return match
    raise AssertionError(
        f"no output line of {chapter} matches {pattern!r}"
    )


@pytest.fixture(scope="module")
def raw_text() -> str:
    return data.read_time_machine()


# --- equal where the book mirrors D2L -------------------------------------------------------


def test_preprocessing_tokens_and_vocab_equal_d2l(d2l, raw_text):
    tm = d2l.TimeMachine.__new__(
        d2l.TimeMachine
    )  # no download: build() works on given text
    assert data.preprocess(raw_text) == tm._preprocess(raw_text)
    assert text.tokenize(
        data.preprocess(raw_text), "char"
    ) == tm._tokenize(tm._preprocess(raw_text))
    corpus, d2l_vocab = tm.build(raw_text)
    ids, vocab = text.build_corpus(data.preprocess(raw_text), "char")
    assert (
        vocab.idx_to_token == d2l_vocab.idx_to_token
    )  # 28 tokens: ' ', '<unk>', 'a'..'z'
    assert vocab.token_to_idx == d2l_vocab.token_to_idx
    assert vocab.token_freqs == d2l_vocab.token_freqs
    assert ids.tolist() == corpus
    assert (
        vocab.unk == d2l_vocab.unk
        and vocab["é"] == d2l_vocab["é"] == vocab.unk
    )  # <unk> handling
    assert vocab.to_tokens([3, 4]) == d2l_vocab.to_tokens([3, 4])


def test_word_vocab_with_min_freq_equals_d2l(d2l, raw_text):
    words = text.tokenize(data.preprocess(raw_text), "word")
    for min_freq in (0, 2, 5):
        ours, theirs = (
            text.Vocab(words, min_freq=min_freq),
            d2l.Vocab(words, min_freq=min_freq),
        )
        assert ours.idx_to_token == theirs.idx_to_token
        assert (
            ours[["the", "zzzz"]] == theirs[["the", "zzzz"]]
        )  # an unseen word is <unk>


@pytest.fixture
def float64():
    """Run a test in float64: D2L creates its zero state with the default dtype."""
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


def _paired_rnn_lm(d2l, V=28, H=16, sigma=0.01, seed=0):
    """D2L's RNNLMScratch(RNNScratch) and seqlib's RNNLM(RNNScratch) with the same float64 weights."""
    torch.manual_seed(seed)
    theirs = d2l.RNNLMScratch(
        d2l.RNNScratch(V, H, sigma=sigma), vocab_size=V
    ).double()
    theirs.one_hot = lambda X: F.one_hot(
        X.T, V
    ).double()  # D2L's casts to float32: (T, B, V)
    ours = RNNLM(RNNScratch(V, H, sigma=sigma), vocab_size=V).double()
    with torch.no_grad():
        ours.cell.W_xh.copy_(theirs.rnn.W_xh)  # (V, H)
        ours.cell.W_hh.copy_(theirs.rnn.W_hh)  # (H, H)
        ours.cell.b_h.copy_(theirs.rnn.b_h)  # (H,)
        ours.output.weight.copy_(
            theirs.W_hq.t()
        )  # nn.Linear keeps W_hq transposed: (V, H)
        ours.output.bias.copy_(theirs.b_q)  # (V,)
    return theirs, ours


def test_rnn_scratch_cell_outputs_equal_d2l(d2l, float64):
    theirs, ours = _paired_rnn_lm(d2l, sigma=0.5)
    X = torch.randn(
        5, 3, 28, dtype=torch.float64
    )  # (B, T, D) batch first, as seqlib
    their_outputs, their_h = theirs.rnn(
        X.transpose(0, 1)
    )  # D2L is time first: list of T (B, H)
    our_outputs, our_h = ours.cell(X)  # (B, T, H), (B, H)
    torch.testing.assert_close(our_outputs, torch.stack(their_outputs, 1))
    torch.testing.assert_close(our_h, their_h)
    h0 = torch.randn(
        5, 16, dtype=torch.float64
    )  # a given initial state: D2L takes it as a 1-tuple
    torch.testing.assert_close(
        ours.cell(X, h0)[1], theirs.rnn(X.transpose(0, 1), (h0,))[1]
    )


def test_rnn_lm_logits_loss_and_gradients_equal_d2l(d2l, float64):
    theirs, ours = _paired_rnn_lm(d2l, sigma=0.3)
    tokens = torch.randint(0, 28, (4, 12))  # (B, T)
    targets = torch.randint(0, 28, (4, 12))  # (B, T)
    their_logits = theirs(tokens)  # (B, T, V)
    our_logits, _ = ours(tokens)  # (B, T, V)
    torch.testing.assert_close(our_logits, their_logits)
    their_loss = theirs.loss(
        their_logits, targets
    )  # D2L's Classifier.loss: mean cross-entropy
    our_loss = F.cross_entropy(
        our_logits.reshape(-1, 28), targets.reshape(-1)
    )
    torch.testing.assert_close(our_loss, their_loss)
    their_loss.backward()
    our_loss.backward()
    pairs = [
        (ours.cell.W_xh, theirs.rnn.W_xh),
        (ours.cell.W_hh, theirs.rnn.W_hh),
        (ours.cell.b_h, theirs.rnn.b_h),
        (ours.output.bias, theirs.b_q),
    ]
    for mine, theirs_p in pairs:
        torch.testing.assert_close(mine.grad, theirs_p.grad)
    torch.testing.assert_close(
        ours.output.weight.grad, theirs.W_hq.grad.t()
    )


def test_greedy_prediction_equals_d2l_predict(d2l, raw_text, float64):
    _, vocab = text.build_corpus(data.preprocess(raw_text), "char")
    d2l_vocab = d2l.Vocab(list(data.preprocess(raw_text)))
    theirs, ours = _paired_rnn_lm(
        d2l, H=32, sigma=0.8, seed=3
    )  # large weights: varied argmaxes
    prefix = "time traveller "
    d2l_text = theirs.predict(prefix, 30, d2l_vocab)
    our_ids = decode.greedy(
        ours, vocab.encode(prefix), num_steps=30
    )  # (30,)
    assert d2l_text == prefix + vocab.decode(our_ids)
    assert (
        len(set(d2l_text[len(prefix) :])) > 3
    )  # a real test: the continuation is not constant


# --- gradient clipping: equal up to the 1e-6 that torch adds ---------------------------------


def _model_with_gradient(scale: float):
    torch.manual_seed(1)
    model = torch.nn.Linear(6, 4).double()
    for p in model.parameters():
        p.grad = torch.randn_like(p) * scale
    return model


@pytest.mark.parametrize("scale", [0.01, 10.0])
def test_clip_gradients_equals_d2l_up_to_torchs_epsilon(d2l, scale):
    theirs, ours = (
        _model_with_gradient(scale),
        _model_with_gradient(scale),
    )
    norm = float(clipping.grad_norm(list(ours.parameters())))
    d2l.Trainer.clip_gradients(
        None, 1.0, theirs
    )  # D2L: g * theta / ||g|| when ||g|| > theta
    clipping.clip_gradients(
        ours.parameters(), max_norm=1.0
    )  # seqlib = torch: theta / (||g|| + 1e-6)
    for mine, other in zip(
        ours.parameters(), theirs.parameters(), strict=True
    ):
        if norm <= 1.0:
            assert torch.equal(
                mine.grad, other.grad
            )  # nothing clipped by either
        else:  # the one deliberate difference, and its size: a relative 1e-6 / ||g||
            torch.testing.assert_close(
                mine.grad,
                other.grad * norm / (norm + 1e-6),
                rtol=1e-12,
                atol=0,
            )
            assert not torch.equal(mine.grad, other.grad)


# --- deliberate differences, measured -------------------------------------------------------


def test_d2l_windows_cover_a_small_prefix_of_the_book(d2l, raw_text):
    """D2L trains on its first 10,000 stride-1 windows of 33 characters (overlapping, the same
    characters up to 33 times), not on a partition of the text; chapter 05 says how little."""
    tm = d2l.TimeMachine.__new__(d2l.TimeMachine)
    corpus, _ = tm.build(raw_text)
    num_steps, num_train = 32, 10_000
    windows = torch.tensor(
        [corpus[i : i + num_steps + 1] for i in range(num_train)]
    )  # D2L's X|Y rows
    covered = num_train + num_steps  # characters 0 .. 10,031
    assert torch.equal(
        windows[:, 0], torch.tensor(corpus[:num_train])
    )  # stride 1: overlapping
    assert (
        covered == 10_032
        and len(corpus) == len(data.preprocess(raw_text)) == 173_428
    )
    shown = chapter_output(
        "05_rnn_scratch.ipynb",
        r"D2L's training text: ([\d,]+) characters, ([\d.]+)% of",
    )
    assert (
        shown.group(1) == f"{covered:,}"
        and shown.group(2) == f"{100 * covered / len(corpus):.1f}"
    )


def test_d2l_plotted_perplexity_is_a_mean_of_batch_perplexities(d2l):
    """D2L's validation_step plots exp(batch mean loss) per batch, and its board averages the
    points; the book's perplexity pools the NLL. Chapter 13's two-batch example, run through
    D2L's own validation_step: 5.50 against the exact 9.77."""
    model = d2l.RNNLMScratch(d2l.RNNScratch(10, 4), vocab_size=10)
    points = []
    model.plot = lambda key, value, train: points.append(
        float(value)
    )  # what ProgressBoard gets
    certain = torch.full(
        (1, 1, 10), -1e4
    )  # (B, T, V): token 0 with probability 1 (exp(-1e4) = 0)
    certain[..., 0] = 0.0
    uniform = torch.zeros(
        1, 100, 10
    )  # (B, T, V): 100 tokens at probability 1/10
    batches = [
        (certain, torch.zeros(1, 1, dtype=torch.long)),
        (uniform, torch.zeros(1, 100, dtype=torch.long)),
    ]
    for logits, targets in batches:
        model.forward = lambda X, _logits=logits: (
            _logits
        )  # D2L's step calls self(X)
        model.validation_step((None, targets))
    d2l_plotted = sum(points) / len(points)
    pooled = perplexity(
        torch.cat([certain[0], uniform[0]]).unsqueeze(0),
        torch.zeros(1, 101, dtype=torch.long),
    )
    assert round(d2l_plotted, 2) == 5.50 and round(pooled, 2) == 9.77
    assert (
        chapter_output(
            "13_perplexity.ipynb",
            r"D2L-style mean of per-batch perplexities:\s+([\d.]+)",
        ).group(1)
        == "5.50"
    )
    assert (
        chapter_output(
            "13_perplexity.ipynb",
            r"pooled: exp\(total NLL / total tokens\):\s+([\d.]+)",
        ).group(1)
        == "9.77"
    )


def test_d2l_bleu_weights_differ_from_papineni(d2l):
    """D2L's ``bleu`` weights p_n by 1/2^n; Papineni et al. weight them uniformly. Chapter 19
    transcribes D2L's function: the real one gives the number the chapter prints."""
    ref = "The quick brown fox jumps over the lazy dog."
    hyp = "A quick brown dog jumps over the lazy fox."
    theirs = 100 * d2l.bleu(hyp, ref, 4)
    stats = overlap.bleu_stats(ref, hyp, tokenize="none")
    uniform = overlap.bleu_from_stats(stats, smooth="none")
    assert f"{theirs:.2f}" == "52.49" and f"{uniform:.2f}" == "35.49"
    assert (
        chapter_output(
            "19_text_overlap.ipynb", r"D2L weights 1/2\^n:\s+([\d.]+)"
        ).group(1)
        == f"{theirs:.2f}"
    )
    assert (
        chapter_output(
            "19_text_overlap.ipynb", r"uniform weights 1/4:\s+([\d.]+)"
        ).group(1)
        == f"{uniform:.2f}"
    )
    # with every p_n = 1 the weights do not matter: both are 100
    assert d2l.bleu(ref, ref, 4) == 1.0 and math.isclose(
        overlap.bleu_from_stats(
            overlap.bleu_stats(ref, ref, tokenize="none")
        ),
        100.0,
    )


# --- deep RNNs and the encoder-decoder ------------------------------------------------------
# d2l 1.0.3's package holds d2l.GRU (D2L's multilayer GRU of section 10.3), Seq2SeqEncoder,
# bleu and the 0.x MaskedSoftmaxCELoss; the scratch StackedRNNScratch and BiRNNScratch and the
# 1.0 masked Seq2Seq.loss are defined only in the chapters' text (no #@save), so the package's
# Seq2Seq falls back to the unmasked Classifier.loss. Those are what is compared.


def test_stacked_scratch_gru_equals_d2l_multilayer_gru(d2l, float64):
    from seqlib.deep import StackedRNNScratch, load_from_torch

    torch.manual_seed(0)
    theirs = d2l.GRU(
        num_inputs=28, num_hiddens=32, num_layers=2
    ).double()  # nn.GRU, time first
    ours = load_from_torch(
        StackedRNNScratch(28, 32, num_layers=2, cell="gru").double(),
        theirs.rnn,
    )
    X = torch.randn(4, 9, 28)  # (B, T, D)
    their_outputs, their_state = theirs(
        X.transpose(0, 1)
    )  # (T, B, H), (L, B, H)
    our_outputs, our_state = ours(X)  # (B, T, H), (B, L, H)
    torch.testing.assert_close(our_outputs, their_outputs.transpose(0, 1))
    torch.testing.assert_close(our_state, their_state.transpose(0, 1))
    their_outputs.sum().backward()
    our_outputs.sum().backward()
    torch.testing.assert_close(
        ours.layers[1].W_xz.grad.t(), theirs.rnn.weight_ih_l1.grad[32:64]
    )


def _copy_d2l_rnn(cell, d2l_rnn):
    """Give a seqlib RNNScratch the weights of a d2l.RNNScratch (same names, same layout)."""
    with torch.no_grad():
        for name in ("W_xh", "W_hh", "b_h"):
            getattr(cell, name).copy_(getattr(d2l_rnn, name))


def test_stacked_scratch_rnn_equals_d2l_rnn_layers_stacked(d2l, float64):
    """D2L's StackedRNNScratch (section 10.3) is not in the package; it runs its packaged
    RNNScratch layers one after another, each on the outputs of the one below. That, with
    D2L's own layers, equals seqlib's StackedRNNScratch, outputs and every layer's state."""
    from seqlib.deep import StackedRNNScratch

    torch.manual_seed(0)
    layers = [
        d2l.RNNScratch(28 if i == 0 else 32, 32, sigma=0.3).double()
        for i in range(3)
    ]
    ours = StackedRNNScratch(28, 32, num_layers=3, sigma=0.3).double()
    for cell, theirs in zip(ours.layers, layers, strict=True):
        _copy_d2l_rnn(cell, theirs)
    X = torch.randn(4, 7, 28)  # (B, T, D)
    outputs, finals = (
        X.transpose(0, 1),
        [],
    )  # D2L's layers are time first: (T, B, D)
    for layer in layers:
        steps, h = layer(outputs)  # list of T (B, H), (B, H)
        outputs = torch.stack(steps)  # (T, B, H)
        finals.append(h)
    our_outputs, our_state = ours(X)  # (B, T, H), (B, L, H)
    torch.testing.assert_close(our_outputs, outputs.transpose(0, 1))
    torch.testing.assert_close(our_state, torch.stack(finals, 1))


def test_bidirectional_scratch_rnn_equals_d2l_rnn_run_both_ways(
    d2l, float64
):
    """D2L's BiRNNScratch (section 10.4, not in the package) runs one packaged RNNScratch on the
    inputs and one on the inputs reversed in time, and concatenates each step's two states."""
    from seqlib.deep import BiRNNScratch

    torch.manual_seed(0)
    forward, backward = (
        d2l.RNNScratch(28, 16, sigma=0.3).double() for _ in range(2)
    )
    ours = BiRNNScratch(28, 16, sigma=0.3).double()
    _copy_d2l_rnn(ours.f_rnn, forward)
    _copy_d2l_rnn(ours.b_rnn, backward)
    X = torch.randn(3, 6, 28)  # (B, T, D)
    f_steps, f_h = forward(X.transpose(0, 1))  # T x (B, H)
    b_steps, b_h = backward(
        X.transpose(0, 1).flip(0)
    )  # T x (B, H), x_T first
    theirs = torch.cat(
        [torch.stack(f_steps, 1), torch.stack(b_steps[::-1], 1)], dim=-1
    )  # (B, T, 2H)
    our_outputs, our_state = ours(X)  # (B, T, 2H), (B, 2, H)
    torch.testing.assert_close(our_outputs, theirs)
    torch.testing.assert_close(our_state, torch.stack([f_h, b_h], 1))


@pytest.fixture(scope="module")
def translation():
    from seqlib.translation import translation_task

    return translation_task(
        max_number=1000, num_train=300, num_val=50, num_test=50, seed=0
    )


def test_masked_loss_against_d2l_masked_and_unmasked_losses(
    d2l, translation
):
    """Same masking as D2L 0.x's MaskedSoftmaxCELoss, a different mean: D2L divides each row by
    T, padding included; seqlib (and D2L 1.0's text) by the number of real tokens. The packaged
    d2l.Seq2Seq.loss counts padding as if it were text."""
    from seqlib.encoder_decoder import masked_cross_entropy

    split, pad = translation.train, translation.tgt_vocab["<pad>"]
    labels, valid_len = (
        split.labels[:64],
        split.tgt_valid_len[:64],
    )  # (B, T), (B,)
    torch.manual_seed(0)
    logits = torch.randn(
        *labels.shape, len(translation.tgt_vocab)
    )  # (B, T, V)
    B, T = labels.shape
    d2l_rows = d2l.MaskedSoftmaxCELoss()(
        logits, labels, valid_len
    )  # (B,): masked sum / T
    ours_sum = masked_cross_entropy(logits, labels, pad, reduction="sum")
    torch.testing.assert_close(
        d2l_rows.sum() * T, ours_sum
    )  # the same tokens are counted
    real = int(valid_len.sum())
    ours_mean = masked_cross_entropy(logits, labels, pad)
    torch.testing.assert_close(
        d2l_rows.mean(), ours_mean * real / (B * T)
    )  # the size of the gap
    assert real < B * T  # the batch has padding, so the two means differ
    unmasked = d2l.Classifier.loss(
        None, logits, labels
    )  # what the packaged Seq2Seq trains on
    per_token = F.cross_entropy(
        logits.transpose(1, 2), labels, reduction="none"
    )  # (B, T)
    torch.testing.assert_close(unmasked, per_token.mean())
    assert not torch.isclose(unmasked, ours_mean)


def test_seq2seq_encoder_equals_d2l_when_it_ignores_valid_lengths(
    d2l, translation
):
    """seqlib's encoder with ``ignore_valid_len=True`` is D2L's, number for number; with valid
    lengths it stops at each row's last real token, and only padded rows' states change."""
    from seqlib.seq2seq import Seq2SeqEncoder

    V = len(translation.src_vocab)
    torch.manual_seed(0)
    theirs = d2l.Seq2SeqEncoder(V, 16, 32, num_layers=2)
    ours = Seq2SeqEncoder(V, 16, 32, num_layers=2, ignore_valid_len=True)
    ours.embedding.load_state_dict(theirs.embedding.state_dict())
    ours.rnn.load_state_dict(theirs.rnn.rnn.state_dict())
    valid = translation.train.src_valid_len[:32]  # (B,)
    src = translation.train.src[
        :32, : int(valid.max())
    ]  # (B, T): the longest rows have no <pad>
    their_outputs, their_state = theirs(
        src, valid
    )  # (T, B, H), (L, B, H)
    our_outputs, our_state = ours(src, valid)  # (B, T, H), (B, L, H)
    torch.testing.assert_close(our_outputs, their_outputs.transpose(0, 1))
    torch.testing.assert_close(our_state, their_state.transpose(0, 1))
    ours.ignore_valid_len = False
    _, packed_state = ours(src, valid)  # (B, L, H)
    padded = valid < src.shape[1]  # (B,) rows that end in <pad>
    assert padded.any() and (~padded).any()
    torch.testing.assert_close(
        packed_state[~padded], our_state[~padded]
    )  # no padding: same
    gap = (
        (packed_state[padded, -1] - our_state[padded, -1])
        .detach()
        .norm(dim=-1)
    )  # (b,)
    assert (
        float(gap.min()) > 1e-3
    )  # D2L's context is read after the padding


MEAN_BLEU_GAP = 13.0  # points of 100, measured on these 40 sentences


def test_d2l_bleu_on_translation_outputs(d2l, translation):
    """D2L's bleu (k=2: BP * p1^(1/2) * p2^(1/4), one reference, no smoothing) from seqlib's
    clipped n-gram counts on the translation task's sentences, and how far it is from
    Papineni's uniform weights with the same counts."""
    from seqlib.translation import detokenize

    refs = [" ".join(tgt) for _, tgt in translation.test.pairs[:40]]
    rng = torch.Generator().manual_seed(0)
    hyps = []
    for ref in refs:  # outputs with one token dropped or changed, as a model's errors are
        words = ref.split(" ")
        i = int(torch.randint(len(words), (1,), generator=rng))
        hyps.append(
            " ".join(words[:i] + words[i + 1 :])
            if i % 2
            else " ".join(words[:i] + ["et"] + words[i + 1 :])
        )
    gaps = []
    for ref, hyp in zip(refs, hyps, strict=True):
        stats = overlap.bleu_stats(ref, hyp, tokenize="none")
        p = [
            m / t if t else 0.0
            for m, t in zip(stats.matches, stats.totals, strict=True)
        ]
        brevity = math.exp(min(0.0, 1 - stats.ref_len / stats.hyp_len))
        k = min(2, stats.hyp_len)
        from_counts = brevity * math.prod(
            p[n] ** (0.5 ** (n + 1)) for n in range(k)
        )
        assert math.isclose(
            d2l.bleu(hyp, ref, 2), from_counts, rel_tol=1e-12
        )
        gaps.append(
            100 * d2l.bleu(hyp, ref, 2)
            - overlap.sentence_bleu(ref, hyp, tokenize="none")
        )
    assert detokenize(
        refs[0].split(" ")
    )  # the references are real sentences of the task
    mean_gap = sum(gaps) / len(gaps)
    print(
        f"D2L bleu(k=2) minus sentence BLEU, mean over {len(gaps)}: {mean_gap:.2f} (min {min(gaps):.2f}, max {max(gaps):.2f})"
    )
    assert (
        round(mean_gap, 1) == MEAN_BLEU_GAP
    )  # different weights, orders and smoothing: not a small gap
