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

import math
from typing import Any

import torch
import torch.nn.functional as F

from seqlib import validate

from .registry import metric
from .stats import NLLStats

__all__ = ["token_nll", "perplexity", "sequence_nll", "bits_per_character", "bits_per_byte", "nll_stats"]


def _per_token_nll(logits: Any, targets: Any, ignore_index: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the inputs; return the NLL of every token (float64) and the mask of scored tokens.

    Accepts ``logits (B, T, V)`` with ``targets (B, T)``, or ``logits (N, V)`` with ``targets (N,)``.
    Both returned tensors have the shape of ``targets``; ignored tokens have NLL 0.
    """
    logits = validate.tensor(logits, "logits")
    targets = validate.tensor(targets, "targets")
    if logits.dim() not in (2, 3):
        raise ValueError(f"logits must be (B, T, V) or (N, V), got shape {tuple(logits.shape)}")
    if tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError(
            f"targets must have shape {tuple(logits.shape[:-1])} to match logits {tuple(logits.shape)}, "
            f"got {tuple(targets.shape)}"
        )
    if not logits.is_floating_point():
        logits = logits.double()
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise ValueError(
            f"targets must be integer class indices, got dtype {targets.dtype} "
            "(F.cross_entropy would read float targets as class probabilities)"
        )
    if targets.numel() == 0:
        raise ValueError("targets is empty; there is no token to score")
    if not torch.isfinite(logits).all():
        raise ValueError("logits contain NaN or infinite values")
    vocab = logits.shape[-1]
    targets = targets.long()
    mask = torch.ones_like(targets, dtype=torch.bool) if ignore_index is None else targets != ignore_index
    scored = targets[mask]  # (N_scored,)
    if scored.numel() == 0:
        raise ValueError(f"every target equals ignore_index={ignore_index}; there is no token to score")
    if scored.min() < 0 or scored.max() >= vocab:
        bad = scored[(scored < 0) | (scored >= vocab)][0].item()
        raise ValueError(f"targets must lie in [0, {vocab}) (or equal ignore_index), got {bad}")
    safe_targets = torch.where(mask, targets, torch.zeros_like(targets))  # (B, T) or (N,)
    nll = F.cross_entropy(
        logits.reshape(-1, vocab), safe_targets.reshape(-1), reduction="none"
    ).reshape(targets.shape)  # (B, T): -log p(y_t), stable log-sum-exp inside
    nll = torch.where(mask, nll.double(), torch.zeros((), dtype=torch.float64))  # (B, T) float64
    return nll, mask


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
def token_nll(logits: Any, targets: Any, ignore_index: int | None = None) -> float:
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

    >>> logits = torch.tensor([[[2.0, 0.5, 0.1, -1.0], [0.0, 1.0, 0.0, 0.0]]])  # (1, 2, 4)
    >>> round(token_nll(logits, torch.tensor([[0, 1]])), 6)
    0.548037
    """
    return nll_stats(logits, targets, ignore_index).mean_nll


def nll_stats(logits: Any, targets: Any, ignore_index: int | None = None) -> NLLStats:
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
    hides=("Not comparable across tokenizations; the mean of per-batch perplexities is at least the "
           "corpus value for equal-sized batches (Jensen), and usually larger otherwise."),
    range="[1, inf)",
    higher_is_better=False,
    reference="exp of torch.nn.functional.cross_entropy; 1 for a perfect model, V for a uniform one",
)
def perplexity(logits: Any, targets: Any, ignore_index: int | None = None) -> float:
    r"""Corpus perplexity: :math:`\exp` of the mean token NLL.

    .. math:: \mathrm{PPL} = \exp\Big(\frac{\sum_{\text{tokens}} -\log p(y_t)}{N}\Big)
              = \Big(\prod_t \frac{1}{p(y_t)}\Big)^{1/N}

    the geometric mean of :math:`1/p(y_t)`. A perfect model scores 1; a uniform model over
    :math:`V` tokens scores :math:`V`. The base of the logarithm does not matter
    (:math:`e^{\text{nats}} = 2^{\text{bits}}`).

    Traps: the mean of per-batch or per-sentence perplexities is a different number (larger for
    equal-length pieces, by Jensen; either way otherwise); perplexities compare only under the
    same tokenization and vocabulary.

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
def sequence_nll(logits: Any, targets: Any, ignore_index: int | None = None) -> torch.Tensor:
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
        raise ValueError(f"sequence_nll needs logits (B, T, V) and targets (B, T), got targets {tuple(nll.shape)}")
    return nll.sum(dim=1)  # (B,)


def _check_total_nll(total_nll_nats: Any) -> float:
    return validate.real(float(total_nll_nats), "total_nll_nats", low=0)  # float(): 0-d tensors too


@metric(
    task="language modelling",
    formula=r"\frac{\sum_t -\ln p_\theta(y_t)}{\ln 2 \cdot N_{\text{chars}}}",
    meaning="Bits the model needs, on average, to encode each character of the text.",
    use_when="Comparing models with different tokenizers (character vs word) on the same text.",
    hides="Counts Unicode characters, so scripts with multi-byte characters compare unevenly; use bits per byte.",
    range="[0, inf)",
    higher_is_better=False,
    reference="formula (total NLL / (ln 2 * #chars))",
)
def bits_per_character(total_nll_nats: float, num_chars: int) -> float:
    r"""Bits per character: :math:`\mathrm{BPC} = \dfrac{\mathrm{NLL}_{\text{total}}}{\ln 2 \cdot C}`.

    Takes the *total* NLL in nats of a text (the sum over all its tokens, whatever the
    tokenizer) and the number of characters ``C`` of that text. Because it normalises by
    characters, not tokens, it compares a character-level model with a word-level one.
    Note that "characters" means Unicode code points; see :func:`bits_per_byte` for bytes.

    >>> round(bits_per_character(10.0, 5), 6)
    2.88539
    """
    total = _check_total_nll(total_nll_nats)
    if isinstance(num_chars, bool) or int(num_chars) != num_chars or num_chars <= 0:
        raise ValueError(f"num_chars must be a positive integer, got {num_chars!r}")
    return total / (math.log(2) * int(num_chars))


@metric(
    task="language modelling",
    formula=r"\frac{\sum_t -\ln p_\theta(y_t)}{\ln 2 \cdot N_{\text{UTF-8 bytes}}}",
    meaning="Bits the model needs, on average, to encode each UTF-8 byte of the text.",
    use_when="Tokenizer-free comparison across models and languages.",
    hides="A per-byte average: says nothing about which parts of the text are hard.",
    range="[0, inf)",
    higher_is_better=False,
    reference="formula (total NLL / (ln 2 * #UTF-8 bytes))",
)
def bits_per_byte(total_nll_nats: float, text: str) -> float:
    r"""Bits per UTF-8 byte: :math:`\mathrm{BPB} = \dfrac{\mathrm{NLL}_{\text{total}}}{\ln 2 \cdot |\mathrm{utf8}(\text{text})|}`.

    Independent of any tokenizer, so it compares byte-, character- and subword-level models.
    Non-ASCII characters take several bytes, so BPB is smaller than BPC for such text.

    >>> round(bits_per_byte(10.0, "héllo"), 6)  # 5 characters, 6 bytes
    2.404492
    """
    total = _check_total_nll(total_nll_nats)
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    num_bytes = len(text.encode("utf-8"))
    if num_bytes == 0:
        raise ValueError("text is empty; bits per byte needs at least one byte")
    return total / (math.log(2) * num_bytes)
