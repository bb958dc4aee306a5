r"""Batching: contiguous splits, and the two ways to cut a corpus into (X, Y) minibatches.

A language model learns :math:`p(x_{t+1} \mid x_{\le t})`, so every minibatch is a pair
``X, Y`` of shape ``(B, T)`` with ``Y`` the same text shifted one token to the right:
``X[:, 1:] == Y[:, :-1]``. The two partitionings differ in how rows relate across batches.

- :func:`random_windows` (D2L's random partitioning): non-overlapping windows of ``T`` tokens
  at a random offset, shuffled. Consecutive batches are unrelated, so the recurrent state
  **must be reset for every minibatch**.
- :func:`sequential_streams` (D2L's sequential partitioning): the corpus cut into ``B`` long
  rows read left to right, ``T`` tokens at a time; row ``b`` of batch ``k + 1`` continues row
  ``b`` of batch ``k``, so the state **may be carried** (detached) from batch to batch.
  Never shuffle these batches, nor their rows.

Both guarantee (and ``tests/test_batching.py`` checks) that in one epoch every target token of
one contiguous covered span is predicted exactly once; what is left out is a remainder at the
ends, documented on each function.

>>> ids = torch.arange(20)
>>> [tuple(x.shape) for x, y in sequential_streams(ids, batch_size=2, num_steps=3)]
[(2, 3), (2, 3), (2, 3)]
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import torch

from seqlib import validate

__all__ = [
    "split",
    "random_windows",
    "sequential_streams",
    "RandomWindows",
    "SequentialStreams",
]


def split(
    ids, fractions: Sequence[float] = (0.8, 0.1, 0.1)
) -> tuple[torch.Tensor, ...]:
    """Cut ``ids`` into contiguous, non-overlapping spans, in order (train first).

    Span ``i`` ends at ``floor(N * (f_0 + ... + f_i))``; the last ends at ``N``. The spans are
    views of ``ids`` (for a tensor), cover it exactly and are all non-empty.

    >>> [s.tolist() for s in split(torch.arange(10))]
    [[0, 1, 2, 3, 4, 5, 6, 7], [8], [9]]
    """
    ids = validate.token_ids(ids)
    fractions = tuple(fractions)
    if not fractions:
        raise ValueError(
            "fractions must be positive finite numbers, got none"
        )
    for i, f in enumerate(fractions):
        validate.real(f, f"fractions[{i}]", low=0, low_open=True)
    if abs(math.fsum(fractions) - 1.0) > 1e-9:
        raise ValueError(
            f"fractions must sum to 1, got {fractions!r} (sum {math.fsum(fractions)!r})"
        )
    n = len(ids)
    # Cumulative boundaries; the tiny epsilon stops 0.7 * 10 = 6.999... from flooring to 6.
    ends = [
        math.floor(n * math.fsum(fractions[: i + 1]) + 1e-7)
        for i in range(len(fractions) - 1)
    ] + [n]
    starts = [0, *ends[:-1]]
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        if b <= a:
            raise ValueError(
                f"span {i} of split(ids of length {n}, fractions={fractions}) would be empty; "
                f"need more tokens or larger fractions"
            )
    return tuple(ids[a:b] for a, b in zip(starts, ends, strict=True))


class RandomWindows:
    r"""Random partitioning: shuffled, non-overlapping windows; see :func:`random_windows`."""

    def __init__(
        self,
        ids,
        batch_size: int,
        num_steps: int,
        generator: torch.Generator | None = None,
    ) -> None:
        self.ids = validate.token_ids(ids)  # (N,)
        self.batch_size = validate.integer(
            batch_size, "batch_size", minimum=1
        )
        self.num_steps = validate.integer(
            num_steps, "num_steps", minimum=1
        )
        if generator is not None and not isinstance(
            generator, torch.Generator
        ):
            raise ValueError(
                f"generator must be a torch.Generator or None, got {type(generator).__name__}"
            )
        self.generator = generator
        B, T, N = self.batch_size, self.num_steps, len(self.ids)
        # Reserve T - 1 tokens for the offset and 1 for the shift of Y, so every offset fits.
        needed = B * T + T
        if N < needed:
            raise ValueError(
                f"random_windows(batch_size={B}, num_steps={T}) needs at least {needed} tokens "
                f"(B*T + T) for one batch at any offset, got {N}"
            )
        self.num_batches = (N - T) // (B * T)

    def __len__(self) -> int:
        return self.num_batches

    def _draw(self, high: int) -> int:
        return int(torch.randint(0, high, (1,), generator=self.generator))

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        B, T, N = self.batch_size, self.num_steps, len(self.ids)
        num_windows = self.num_batches * B
        phase = self._draw(
            T
        )  # D2L's random offset in [0, T): where window boundaries fall
        spare = (
            N - 1 - phase
        ) // T - num_windows  # whole windows that will not be used
        start = phase + T * self._draw(
            spare + 1
        )  # skip some of them at the start, the rest at the end
        starts = start + T * torch.randperm(
            num_windows, generator=self.generator
        )  # (num_windows,)
        steps = torch.arange(T)  # (T,)
        for k in range(self.num_batches):
            rows = (
                starts[k * B : (k + 1) * B, None] + steps
            )  # (B, T) positions of X
            yield self.ids[rows], self.ids[rows + 1]  # (B, T), (B, T)


def random_windows(
    ids,
    batch_size: int,
    num_steps: int,
    generator: torch.Generator | None = None,
) -> RandomWindows:
    r"""D2L's random partitioning: shuffled, non-overlapping windows; **reset the state per minibatch**.

    Each pass (each ``iter``) draws, from ``generator`` (torch's global one if ``None``):

    1. a phase ``d`` uniform in ``[0, T)``, as D2L's offset, so window boundaries move every epoch;
    2. how many of the ``s`` spare whole windows to skip at the start (uniform in ``0..s``),
       so the unused remainder falls at either end and no token is left out in every epoch;
    3. a random order of the windows.

    Window ``i`` starting at ``a_i`` gives ``X = ids[a_i : a_i + T]``, ``Y = ids[a_i + 1 : a_i + T + 1]``.
    There are ``len(...) = (N - T) // (B*T)`` batches of ``B`` windows every epoch, so exactly
    ``len * B * T`` targets, one contiguous span of them, each predicted once. The remainder, at
    the two ends, is ``N - 1 - len * B * T`` targets (fewer than ``B*T + T``), plus the first token
    which is never a target. Rows of one batch are unrelated text: state carried across batches
    would be carried into the wrong place, which is why it must be reset.

    >>> g = torch.Generator().manual_seed(0)
    >>> batches = random_windows(torch.arange(30), batch_size=2, num_steps=4, generator=g)
    >>> len(batches), [tuple(x.shape) for x, y in batches]
    (3, [(2, 4), (2, 4), (2, 4)])
    """
    return RandomWindows(ids, batch_size, num_steps, generator)


class SequentialStreams:
    r"""Sequential partitioning: ``B`` parallel streams; see :func:`sequential_streams`."""

    def __init__(
        self, ids, batch_size: int, num_steps: int, offset: int = 0
    ) -> None:
        self.ids = validate.token_ids(ids)  # (N,)
        self.batch_size = validate.integer(
            batch_size, "batch_size", minimum=1
        )
        self.num_steps = validate.integer(
            num_steps, "num_steps", minimum=1
        )
        self.offset = validate.integer(offset, "offset", minimum=0)
        B, T, N = self.batch_size, self.num_steps, len(self.ids)
        needed = offset + B * T + 1
        if N < needed:
            raise ValueError(
                f"sequential_streams(batch_size={B}, num_steps={T}, offset={offset}) needs at least "
                f"{needed} tokens (offset + B*T + 1) for one batch, got {N}"
            )
        self.num_batches = (N - offset - 1) // (B * T)
        self.row_length = (
            self.num_batches * T
        )  # tokens per stream per epoch

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        B, T, L, a = (
            self.batch_size,
            self.num_steps,
            self.row_length,
            self.offset,
        )
        streams_x = self.ids[a : a + B * L].view(
            B, L
        )  # (B, L) row b = ids[a + b*L : a + (b+1)*L]
        streams_y = self.ids[a + 1 : a + 1 + B * L].view(
            B, L
        )  # (B, L) the same, shifted by one
        for k in range(self.num_batches):
            cols = slice(k * T, (k + 1) * T)
            yield (
                streams_x[:, cols].clone(),
                streams_y[:, cols].clone(),
            )  # (B, T), (B, T)


def sequential_streams(
    ids, batch_size: int, num_steps: int, offset: int = 0
) -> SequentialStreams:
    r"""D2L's sequential partitioning: ``B`` parallel streams; the state **may be carried**.

    The text after ``offset`` is cut into ``B`` equal, adjacent rows of ``L = len * T`` tokens,
    ``len = (N - offset - 1) // (B*T)`` batches; batch ``k`` is columns ``kT .. kT+T-1``, so
    row ``b`` of batch ``k+1`` starts exactly where row ``b`` of batch ``k`` ended:

    .. math::  X^{(k)}_{b,t} = x_{a + bL + kT + t}, \qquad Y^{(k)}_{b,t} = x_{a + bL + kT + t + 1}, \qquad a = \mathrm{offset}.

    Unlike D2L (which leaves a gap at the end of every row), the rows tile one contiguous span,
    so the targets ``ids[offset + 1 : offset + 1 + B*L]`` are each predicted exactly once; the
    remainder is the first ``offset + 1`` tokens (never targets) and the last
    ``N - offset - 1 - B*L`` (fewer than ``B*T``). Pass a different ``offset`` each epoch to
    move the window boundaries; the order of batches is fixed and must stay so.

    >>> x, y = next(iter(sequential_streams(torch.arange(13), batch_size=2, num_steps=3)))
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2], [6, 7, 8]], [[1, 2, 3], [7, 8, 9]])
    """
    return SequentialStreams(ids, batch_size, num_steps, offset)
