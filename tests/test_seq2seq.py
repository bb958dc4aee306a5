"""Seq2seq: the encoder uses valid lengths, the decoder is conditioned, beam search is exact where it must be."""

import itertools
import math

import pytest
import torch

from seqlib.encoder_decoder import Decoder, Encoder, EncoderDecoder
from seqlib.lm import select_state
from seqlib.seq2seq import (
    ConditionedDecoder,
    Seq2Seq,
    Seq2SeqDecoder,
    Seq2SeqEncoder,
    beam_hypotheses,
    translate_beam,
    translate_greedy,
)

PAD, BOS, EOS = 0, 1, 2


def padded_batch(generator, lengths, vocab_size=9, T=None):
    """Random ids >= 3 in the first lengths[b] places of each row, PAD after; (B, T), (B,)."""
    T = T or max(lengths)
    src = torch.randint(
        3, vocab_size, (len(lengths), T), generator=generator
    )  # (B, T)
    for b, n in enumerate(lengths):
        src[b, n:] = PAD
    return src, torch.tensor(lengths)


@pytest.fixture
def model():
    torch.manual_seed(0)
    return Seq2Seq(
        Seq2SeqEncoder(9, 5, 8, num_layers=2),
        Seq2SeqDecoder(11, 6, 8, num_layers=2),
    )


@pytest.mark.parametrize("num_layers", [1, 2])
def test_encoder_with_valid_lengths_equals_each_sequence_alone(
    num_layers,
):
    torch.manual_seed(1)
    encoder = Seq2SeqEncoder(9, 5, 7, num_layers=num_layers).eval()
    src, valid = padded_batch(
        torch.Generator().manual_seed(2), [5, 2, 7, 1], T=9
    )
    outputs, state = encoder(src, valid)  # (B, T, H), (B, L, H)
    assert outputs.shape == (4, 9, 7) and state.shape == (
        4,
        num_layers,
        7,
    )
    for b, n in enumerate(valid.tolist()):
        alone_out, alone_state = encoder(
            src[b : b + 1, :n], valid[b : b + 1]
        )  # (1, n, H), (1, L, H)
        torch.testing.assert_close(state[b], alone_state[0])
        torch.testing.assert_close(outputs[b, :n], alone_out[0])
        assert not outputs[b, n:].any()  # padded steps give zeros
        # the top layer's final state is the output at the last real token
        torch.testing.assert_close(state[b, -1], outputs[b, n - 1])


def test_ignoring_valid_lengths_reads_the_padding():
    torch.manual_seed(1)
    encoder = Seq2SeqEncoder(9, 5, 7)
    d2l = Seq2SeqEncoder(9, 5, 7, ignore_valid_len=True)
    d2l.load_state_dict(encoder.state_dict())
    src, valid = padded_batch(
        torch.Generator().manual_seed(3), [3, 3], T=3
    )
    more_padding = torch.cat(
        [src, torch.full((2, 4), PAD)], dim=1
    )  # (2, 7): same sentences
    torch.testing.assert_close(
        encoder(src, valid)[1], encoder(more_padding, valid)[1]
    )
    assert not torch.allclose(
        d2l(src, valid)[1], d2l(more_padding, valid)[1]
    )
    torch.testing.assert_close(
        d2l(src, valid)[1], encoder(src, valid)[1]
    )  # no padding: the same


def test_decoder_state_contract_and_teacher_forcing_equals_step_by_step(
    model,
):
    model.eval()
    src, valid = padded_batch(torch.Generator().manual_seed(4), [4, 2, 3])
    dec_input = torch.randint(
        3, 11, (3, 5), generator=torch.Generator().manual_seed(5)
    )  # (B, T')
    enc_outputs, enc_state = model.encoder(src, valid)
    context, hidden = model.decoder.init_state(
        enc_outputs, enc_state, valid
    )
    assert context.shape == (3, 8) and hidden.shape == (3, 2, 8)
    torch.testing.assert_close(context, enc_state[:, -1])
    logits, _ = model.decoder(dec_input, (context, hidden))  # (B, T', V)
    state, steps = (context, hidden), []
    for t in range(5):
        step_logits, state = model.decoder(
            dec_input[:, t : t + 1], state
        )  # (B, 1, V)
        steps.append(step_logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), logits)
    torch.testing.assert_close(model(src, valid, dec_input), logits)
    # the state is batch first: selecting rows of it equals running those rows alone
    picked = select_state((context, hidden), torch.tensor([2, 0]))
    torch.testing.assert_close(
        model.decoder(dec_input[[2, 0]], picked)[0], logits[[2, 0]]
    )


def test_classes_implement_the_encoder_decoder_interface(model):
    assert isinstance(model, EncoderDecoder)
    assert isinstance(model.encoder, Encoder) and isinstance(
        model.decoder, Decoder
    )


def test_greedy_equals_beam_size_one(model):
    src, valid = padded_batch(
        torch.Generator().manual_seed(6), [4, 2, 5, 1, 3]
    )
    greedy = translate_greedy(model, src, valid, BOS, EOS, max_len=7)
    beam = translate_beam(
        model,
        src,
        valid,
        BOS,
        EOS,
        max_len=7,
        beam_size=1,
        length_alpha=0.0,
    )
    assert greedy == beam
    assert all(EOS not in out and len(out) <= 7 for out in greedy)


def test_greedy_is_the_argmax_path_and_batching_does_not_matter(model):
    src, valid = padded_batch(torch.Generator().manual_seed(7), [4, 2, 5])
    batch = translate_greedy(model, src, valid, BOS, EOS, max_len=6)
    for b in range(3):
        alone = translate_greedy(
            model,
            src[b : b + 1, : valid[b]],
            valid[b : b + 1],
            BOS,
            EOS,
            max_len=6,
        )
        assert alone[0] == batch[b]
    lm = ConditionedDecoder(model, src[:1], valid[:1]).eval()
    tokens, state, out = torch.tensor([[BOS]]), None, []
    with torch.no_grad():
        for _ in range(6):
            logits, state = lm(tokens, state)  # (1, 1, V)
            tokens = logits[:, -1].argmax(-1, keepdim=True)  # (1, 1)
            if tokens.item() == EOS:
                break
            out.append(tokens.item())
    assert out == batch[0]


class TableEncoder(Encoder):
    """Encodes nothing: a dummy batch-first state (B, 1, 1)."""

    def forward(self, src, src_valid_len=None):
        return torch.zeros(src.shape[0], src.shape[1], 1), torch.zeros(
            src.shape[0], 1, 1
        )


class TableDecoder(Decoder):
    """A first-order table: p(next | previous target token) = table[previous]."""

    def __init__(self, table):
        super().__init__()
        self.log_table = torch.log(
            torch.tensor(table, dtype=torch.float64)
        )  # (V, V)

    def init_state(self, enc_outputs, enc_state, src_valid_len=None):
        return enc_state[:, 0]  # (B, 1)

    def forward(self, dec_input, state):  # (K, T') -> (K, T', V)
        return self.log_table[dec_input], state


def exhaustive_best(table, first, max_len, eos, alpha):
    """Best sequence ending in eos within max_len tokens under log p / L**alpha, by enumeration."""
    log_table = torch.log(torch.tensor(table, dtype=torch.float64))
    best, best_score = None, -math.inf
    for length in range(1, max_len + 1):
        for body in itertools.product(
            [v for v in range(len(table)) if v != eos], repeat=length - 1
        ):
            tokens, last, lp = [*body, eos], first, 0.0
            for token in tokens:
                lp, last = lp + log_table[last, token].item(), token
            if lp / length**alpha > best_score:
                best, best_score = tokens, lp / length**alpha
    return best, best_score


def viterbi_best(table, first, max_len, eos, alpha):
    """The same optimum as :func:`exhaustive_best`, by dynamic programming (exact for a first-order
    table): for each length, the most probable path of non-eos tokens, then eos."""
    log_table = torch.log(torch.tensor(table, dtype=torch.float64))
    body = [v for v in range(len(table)) if v != eos]
    paths = {
        first: (0.0, [])
    }  # last token -> (best log p, tokens) of bodies of the current length
    best, best_score = None, -math.inf
    for length in range(1, max_len + 1):
        for last, (lp, tokens) in paths.items():
            total = lp + log_table[last, eos].item()
            if total / length**alpha > best_score:
                best, best_score = [*tokens, eos], total / length**alpha
        paths = {
            v: max(
                (
                    (lp + log_table[last, v].item(), [*tokens, v])
                    for last, (lp, tokens) in paths.items()
                ),
                key=lambda pair: pair[0],
            )
            for v in body
        }
    return best, best_score


@pytest.mark.parametrize("seed", range(3))
def test_viterbi_equals_enumeration(seed):
    table = (
        torch.rand(4, 4, generator=torch.Generator().manual_seed(seed))
        + 0.05
    )
    table = (table / table.sum(dim=1, keepdim=True)).tolist()
    for alpha in (0.0, 1.0):
        assert viterbi_best(table, 1, 5, 0, alpha) == exhaustive_best(
            table, 1, 5, 0, alpha
        )


def test_beam_finds_the_best_sequence_that_stopping_early_would_miss():
    # the issue-13 table with eos = 0: [1, 0] finishes first, [2]*11 + [0] wins at alpha = 1
    table = [
        [0.25, 0.25, 0.25, 0.25],
        [0.4, 0.5, 0.06, 0.04],
        [0.02, 0.01, 0.96, 0.01],
        [0.9, 0.04, 0.03, 0.03],
    ]
    model = EncoderDecoder(TableEncoder(), TableDecoder(table))
    src = torch.tensor([[3, 3]])
    best, score = viterbi_best(
        table, 1, 12, eos=0, alpha=1.0
    )  # 3**11 sequences: too many to list
    assert best == [2] * 11 + [0]
    hyps = beam_hypotheses(
        model,
        src,
        torch.tensor([2]),
        bos_id=1,
        eos_id=0,
        max_len=12,
        beam_size=2,
        length_alpha=1.0,
    )[0]
    assert hyps[0].tokens.tolist() == best and hyps[
        0
    ].score == pytest.approx(score)
    assert translate_beam(
        model,
        src,
        torch.tensor([2]),
        1,
        0,
        12,
        beam_size=2,
        length_alpha=1.0,
    ) == [[2] * 11]
    raw = translate_beam(
        model,
        src,
        torch.tensor([2]),
        1,
        0,
        12,
        beam_size=2,
        length_alpha=0.0,
    )
    assert (
        raw == [[]]
    )  # the raw sum prefers stopping at once: log 0.4 beats any longer sequence


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("alpha", [0.0, 0.75, 1.5])
def test_wide_beam_equals_exhaustive_search(seed, alpha):
    V, max_len = 4, 4
    table = (
        torch.rand(V, V, generator=torch.Generator().manual_seed(seed))
        + 0.05
    )
    table = (table / table.sum(dim=1, keepdim=True)).tolist()
    model = EncoderDecoder(TableEncoder(), TableDecoder(table))
    best, score = exhaustive_best(table, 1, max_len, eos=0, alpha=alpha)
    hyps = beam_hypotheses(
        model,
        torch.tensor([[3]]),
        torch.tensor([1]),
        bos_id=1,
        eos_id=0,
        max_len=max_len,
        beam_size=V**max_len,
        length_alpha=alpha,
    )[0]
    assert hyps[0].tokens.tolist() == best
    assert hyps[0].score == pytest.approx(score, rel=1e-6)


def test_beam_scores_are_the_model_log_probabilities(model):
    src, valid = padded_batch(torch.Generator().manual_seed(8), [3, 5])
    for b, hyps in enumerate(
        beam_hypotheses(
            model, src, valid, BOS, EOS, max_len=5, beam_size=3
        )
    ):
        for hyp in hyps:
            dec_input = torch.tensor(
                [[BOS, *hyp.tokens.tolist()[:-1]]]
            )  # (1, L)
            model.eval()
            with torch.no_grad():
                logits = model(
                    src[b : b + 1], valid[b : b + 1], dec_input
                )  # (1, L, V)
            lp = (
                logits.double()
                .log_softmax(-1)[0]
                .gather(1, hyp.tokens[:, None])
                .sum()
                .item()
            )
            assert hyp.log_prob == pytest.approx(lp, abs=1e-5)
            assert hyp.score == pytest.approx(
                hyp.log_prob / len(hyp.tokens) ** 0.75
            )


def test_decoding_restores_training_mode(model):
    model.train()
    src, valid = padded_batch(torch.Generator().manual_seed(9), [2, 3])
    translate_greedy(model, src, valid, BOS, EOS, 3)
    translate_beam(model, src, valid, BOS, EOS, 3)
    assert model.training


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m, s, v: m.encoder(s.float(), v), "src must be a"),
        (lambda m, s, v: m.encoder(s, v[:1]), "src_valid_len must be a"),
        (
            lambda m, s, v: m.encoder(s, torch.tensor([0, 2])),
            "src_valid_len must be lengths in",
        ),
        (
            lambda m, s, v: translate_greedy(m, s, None, BOS, EOS, 3),
            "src_valid_len must be a",
        ),
        (
            lambda m, s, v: m.encoder(s, torch.tensor([2, 9])),
            "src_valid_len must be lengths in",
        ),
        (
            lambda m, s, v: translate_greedy(
                m, s, v, BOS, EOS, max_len=0
            ),
            "max_len",
        ),
        (
            lambda m, s, v: translate_beam(
                m, s, v, BOS, EOS, 3, beam_size=0
            ),
            "beam_size",
        ),
        (
            lambda m, s, v: translate_beam(
                m, s, v, BOS, EOS, 3, length_alpha=-1.0
            ),
            "length_alpha",
        ),
        (lambda m, s, v: ConditionedDecoder(m, s, v), "one sentence"),
        (
            lambda m, s, v: m.decoder.init_state(
                None, torch.zeros(2, 8), None
            ),
            "enc_state must be",
        ),
        (lambda m, s, v: Seq2SeqEncoder(0, 4, 4), "vocab_size"),
        (lambda m, s, v: Seq2SeqDecoder(5, 4, 4, dropout=1.0), "dropout"),
    ],
)
def test_errors_name_the_parameter(model, call, message):
    src, valid = padded_batch(torch.Generator().manual_seed(10), [3, 2])
    with pytest.raises(ValueError, match=message):
        call(model, src, valid)


def test_model_must_be_an_encoder_decoder():
    with pytest.raises(TypeError, match="model must be"):
        translate_greedy(
            Seq2SeqEncoder(9, 4, 8),
            torch.ones(1, 2, dtype=torch.long),
            torch.tensor([2]),
            BOS,
            EOS,
            3,
        )


def test_encoder_decoder_sizes_must_match():
    model = Seq2Seq(Seq2SeqEncoder(9, 4, 8), Seq2SeqDecoder(9, 4, 6))
    src, valid = padded_batch(torch.Generator().manual_seed(11), [3, 2])
    with pytest.raises(ValueError, match="enc_state must be"):
        model(src, valid, torch.ones(2, 3, dtype=torch.long))
