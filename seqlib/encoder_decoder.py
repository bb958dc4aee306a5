r"""The encoder–decoder interface, and the masked loss it is trained with.

A translation model reads a source sentence of one length and writes a
target sentence of another. The encoder–decoder (D2L §10.6; Sutskever
et al. 2014; Cho et al. 2014) splits it in two:

.. math::

    (o_1..o_T,\ s) = \text{encoder}(x_1..x_T), \qquad
    \text{state}_0 = \text{init\_state}(o, s, \text{valid\_len}),

    \text{logits}_{t'},\ \text{state}_{t'}
    = \text{decoder}(y_{t'-1}, \text{state}_{t'-1})

Shapes (every state **batch first**: dimension 0 is the sentence)::

    Encoder.forward(src (B, T), src_valid_len (B,))
        -> outputs (B, T, H), state
    Decoder.init_state(enc_outputs, enc_state, src_valid_len) -> state
    Decoder.forward(dec_input (B, T'), state)
        -> logits (B, T', V), state
    EncoderDecoder.forward(src, src_valid_len, dec_input) -> logits

A batch-first state, like :class:`seqlib.lm.RNNLM`'s, lets
:func:`seqlib.lm.select_state` reorder it for beam search whatever is
inside. Unlike D2L's, the encoder receives ``src_valid_len``: an encoder
that ignores it reads ``<pad>`` steps after ``<eos>`` and hands the
decoder a state that depends on how much padding the batch needed.

The loss counts real target tokens only (D2L's ``MaskedSoftmaxCELoss``
rule: ``<eos>`` included, ``<pad>`` never):

.. math::

    \mathcal L = \frac{\sum_{i,t} m_{it}\,\ell_{it}}{\sum_{i,t} m_{it}},
    \quad \ell_{it} = -\log \operatorname{softmax}(o_{it})_{y_{it}},
    \quad m_{it} = \mathbb 1[y_{it} \ne \texttt{<pad>}]

>>> logits = torch.zeros(1, 3, 4)  # uniform over 4 tokens
>>> labels = torch.tensor([[2, 1, 0]])  # pad_id = 0: two real tokens
>>> loss = masked_cross_entropy(logits, labels, pad_id=0)
>>> round(loss.item(), 4), count_tokens(labels, 0)
(1.3863, 2)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate

__all__ = [
    "Encoder", "Decoder", "EncoderDecoder", "sequence_mask",
    "masked_cross_entropy", "count_tokens", "REDUCTIONS",
]  # fmt: skip

REDUCTIONS = ("mean", "sum", "none")


def _ids(x, name: str, ndim: int) -> None:
    if not isinstance(x, torch.Tensor):
        kind = type(x).__name__
        raise TypeError(f"{name} must be a LongTensor, got {kind}")
    if x.dtype != torch.long:
        raise ValueError(f"{name} must be int64 ids, got {x.dtype}")
    if x.dim() != ndim:
        want = "(B, T)" if ndim == 2 else "(B,)"
        got = tuple(x.shape)
        raise ValueError(f"{name} must be {want}, got shape {got}")


def _check_batch(src, src_valid_len, dec_input=None) -> None:
    _ids(src, "src", 2)
    _ids(src_valid_len, "src_valid_len", 1)
    (B, T), n = src.shape, src_valid_len
    if n.shape[0] != B:
        raise ValueError(
            f"src_valid_len must have one length per source row ({B}), "
            f"got {n.shape[0]}"
        )
    if n.numel() and not bool(((n >= 1) & (n <= T)).all()):
        raise ValueError(
            f"src_valid_len must be in 1..{T} (src has T = {T} steps), "
            f"got {n.min().item()}..{n.max().item()}"
        )
    if dec_input is not None:
        _ids(dec_input, "dec_input", 2)
        if dec_input.shape[0] != B:
            raise ValueError(
                f"dec_input must have as many rows as src ({B}), "
                f"got {dec_input.shape[0]}"
            )


class Encoder(nn.Module):
    """Base class: ``forward(src (B, T) int64, src_valid_len (B,))
    -> (outputs (B, T, H), state)``.

    ``outputs[:, t]`` encodes source step ``t``; steps at or after
    ``src_valid_len`` are padding and must not leak into ``state``,
    which is batch first.
    """

    def forward(self, src: torch.Tensor, src_valid_len: torch.Tensor):
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} must implement forward(src, src_valid_len)"
        )


class Decoder(nn.Module):
    """Base class: ``init_state(enc_outputs, enc_state, src_valid_len)
    -> state`` and ``forward(dec_input (B, T') int64, state) ->
    (logits (B, T', V), state)``, the state batch first.

    ``logits[:, t]`` scores the token that follows ``dec_input[:, t]``;
    feeding the returned state back with the next token continues the
    same sentence (greedy and beam decoding).
    """

    def init_state(self, enc_outputs, enc_state, src_valid_len):
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} must implement "
            "init_state(enc_outputs, enc_state, src_valid_len)"
        )

    def forward(self, dec_input: torch.Tensor, state):
        name = type(self).__name__
        raise NotImplementedError(
            f"{name} must implement forward(dec_input, state)"
        )


class EncoderDecoder(nn.Module):
    """Encode, initialise the decoder's state, decode (teacher forcing).

    ``forward(src (B, T), src_valid_len (B,), dec_input (B, T')) ->
    logits (B, T', V)``; :meth:`init_decoder_state` stops before
    decoding (what greedy and beam search start from).

    >>> class Toy(Encoder):
    ...     def forward(self, src, src_valid_len):
    ...         outputs = src.float().unsqueeze(-1)  # (B, T, 1)
    ...         return outputs, src_valid_len.float().unsqueeze(-1)
    >>> class Count(Decoder):
    ...     def init_state(self, enc_outputs, enc_state, src_valid_len):
    ...         return enc_state  # (B, 1): the source length
    ...     def forward(self, dec_input, state):
    ...         logits = state.unsqueeze(1).expand(*dec_input.shape, 1)
    ...         return logits, state  # (B, T', 1), (B, 1)
    >>> model = EncoderDecoder(Toy(), Count())
    >>> src, n = torch.tensor([[5, 6, 0]]), torch.tensor([2])
    >>> model(src, n, torch.tensor([[1, 1]])).tolist()
    [[[2.0], [2.0]]]
    """

    def __init__(self, encoder: Encoder, decoder: Decoder):
        super().__init__()
        for part in (encoder, decoder):
            if not isinstance(part, nn.Module):
                raise TypeError(
                    "encoder and decoder must be torch.nn.Modules, got "
                    f"{type(encoder).__name__} and "
                    f"{type(decoder).__name__}"
                )
        self.encoder, self.decoder = encoder, decoder

    def init_decoder_state(self, src, src_valid_len):
        """Run the encoder; return the decoder's first (batch-first) state."""
        _check_batch(src, src_valid_len)
        enc_outputs, enc_state = self.encoder(src, src_valid_len)
        return self.decoder.init_state(
            enc_outputs, enc_state, src_valid_len
        )

    def forward(self, src, src_valid_len, dec_input) -> torch.Tensor:
        _check_batch(src, src_valid_len, dec_input)
        state = self.init_decoder_state(src, src_valid_len)
        logits, _ = self.decoder(dec_input, state)  # (B, T', V)
        return logits


def sequence_mask(valid_len: torch.Tensor, max_len: int) -> torch.Tensor:
    """``mask[i, t] = t < valid_len[i]``, a ``(B, max_len)`` bool tensor
    (D2L's ``sequence_mask``).

    >>> sequence_mask(torch.tensor([1, 3]), 4).int().tolist()
    [[1, 0, 0, 0], [1, 1, 1, 0]]
    """
    _ids(valid_len, "valid_len", 1)
    validate.integer(max_len, "max_len", minimum=0)
    steps = torch.arange(max_len, device=valid_len.device)  # (max_len,)
    return steps < valid_len.unsqueeze(1)  # (B, max_len)


def _check_loss_args(logits, labels, pad_id) -> None:
    is_tensor = isinstance(logits, torch.Tensor)
    if not (
        is_tensor and logits.dtype.is_floating_point and logits.dim() == 3
    ):
        got = tuple(logits.shape) if is_tensor else type(logits).__name__
        raise ValueError(
            f"logits must be a float tensor (B, T, V), got {got}"
        )
    _ids(labels, "labels", 2)
    B, T, V = logits.shape
    if tuple(labels.shape) != (B, T):
        raise ValueError(
            f"labels must be (B, T) = {(B, T)} to match logits (B, T, V) "
            f"= {(B, T, V)}, got {tuple(labels.shape)}"
        )
    validate.integer(pad_id, "pad_id", minimum=0, maximum=V - 1)


def count_tokens(labels: torch.Tensor, pad_id: int) -> int:
    """The number of non-padding labels: the ``"mean"`` loss's denominator.

    >>> count_tokens(torch.tensor([[4, 1, 2], [3, 2, 2]]), pad_id=2)
    3
    """
    _ids(labels, "labels", 2)
    validate.integer(pad_id, "pad_id", minimum=0)
    return int((labels != pad_id).sum())


def masked_cross_entropy(
    logits: torch.Tensor,
    labels: torch.Tensor,
    pad_id: int,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""Per-token cross-entropy in nats, padding never counted.

    ``logits`` ``(B, T, V)`` float; ``labels`` ``(B, T)`` int64, with
    ``pad_id`` at padding. ``reduction="mean"`` divides the sum by the
    number of non-pad labels (:func:`count_tokens`; D2L's rule, equal to
    ``F.cross_entropy(..., ignore_index=pad_id)``); ``"sum"`` returns
    the sum (add sums over batches, divide by the total count: the exact
    corpus mean); ``"none"`` the ``(B, T)`` losses, zero at padding.

    Raises ``ValueError`` for wrong shapes or dtypes, ``pad_id`` outside
    ``[0, V)``, or ``"mean"`` over labels that are all padding.

    >>> logits = torch.tensor([[[2.0, 0.0], [0.0, 0.0]]])  # (1, 2, 2)
    >>> labels = torch.tensor([[0, 1]])  # pad_id = 1
    >>> masked_cross_entropy(logits, labels, 1, reduction="none")
    tensor([[0.1269, 0.0000]])
    """
    _check_loss_args(logits, labels, pad_id)
    validate.choice(reduction, "reduction", REDUCTIONS)
    mask = labels != pad_id  # (B, T)
    safe = labels.masked_fill(~mask, 0)  # (B, T) any valid id at padding
    flat = logits.transpose(1, 2)  # (B, V, T): F.cross_entropy's layout
    per_token = F.cross_entropy(flat, safe, reduction="none")  # (B, T)
    per_token = per_token.masked_fill(~mask, 0.0)  # whatever its logits
    if reduction == "none":
        return per_token
    total = per_token.sum()
    if reduction == "sum":
        return total
    count = int(mask.sum())
    if count == 0:
        raise ValueError(
            "labels are all padding (pad_id everywhere): a mean over "
            "zero tokens is undefined"
        )
    return total / count
