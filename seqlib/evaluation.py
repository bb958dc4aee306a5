r"""Exact perplexity of a text under a recurrent language model, from pooled NLL statistics.

:math:`\exp(\sum \text{NLL} / \#\text{tokens})`, the NLL summed in float64 over every
predicted token (a :class:`~seqlib.metrics.stats.NLLStats`), never a mean of per-batch
perplexities.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate
from seqlib.lm import evaluating, select_state
from seqlib.metrics.stats import NLLStats

__all__ = ["evaluate_perplexity", "nll_stats"]


def evaluate_perplexity(
    model: nn.Module, ids, batch_size: int = 1, num_steps: int = 256
) -> float:
    r"""Exact perplexity :math:`\exp(\frac{1}{N-1}\sum_{t=2}^{N} -\log p(x_t \mid x_{<t}))` of a text.

    The text ``ids`` ``(N,)`` is read once, left to right, with the state carried; every token
    after the first is scored exactly once and the NLL is summed in float64. With
    ``batch_size=1`` this is one continuous read (equal to one full-length forward pass, tested).
    With ``B > 1`` the ``N - 1`` predictions are cut into ``B`` adjacent streams of
    ``L = (N-1) // B`` read in parallel (each starts from a zero state, so it is a slightly
    harder task); the ``(N-1) - BL`` left over continue the last stream, carrying its state.
    ``num_steps`` only sets the chunk size and does not change the result.

    >>> from seqlib.models import RNNScratch, RNNLM
    >>> model = RNNLM(RNNScratch(5, 8), vocab_size=5)
    >>> _ = [torch.nn.init.zeros_(p) for p in model.output.parameters()]  # uniform predictions
    >>> round(evaluate_perplexity(model, torch.tensor([0, 1, 2, 3, 4, 0])), 6)
    5.0
    """
    return nll_stats(model, ids, batch_size, num_steps).perplexity()


def nll_stats(
    model: nn.Module, ids, batch_size: int = 1, num_steps: int = 256
) -> NLLStats:
    """The additive statistics behind :func:`evaluate_perplexity`: total NLL (float64) of the N-1 predictions, and N-1.

    Same reading of ``ids`` ``(N,)`` as :func:`evaluate_perplexity`; the model is evaluated
    in eval mode without autograd (:func:`~seqlib.lm.evaluating`). Stats of several texts
    add with ``+``.
    """
    ids = validate.token_ids(
        ids, "ids", min_len=2
    )  # at least 2 tokens to score one prediction
    validate.integer(batch_size, "batch_size", minimum=1)
    validate.integer(num_steps, "num_steps", minimum=1)
    with evaluating(model):
        num_targets = len(ids) - 1
        B = min(batch_size, num_targets)
        L = num_targets // B
        X = ids[: B * L].view(B, L)  # (B, L): B adjacent streams
        Y = ids[1 : B * L + 1].view(B, L)  # (B, L)
        stats, state = _score(model, X, Y, None, num_steps)
        if B * L < num_targets:  # the remainder continues the last stream
            X_rest = ids[B * L : num_targets].view(1, -1)  # (1, r)
            Y_rest = ids[B * L + 1 :].view(1, -1)  # (1, r)
            rest, _ = _score(
                model,
                X_rest,
                Y_rest,
                select_state(state, [B - 1]),
                num_steps,
            )
            stats = stats + rest
    return stats


def _score(model, X, Y, state, num_steps) -> tuple[NLLStats, object]:
    """NLL statistics (float64 sum) of Y ``(B, L)`` given X ``(B, L)``, read in chunks, state carried."""
    stats = NLLStats(0.0, 0)
    for start in range(0, X.shape[1], num_steps):
        cols = slice(start, start + num_steps)
        logits, state = model(X[:, cols], state)  # (B, t, V)
        nll = F.cross_entropy(
            logits.flatten(0, 1).double(),
            Y[:, cols].flatten(),
            reduction="sum",
        )
        stats = stats + NLLStats(nll.item(), Y[:, cols].numel())
    return stats, state
