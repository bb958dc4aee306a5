"""Workload builders shared by several speed families."""

from __future__ import annotations

import numpy as np


def synthetic_pairs(
    n_pairs: int = 10_000,
    vocab: int = 5_000,
    edit_rate: float = 0.2,
    seed: int = 0,
):
    """Reference / hypothesis sentence pairs: Zipf words, 15-35 words each, ~20% word edits."""
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(1.0 / np.arange(1, vocab + 1))
    pool = iter(
        np.searchsorted(cdf / cdf[-1], rng.random(40 * n_pairs)).tolist()
    )  # Zipf word ids
    refs, hyps = [], []
    for _ in range(n_pairs):
        ref = [f"w{next(pool)}" for _ in range(rng.integers(15, 36))]
        hyp = []
        for w, u in zip(ref, rng.random(len(ref)), strict=True):
            if u < edit_rate / 3:  # substitution
                hyp.append(f"w{next(pool)}")
            elif u < 2 * edit_rate / 3:  # deletion
                continue
            elif u < edit_rate:  # insertion after the word
                hyp += [w, f"w{next(pool)}"]
            else:
                hyp.append(w)
        refs.append(" ".join(ref))
        hyps.append(" ".join(hyp))
    return refs, hyps
