r"""Edit distance (Levenshtein), computed one way for every error rate and alignment.

:math:`D_{i,j}`, the fewest insertions, deletions and substitutions turning the first
:math:`i` units of a reference :math:`r` into the first :math:`j` of a hypothesis :math:`h`:

.. math:: D_{i,j} = \min\big(D_{i-1,j} + 1,\ D_{i,j-1} + 1,\ D_{i-1,j-1} + [r_i \ne h_j]\big),
          \quad D_{i,0} = i,\ D_{0,j} = j

We track :math:`E_{i,j} = D_{i,j} - j`, for which the recurrence becomes

.. math:: E_{i,j} = \min\big(E_{i-1,j} + 1,\ E_{i-1,j-1} - [r_i = h_j],\ E_{i,j-1}\big)

so a run of insertions along a row is a running minimum (``np.minimum.accumulate``) and one
row of the table is a few NumPy operations, for many pairs at once. :func:`rows` is that
recurrence; :func:`distances` (WER, CER, :func:`~seqlib.metrics.labeling.edit_distance`) and
:func:`table` (:func:`~seqlib.metrics.speech.alignment`'s walk back) both read it.

>>> refs, hyps = encode([list("kitten"), list("flaw")], [list("sitting"), list("lawn")])
>>> distances(refs, hyps).tolist()
[3, 2]
>>> (r,), (h,) = encode([list("ab")], [list("b")])
>>> table(r, h).tolist()
[[0, 1], [1, 1], [2, 1]]
"""
from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence

import numpy as np

__all__ = ["encode", "rows", "distances", "table"]


def encode(refs: Sequence[Sequence[Hashable]], hyps: Sequence[Sequence[Hashable]]
           ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Replace each distinct unit (word, character, tag) by an int, the same int on both sides.

    Returns one int32 array ``(n_u,)`` per reference and per hypothesis.
    """
    vocab: dict = {}
    lookup = vocab.setdefault

    def one(sequence) -> np.ndarray:
        return np.fromiter((lookup(u, len(vocab)) for u in sequence), dtype=np.int32, count=len(sequence))

    return [one(s) for s in refs], [one(s) for s in hyps]


def rows(refs: Sequence[np.ndarray], hyps: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
    r"""Yield the rows :math:`D_{i,\cdot}`, ``i = 0 .. max n_ref``, of all pairs' tables at once.

    Each row is ``(C, cols + 1)`` for ``C`` pairs, padded to the longest reference and
    hypothesis; padding never matches (-1 vs -2) and lies right of / below the cells a pair
    reads (its own ``D[n_ref, n_hyp]`` and the cells before it), so it cannot change them.
    """
    n_ref = np.array([len(r) for r in refs], dtype=np.int64)  # (C,)
    n_hyp = np.array([len(h) for h in hyps], dtype=np.int64)  # (C,)
    num_rows = int(n_ref.max(initial=0))
    cols = int(n_hyp.max(initial=0))
    ref = np.full((len(refs), num_rows), -1, dtype=np.int32)  # (C, rows)
    hyp = np.full((len(hyps), cols), -2, dtype=np.int32)  # (C, cols)
    for c, (r, h) in enumerate(zip(refs, hyps, strict=True)):
        ref[c, :len(r)] = r
        hyp[c, :len(h)] = h
    j = np.arange(cols + 1, dtype=np.int64)  # (cols+1,)
    e = np.zeros((len(refs), cols + 1), dtype=np.int64)  # (C, cols+1) E_0 = D_0 - j = 0
    t = np.empty_like(e)  # (C, cols+1)
    yield e + j  # D_0 = j: insert the first j hypothesis units
    for i in range(1, num_rows + 1):
        hit = hyp == ref[:, i - 1:i]  # (C, cols) r_i == h_j
        np.subtract(e[:, :-1], hit, out=t[:, 1:])  # diagonal: substitute or match
        np.minimum(t[:, 1:], e[:, 1:] + 1, out=t[:, 1:])  # from above: delete r_i
        t[:, 0] = i  # E_{i,0} = D_{i,0} = i
        np.minimum.accumulate(t, axis=1, out=e)  # from the left: insertions
        yield e + j  # (C, cols+1)


def distances(refs: Sequence[np.ndarray], hyps: Sequence[np.ndarray], chunk: int = 4096) -> np.ndarray:
    """Levenshtein distance ``(P,)`` of every (reference, hypothesis) pair of int arrays.

    Pairs are sorted by reference length and run ``chunk`` at a time through :func:`rows`;
    each pair's distance is read from the row of its own length. Equals
    ``rapidfuzz.distance.Levenshtein.distance`` (tested).
    """
    if len(refs) != len(hyps):
        raise ValueError(f"refs and hyps must have the same length, got {len(refs)} and {len(hyps)}")
    n_ref = np.array([len(r) for r in refs], dtype=np.int64)  # (P,)
    n_hyp = np.array([len(h) for h in hyps], dtype=np.int64)  # (P,)
    out = np.empty(len(refs), dtype=np.int64)  # (P,)
    order = np.argsort(n_ref, kind="stable")
    for lo in range(0, len(order), chunk):
        idx = order[lo:lo + chunk]  # (C,) pairs in this chunk
        for i, row in enumerate(rows([refs[p] for p in idx], [hyps[p] for p in idx])):
            finished = np.flatnonzero(n_ref[idx] == i)
            out[idx[finished]] = row[finished, n_hyp[idx[finished]]]
    return out


def table(ref: np.ndarray, hyp: np.ndarray) -> np.ndarray:
    """The full table ``D`` ``(n + 1, m + 1)`` of one pair, for walking an alignment back."""
    return np.stack([row[0] for row in rows([ref], [hyp])])  # (n+1, m+1)
