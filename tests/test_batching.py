"""Tests for seqlib.batching: splits and the partitioning guarantees (with hypothesis)."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlib.batching import random_windows, sequential_streams, split


def epoch_targets(batches) -> list[int]:
    """Positions predicted in one epoch, when ids = arange(N) (so a token is its position)."""
    return [int(p) for _, y in batches for p in y.flatten()]


def check_shapes_and_shift(batches, B, T):
    n = 0
    for x, y in batches:
        assert x.shape == y.shape == (B, T)
        assert x.dtype == y.dtype == torch.int64
        assert torch.equal(x[:, 1:], y[:, :-1])  # Y is X shifted by one
        assert torch.equal(
            y, x + 1
        )  # ids = arange: each target is the next token of the text
        n += 1
    assert n == len(batches)


# --------------------------------------------------------------------------- split


def test_split_default_fractions_on_time_machine_length():
    train, val, test = split(torch.arange(173_428))
    assert (len(train), len(val), len(test)) == (138_742, 17_343, 17_343)
    assert torch.equal(
        torch.cat([train, val, test]), torch.arange(173_428)
    )


def test_split_is_contiguous_in_order_and_accepts_lists():
    a, b = split(list(range(10)), fractions=(0.7, 0.3))
    assert a.tolist() == list(range(7)) and b.tolist() == [
        7,
        8,
        9,
    ]  # 0.7 * 10 is not floored to 6
    assert split(torch.arange(5), fractions=(1.0,))[0].tolist() == [
        0,
        1,
        2,
        3,
        4,
    ]


@pytest.mark.parametrize(
    "fractions",
    [
        (0.8, 0.1),
        (0.5, 0.6, -0.1),
        (1.0, 0.0),
        (),
        (float("nan"), 1.0),
        ("a",),
    ],
)
def test_split_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        split(torch.arange(100), fractions)


def test_split_empty_span():
    with pytest.raises(ValueError, match="would be empty"):
        split(torch.arange(5))
    with pytest.raises(ValueError, match="would be empty"):
        split([])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 500),
    st.lists(st.integers(1, 20), min_size=1, max_size=5),
)
def test_split_property(n, weights):
    fractions = [w / sum(weights) for w in weights]
    try:
        parts = split(torch.arange(n), fractions)
    except ValueError as err:
        assert "would be empty" in str(err)
        return
    assert torch.equal(torch.cat(parts), torch.arange(n))
    assert all(len(p) > 0 for p in parts)
    for p, f in zip(parts, fractions, strict=True):
        assert (
            abs(len(p) - n * f) < 2
        )  # within one token of its share (floored boundaries)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("make", [random_windows, sequential_streams])
@pytest.mark.parametrize(
    "ids, B, T, match",
    [
        (torch.arange(100.0), 2, 3, "integer token ids"),
        (torch.ones(100, dtype=torch.bool), 2, 3, "integer token ids"),
        ([0.5, 1.5], 1, 1, "integer token ids"),
        (torch.zeros(10, 10, dtype=torch.long), 2, 3, "1-D"),
        (torch.tensor([0, -3, 2] * 10), 2, 3, ">= 0"),
        ([[1, 2], [3]], 1, 1, "1-D tensor, array or list"),
        (torch.arange(100), 0, 3, "batch_size"),
        (torch.arange(100), -2, 3, "batch_size"),
        (torch.arange(100), 2.0, 3, "batch_size"),
        (torch.arange(100), 2, 0, "num_steps"),
        (torch.arange(100), 2, -1, "num_steps"),
        (torch.arange(100), True, 3, "batch_size"),
        (torch.arange(10), 4, 3, "needs at least"),
        ([], 1, 1, "needs at least"),
    ],
)
def test_bad_input(make, ids, B, T, match):
    with pytest.raises(ValueError, match=match):
        make(ids, B, T)


def test_too_short_message_says_needed_and_got():
    with pytest.raises(ValueError, match=r"at least 16 tokens.*got 10"):
        random_windows(torch.arange(10), batch_size=3, num_steps=4)
    with pytest.raises(ValueError, match=r"at least 13 tokens.*got 10"):
        sequential_streams(torch.arange(10), batch_size=3, num_steps=4)
    with pytest.raises(ValueError, match="offset"):
        sequential_streams(torch.arange(10), 1, 1, offset=-1)
    with pytest.raises(ValueError, match="generator"):
        random_windows(torch.arange(10), 1, 1, generator=0)


def test_minimum_lengths_are_exact():
    assert len(random_windows(torch.arange(3 * 4 + 4), 3, 4)) == 1
    assert len(sequential_streams(torch.arange(3 * 4 + 1), 3, 4)) == 1
    assert (
        len(sequential_streams(torch.arange(3 * 4 + 3), 3, 4, offset=2))
        == 1
    )


def test_accepts_lists_and_numpy():
    batches = sequential_streams(list(range(20)), 2, 3)
    assert len(batches) == 3
    assert len(random_windows(np.arange(20, dtype=np.int32), 2, 3)) == 2


# --------------------------------------------------------------------------- the guarantees


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(0, 80),
    st.integers(0, 2**31 - 1),
)
def test_random_windows_each_target_once(B, T, extra, seed):
    N = B * T + T + extra
    batches = random_windows(
        torch.arange(N),
        B,
        T,
        generator=torch.Generator().manual_seed(seed),
    )
    assert len(batches) == (N - T) // (B * T)
    check_shapes_and_shift(batches, B, T)
    for _ in range(2):  # re-iterable; a new offset and order each time
        targets = epoch_targets(batches)
        assert (
            len(targets) == len(set(targets)) == len(batches) * B * T
        )  # no duplicates
        lo, hi = min(targets), max(targets)
        assert hi - lo + 1 == len(
            targets
        )  # one contiguous covered span, remainder at the ends
        assert 1 <= lo and hi <= N - 1
        assert (
            N - 1 - len(targets) < B * T + T
        )  # documented bound on the remainder


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(0, 80),
    st.integers(0, 10),
)
def test_sequential_streams_each_target_once_and_continuous(
    B, T, extra, offset
):
    N = offset + B * T + 1 + extra
    batches = sequential_streams(torch.arange(N), B, T, offset=offset)
    check_shapes_and_shift(batches, B, T)
    targets = epoch_targets(batches)
    L = len(batches) * T
    assert sorted(targets) == list(
        range(offset + 1, offset + 1 + B * L)
    )  # each exactly once
    assert (
        N - offset - 1 - B * L < B * T
    )  # documented remainder at the end
    previous = None
    for x, y in batches:
        if previous is not None:
            px, py = previous
            assert torch.equal(
                x[:, 0], px[:, -1] + 1
            )  # row b continues where it ended
            assert torch.equal(
                x[:, 0], py[:, -1]
            )  # ... i.e. the last target is the next input
        previous = (x, y)
    assert epoch_targets(batches) == targets  # deterministic, re-iterable


def test_random_windows_new_order_each_epoch_and_reproducible():
    ids = torch.arange(2000)
    a = random_windows(
        ids, 4, 5, generator=torch.Generator().manual_seed(1)
    )
    b = random_windows(
        ids, 4, 5, generator=torch.Generator().manual_seed(1)
    )
    first, second = epoch_targets(a), epoch_targets(a)
    assert first != second
    assert epoch_targets(b) == first and epoch_targets(b) == second


def test_random_windows_offsets_cover_every_phase_and_every_token():
    ids, B, T = (
        torch.arange(103),
        2,
        5,
    )  # 10 batches, a remainder of 2 to 6 tokens
    batches = random_windows(
        ids, B, T, generator=torch.Generator().manual_seed(0)
    )
    phases, seen = set(), collections.Counter()
    for _ in range(200):
        targets = epoch_targets(batches)
        phases.add((min(targets) - 1) % T)
        seen.update(targets)
    assert phases == set(
        range(T)
    )  # window boundaries move, as D2L's random offset
    assert set(seen) == set(
        range(1, 103)
    )  # no token is left out of every epoch


def test_random_windows_uses_global_generator_when_none():
    torch.manual_seed(3)
    a = epoch_targets(random_windows(torch.arange(500), 3, 4))
    torch.manual_seed(3)
    assert epoch_targets(random_windows(torch.arange(500), 3, 4)) == a


def test_batches_do_not_alias_the_corpus():
    ids = torch.arange(50)
    for batches in (
        random_windows(ids, 2, 3),
        sequential_streams(ids, 2, 3),
    ):
        for x, y in batches:
            x.zero_()
            y.zero_()
    assert torch.equal(ids, torch.arange(50))
