r"""Language-modelling metrics: token NLL, perplexity, sequence NLL, bits per character / byte.

A language model assigns each target token :math:`y_t` a probability
:math:`p(y_t \mid y_{<t})`. Everything here is a way of averaging the negative log-likelihood
(NLL) :math:`-\log p(y_t \mid y_{<t})`, in nats (natural log):

- :func:`token_nll`: the mean over the scored tokens, :math:`\frac1N\sum_t -\log p(y_t)`; this is
  ``F.cross_entropy`` with ``reduction="mean"``.
- :func:`perplexity`: :math:`\exp` of that mean, the *corpus* perplexity.
- :func:`sequence_nll`: one sum per sequence (for ranking or rescoring whole sequences).
- :func:`bits_per_character`, :func:`bits_per_byte`: a total NLL divided by
  :math:`\ln 2` and by the length of the text, so models with different tokenizers compare.

Convention traps (metric-reference.md, section 1):

- The corpus mean weights every token equally. The mean of per-sequence means, and the mean of
  per-batch or per-sentence perplexities, are different numbers: usually larger, but only
  for equal-length pieces guaranteed so (Jensen's inequality); with unequal lengths the
  weighting can move them either way (lengths 1 and 100 with perplexities 1 and 10: mean
  5.5, corpus 9.77).
- Whether padding, BOS or EOS tokens are scored changes the value: pass ``ignore_index`` for
  padding and choose deliberately which tokens are targets.
- ``label_smoothing`` changes ``F.cross_entropy``'s value; these functions never smooth.
- Perplexities compare only under the same tokenization; convert to bits per character or
  per byte to compare a character model with a word model.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from seqlib import validate

from .registry import metric
from .stats import NLLStats

__all__ = [
    "bits_per_byte",
    "bits_per_character",
    "nll_stats",
    "perplexity",
    "sequence_nll",
    "token_nll",
    "top_k_accuracy",
]


_CHUNK_ELEMENTS = (
    2**18
)  # logits per chunk of rows (1 MiB of float32): small enough for the CPU cache


def _per_token_nll(
    logits: Any, targets: Any, ignore_index: int | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the inputs; return the NLL of every token (float64) and the mask of scored tokens.

    Accepts ``logits (B, T, V)`` with ``targets (B, T)``, or ``logits (N, V)`` with ``targets (N,)``.
    Both returned tensors have the shape of ``targets``; ignored tokens have NLL 0.
    """
    ignore_index = validate.integer(
        ignore_index, "ignore_index", optional=True
    )  # an int id or None: a string or float is refused by name
    logits = validate.tensor(logits, "logits")
    targets = validate.tensor(targets, "targets")
    if logits.dim() not in (2, 3):
        raise ValueError(
            f"logits must be (B, T, V) or (N, V), got shape {tuple(logits.shape)}"
        )
    if tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError(
            f"targets must have shape {tuple(logits.shape[:-1])} to match logits {tuple(logits.shape)}, "
            f"got {tuple(targets.shape)}"
        )
    if not logits.is_floating_point():
        logits = logits.double()
    if (
        targets.is_floating_point()
        or targets.is_complex()
        or targets.dtype == torch.bool
    ):
        raise ValueError(
            f"targets must be integer class indices, got dtype {targets.dtype} "
            "(F.cross_entropy would read float targets as class probabilities)"
        )
    if targets.numel() == 0:
        raise ValueError("targets is empty; there is no token to score")
    _refuse_probabilities(logits)
    vocab = logits.shape[-1]
    targets = targets.long()
    mask = (
        torch.ones_like(targets, dtype=torch.bool)
        if ignore_index is None
        else targets != ignore_index
    )
    scored = targets[mask]  # (N_scored,)
    if scored.numel() == 0:
        raise ValueError(
            f"every target equals ignore_index={ignore_index}; there is no token to score"
        )
    if scored.min() < 0 or scored.max() >= vocab:
        bad = scored[(scored < 0) | (scored >= vocab)][0].item()
        raise ValueError(
            f"targets must lie in [0, {vocab}) (or equal ignore_index), got {bad}"
        )
    safe_targets = torch.where(
        mask, targets, torch.zeros_like(targets)
    ).reshape(-1)  # (N,)
    flat = logits.reshape(-1, vocab)  # (N, V)
    nll = torch.empty(len(flat), dtype=torch.float64)  # (N,)
    rows = max(
        1, _CHUNK_ELEMENTS // vocab
    )  # rows per chunk: log_softmax's (rows, V) output stays in cache
    for start in range(
        0, len(flat), rows
    ):  # per row the same numbers as one call, about 3x faster for big V
        nll[start : start + rows] = F.cross_entropy(
            flat[start : start + rows],
            safe_targets[start : start + rows],
            reduction="none",
        )  # (rows,) -log p(y_t), stable log-sum-exp
    nll = torch.where(
        mask,
        nll.reshape(targets.shape),
        torch.zeros((), dtype=torch.float64),
    )  # (B, T) float64
    if not bool(
        torch.isfinite(nll).all()
    ):  # O(N) here, not O(N V): inspect only the rows that went wrong
        _refuse_non_finite(
            logits.reshape(-1, vocab)[~torch.isfinite(nll.reshape(-1))]
        )
    return nll, mask


def _refuse_non_finite(rows: torch.Tensor) -> None:
    """Explain a scored token whose NLL is not finite; a masked (-inf) true token is allowed (NLL inf).

    ``rows`` are the logits ``(k, V)`` of those tokens. NaN or +inf logits make the NLL NaN (or
    inf); a row of -inf only has no probability at all. Rows of padding are not inspected, as
    ``F.cross_entropy`` ignores them too.
    """
    if bool((torch.isnan(rows) | (rows == float("inf"))).any()):
        raise ValueError(
            "logits contain NaN or +inf values (-inf, a masked token, is allowed)"
        )
    if bool((rows == float("-inf")).all(dim=-1).any()):
        raise ValueError(
            "a scored token's logits are all -inf (every token masked): its probability is undefined"
        )


def _refuse_probabilities(logits: torch.Tensor) -> None:
    """Refuse ``(..., V)`` input that is probabilities, not logits: all in [0, 1], each row summing to 1.

    Logits read as probabilities give a plausible but wrong number (softmax of probabilities is
    nearly uniform). A real logit row meets both conditions only by coincidence; with V = 1
    every input is degenerate, so the check needs V >= 2.
    """
    if logits.shape[-1] < 2 or logits.numel() == 0:
        return
    first = logits.reshape(-1, logits.shape[-1])[
        0
    ]  # (V,) one row that is not probabilities settles it cheaply
    if not (
        bool(((first >= 0) & (first <= 1)).all())
        and abs(float(first.double().sum()) - 1) <= 1e-4
    ):
        return
    if bool(((logits >= 0) & (logits <= 1)).all()):
        sums = logits.double().sum(dim=-1)  # (...)
        if bool(((sums - 1).abs() <= 1e-4).all()):
            raise ValueError(
                "logits expected; these rows are probabilities (each sums to 1): pass torch.log(probs) "
                "or the raw logits"
            )


@metric(
    task="language modelling",
    formula=r"-\frac{1}{N}\sum_{t=1}^{N}\log p_\theta(y_t \mid y_{<t})",
    meaning="Average surprise of the model at each true next token, in nats (cross-entropy).",
    use_when="Training loss and held-out comparison of models that share a tokenizer.",
    hides="Depends on tokenization and on which tokens (padding, BOS/EOS) are scored; a mean of per-sequence means weighs tokens differently.",
    range="[0, inf)",
    higher_is_better=False,
    reference="torch.nn.functional.cross_entropy",
)
def token_nll(
    logits: Any, targets: Any, ignore_index: int | None = None
) -> float:
    r"""Mean negative log-likelihood per scored token, in nats.

    .. math:: \mathrm{NLL} = -\frac{1}{N}\sum_{(b,t)\ \text{scored}} \log p_\theta(y_{b,t})
              = -\frac1N \sum \Big(z_{b,t,y_{b,t}} - \log\sum_v e^{z_{b,t,v}}\Big)

    where :math:`z` are the logits and :math:`N` counts the tokens whose target is not
    ``ignore_index``. Equals ``F.cross_entropy(logits.view(-1, V), targets.view(-1),
    ignore_index=...)``, but sums in float64 so a long corpus does not lose digits.

    Args:
        logits: ``(B, T, V)`` unnormalised scores (or ``(N, V)``); tensor, array or list.
        targets: ``(B, T)`` integer token ids in ``[0, V)`` (or ``(N,)``).
        ignore_index: target value that marks padding; those tokens are not scored.

    Trap: this is the token-weighted mean; the mean of per-sequence means differs whenever
    sequences have different numbers of scored tokens.

    Refused by name: probabilities in place of logits (every value in [0, 1] and every row
    summing to 1: pass ``torch.log(probs)``), NaN or ``+inf`` logits of a scored token, float
    targets, targets outside ``[0, V)``, empty input. ``-inf`` logits (masked tokens) are
    allowed, as in ``F.cross_entropy``: a masked *target* gets NLL ``inf``, a scored row with
    every logit ``-inf`` is refused. Padding rows (``ignore_index``) are not inspected.

    >>> logits = torch.tensor([[[2.0, 0.5, 0.1, -1.0], [0.0, 1.0, 0.0, 0.0]]])  # (1, 2, 4)
    >>> round(token_nll(logits, torch.tensor([[0, 1]])), 6)
    0.548037
    """
    return nll_stats(logits, targets, ignore_index).mean_nll


def nll_stats(
    logits: Any, targets: Any, ignore_index: int | None = None
) -> NLLStats:
    """The additive statistics behind :func:`token_nll` and :func:`perplexity`: summed NLL (float64) and token count.

    Add the :class:`~seqlib.metrics.stats.NLLStats` of many batches with ``+`` for the exact
    corpus value; shapes and errors as :func:`token_nll`.

    >>> nll_stats(torch.zeros(1, 2, 4), torch.tensor([[0, 1]])).tokens
    2
    """
    nll, mask = _per_token_nll(logits, targets, ignore_index)
    return NLLStats(float(nll.sum()), int(mask.sum()))


@metric(
    task="language modelling",
    formula=r"\exp\Big(-\frac{1}{N}\sum_{t=1}^{N}\log p_\theta(y_t \mid y_{<t})\Big)",
    meaning="The effective number of equally likely choices the model hesitates between per token.",
    use_when="Reporting language-model quality on a corpus with a fixed vocabulary.",
    hides=(
        "Not comparable across tokenizations; the mean of per-batch perplexities is at least the "
        "corpus value for equal-sized batches (Jensen), and usually larger otherwise."
    ),
    range="[1, inf)",
    higher_is_better=False,
    reference="exp of torch.nn.functional.cross_entropy; 1 for a perfect model, V for a uniform one",
)
def perplexity(
    logits: Any, targets: Any, ignore_index: int | None = None
) -> float:
    r"""Corpus perplexity: :math:`\exp` of the mean token NLL.

    .. math:: \mathrm{PPL} = \exp\Big(\frac{\sum_{\text{tokens}} -\log p(y_t)}{N}\Big)
              = \Big(\prod_t \frac{1}{p(y_t)}\Big)^{1/N}

    the geometric mean of :math:`1/p(y_t)`. A perfect model scores 1; a uniform model over
    :math:`V` tokens scores :math:`V`. The base of the logarithm does not matter
    (:math:`e^{\text{nats}} = 2^{\text{bits}}`).

    Traps: the mean of per-batch or per-sentence perplexities is a different number (larger for
    equal-length pieces, by Jensen; either way otherwise); perplexities compare only under the
    same tokenization and vocabulary.

    Probabilities passed as logits are refused, not turned into a plausible wrong number;
    other errors as :func:`token_nll`.

    >>> logits = torch.zeros(2, 3, 5)  # (B, T, V): a uniform model over 5 tokens
    >>> round(perplexity(logits, torch.zeros(2, 3, dtype=torch.long)), 6)
    5.0
    """
    return nll_stats(logits, targets, ignore_index).perplexity()


@metric(
    task="language modelling",
    formula=r"-\sum_{t=1}^{T_b}\log p_\theta(y_{b,t} \mid y_{b,<t})",
    meaning="Minus the log-probability the model gives to each whole sequence.",
    use_when="Ranking or rescoring candidate sequences, likelihood-based tests.",
    hides="Grows with length, so it favours short sequences unless normalised.",
    range="[0, inf)",
    higher_is_better=False,
    reference="torch.nn.functional.cross_entropy(reduction='none').sum(1)",
)
def sequence_nll(
    logits: Any, targets: Any, ignore_index: int | None = None
) -> torch.Tensor:
    r"""Total NLL of each sequence, :math:`-\sum_t \log p(y_{b,t})`, a float64 tensor ``(B,)``.

    The log-probability of a whole sequence is minus this sum; use it to rank or rescore
    sequences. Ignored tokens add 0, so a sequence of padding only scores 0.

    Args:
        logits: ``(B, T, V)``; targets: ``(B, T)``; ignore_index as in :func:`token_nll`.

    Trap: dividing each sum by its own length and then averaging over sequences is *not*
    :func:`token_nll`; sum these and divide by the total token count instead.

    >>> logits = torch.zeros(2, 3, 4)  # (B, T, V) uniform over 4 tokens
    >>> sequence_nll(logits, torch.tensor([[0, 1, 2], [3, 0, -100]]), ignore_index=-100)
    tensor([4.1589, 2.7726], dtype=torch.float64)
    """
    nll, _ = _per_token_nll(logits, targets, ignore_index)
    if nll.dim() != 2:
        raise ValueError(
            f"sequence_nll needs logits (B, T, V) and targets (B, T), got targets {tuple(nll.shape)}"
        )
    return nll.sum(dim=1)  # (B,)


# bits per character / byte (a total NLL normalised by the text, not by tokens) live in .bits,
# and top-k next-token accuracy in .topk (one concept per module); both are re-exported here and
# imported last so that the registry lists them after the likelihood measures, in this order.
# isort: off
from .bits import bits_per_byte, bits_per_character
from .topk import top_k_accuracy
# isort: on
