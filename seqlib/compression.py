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
   segment *after* it has been coded: :class:`DynamicEval` takes one gradient step on each
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
from seqlib.lm import evaluating, map_state

__all__ = [
    "Code",
    "DecodeError",
    "DynamicEval",
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


class DynamicEval:
    r"""Dynamic evaluation: after a segment is scored, one gradient step on it.

    Plain (clipped SGD) step, the default:

    .. math::  \theta \leftarrow \theta - \eta\, \mathrm{clip}(\nabla_\theta \ell(s_i))
               + \lambda (\theta_0 - \theta)

    With ``rms`` (Krause et al. 2018's RMS update, their best): every parameter's step is
    divided by that parameter's root-mean-square gradient on the *training* text,
    :math:`r = \sqrt{\overline{g^2}}` (:func:`gradient_rms`), and the pull back is stronger
    where the training gradients were larger:

    .. math::  \theta \leftarrow \theta - \eta\, \frac{\nabla_\theta \ell(s_i)}{r + \epsilon}
               + \lambda \min\!\Big(\frac{r}{\bar r}, \frac{1}{\lambda}\Big) (\theta_0 - \theta)

    with :math:`\bar r` the mean over parameter tensors of each tensor's mean of :math:`r`
    (as in Krause et al.'s ``dynamiceval.py``). Every :math:`\theta` on the right is the
    pre-step value; :math:`\ell(s_i)` is the mean NLL (nats) of segment :math:`s_i`, read
    from the state the model had at its start, without dropout; :math:`\theta_0` are the
    trained parameters. ``lr`` is :math:`\eta`, ``decay`` is :math:`\lambda`, ``segment``
    the number of tokens per segment, ``eps`` is :math:`\epsilon` (Krause et al.'s 2e-5);
    ``clip`` rescales the gradient to norm at most ``clip`` before the step (``None``: never;
    Krause et al. do not clip). Step sizes of the two updates are not comparable: the RMS
    update's good ``lr`` is around 1e-5 to 1e-4, the SGD update's around 0.01 to 0.1.

    It changes ``model`` in place; :meth:`reset` restores :math:`\theta_0`.
    """

    def __init__(
        self,
        model: nn.Module,
        lr: float,
        segment: int = 32,
        decay: float = 0.0,
        clip: float | None = 1.0,
        rms: list[torch.Tensor] | None = None,
        eps: float = 2e-5,
    ):
        if not isinstance(model, nn.Module):
            raise TypeError(
                f"model must be a torch.nn.Module (an RNNLM), got {type(model).__name__}"
            )
        self.model = model
        self.lr = validate.real(lr, "lr", low=0)
        self.segment = validate.integer(segment, "segment", minimum=1)
        self.decay = validate.real(decay, "decay", low=0, high=1)
        self.clip = validate.real(
            clip, "clip", low=0, low_open=True, optional=True
        )
        self.eps = validate.real(eps, "eps", low=0, low_open=True)
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.start = [p.detach().clone() for p in self.params]
        self.rms = None if rms is None else self._check_rms(rms)
        if (
            self.rms is not None
        ):  # lambda min(r / mean r, 1 / lambda), per element
            mean_rms = sum(float(r.mean()) for r in self.rms) / len(
                self.rms
            )
            if mean_rms <= 0:
                raise ValueError(
                    "rms is zero everywhere: the training gradients were all zero"
                )
            self.decay_rates = [
                self.decay * torch.clamp(r / mean_rms, max=1 / self.decay)
                if self.decay
                else torch.zeros_like(r)
                for r in self.rms
            ]

    def _check_rms(self, rms) -> list[torch.Tensor]:
        if not isinstance(rms, (list, tuple)) or len(rms) != len(
            self.params
        ):
            raise ValueError(
                f"rms must be a list of {len(self.params)} tensors, one per trainable "
                "parameter of model (what gradient_rms(model, train_ids) returns)"
            )
        for i, (r, p) in enumerate(zip(rms, self.params, strict=True)):
            if not isinstance(r, torch.Tensor) or r.shape != p.shape:
                raise ValueError(
                    f"rms[{i}] must be a tensor of shape {tuple(p.shape)}, like "
                    f"parameter {i}, got {getattr(r, 'shape', type(r).__name__)}"
                )
            if not bool(torch.isfinite(r).all()) or bool((r < 0).any()):
                raise ValueError(
                    f"rms[{i}] must be finite and >= 0 (a root mean square)"
                )
        return [r.detach().to(p.dtype) for r, p in zip(rms, self.params)]

    def reset(self) -> None:
        """Put back the trained parameters :math:`\\theta_0`."""
        with torch.no_grad():
            for p, p0 in zip(self.params, self.start, strict=True):
                p.copy_(p0)

    def loss_and_step(
        self, inputs: torch.Tensor, targets: torch.Tensor, state
    ):
        """Score, then learn: total NLL (nats, float64) of ``targets`` ``(T,)`` given ``inputs`` ``(T,)``
        from ``state``, and the (detached) state after the segment; then one step on the segment."""
        was_training = self.model.training
        self.model.eval()  # no dropout while adapting
        try:
            with torch.enable_grad():
                state = map_state(torch.Tensor.detach, state)
                logits, end_state = self.model(
                    inputs.view(1, -1), state
                )  # (1, T, V)
                nll = F.cross_entropy(
                    logits[0].double(), targets, reduction="sum"
                )
                for p in self.params:
                    p.grad = None
                (nll / len(targets)).backward()
            with torch.no_grad():
                if self.clip is not None:
                    torch.nn.utils.clip_grad_norm_(self.params, self.clip)
                for i, (p, p0) in enumerate(
                    zip(self.params, self.start, strict=True)
                ):
                    pull = p0 - p  # uses the pre-step parameters
                    if self.rms is None:  # SGD
                        p.add_(p.grad, alpha=-self.lr)
                        p.add_(pull, alpha=self.decay)
                    else:  # RMS: per-element step sizes and pulls
                        p.addcdiv_(
                            p.grad, self.rms[i] + self.eps, value=-self.lr
                        )
                        p.add_(self.decay_rates[i] * pull)
                    p.grad = None
        finally:
            self.model.train(was_training)
        return float(nll.detach()), map_state(
            torch.Tensor.detach, end_state
        )


def gradient_rms(
    model: nn.Module,
    train_ids,
    batch_size: int = 100,
    num_steps: int = 5,
    max_batches: int | None = None,
) -> list[torch.Tensor]:
    r"""Root-mean-square gradients on the training text, one tensor per trainable parameter.

    .. math::  r = \sqrt{\tfrac{1}{K} \textstyle\sum_{k=1}^{K} g_k^2}

    where :math:`g_k` is the gradient of the mean NLL of the :math:`k`-th training batch:
    ``batch_size`` parallel streams of ``train_ids`` ``(N,)`` read ``num_steps`` tokens at a
    time, state carried and detached between batches, no dropout (Krause et al. 2018's
    gradient statistics, with their defaults of 100 streams and 5 tokens; ``max_batches``
    stops early). For :class:`DynamicEval`'s ``rms``. The model is not changed.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module (an RNNLM), got {type(model).__name__}"
        )
    batch_size = validate.integer(batch_size, "batch_size", minimum=1)
    num_steps = validate.integer(num_steps, "num_steps", minimum=1)
    max_batches = validate.integer(
        max_batches, "max_batches", minimum=1, optional=True
    )
    ids = validate.token_ids(
        train_ids,
        "train_ids",
        vocab_size=model.vocab_size,
        min_len=batch_size * num_steps + 1,
    )
    params = [p for p in model.parameters() if p.requires_grad]
    sums = [torch.zeros_like(p, dtype=torch.float64) for p in params]
    width = (len(ids) - 1) // batch_size
    X = ids[: width * batch_size].view(batch_size, width)  # (B, N/B)
    Y = ids[1 : width * batch_size + 1].view(
        batch_size, width
    )  # (B, N/B)
    state, count = None, 0
    with evaluating(model), torch.enable_grad():
        for t in range(0, width - num_steps + 1, num_steps):
            if max_batches is not None and count == max_batches:
                break
            state = map_state(torch.Tensor.detach, state)
            logits, state = model(
                X[:, t : t + num_steps], state
            )  # (B, T, V)
            loss = F.cross_entropy(
                logits.flatten(0, 1), Y[:, t : t + num_steps].flatten()
            )
            grads = torch.autograd.grad(loss, params, allow_unused=True)
            for total, g in zip(sums, grads, strict=True):
                if g is not None:
                    total += g.double() ** 2
            count += 1
    return [
        (total / count).sqrt().to(p.dtype)
        for total, p in zip(sums, params, strict=True)
    ]


def _check(model, ids, context, adapt):
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module (an RNNLM), got {type(model).__name__}"
        )
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
