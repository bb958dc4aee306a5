r"""Bits per character and bits per byte: a text's total NLL normalised by its length, not its tokens.

A model's total negative log-likelihood of a text, in nats, divided by :math:`\ln 2` and by the
number of characters (or UTF-8 bytes) of that text, whatever the tokenizer: so a character model
and a word model compare on the same text. Re-exported by :mod:`.lm`.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from seqlib import validate

from .registry import metric

__all__ = ["bits_per_byte", "bits_per_character"]


def _check_total_nll(total_nll_nats: Any) -> float:
    if (
        isinstance(total_nll_nats, torch.Tensor)
        and total_nll_nats.numel() == 1
    ):
        total_nll_nats = (
            total_nll_nats.item()
        )  # a 0-d (or 1-element) tensor, as sequence_nll(...).sum() gives
    return validate.real(
        total_nll_nats, "total_nll_nats", low=0
    )  # refuses str, None, bool, NaN, inf


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
    num_chars = validate.integer(num_chars, "num_chars", minimum=1)
    return total / (math.log(2) * num_chars)


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
        raise ValueError(f"text must be a str, got {type(text).__name__}")  # noqa: TRY004 (seqlib: ValueError)
    num_bytes = len(text.encode("utf-8"))
    if num_bytes == 0:
        raise ValueError(
            "text is empty; bits per byte needs at least one byte"
        )
    return total / (math.log(2) * num_bytes)
