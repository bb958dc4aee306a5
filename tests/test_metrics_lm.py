"""Parity tests for seqlib.metrics.lm against torch.nn.functional.cross_entropy (metric-reference.md §1)."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from seqlib.metrics import lm
from seqlib.metrics.lm import (
    bits_per_byte,
    bits_per_character,
    perplexity,
    sequence_nll,
    token_nll,
)

RTOL = 1e-6

# the worked vector of metric-reference.md: two sequences, the last token of the second is padding
LOGITS = torch.tensor(
    [
        [[2, 0.5, 0.1, -1], [0, 1, 0, 0], [1, 1, 1, 1]],
        [[0.3, 0.2, 2.5, 0], [-1, 0, 3, 0.5], [0, 0, 0, 0]],
    ],
    dtype=torch.float64,
)  # (2, 3, 4)
TARGETS = torch.tensor([[0, 1, 3], [2, 3, -100]])  # (2, 3)


def test_worked_vector():
    assert token_nll(LOGITS, TARGETS, ignore_index=-100) == pytest.approx(
        1.075875, abs=1e-6
    )
    assert perplexity(
        LOGITS, TARGETS, ignore_index=-100
    ) == pytest.approx(2.932556, abs=1e-6)
    np.testing.assert_allclose(
        sequence_nll(LOGITS, TARGETS, ignore_index=-100).numpy(),
        [2.482368, 2.897004],
        atol=1e-6,
    )
    bits = token_nll(LOGITS, TARGETS, ignore_index=-100) / math.log(2)
    assert bits == pytest.approx(1.552159, abs=1e-6)


def test_wrong_aggregations_differ():
    """The mean of per-sequence means and the mean per-sequence perplexity are other numbers."""
    seq = sequence_nll(LOGITS, TARGETS, ignore_index=-100).numpy()
    per_seq_mean = seq / np.array([3, 2])
    assert per_seq_mean.mean() == pytest.approx(1.137979, abs=1e-6)
    assert np.exp(per_seq_mean).mean() == pytest.approx(
        3.272113, abs=1e-6
    )
    assert (
        perplexity(LOGITS, TARGETS, ignore_index=-100)
        < np.exp(per_seq_mean).mean()
    )


def test_matches_cross_entropy_reference():
    ref = F.cross_entropy(
        LOGITS.view(-1, 4), TARGETS.view(-1), ignore_index=-100
    )
    assert token_nll(LOGITS, TARGETS, ignore_index=-100) == pytest.approx(
        ref.item(), rel=RTOL
    )


def test_type_is_python_float_and_tensor():
    assert type(token_nll(LOGITS, TARGETS, ignore_index=-100)) is float
    assert type(perplexity(LOGITS, TARGETS, ignore_index=-100)) is float
    out = sequence_nll(LOGITS, TARGETS, ignore_index=-100)
    assert out.dtype == torch.float64 and out.shape == (2,)


def test_float32_lists_and_arrays():
    logits32 = LOGITS.float()
    ref = F.cross_entropy(
        logits32.view(-1, 4), TARGETS.view(-1), ignore_index=-100
    ).item()
    assert token_nll(
        logits32, TARGETS, ignore_index=-100
    ) == pytest.approx(ref, rel=1e-6)
    assert token_nll(
        LOGITS.tolist(), TARGETS.tolist(), ignore_index=-100
    ) == pytest.approx(1.075875, abs=1e-6)
    assert token_nll(
        LOGITS.numpy(), TARGETS.numpy(), ignore_index=-100
    ) == pytest.approx(1.075875, abs=1e-6)


def test_flat_form_and_no_ignore_index():
    flat_logits, flat_targets = (
        LOGITS.view(-1, 4)[:5],
        TARGETS.view(-1)[:5],
    )  # (N, V), (N,)
    assert token_nll(flat_logits, flat_targets) == pytest.approx(
        1.075875, abs=1e-6
    )
    with pytest.raises(ValueError, match=r"\(B, T, V\)"):
        sequence_nll(flat_logits, flat_targets)


def test_perfect_and_uniform_models():
    targets = torch.tensor([[1, 0, 2]])
    perfect = F.one_hot(targets, 3).double() * 1000.0  # (1, 3, 3)
    assert perplexity(perfect, targets) == pytest.approx(1.0)
    assert perplexity(torch.zeros(1, 3, 7), targets) == pytest.approx(
        7.0, rel=RTOL
    )
    assert sequence_nll(
        torch.zeros(2, 2, 5),
        torch.tensor([[0, -1], [-1, -1]]),
        ignore_index=-1,
    ).tolist() == [pytest.approx(math.log(5)), 0.0]


@pytest.mark.parametrize(
    "logits, targets, message",
    [
        (
            torch.zeros(2, 3, 4),
            torch.zeros(2, 2, dtype=torch.long),
            "targets must have shape",
        ),
        (
            torch.zeros(4),
            torch.zeros(4, dtype=torch.long),
            r"\(B, T, V\) or \(N, V\)",
        ),
        (
            torch.zeros(1, 2, 3, 4),
            torch.zeros(1, 2, 3, dtype=torch.long),
            r"\(B, T, V\)",
        ),
        (
            torch.zeros(2, 3, 4),
            torch.zeros(2, 3),
            "integer class indices",
        ),
        (torch.zeros(2, 3, 4), torch.full((2, 3), 4), r"\[0, 4\)"),
        (torch.zeros(2, 3, 4), torch.full((2, 3), -1), r"\[0, 4\)"),
        (
            torch.full((1, 2, 3), float("nan")),
            torch.zeros(1, 2, dtype=torch.long),
            r"NaN or \+inf",
        ),
        (
            torch.tensor([[[0.0, float("inf")]]]),
            torch.zeros(1, 1, dtype=torch.long),
            r"NaN or \+inf",
        ),
        (
            torch.full((1, 1, 3), float("-inf")),
            torch.zeros(1, 1, dtype=torch.long),
            "all -inf",
        ),
        (
            torch.tensor([[[0.2, 0.3, 0.5]]]),
            torch.zeros(1, 1, dtype=torch.long),
            "rows are probabilities",
        ),
        (None, torch.zeros(1, 1, dtype=torch.long), "^logits must be"),
        (
            "logits",
            torch.zeros(1, 1, dtype=torch.long),
            "^logits must be",
        ),
        (torch.zeros(1, 1, 3), None, "^targets must be"),
        (
            torch.zeros(0, 3, 4),
            torch.zeros(0, 3, dtype=torch.long),
            "empty",
        ),
    ],
)
def test_validation(logits, targets, message):
    with pytest.raises(ValueError, match=message):
        token_nll(logits, targets)


def test_probabilities_in_place_of_logits_are_refused():
    """Issue 17: probabilities read as logits gave a plausible wrong perplexity (5.58 for 18.08); now refused."""
    g = torch.Generator().manual_seed(0)
    logits = (
        torch.randn(2, 8, 30, generator=g, dtype=torch.float64) * 3
    )  # (B, T, V)
    targets = torch.randint(0, 30, (2, 8), generator=g)  # (B, T)
    probs = logits.softmax(-1)  # (B, T, V) the mistake
    for fn in (
        lm.token_nll,
        lm.perplexity,
        lm.sequence_nll,
        lm.nll_stats,
    ):
        with pytest.raises(
            ValueError,
            match=r"logits expected; these rows are probabilities \(each sums to 1\): "
            r"pass torch.log\(probs\) or the raw logits",
        ):
            fn(probs, targets)
    assert perplexity(probs.log(), targets) == pytest.approx(
        perplexity(logits, targets), rel=1e-9
    )  # the fix works
    with pytest.raises(ValueError, match="probabilities"):
        perplexity(
            probs.float(), targets
        )  # float32 rows sum to 1 within 1e-4 too
    # a real logit row in [0, 1] that does not sum to 1 is not mistaken for probabilities
    assert perplexity(
        torch.full((1, 2, 4), 0.5), torch.zeros(1, 2, dtype=torch.long)
    ) == pytest.approx(4.0)


def test_masked_logits_match_cross_entropy():
    """-inf marks a masked (banned) token, as in top-k sampling; F.cross_entropy handles it, and so does seqlib."""
    logits = LOGITS.clone()  # (2, 3, 4)
    logits[0, 0, 3] = logits[1, 1, 0] = float("-inf")
    ref = F.cross_entropy(
        logits.view(-1, 4), TARGETS.view(-1), ignore_index=-100
    )
    assert token_nll(logits, TARGETS, ignore_index=-100) == pytest.approx(
        ref.item(), rel=RTOL
    )
    masked_target = LOGITS.clone()
    masked_target[0, 0, 0] = float(
        "-inf"
    )  # the true token is masked: probability 0
    assert perplexity(masked_target, TARGETS, ignore_index=-100) == float(
        "inf"
    )
    padded = LOGITS.clone()
    padded[1, 2] = float(
        "-inf"
    )  # a padding position whose logits are all -inf is never scored
    assert token_nll(padded, TARGETS, ignore_index=-100) == pytest.approx(
        1.075875, abs=1e-6
    )


def test_all_ignored_raises():
    with pytest.raises(ValueError, match="ignore_index"):
        token_nll(
            torch.zeros(1, 2, 3),
            torch.full((1, 2), -100),
            ignore_index=-100,
        )
    with pytest.raises(ValueError, match="ignore_index"):
        perplexity(
            torch.zeros(1, 2, 3),
            torch.full((1, 2), -100),
            ignore_index=-100,
        )


def test_bits_per_character_and_byte():
    assert bits_per_character(10.0, 5) == pytest.approx(
        2.885390, abs=1e-6
    )
    assert bits_per_byte(10.0, "héllo") == pytest.approx(
        2.404492, abs=1e-6
    )
    # from a model's NLL: total over tokens, any tokenizer
    total = sequence_nll(LOGITS, TARGETS, ignore_index=-100).sum().item()
    assert bits_per_character(total, 7) == pytest.approx(
        total / (7 * math.log(2)), rel=RTOL
    )
    for bad in (0, -3, 2.5, True, "5", None):
        with pytest.raises(ValueError, match="num_chars"):
            bits_per_character(1.0, bad)
    for bad in ("10", None, [1.0, 2.0]):
        with pytest.raises(ValueError, match="total_nll_nats"):
            bits_per_byte(bad, "abc")
    assert bits_per_character(torch.tensor(10.0), 5) == pytest.approx(
        2.885390, abs=1e-6
    )
    with pytest.raises(ValueError, match="total_nll_nats"):
        bits_per_character(float("nan"), 3)
    with pytest.raises(ValueError, match="total_nll_nats"):
        bits_per_byte(-1.0, "abc")
    with pytest.raises(ValueError, match="empty"):
        bits_per_byte(1.0, "")
    with pytest.raises(ValueError, match="str"):
        bits_per_byte(1.0, b"abc")


def test_docstring_examples_run():
    from seqlib.metrics import bits

    for module in (lm, bits):
        flags = doctest.NORMALIZE_WHITESPACE
        assert doctest.testmod(module, optionflags=flags).failed == 0
