r"""Dynamic evaluation: a language model that keeps learning from the text it is scoring.

After each segment of the text has been scored (and, in a compressor, coded), the model
takes one gradient step on that segment, so later segments are predicted by a model that
has seen the earlier ones (Krause, Kahembwe, Murray & Renals 2018, "Dynamic evaluation of
neural sequence models"). Every token is still scored before the model learns from it, so
the total NLL is a fair prediction cost, and a decoder that makes the same steps after
decoding each segment can follow an encoder that made them (``seqlib.compression``).

Two updates: clipped SGD (:class:`DynamicEval` by default) and Krause et al.'s RMS update,
whose per-weight step sizes come from :func:`gradient_rms` on the training text.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate
from seqlib.lm import evaluating, map_state

__all__ = ["DynamicEval", "gradient_rms"]


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
    ``clip`` rescales the gradient to norm at most ``clip`` before either step (``None``:
    never; Krause et al. do not clip, so with ``rms`` pass ``clip=None`` to follow them). The defaults (``segment=32``, ``clip=1.0``) are the SGD
    update's; Krause et al.'s RMS update is
    ``DynamicEval(model, lr, segment=5, decay=0.002, clip=None, rms=gradient_rms(model,
    train_ids))``. Step sizes of the two updates are not comparable: the RMS update divides
    the gradient by :math:`r` (per-tensor means of 8e-5 to 5e-3 for a 320-unit LSTM trained
    on the book's text, measured over 60 training batches), so its good ``lr`` is around 1e-5 to
    1e-4 where the SGD update's is around 0.01 to 0.1. A weight whose training gradient was
    exactly zero (:math:`r = 0`, e.g. the embedding of a token the training text never has)
    would take steps of :math:`\eta g / \epsilon` if the scored text used it, and is never
    pulled back (its decay rate is :math:`\lambda r / \bar r = 0`).

    >>> from seqlib.models import RNNLM, RNNScratch
    >>> _ = torch.manual_seed(0)
    >>> model = RNNLM(RNNScratch(4, 8), vocab_size=4, embed_dim=4)
    >>> train_ids = torch.randint(0, 4, (200,))
    >>> adapt = DynamicEval(model, lr=1e-3, segment=5, decay=0.002, clip=None,
    ...                     rms=gradient_rms(model, train_ids, batch_size=4))
    >>> nll, state = adapt.loss_and_step(torch.tensor([0, 1, 2]), torch.tensor([1, 2, 3]), None)
    >>> any(not torch.equal(p, p0) for p, p0 in zip(adapt.params, adapt.start))  # it learnt
    True
    >>> adapt.reset()
    >>> all(torch.equal(p, p0) for p, p0 in zip(adapt.params, adapt.start))  # and forgot
    True

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
        validate.module(model)
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
        # score without dropout (the mode is restored after), then step outside autograd
        with evaluating(self.model), torch.enable_grad():
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
    validate.module(model)
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
