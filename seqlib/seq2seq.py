r"""A GRU encoder-decoder for sequence-to-sequence learning, and how to translate with it.

The model of Sutskever et al. (2014) and Cho et al. (2014), as D2L §10.7 builds it:

.. math::

    h_t = \mathrm{GRU}_{enc}(E_{src}[x_t], h_{t-1}), \qquad c = h_{T_b}
    \quad\text{(the state at sequence } b\text{'s last real token)},

    s_0 = h_{T_b}, \qquad s_{t'} = \mathrm{GRU}_{dec}([E_{tgt}[y_{t'-1}]; c], s_{t'-1}),
    \qquad p(y_{t'} \mid y_{<t'}, x) = \mathrm{softmax}(s_{t'} W + b).

The decoder starts from the encoder's final state (Sutskever) *and* reads the context
:math:`c` beside every input embedding (Cho), as D2L's code does. Unlike D2L's encoder,
:class:`Seq2SeqEncoder` uses the valid lengths: the final state of a padded sequence is the
state after its last real token, not after the ``<pad>`` steps that follow it (D2L's encoder
reads the padding too; ``ignore_valid_len=True`` reproduces that).

Shapes, batch first everywhere: ``src`` ``(B, T)``, ``src_valid_len`` ``(B,)``, encoder outputs
``(B, T, H)``, encoder state ``(B, num_layers, H)``; the decoder state is the pair ``(context (B, H),
hidden (B, num_layers, H))``, so :func:`seqlib.lm.select_state` reorders it along the batch for beam search.

Decoding: :func:`translate_greedy` (batched argmax) and :func:`translate_beam`, which runs
:func:`seqlib.decode.beam_search` (score :math:`\log p / L^\alpha`, stopping only when no live
hypothesis can beat the worst finished one) on one source sentence at a time through
:class:`ConditionedDecoder`, an adapter that makes the decoder look like a language model.

>>> _ = torch.manual_seed(0)
>>> model = Seq2Seq(Seq2SeqEncoder(7, 4, 8), Seq2SeqDecoder(9, 4, 8))
>>> src, valid = torch.tensor([[3, 4, 5], [3, 1, 1]]), torch.tensor([3, 1])
>>> logits = model(src, valid, torch.tensor([[1, 5], [1, 6]]))  # (B, T', V) = (2, 2, 9)
>>> tuple(logits.shape), len(translate_greedy(model, src, valid, bos_id=1, eos_id=2, max_len=4))
((2, 2, 9), 2)
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqlib import validate
from seqlib.decode import Beam, beam_search
from seqlib.encoder_decoder import Decoder, Encoder, EncoderDecoder
from seqlib.lm import evaluating, select_state

__all__ = [
    "ConditionedDecoder",
    "Seq2Seq",
    "Seq2SeqDecoder",
    "Seq2SeqEncoder",
    "beam_hypotheses",
    "translate_beam",
    "translate_greedy",
]


def _check_model(model) -> None:
    if not isinstance(model, EncoderDecoder):
        raise TypeError(
            f"model must be a seqlib.encoder_decoder.EncoderDecoder, got {type(model).__name__}"
        )


def _check_src(src, src_valid_len, optional: bool = True):
    """``src`` (B, T) int64 and ``src_valid_len`` (B,) int64 in ``[1, T]`` (None if ``optional``)."""
    src = torch.as_tensor(src)
    if src.dim() != 2 or src.dtype != torch.long:
        raise ValueError(
            f"src must be a (B, T) int64 tensor of token ids, got shape {tuple(src.shape)} "
            f"and dtype {src.dtype}"
        )
    if src_valid_len is None:
        if not optional:
            raise ValueError(
                "src_valid_len must be a (B,) int64 tensor of source lengths, got None"
            )
        return src, None
    src_valid_len = torch.as_tensor(src_valid_len)
    if (
        src_valid_len.shape != (src.shape[0],)
        or src_valid_len.dtype != torch.long
    ):
        raise ValueError(
            f"src_valid_len must be a ({src.shape[0]},) int64 tensor (one length per row "
            f"of src), got shape {tuple(src_valid_len.shape)} and dtype {src_valid_len.dtype}"
        )
    if src_valid_len.numel() and not (
        1 <= int(src_valid_len.min())
        and int(src_valid_len.max()) <= src.shape[1]
    ):
        raise ValueError(
            f"src_valid_len must be lengths in [1, {src.shape[1]}] (T = src.shape[1]), got "
            f"{int(src_valid_len.min())}..{int(src_valid_len.max())}"
        )
    return src, src_valid_len


def _check_sizes(
    vocab_size, embed_size, num_hiddens, num_layers, dropout
) -> None:
    """The encoder's and decoder's sizes are >= 1 and dropout is in [0, 1)."""
    for value, name in (
        (vocab_size, "vocab_size"),
        (embed_size, "embed_size"),
        (num_hiddens, "num_hiddens"),
        (num_layers, "num_layers"),
    ):
        validate.integer(value, name, minimum=1)
    validate.real(dropout, "dropout", low=0, high=1, high_open=True)


class Seq2SeqEncoder(Encoder):
    """Embedding + ``nn.GRU``: ``(src (B, T), src_valid_len (B,)) -> (outputs (B, T, H), state (B, num_layers, H))``.

    With valid lengths the GRU runs on a packed sequence, so each row stops at its last real
    token: ``state[b]`` is the state after token ``src_valid_len[b]`` (equal to running that
    row alone, unpadded) and ``outputs`` are zero at padded steps. ``ignore_valid_len=True``
    runs over the padding, as D2L's encoder does.

    Args:
        vocab_size: source vocabulary size. embed_size: E. num_hiddens: H. num_layers: GRU layers.
        dropout: between GRU layers (``num_layers > 1`` only). ignore_valid_len: D2L's behaviour.

    Raises ``ValueError`` for sizes < 1, ``dropout`` outside ``[0, 1)``, ``src`` that is not a
    ``(B, T)`` int64 tensor, or ``src_valid_len`` that is not ``(B,)`` int64 in ``[1, T]``.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_size: int,
        num_hiddens: int,
        num_layers: int = 1,
        dropout: float = 0.0,
        ignore_valid_len: bool = False,
    ):
        super().__init__()
        _check_sizes(
            vocab_size, embed_size, num_hiddens, num_layers, dropout
        )
        self.num_hiddens, self.num_layers, self.ignore_valid_len = (
            num_hiddens,
            num_layers,
            ignore_valid_len,
        )
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(
            embed_size,
            num_hiddens,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )

    def forward(self, src, src_valid_len=None):
        src, src_valid_len = _check_src(
            src, src_valid_len
        )  # (B, T), (B,)
        emb = self.embedding(src)  # (B, T, E)
        if src_valid_len is None or self.ignore_valid_len:
            outputs, h = self.rnn(
                emb
            )  # (B, T, H), (num_layers, B, H): the last step may be <pad>
        else:
            packed = pack_padded_sequence(
                emb,
                src_valid_len.cpu(),
                batch_first=True,
                enforce_sorted=False,
            )
            outputs, h = self.rnn(
                packed
            )  # h (num_layers, B, H): each row's state after its last real token
            outputs, _ = pad_packed_sequence(
                outputs, batch_first=True, total_length=src.shape[1]
            )  # (B, T, H)
        return outputs, h.transpose(0, 1)  # (B, T, H), (B, num_layers, H)


class Seq2SeqDecoder(Decoder):
    r"""Embedding + ``nn.GRU`` + linear, conditioned on the encoder's final state.

    :meth:`init_state` turns the encoder's ``(outputs, state)`` into the decoder state
    ``(context (B, H), hidden (B, num_layers, H))``: the context is the top layer of the encoder's
    final state, the hidden state starts as the encoder's (so the encoder and decoder need
    the same ``num_hiddens`` and ``num_layers``). :meth:`forward` concatenates the context to
    every input embedding, :math:`[E[y_{t'-1}]; c]`, and returns logits ``(B, T', V)``.

    Raises ``ValueError`` for sizes < 1, ``dropout`` outside ``[0, 1)``, or an ``enc_state``
    that is not ``(B, num_layers, num_hiddens)`` of this decoder.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_size: int,
        num_hiddens: int,
        num_layers: int = 1,
        dropout: float = 0.0,
    ):
        super().__init__()
        _check_sizes(
            vocab_size, embed_size, num_hiddens, num_layers, dropout
        )
        self.num_hiddens, self.num_layers = num_hiddens, num_layers
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(
            embed_size + num_hiddens,
            num_hiddens,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_state, src_valid_len=None):
        if enc_state.dim() != 3 or enc_state.shape[1:] != (
            self.num_layers,
            self.num_hiddens,
        ):
            raise ValueError(
                f"enc_state must be (B, {self.num_layers}, {self.num_hiddens}) (B, num_layers, "
                f"num_hiddens of this decoder), got {tuple(enc_state.shape)}"
            )
        return enc_state[
            :, -1
        ], enc_state  # context (B, H), hidden (B, num_layers, H)

    def forward(self, dec_input, state):
        context, hidden = state  # (B, H), (B, num_layers, H)
        emb = self.embedding(dec_input)  # (B, T', E)
        ctx = context.unsqueeze(1).expand(
            -1, emb.shape[1], -1
        )  # (B, T', H): the same c at every step
        out, h = self.rnn(
            torch.cat([emb, ctx], dim=-1),
            hidden.transpose(0, 1).contiguous(),
        )  # (B, T', H), (num_layers, B, H)
        return self.dense(out), (
            context,
            h.transpose(0, 1),
        )  # (B, T', V), ((B, H), (B, num_layers, H))


class Seq2Seq(EncoderDecoder):
    """:class:`~seqlib.encoder_decoder.EncoderDecoder` of a :class:`Seq2SeqEncoder` and a :class:`Seq2SeqDecoder`."""


class ConditionedDecoder(nn.Module):
    """The decoder of ``model`` conditioned on one source: a language model for :mod:`seqlib.decode`.

    ``forward(tokens (K, T'), state)``: with ``state=None`` it encodes ``src`` ``(1, T)`` once
    and starts from the decoder's initial state, repeated ``K`` times; otherwise it continues
    from ``state``. Returns ``(logits (K, T', V), state)`` like :class:`seqlib.lm.RNNLM`.
    """

    def __init__(
        self,
        model: EncoderDecoder,
        src: torch.Tensor,
        src_valid_len: torch.Tensor,
    ):
        super().__init__()
        _check_model(model)
        src, src_valid_len = _check_src(
            src, src_valid_len, optional=False
        )
        if src.shape[0] != 1:
            raise ValueError(
                f"src must hold one sentence, shape (1, T), got {tuple(src.shape)}"
            )
        self.model, self.src, self.src_valid_len = (
            model,
            src,
            src_valid_len,
        )

    def forward(self, tokens, state=None):
        if state is None:
            state = self.model.init_decoder_state(
                self.src, self.src_valid_len
            )  # for 1 row
            state = select_state(
                state, torch.zeros(tokens.shape[0], dtype=torch.long)
            )  # K copies
        return self.model.decoder(tokens, state)  # (K, T', V), state


def _cut(ids: list[int], eos_id: int) -> list[int]:
    """``ids`` up to (not including) the first ``eos_id``."""
    return ids[: ids.index(eos_id)] if eos_id in ids else ids


def translate_greedy(
    model: EncoderDecoder,
    src,
    src_valid_len,
    bos_id: int,
    eos_id: int,
    max_len: int,
) -> list[list[int]]:
    """Greedy translation of a batch: at each step the most probable token, fed back.

    Returns one list of target ids per row of ``src`` ``(B, T)``, cut before the first
    ``eos_id`` (without it); a row that never emits ``eos_id`` has ``max_len`` tokens. The
    model runs in eval mode without gradients (its mode is restored after).

    Raises ``TypeError`` if ``model`` is not an :class:`~seqlib.encoder_decoder.EncoderDecoder`,
    ``ValueError`` for ``src`` / ``src_valid_len`` as :class:`Seq2SeqEncoder` (here
    ``src_valid_len`` is required), ``max_len < 1`` or negative ids. :func:`translate_beam`
    and :func:`beam_hypotheses` raise the same, and ``beam_size < 1`` or ``length_alpha < 0``.
    """
    _check_model(model)
    src, src_valid_len = _check_src(
        src, src_valid_len, optional=False
    )  # (B, T), (B,)
    validate.integer(max_len, "max_len", minimum=1)
    validate.integer(bos_id, "bos_id", minimum=0)
    validate.integer(eos_id, "eos_id", minimum=0)
    with evaluating(model):
        state = model.init_decoder_state(
            src, src_valid_len
        )  # encode once
        token = torch.full(
            (src.shape[0], 1), bos_id, dtype=torch.long
        )  # (B, 1)
        out = []
        for _ in range(max_len):
            logits, state = model.decoder(token, state)  # (B, 1, V)
            token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
            out.append(token)
            if bool((torch.cat(out, dim=1) == eos_id).any(dim=1).all()):
                break  # every row has finished
    ids = torch.cat(out, dim=1).tolist()  # (B, <= max_len)
    return [_cut(row, eos_id) for row in ids]


def beam_hypotheses(
    model: EncoderDecoder,
    src,
    src_valid_len,
    bos_id: int,
    eos_id: int,
    max_len: int,
    beam_size: int = 4,
    length_alpha: float = 0.75,
) -> list[list[Beam]]:
    r"""For each row of ``src``, the finished hypotheses of :func:`seqlib.decode.beam_search`, best first.

    Each :class:`~seqlib.decode.Beam` holds the new target ids (ending in ``eos_id`` when it
    finished), their total log-probability and the score :math:`\log p / L^{\alpha}`, with
    :math:`L` counting ``eos``. ``length_alpha=0`` ranks by the raw sum; ``beam_size=1`` with
    ``length_alpha=0`` is greedy decoding.
    """
    _check_model(model)
    src, src_valid_len = _check_src(
        src, src_valid_len, optional=False
    )  # (B, T), (B,)
    validate.integer(max_len, "max_len", minimum=1)
    validate.integer(bos_id, "bos_id", minimum=0)
    results = []
    for b in range(src.shape[0]):
        lm = ConditionedDecoder(
            model, src[b : b + 1], src_valid_len[b : b + 1]
        )  # (1, T), (1,)
        results.append(
            beam_search(
                lm,
                [bos_id],
                max_len,
                beam_size=beam_size,
                length_alpha=length_alpha,
                eos=eos_id,
            )
        )
    return results


def translate_beam(
    model: EncoderDecoder,
    src,
    src_valid_len,
    bos_id: int,
    eos_id: int,
    max_len: int,
    beam_size: int = 4,
    length_alpha: float = 0.75,
) -> list[list[int]]:
    r"""Beam-search translation: per row, the best hypothesis by :math:`\log p / L^{\alpha}`, cut before ``eos_id``.

    Dividing by :math:`L^\alpha` (:math:`\alpha` = ``length_alpha``, 0.75 as D2L suggests)
    *favours* longer outputs relative to the raw log-probability sum, which prefers short ones.
    """
    beams = beam_hypotheses(
        model,
        src,
        src_valid_len,
        bos_id,
        eos_id,
        max_len,
        beam_size,
        length_alpha,
    )
    return [_cut(hyps[0].tokens.tolist(), eos_id) for hyps in beams]
