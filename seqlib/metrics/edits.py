r"""Edit distance (Levenshtein), computed one way for every error rate and alignment.

:math:`D_{i,j}`, the fewest insertions, deletions and substitutions turning the first
:math:`i` units of a reference :math:`r` into the first :math:`j` of a hypothesis :math:`h`:

.. math:: D_{i,j} = \min\big(D_{i-1,j} + 1,\ D_{i,j-1} + 1,\ D_{i-1,j-1} + [r_i \ne h_j]\big),
          \quad D_{i,0} = i,\ D_{0,j} = j

We track :math:`E_{i,j} = D_{i,j} - j`, for which the recurrence becomes

.. math:: E_{i,j} = \min\big(E_{i-1,j} + 1,\ E_{i-1,j-1} - [r_i = h_j],\ E_{i,j-1}\big)

so a run of insertions along a row is a running minimum (``np.minimum.accumulate``) and one
row of the table is a few NumPy operations, for many pairs at once. :func:`rows` is that
recurrence; :func:`distances`, :func:`table` (:func:`~seqlib.metrics.speech.alignment`'s walk
back) and :func:`counts` (the hits, substitutions, deletions and insertions behind MER, WIL and
WIP, walked back for many pairs at once) read it.

When only the distance is needed (WER, CER, :func:`~seqlib.metrics.labeling.edit_distance`),
:func:`levenshtein` computes the same :math:`D_{n,m}` with one bit per reference unit: the
column's vertical differences :math:`D_{i,j} - D_{i-1,j} \in \{-1, 0, 1\}` are two bit
vectors (Python ints of any width), updated for each hypothesis unit by a dozen integer
operations (Myers 1999; Hyyrö 2001), so a pair costs :math:`O(m \lceil n / w \rceil)` word
operations instead of :math:`O(nm)` cells; rapidfuzz uses the same algorithm, in C.

>>> refs, hyps = encode([list("kitten"), list("flaw")], [list("sitting"), list("lawn")])
>>> distances(refs, hyps).tolist()
[3, 2]
>>> levenshtein(["kitten", ["the", "cat"]], ["sitting", ["a", "cat", "sat"]])
[3, 2]
>>> (r,), (h,) = encode([list("ab")], [list("b")])
>>> table(r, h).tolist()
[[0, 1], [1, 1], [2, 1]]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence

import numpy as np

__all__ = [
    "encode",
    "rows",
    "distances",
    "table",
    "counts",
    "levenshtein",
]


def encode(
    refs: Sequence[Sequence[Hashable]], hyps: Sequence[Sequence[Hashable]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Replace each distinct unit (word, character, tag) by an int, the same int on both sides.

    Returns one int32 array ``(n_u,)`` per reference and per hypothesis.
    """
    everything = [u for seq in refs for u in seq] + [
        u for seq in hyps for u in seq
    ]
    vocab = {
        u: k for k, u in enumerate(dict.fromkeys(everything))
    }  # numbered in order of appearance
    ids = np.fromiter(
        map(vocab.__getitem__, everything),
        dtype=np.int32,
        count=len(everything),
    )
    ends = np.cumsum(
        [len(seq) for seq in refs] + [len(seq) for seq in hyps]
    )
    pieces = np.split(ids, ends[:-1]) if len(ends) else []
    return pieces[: len(refs)], pieces[len(refs) :]


def rows(
    refs: Sequence[np.ndarray], hyps: Sequence[np.ndarray]
) -> Iterator[np.ndarray]:
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
        ref[c, : len(r)] = r
        hyp[c, : len(h)] = h
    j = np.arange(cols + 1, dtype=np.int32)  # (cols+1,)
    e = np.zeros(
        (len(refs), cols + 1), dtype=np.int32
    )  # (C, cols+1) E_0 = D_0 - j = 0
    t = np.empty_like(e)  # (C, cols+1)
    yield e + j  # D_0 = j: insert the first j hypothesis units
    for i in range(1, num_rows + 1):
        hit = hyp == ref[:, i - 1 : i]  # (C, cols) r_i == h_j
        np.subtract(
            e[:, :-1], hit, out=t[:, 1:]
        )  # diagonal: substitute or match
        np.minimum(
            t[:, 1:], e[:, 1:] + 1, out=t[:, 1:]
        )  # from above: delete r_i
        t[:, 0] = i  # E_{i,0} = D_{i,0} = i
        np.minimum.accumulate(
            t, axis=1, out=e
        )  # from the left: insertions
        yield e + j  # (C, cols+1)


def distances(
    refs: Sequence[np.ndarray],
    hyps: Sequence[np.ndarray],
    chunk: int = 4096,
) -> np.ndarray:
    """Levenshtein distance ``(P,)`` of every (reference, hypothesis) pair of int arrays.

    Pairs are sorted by reference length and run ``chunk`` at a time through :func:`rows`;
    each pair's distance is read from the row of its own length. Equals
    ``rapidfuzz.distance.Levenshtein.distance`` (tested).
    """
    if len(refs) != len(hyps):
        raise ValueError(
            f"refs and hyps must have the same length, got {len(refs)} and {len(hyps)}"
        )
    n_ref = np.array([len(r) for r in refs], dtype=np.int64)  # (P,)
    n_hyp = np.array([len(h) for h in hyps], dtype=np.int64)  # (P,)
    out = np.empty(len(refs), dtype=np.int64)  # (P,)
    order = np.argsort(n_ref, kind="stable")
    for lo in range(0, len(order), chunk):
        idx = order[lo : lo + chunk]  # (C,) pairs in this chunk
        for i, row in enumerate(
            rows([refs[p] for p in idx], [hyps[p] for p in idx])
        ):
            finished = np.flatnonzero(n_ref[idx] == i)
            out[idx[finished]] = row[finished, n_hyp[idx[finished]]]
    return out


def table(ref: np.ndarray, hyp: np.ndarray) -> np.ndarray:
    """The full table ``D`` ``(n + 1, m + 1)`` of one pair, for walking an alignment back."""
    return np.stack([row[0] for row in rows([ref], [hyp])])  # (n+1, m+1)


def _affixes(
    refs: Sequence[np.ndarray],
    hyps: Sequence[np.ndarray],
    n: np.ndarray,
    m: np.ndarray,
    width: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    """Lengths ``(P,)`` of the common prefix and (after it) the common suffix of every pair.

    The first ``width`` positions from each end are compared for all pairs at once; the few
    pairs whose affix is longer are finished one by one.
    """
    shortest = np.minimum(n, m)  # (P,)
    flat_r = np.concatenate(
        [*refs, np.zeros(1, np.int32)]
    )  # a spare element keeps clipped indices valid
    flat_h = np.concatenate([*hyps, np.zeros(1, np.int32)])
    start_r, start_h = (
        np.cumsum(n) - n,
        np.cumsum(m) - m,
    )  # (P,) offsets in the flat arrays
    k = np.arange(min(width, int(shortest.max(initial=0))))  # (K,)
    inside = k < shortest[:, None]  # (P, K)
    found = []
    for r_pos, h_pos in (
        (start_r[:, None] + k, start_h[:, None] + k),  # from the start
        (
            start_r[:, None] + n[:, None] - 1 - k,
            start_h[:, None] + m[:, None] - 1 - k,
        ),
    ):  # the end
        same = inside & (
            flat_r[np.clip(r_pos, 0, len(flat_r) - 1)]
            == flat_h[np.clip(h_pos, 0, len(flat_h) - 1)]
        )
        found.append(
            np.argmin(
                np.concatenate(
                    [same, np.zeros((len(n), 1), bool)], axis=1
                ),
                axis=1,
            )
        )  # (P,)
    prefix, suffix = found
    for p in np.flatnonzero(
        (prefix == len(k)) & (shortest > len(k))
    ):  # longer than width: finish by hand
        r, h = refs[p].tolist(), hyps[p].tolist()
        while prefix[p] < shortest[p] and r[prefix[p]] == h[prefix[p]]:
            prefix[p] += 1
    for p in np.flatnonzero((suffix == len(k)) & (shortest > len(k))):
        r, h = refs[p].tolist(), hyps[p].tolist()
        while (
            suffix[p] < shortest[p]
            and r[-1 - suffix[p]] == h[-1 - suffix[p]]
        ):
            suffix[p] += 1
    return prefix, np.minimum(suffix, shortest - prefix)


def counts(
    refs: Sequence[np.ndarray],
    hyps: Sequence[np.ndarray],
    cells: int = 4_000_000,
) -> np.ndarray:
    """Hits, substitutions, deletions, insertions ``(P, 4)`` of a minimum-edit alignment of every pair.

    Several alignments can have the fewest edits (``a b`` vs ``b c``: two substitutions, or a
    deletion, a hit and an insertion), and MER, WIL and WIP depend on which. We take the one
    rapidfuzz's ``Levenshtein.opcodes`` (and so jiwer) takes: the common prefix and suffix are
    hits; in between, walking back from the table's corner, a deletion if it is on a shortest
    path, else an insertion if strictly cheaper than the diagonal, else the diagonal (the rule
    :func:`~seqlib.metrics.speech.alignment` follows for one pair). Pairs are walked back together,
    in chunks of about ``cells`` table cells, sorted by reference length.
    """
    if len(refs) != len(hyps):
        raise ValueError(
            f"refs and hyps must have the same length, got {len(refs)} and {len(hyps)}"
        )
    out = np.zeros((len(refs), 4), dtype=np.int64)  # (P, 4) H, S, D, I
    n = np.array([len(r) for r in refs], dtype=np.int64)  # (P,)
    m = np.array([len(h) for h in hyps], dtype=np.int64)  # (P,)
    prefix, suffix = _affixes(refs, hyps, n, m)  # (P,), (P,)
    out[:, 0] = prefix + suffix  # the common prefix and suffix are hits
    n_ref, n_hyp = (
        n - prefix - suffix,
        m - prefix - suffix,
    )  # (P,) lengths of the middles
    mid_r = [
        r[a : a + k]
        for r, a, k in zip(
            refs, prefix.tolist(), n_ref.tolist(), strict=True
        )
    ]
    mid_h = [
        h[a : a + k]
        for h, a, k in zip(
            hyps, prefix.tolist(), n_hyp.tolist(), strict=True
        )
    ]
    order = np.argsort(n_ref, kind="stable")
    lo = 0
    while lo < len(order):
        hi, widest = lo + 1, n_hyp[order[lo]]
        while (
            hi < len(order)
            and (hi + 1 - lo)
            * (n_ref[order[hi]] + 1)
            * (max(widest, n_hyp[order[hi]]) + 1)
            <= cells
        ):
            widest = max(widest, n_hyp[order[hi]])
            hi += 1
        idx = order[lo:hi]  # (C,)
        out[idx] += _walk_back(
            [mid_r[p] for p in idx],
            [mid_h[p] for p in idx],
            n_ref[idx],
            n_hyp[idx],
        )
        lo = hi
    return out


def _walk_back(
    refs: list, hyps: list, n: np.ndarray, m: np.ndarray
) -> np.ndarray:
    """(C, 4) H, S, D, I of C pairs, walking back all their tables at once (see :func:`counts`)."""
    size = len(refs)
    tab = np.empty(
        (size, int(n.max(initial=0)) + 1, int(m.max(initial=0)) + 1),
        dtype=np.int32,
    )  # (C, rows+1, cols+1)
    for i, row in enumerate(rows(refs, hyps)):
        tab[:, i] = row
    ref = np.full(
        (size, tab.shape[1] - 1), -1, dtype=np.int64
    )  # (C, rows)
    hyp = np.full(
        (size, tab.shape[2] - 1), -2, dtype=np.int64
    )  # (C, cols)
    for c, (r, h) in enumerate(zip(refs, hyps, strict=True)):
        ref[c, : len(r)] = r
        hyp[c, : len(h)] = h
    c = np.arange(size)
    i, j = n.copy(), m.copy()  # (C,) the walk's position in each table
    total = np.zeros((size, 4), dtype=np.int64)  # (C, 4)
    while True:
        live = (i > 0) & (j > 0)  # (C,)
        if not live.any():
            break
        here = tab[c, i, j]  # (C,)
        delete = live & (here == tab[c, i - 1, j] + 1)
        insert = (
            live & ~delete & (tab[c, i, j - 1] < tab[c, i - 1, j - 1])
        )
        diagonal = live & ~delete & ~insert
        same = ref[c, i - 1] == hyp[c, j - 1]  # (C,)
        total[:, 0] += diagonal & same
        total[:, 1] += diagonal & ~same
        total[:, 2] += delete
        total[:, 3] += insert
        i -= delete | diagonal
        j -= insert | diagonal
    total[:, 2] += i  # what is left of the reference is deleted
    total[:, 3] += j  # what is left of the hypothesis is inserted
    return total


def levenshtein(
    refs: Sequence[Sequence[Hashable]], hyps: Sequence[Sequence[Hashable]]
) -> list[int]:
    r"""Levenshtein distance of every (reference, hypothesis) pair of unit sequences (strings, word lists).

    Bit-parallel (Hyyrö 2001, "Explaining and extending the bit-parallel approximate string
    matching algorithm of Myers"): bit :math:`i` of ``pv`` / ``mv`` says
    :math:`D_{i+1,j} - D_{i,j}` is +1 / -1 in the current column :math:`j`; the score follows
    the last row, :math:`D_{n,j}`. Equals :func:`distances` and
    ``rapidfuzz.distance.Levenshtein.distance`` (tested).
    """
    if len(refs) != len(hyps):
        raise ValueError(
            f"refs and hyps must have the same length, got {len(refs)} and {len(hyps)}"
        )
    out = []
    for ref, hyp in zip(refs, hyps, strict=True):
        if not ref:
            out.append(len(hyp))
            continue
        match: dict = {}  # unit -> bit mask of its positions in ref
        bit = 1
        for unit in ref:
            match[unit] = match.get(unit, 0) | bit
            bit <<= 1
        mask, last = bit - 1, bit >> 1
        pv, mv, score = (
            mask,
            0,
            len(ref),
        )  # column 0: D_{i,0} = i, every difference +1
        get = match.get
        for unit in hyp:
            eq = get(unit, 0)
            xv = eq | mv
            xh = (((eq & pv) + pv) ^ pv) | eq
            ph = (
                mv | ~(xh | pv)
            )  # horizontal +1 (infinite ones above bit n-1 are never read)
            mh = pv & xh  # horizontal -1
            if ph & last:
                score += 1
            elif mh & last:
                score -= 1
            ph = (
                ph << 1
            ) | 1  # row 0 grows by one per hypothesis unit: D_{0,j} = j
            pv = ((mh << 1) | ~(xv | ph)) & mask
            mv = ph & xv
        out.append(score)
    return out
