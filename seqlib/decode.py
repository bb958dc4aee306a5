r"""Decoding: turning a language model's next-token distributions into text.

Every decoder reads the ``prefix`` once (warming up the state), then produces ``num_steps``
new token ids, one at a time, each fed back as the next input. They return only the new
ids (``vocab.decode(prefix + new)`` gives the whole text) and run the model in eval mode.

* :func:`greedy`: always the most probable next token, :math:`\arg\max_v p(v \mid \cdot)`.
* :func:`sample`: draw from :math:`\text{softmax}(\text{logits} / \tau)`, optionally restricted
  to the ``top_k`` most probable tokens and/or the smallest set of top tokens whose probability
  reaches ``top_p`` (nucleus sampling, Holtzman et al. 2020); see :func:`adjust_logits`.
* :func:`beam_search`: keep the ``beam_size`` best partial sequences by total log-probability.

:func:`distinct_n` measures how repetitive a generated text is.

>>> from seqlib.models import RNNScratch, RNNLM
>>> _ = torch.manual_seed(0)
>>> model = RNNLM(RNNScratch(6, 8), vocab_size=6)
>>> greedy(model, [1, 2], num_steps=4).shape
torch.Size([4])
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate
from seqlib.lm import evaluating, select_state

__all__ = [
    "greedy",
    "sample",
    "beam_search",
    "adjust_logits",
    "distinct_n",
    "Beam",
]


def _check_common(prefix, num_steps) -> torch.Tensor:
    validate.integer(num_steps, "num_steps", minimum=0)
    prefix = validate.token_ids(
        prefix, "prefix"
    )  # (P,): 1-D, integer, >= 0
    if prefix.numel() == 0:
        raise ValueError(
            "prefix must be a non-empty 1-D sequence of token ids (the model needs "
            "at least one token to condition on), got an empty one"
        )
    return prefix  # (P,)


def adjust_logits(
    logits: torch.Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> torch.Tensor:
    r"""Logits ``(..., V)`` -> logits of the sampling distribution, with ``-inf`` for removed tokens.

    Applied in this order: divide by the temperature :math:`\tau > 0` (:math:`\tau < 1`
    sharpens, :math:`\tau \to 0` tends to greedy, :math:`\tau > 1` flattens); keep the
    ``k = min(top_k, V)`` largest (exactly ``k``: among tied logits the lowest index is kept,
    as :func:`torch.argmax` keeps it, so ``top_k=1`` is greedy); keep the smallest set of most
    probable tokens whose total probability is at least ``top_p`` (the most probable token is
    always kept). Softmax of the result is the distribution :func:`sample` draws from.

    >>> adjust_logits(torch.tensor([2.0, 1.0, 0.0]), top_k=2)
    tensor([2., 1., -inf])
    >>> adjust_logits(torch.log(torch.tensor([0.5, 0.3, 0.2])), top_p=0.7).isfinite().tolist()
    [True, True, False]
    """
    validate.real(temperature, "temperature", low=0, low_open=True)
    validate.integer(top_k, "top_k", minimum=1, optional=True)
    validate.real(
        top_p, "top_p", low=0, high=1, low_open=True, optional=True
    )
    if (
        not isinstance(logits, torch.Tensor)
        or not logits.is_floating_point()
        or logits.dim() == 0
    ):
        got = (
            f"a {logits.dtype} tensor of shape {tuple(logits.shape)}"
            if isinstance(logits, torch.Tensor)
            else type(logits).__name__
        )
        raise TypeError(
            f"logits must be a floating-point tensor (..., V), got {got}"
        )
    logits = logits / temperature  # (..., V)
    if top_k is not None:
        k = min(
            top_k, logits.shape[-1]
        )  # clamp: asking for more tokens than exist keeps all
        # exactly k; among tied logits the lowest index wins, as in argmax (torch.topk leaves
        # ties unspecified: it picks index 2 of [1, 3, 3, 3]), so top_k=1 is greedy
        keep = logits.sort(dim=-1, descending=True, stable=True).indices[
            ..., :k
        ]  # (..., k)
        drop = torch.ones_like(logits, dtype=torch.bool).scatter(
            -1, keep, False
        )  # (..., V)
        logits = logits.masked_fill(
            drop, -math.inf
        )  # (..., V): a tie with the k-th is dropped
    if top_p is not None and top_p < 1:
        sorted_logits, order = logits.sort(
            dim=-1, descending=True
        )  # (..., V)
        probs = sorted_logits.softmax(dim=-1)  # (..., V)
        mass_before = (
            probs.cumsum(dim=-1) - probs
        )  # (..., V): probability of the tokens above
        drop_sorted = (
            mass_before >= top_p
        )  # (..., V): the set already reached top_p without it
        drop = drop_sorted.scatter(
            -1, order, drop_sorted
        )  # (..., V): back to vocabulary order
        logits = logits.masked_fill(drop, -math.inf)  # (..., V)
    return logits


def _generate(model, prefix, num_steps, choose) -> torch.Tensor:
    """Shared loop of greedy and sample: ``choose(logits (1, V)) -> token (1,)``."""
    prefix = _check_common(prefix, num_steps)  # (P,)
    new_tokens = []
    with evaluating(model):
        logits, state = model(
            prefix.unsqueeze(0), None
        )  # (1, P, V): read the prefix once
        for step in range(num_steps):
            token = choose(logits[:, -1])  # (1,)
            new_tokens.append(token)
            if (
                step + 1 < num_steps
            ):  # feed it back (not needed after the last one)
                logits, state = model(
                    token.unsqueeze(0), state
                )  # (1, 1, V)
    return (
        torch.cat(new_tokens)
        if new_tokens
        else torch.zeros(0, dtype=torch.long)
    )  # (num_steps,)


def greedy(model: nn.Module, prefix, num_steps: int) -> torch.Tensor:
    """The ``num_steps`` ids that follow ``prefix`` when each is the model's most probable next token.

    >>> from seqlib.models import RNNScratch, RNNLM
    >>> greedy(RNNLM(RNNScratch(4, 3), vocab_size=4), torch.tensor([0]), num_steps=0)
    tensor([], dtype=torch.int64)
    """
    return _generate(
        model, prefix, num_steps, lambda logits: logits.argmax(dim=-1)
    )


def sample(
    model: nn.Module,
    prefix,
    num_steps: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """``num_steps`` ids drawn one by one from the (adjusted, :func:`adjust_logits`) model distribution.

    ``top_k=1`` (or a tiny ``top_p``) is greedy decoding. Pass a seeded ``generator`` to
    reproduce a sample; otherwise torch's global generator is used.

    >>> from seqlib.models import RNNScratch, RNNLM
    >>> model = RNNLM(RNNScratch(5, 8), vocab_size=5)
    >>> sample(model, [1], 3, top_k=1).tolist() == greedy(model, [1], 3).tolist()
    True
    >>> draw = lambda: sample(model, [1], 5, temperature=1.5, generator=torch.Generator().manual_seed(0))
    >>> torch.equal(draw(), draw())
    True
    """
    adjust_logits(
        torch.zeros(1), temperature, top_k, top_p
    )  # validate before any work

    def choose(logits):  # (1, V) -> (1,)
        probs = adjust_logits(
            logits.double(), temperature, top_k, top_p
        ).softmax(dim=-1)  # (1, V)
        return torch.multinomial(probs, 1, generator=generator).squeeze(
            1
        )  # (1,)

    return _generate(model, prefix, num_steps, choose)


class Beam(NamedTuple):
    """A finished hypothesis: its new ``tokens``, total ``log_prob`` and ranking ``score``."""

    tokens: torch.Tensor  # (L,)
    log_prob: float  # sum of log p over the L new tokens
    score: float  # log_prob / L ** length_alpha


def beam_search(
    model: nn.Module,
    prefix,
    num_steps: int,
    beam_size: int = 4,
    length_alpha: float = 0.0,
    eos: int | None = None,
) -> list[Beam]:
    r"""Beam search: the ``beam_size`` best continuations of ``prefix``, best first.

    At each step every live hypothesis is extended by every token and the ``beam_size`` best
    by total log-probability :math:`\sum_t \log p(y_t \mid y_{<t})` stay live. A hypothesis that
    emits ``eos`` is finished (``eos`` kept as its last token); the search stops after
    ``num_steps`` tokens, or once ``beam_size`` hypotheses have finished and no live one can
    still beat the worst of them under the ranking below (its log-probability can only fall,
    so its best possible score is its current sum over ``num_steps**alpha``). With ``eos``, only
    finished hypotheses are returned when there are any (an unfinished one is not an output:
    ranking it beside finished ones would let a half-written word win); if none finished
    within ``num_steps``, the live ones are. The hypotheses are then ranked by

    .. math::  \text{score} = \frac{\sum_t \log p(y_t \mid y_{<t})}{L^{\alpha}},

    with ``L`` new tokens and :math:`\alpha` = ``length_alpha``. Log-probabilities are
    negative and fall with every token, so the raw sum (:math:`\alpha = 0`) prefers short
    hypotheses; dividing by :math:`L^\alpha` with :math:`\alpha > 0` *favours longer
    hypotheses* relative to the raw sum (it does not penalize them). Without ``eos`` all
    hypotheses have length ``num_steps`` and :math:`\alpha` changes no ranking.
    ``beam_size=1`` is greedy decoding.

    >>> from seqlib.models import RNNScratch, RNNLM
    >>> model = RNNLM(RNNScratch(5, 8), vocab_size=5)
    >>> best = beam_search(model, [1, 2], num_steps=3, beam_size=2)[0]
    >>> best.tokens.shape, best.log_prob < 0
    (torch.Size([3]), True)
    """
    prefix = _check_common(prefix, num_steps)  # (P,)
    validate.integer(beam_size, "beam_size", minimum=1)
    validate.real(length_alpha, "length_alpha", low=0)

    def ranked(hypotheses):
        def score(tokens, log_prob):
            return (
                log_prob / len(tokens) ** length_alpha
                if len(tokens)
                else 0.0
            )

        beams = [
            Beam(torch.tensor(t, dtype=torch.long), lp, score(t, lp))
            for t, lp in hypotheses
        ]
        return sorted(beams, key=lambda b: b.score, reverse=True)[
            :beam_size
        ]

    def _can_still_win(live, finished):
        """False once ``beam_size`` hypotheses have finished and no live one can beat the worst
        of them. Adding a token only lowers log p (<= 0), so a live hypothesis's best possible
        score is its log p now over the longest length it may reach: ``lp / num_steps**alpha``.
        (Stopping as soon as ``beam_size`` had finished lost longer, better-normalized ones.)"""
        if eos is None or len(finished) < beam_size:
            return True
        worst_kept = ranked(finished)[-1].score
        return any(
            lp / num_steps**length_alpha > worst_kept for _, lp in live
        )

    live, finished = [([], 0.0)], []  # (new tokens, log_prob) pairs
    if num_steps == 0:
        return ranked(live)
    with evaluating(model):
        logits, state = model(
            prefix.unsqueeze(0), None
        )  # (1, P, V); state for 1 row
        for step in range(num_steps):
            log_probs = F.log_softmax(
                logits[:, -1].double(), dim=-1
            )  # (K, V)
            totals = (
                torch.tensor([lp for _, lp in live], dtype=torch.float64)[
                    :, None
                ]
                + log_probs
            )  # (K, V)
            V = totals.shape[-1]
            top = totals.flatten().topk(
                min(2 * beam_size, totals.numel())
            )  # extra, in case of eos
            rows, next_live = [], []
            for total, flat in zip(
                top.values.tolist(), top.indices.tolist(), strict=True
            ):
                row, token = divmod(
                    flat, V
                )  # which hypothesis, extended by which token
                hypothesis = (live[row][0] + [token], total)
                if eos is not None and token == eos:
                    finished.append(
                        hypothesis
                    )  # ranks above the K-th live one: keep it
                else:
                    rows.append(row)
                    next_live.append(hypothesis)
                if len(next_live) == beam_size:
                    break
            live = next_live
            if (
                not live
                or step + 1 == num_steps
                or not _can_still_win(live, finished)
            ):
                break
            state = select_state(
                state, torch.tensor(rows)
            )  # each survivor's parent state
            last = torch.tensor(
                [tokens[-1] for tokens, _ in live]
            ).unsqueeze(1)  # (K, 1)
            logits, state = model(last, state)  # (K, 1, V)
    return ranked(finished if finished else live)


def distinct_n(ids, n: int) -> float:
    """Distinct-n (Li et al., 2016): unique n-grams / all n-grams of one token sequence.

    1.0 means no n-gram repeats; a decoder stuck in a loop drives it toward 0.

    >>> distinct_n([1, 2, 1, 2, 1, 2], 2)
    0.4
    """
    validate.integer(n, "n", minimum=1)
    ids = torch.as_tensor(ids).tolist()
    if not isinstance(ids, list) or len(ids) < n:
        raise ValueError(
            f"need a 1-D sequence of at least n = {n} ids, got {ids!r}"
        )
    ngrams = [tuple(ids[i : i + n]) for i in range(len(ids) - n + 1)]
    return len(set(ngrams)) / len(ngrams)
