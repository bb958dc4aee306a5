r"""Perplexity is compression: an arithmetic (range) coder driven by a language model.

A model that gives the next token probability :math:`p_t = p(x_t \mid x_{<t})` lets a range
coder write the text in

.. math::  \text{bits} \approx \sum_t -\log_2 p_t = \frac{\text{total NLL in nats}}{\ln 2},

plus the final flush (about one to two 32-bit words; it can exceed one word) and a
negligible per-symbol cost for the coder's fixed-point (24-bit) rounding of the
probabilities. So bits per character *is* the size of a file, not a metaphor.

Two rules make such a coder correct, both kept here:

1. **The decoder must see exactly the probabilities the encoder used**, bit for bit: a
   difference in the last bit of one float can send the decoder down another path. So the
   encoder and the decoder call one function, :func:`_next_probabilities`, on the same
   inputs (the previous token, shape ``(1, 1)``, and the state), in the same order;
   ``constriction`` then turns those float64 probabilities into integer frequencies
   (fixed point, 24 bits, every symbol at least one count so that nothing is impossible)
   the same way on both sides.
2. **A model that adapts while it reads (dynamic evaluation) must adapt identically on both
   sides.** The decoder knows a segment only after decoding it, so the update uses the
   segment *after* it has been coded: :class:`~seqlib.dynamic_eval.DynamicEval` takes one gradient step on each
   segment of ``segment`` tokens once it is coded (Krause et al. 2018), and the decoder takes
   the same step after decoding the same segment.

The coder is ``constriction``'s range coder (Bamler 2022), a ``queue``: first in, first out.
Sources: Witten, Neal & Cleary (1987) for arithmetic coding; Krause, Kahembwe, Murray &
Renals (2018), "Dynamic evaluation of neural sequence models", for dynamic evaluation.

>>> from seqlib.models import RNNScratch, RNNLM
>>> _ = torch.manual_seed(0)
>>> model = RNNLM(RNNScratch(6, 8), vocab_size=6)
>>> ids = torch.tensor([1, 2, 3, 1, 2, 3, 4, 5, 0, 1])
>>> code = encode(model, ids[2:], context=ids[:2])
>>> decode(model, code, context=ids[:2]).tolist() == ids[2:].tolist()
True
>>> abs(code.num_bits - code.nll_bits) < 64        # the file is the NLL, within a flush
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import constriction
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate
from seqlib.dynamic_eval import DynamicEval, gradient_rms
from seqlib.lm import evaluating

__all__ = [
    "Code",
    "DecodeError",
    "DynamicEval",  # from seqlib.dynamic_eval, with gradient_rms, for the coder's users
    "conditional_bits",
    "decode",
    "encode",
    "gradient_rms",
    "nll_bits",
]


@dataclass(frozen=True)
class Code:
    """An encoded text: the coder's 32-bit words and what the decoder needs besides them.

    ``num_bits`` is the file size (32 bits per word); ``nll_bits`` the model's total NLL of
    the coded tokens in bits, :math:`\\sum_t -\\log_2 p_t`, summed in float64 from the
    probabilities the coder was given, *before* its 24-bit quantisation (so the file also
    pays the small rounding cost).
    """

    words: np.ndarray  # (n_words,) uint32
    num_symbols: int
    nll_bits: float

    @property
    def num_bits(self) -> int:
        return 32 * len(self.words)


class DecodeError(ValueError):
    """The file is not a valid code under this model (a model, context or update that differs).

    ``position`` is the index of the symbol the decoder could not read; ``decoded`` the
    ``(position,)`` tokens it had read before (which may already be wrong).
    """

    def __init__(self, position: int, decoded: torch.Tensor):
        super().__init__(
            f"the code does not decode under this model at symbol {position}: "
            "decode with the model, context and adapt the encoder used"
        )
        self.position, self.decoded = position, decoded


def _check(model, ids, context, adapt):
    validate.module(model)
    if adapt is not None and not isinstance(adapt, DynamicEval):
        raise TypeError(
            f"adapt must be None or a DynamicEval, got {type(adapt).__name__}"
        )
    if adapt is not None and adapt.model is not model:
        raise ValueError("adapt must be a DynamicEval of the same model")
    vocab_size = model.vocab_size
    context = (
        None
        if context is None
        else validate.token_ids(
            context, "context", vocab_size=vocab_size, min_len=1
        )
    )
    ids = (
        None
        if ids is None
        else validate.token_ids(
            ids, "ids", vocab_size=vocab_size, min_len=1
        )
    )
    return ids, context, vocab_size


def _warm_up(model, context):
    """State after reading all of ``context`` but its last token, and that last token ``(1, 1)``."""
    if context is None:
        return None, None
    state = None
    if len(context) > 1:
        _, state = model(context[:-1].view(1, -1), None)  # (1, n-1, V)
    return state, context[-1:].view(1, 1)


def _next_probabilities(model, previous, state, vocab_size):
    """The one function both sides call: float64 probabilities ``(V,)`` of the next token, and the new state."""
    if previous is None:  # nothing read yet: the uniform distribution
        return np.full(vocab_size, 1.0 / vocab_size), state
    logits, state = model(previous, state)  # (1, 1, V)
    log_p = F.log_softmax(logits[0, 0].double(), dim=-1)  # (V,) float64
    return log_p.exp().numpy(), state


def _run(
    model,
    context,
    adapt,
    vocab_size,
    num_symbols,
    code_one: Callable[[np.ndarray, int], int],
):
    """Walk the text once, token by token; ``code_one(probs, t)`` encodes or decodes token t."""
    family = constriction.stream.model.Categorical(perfect=False)
    out, nll_bits = [], 0.0
    with evaluating(model):
        state, previous = _warm_up(model, context)
        seg_state, seg_first = state, previous
        for t in range(num_symbols):
            probs, state = _next_probabilities(
                model, previous, state, vocab_size
            )  # (V,)
            token = code_one(family, probs, t)
            nll_bits -= math.log2(probs[token])
            out.append(token)
            previous = torch.tensor([[token]])  # (1, 1)
            if adapt is not None and (
                len(out) % adapt.segment == 0 or t == num_symbols - 1
            ):
                n = len(out) % adapt.segment or adapt.segment
                segment = torch.tensor(
                    out[-n:]
                )  # (n,) the tokens just coded
                if (
                    seg_first is not None
                ):  # inputs: the token before each target
                    adapt.loss_and_step(
                        torch.cat([seg_first[0], segment[:-1]]),
                        segment,
                        seg_state,
                    )
                elif (
                    n > 1
                ):  # no context: the first token has no input to learn from
                    adapt.loss_and_step(segment[:-1], segment[1:], None)
                seg_state, seg_first = state, previous
    return out, nll_bits


def encode(
    model: nn.Module, ids, context=None, adapt: DynamicEval | None = None
) -> Code:
    """Range-code ``ids`` ``(N,)`` with ``model``'s next-token probabilities, after reading ``context``.

    ``context`` ``(n,)`` (e.g. the end of the training text) sets the state the first
    token is predicted from; without it the first token is coded as uniform. With
    ``adapt`` (a :class:`DynamicEval` of ``model``), the model is updated after every
    segment, **changing it in place**: call ``adapt.reset()`` before decoding.
    Returns a :class:`Code`. Raises ``ValueError`` for ids outside ``[0, V)``.
    """
    ids, context, vocab_size = _check(model, ids, context, adapt)
    encoder = constriction.stream.queue.RangeEncoder()
    tokens = ids.tolist()

    def encode_one(family, probs, t):
        encoder.encode(
            np.array([tokens[t]], dtype=np.int32), family, probs[None, :]
        )
        return tokens[t]

    _, nll = _run(
        model, context, adapt, vocab_size, len(tokens), encode_one
    )
    return Code(encoder.get_compressed(), len(tokens), nll)


def decode(
    model: nn.Module,
    code: Code,
    context=None,
    adapt: DynamicEval | None = None,
) -> torch.Tensor:
    """Invert :func:`encode`: the ``(N,)`` token ids, given the same model state, ``context`` and ``adapt``."""
    if not isinstance(code, Code):
        raise TypeError(
            f"code must be a Code (what encode returns), got {type(code).__name__}"
        )
    _, context, vocab_size = _check(model, None, context, adapt)
    decoder = constriction.stream.queue.RangeDecoder(code.words)

    decoded = []

    def decode_one(family, probs, t):
        try:
            token = int(decoder.decode(family, probs[None, :])[0])
        except (
            AssertionError
        ) as err:  # constriction: the words are not a valid code here
            raise DecodeError(
                t, torch.tensor(decoded, dtype=torch.long)
            ) from err
        decoded.append(token)
        return token

    out, _ = _run(
        model, context, adapt, vocab_size, code.num_symbols, decode_one
    )
    return torch.tensor(out, dtype=torch.long)


def nll_bits(
    model: nn.Module, ids, context=None, adapt: DynamicEval | None = None
) -> float:
    """Total NLL in bits of ``ids`` ``(N,)`` after ``context``, static or (with ``adapt``) dynamic; no coder.

    The same quantity :func:`encode` reports as ``nll_bits`` (up to float rounding:
    batched and stepwise passes differ in the last bits), computed segment by segment in
    one batched pass per segment (fast): with ``adapt``, each segment is scored *before*
    the step on it. Without ``context`` the first token costs :math:`\\log_2 V` bits.
    The model is changed in place when ``adapt`` is given.
    """
    ids, context, vocab_size = _check(model, ids, context, adapt)
    segment = len(ids) if adapt is None else adapt.segment
    total, first = 0.0, 0
    with evaluating(model):
        state, previous = _warm_up(model, context)
        if (
            previous is None
        ):  # the first token is coded as uniform, and is the only input of step 1
            total, previous, first = (
                math.log(vocab_size),
                ids[:1].view(1, 1),
                1,
            )
        for start in range(
            0, len(ids), segment
        ):  # the segments encode() adapts on
            targets = ids[max(start, first) : start + segment]  # (n,)
            if len(targets) == 0:
                continue
            inputs = torch.cat([previous[0], targets[:-1]])  # (n,)
            if adapt is None:
                logits, state = model(
                    inputs.view(1, -1), state
                )  # (1, n, V)
                total += float(
                    F.cross_entropy(
                        logits[0].double(), targets, reduction="sum"
                    )
                )
            else:
                nll, state = adapt.loss_and_step(inputs, targets, state)
                total += nll
            previous = targets[-1:].view(1, 1)
    return total / math.log(2)


def conditional_bits(
    compress: Callable[[bytes], bytes], context: bytes, text: bytes
) -> int:
    """Bits a compressor spends on ``text`` given ``context``: ``8 (|C(context + text)| - |C(context)|)``.

    A fair comparison with a model trained on ``context``: the compressor reads the same
    training text first, provided its window holds it (zlib's is 32 KiB, so it sees
    only the last 32,768 bytes of a longer ``context``; bzip2's 900 kB blocks, xz and
    PPMd with a large ``mem_size`` see more). Can be (slightly) negative for a tiny ``text``.

    >>> import zlib
    >>> conditional_bits(lambda b: zlib.compress(b, 9), b"abc" * 100, b"abc" * 10) < 8 * 30
    True
    """
    validate.function(compress, "compress")
    for name, value in (("context", context), ("text", text)):
        if not isinstance(value, (bytes, bytearray)):
            raise TypeError(
                f"{name} must be bytes, got {type(value).__name__}"
            )
    return 8 * (
        len(compress(bytes(context) + bytes(text)))
        - len(compress(bytes(context)))
    )
