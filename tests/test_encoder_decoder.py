"""Tests for seqlib.encoder_decoder: the interface, sequence_mask and the masked cross-entropy."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from seqlib.encoder_decoder import (
    Decoder,
    Encoder,
    EncoderDecoder,
    count_tokens,
    masked_cross_entropy,
    sequence_mask,
)
from seqlib.lm import select_state

PAD = 2


def _batch(B=3, T=5, V=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(
        B, T, V, generator=g, dtype=torch.float64
    )  # (B, T, V)
    lengths = torch.randint(1, T + 1, (B,), generator=g)  # (B,)
    labels = torch.randint(0, V, (B, T), generator=g)  # (B, T)
    labels[labels == PAD] = 0  # real tokens are never the pad id
    labels[~sequence_mask(lengths, T)] = PAD
    return logits, labels


class MeanEncoder(Encoder):
    """Embeds the source and returns the mean over its *valid* steps as the state (B, H)."""

    def __init__(self, V=9, H=4):
        super().__init__()
        self.emb = nn.Embedding(V, H)

    def forward(self, src, src_valid_len):
        out = self.emb(src)  # (B, T, H)
        mask = sequence_mask(src_valid_len, src.shape[1]).unsqueeze(
            -1
        )  # (B, T, 1)
        return out, (out * mask).sum(1) / src_valid_len.unsqueeze(
            1
        )  # (B, T, H), (B, H)


class GRUDecoder(Decoder):
    def __init__(self, V=6, H=4):
        super().__init__()
        self.emb, self.cell, self.out = (
            nn.Embedding(V, H),
            nn.GRUCell(H, H),
            nn.Linear(H, V),
        )

    def init_state(self, enc_outputs, enc_state, src_valid_len):
        return enc_state  # (B, H)

    def forward(self, dec_input, state):
        outs = []
        for t in range(dec_input.shape[1]):
            state = self.cell(self.emb(dec_input[:, t]), state)  # (B, H)
            outs.append(self.out(state))  # (B, V)
        return torch.stack(outs, 1), state  # (B, T', V), (B, H)


def test_masked_mean_equals_cross_entropy_with_ignore_index():
    logits, labels = _batch()
    ours = masked_cross_entropy(logits, labels, PAD)
    ref = F.cross_entropy(
        logits.transpose(1, 2), labels, ignore_index=PAD
    )
    torch.testing.assert_close(ours, ref)
    total = F.cross_entropy(
        logits.transpose(1, 2), labels, ignore_index=PAD, reduction="sum"
    )
    torch.testing.assert_close(
        masked_cross_entropy(logits, labels, PAD, reduction="sum"), total
    )
    assert count_tokens(labels, PAD) == int((labels != PAD).sum())
    torch.testing.assert_close(ours, total / count_tokens(labels, PAD))


def test_reduction_none_is_zero_at_padding():
    logits, labels = _batch(seed=1)
    per = masked_cross_entropy(
        logits, labels, PAD, reduction="none"
    )  # (B, T)
    assert (
        per.shape == labels.shape
        and (per[labels == PAD] == 0).all()
        and (per[labels != PAD] > 0).all()
    )
    torch.testing.assert_close(
        per.sum(),
        masked_cross_entropy(logits, labels, PAD, reduction="sum"),
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), extra=st.integers(0, 4))
def test_changing_the_padding_changes_nothing(seed, extra):
    logits, labels = _batch(seed=seed)
    before = masked_cross_entropy(logits, labels, PAD)
    g = torch.Generator().manual_seed(seed + 1)
    pad = labels == PAD
    noisy = logits.clone()
    noisy[pad] = 1e3 * torch.randn(
        int(pad.sum()), logits.shape[2], generator=g, dtype=logits.dtype
    )
    # ... and more padding columns, with arbitrary logits
    B, _, V = logits.shape
    noisy = torch.cat(
        [
            noisy,
            torch.randn(B, extra, V, generator=g, dtype=logits.dtype),
        ],
        1,
    )
    longer = torch.cat([labels, torch.full((B, extra), PAD)], 1)
    torch.testing.assert_close(
        masked_cross_entropy(noisy, longer, PAD), before
    )
    torch.testing.assert_close(
        masked_cross_entropy(noisy, longer, PAD, reduction="sum"),
        masked_cross_entropy(logits, labels, PAD, reduction="sum"),
    )


def test_padding_gets_no_gradient():
    logits, labels = _batch(seed=5)
    logits.requires_grad_(True)
    masked_cross_entropy(logits, labels, PAD).backward()
    assert (logits.grad[labels == PAD] == 0).all() and logits.grad[
        labels != PAD
    ].abs().sum() > 0


def test_uniform_logits_give_log_v():
    labels = torch.tensor([[1, 3, PAD, PAD]])
    loss = masked_cross_entropy(torch.zeros(1, 4, 5), labels, PAD)
    torch.testing.assert_close(loss, torch.log(torch.tensor(5.0)))


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: masked_cross_entropy(
                torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.long), 0
            ),
            "logits must be a float tensor \\(B, T, V\\)",
        ),
        (
            lambda: masked_cross_entropy(
                torch.zeros(2, 3, 4),
                torch.zeros(2, 4, dtype=torch.long),
                0,
            ),
            "labels must be \\(B, T\\) = \\(2, 3\\)",
        ),
        (
            lambda: masked_cross_entropy(
                torch.zeros(2, 3, 4), torch.zeros(2, 3), 0
            ),
            "labels must be int64",
        ),
        (
            lambda: masked_cross_entropy(
                torch.zeros(2, 3, 4),
                torch.zeros(2, 3, dtype=torch.long),
                4,
            ),
            "pad_id must be an int in 0..3",
        ),
        (
            lambda: masked_cross_entropy(
                torch.zeros(2, 3, 4),
                torch.zeros(2, 3, dtype=torch.long),
                0,
                "avg",
            ),
            "reduction must be one of",
        ),
        (
            lambda: masked_cross_entropy(
                torch.zeros(1, 2, 4),
                torch.zeros(1, 2, dtype=torch.long),
                0,
            ),
            "all padding",
        ),
        (
            lambda: count_tokens(torch.zeros(3, dtype=torch.long), 0),
            "labels must be \\(B, T\\)",
        ),
        (
            lambda: sequence_mask(torch.tensor([1.0]), 3),
            "valid_len must be int64",
        ),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_sequence_mask():
    assert sequence_mask(torch.tensor([0, 2, 5]), 3).tolist() == [
        [False] * 3,
        [True, True, False],
        [True] * 3,
    ]


def test_encoder_decoder_shapes_and_decoding_step_by_step():
    torch.manual_seed(0)
    model = EncoderDecoder(MeanEncoder(), GRUDecoder())
    src = torch.tensor([[3, 4, 1, 0, 0], [5, 6, 7, 8, 1]])  # (2, 5)
    src_valid_len = torch.tensor([3, 5])
    dec_input = torch.tensor([[0, 3, 4], [0, 5, 5]])  # (2, 3)
    logits = model(src, src_valid_len, dec_input)
    assert logits.shape == (2, 3, 6)
    # decoding one token at a time from init_decoder_state gives the teacher-forced logits
    state = model.init_decoder_state(src, src_valid_len)
    steps = []
    for t in range(3):
        step, state = model.decoder(
            dec_input[:, t : t + 1], state
        )  # (2, 1, 6)
        steps.append(step)
    torch.testing.assert_close(torch.cat(steps, 1), logits)
    # the state is batch first: select_state reorders sentences like RNNLM's
    state = model.init_decoder_state(src, src_valid_len)
    swapped = model.init_decoder_state(src[[1, 0]], src_valid_len[[1, 0]])
    torch.testing.assert_close(
        select_state(state, torch.tensor([1, 0])), swapped
    )


def test_valid_length_aware_encoder_ignores_padding_amount():
    torch.manual_seed(0)
    model = EncoderDecoder(MeanEncoder(), GRUDecoder())
    short = torch.tensor([[3, 4, 1]])
    padded = torch.tensor([[3, 4, 1, 0, 0, 0]])
    dec = torch.tensor([[0, 3]])
    torch.testing.assert_close(
        model(short, torch.tensor([3]), dec),
        model(padded, torch.tensor([3]), dec),
    )


@pytest.mark.parametrize(
    "args, match",
    [
        (
            (
                torch.zeros(2, 3, dtype=torch.long),
                torch.tensor([1, 4]),
                torch.zeros(2, 2, dtype=torch.long),
            ),
            "src_valid_len must be in 1..3",
        ),
        (
            (
                torch.zeros(2, 3, dtype=torch.long),
                torch.tensor([1]),
                torch.zeros(2, 2, dtype=torch.long),
            ),
            "one length per source row",
        ),
        (
            (
                torch.zeros(2, 3, dtype=torch.long),
                torch.tensor([1, 1]),
                torch.zeros(3, 2, dtype=torch.long),
            ),
            "dec_input must have as many rows",
        ),
        (
            (
                torch.zeros(2, 3),
                torch.tensor([1, 1]),
                torch.zeros(2, 2, dtype=torch.long),
            ),
            "src must be int64",
        ),
    ],
)
def test_encoder_decoder_validates(args, match):
    model = EncoderDecoder(MeanEncoder(), GRUDecoder())
    with pytest.raises(ValueError, match=match):
        model(*args)


def test_base_classes_say_what_to_implement():
    with pytest.raises(
        NotImplementedError, match="forward\\(src, src_valid_len\\)"
    ):
        Encoder()(
            torch.zeros(1, 1, dtype=torch.long),
            torch.ones(1, dtype=torch.long),
        )
    with pytest.raises(NotImplementedError, match="init_state"):
        Decoder().init_state(None, None, None)
    with pytest.raises(
        TypeError, match="encoder and decoder must be torch.nn.Modules"
    ):
        EncoderDecoder(MeanEncoder(), "decoder")
