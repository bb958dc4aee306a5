"""Time seqlib's metrics against the fastest reference implementation, side by side.

Run: ``python bench/metrics_speed.py [--rounds 5]``. Each workload runs seqlib and the
reference in interleaved rounds in one process (so a busy machine slows both alike), after one
warm-up call each (numba JIT, caches), and prints the median times and their ratio
(seqlib / reference). The goal is every ratio <= 2. A row whose seqlib function is not written
yet prints "not available yet". The script also checks that both sides give the same value.
"""
from __future__ import annotations

import argparse
import importlib
import statistics
import time

import numpy as np


def synthetic_pairs(n_pairs: int = 10_000, vocab: int = 5_000, edit_rate: float = 0.2, seed: int = 0):
    """Reference / hypothesis sentence pairs: Zipf words, 15-35 words each, ~20% word edits."""
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(1.0 / np.arange(1, vocab + 1))
    pool = iter(np.searchsorted(cdf / cdf[-1], rng.random(40 * n_pairs)).tolist())  # Zipf word ids
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


def seqlib_function(module: str, name: str):
    """seqlib.metrics.<module>.<name>, or None if it is not written yet."""
    try:
        return getattr(importlib.import_module(f"seqlib.metrics.{module}"), name)
    except (ImportError, AttributeError):
        return None


def race(ours, reference, rounds: int) -> tuple[float, float, object, object]:
    """Median wall time of ``ours()`` and ``reference()`` over interleaved rounds, and their values."""
    value_ours, value_ref = ours(), reference()  # warm-up (JIT, caches), and the values to compare
    t_ours, t_ref = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        ours()
        t_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference()
        t_ref.append(time.perf_counter() - start)
    return statistics.median(t_ours), statistics.median(t_ref), value_ours, value_ref


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds per workload")
    args = parser.parse_args()

    import properscoring
    import sacrebleu
    import sklearn.metrics
    import jiwer
    from dtaidistance import dtw as dtai

    rng = np.random.default_rng(0)
    y = rng.random(1_000_000) < 0.3  # (1e6,) imbalanced labels
    s = np.round(rng.normal(y * 0.8, 1.0), 3)  # (1e6,) scores, rounded so that ties occur
    refs, hyps = synthetic_pairs()
    obs = rng.normal(size=100_000)  # (1e5,)
    ens = rng.normal(size=(100_000, 50))  # (1e5, 50) members on the last axis
    walk_a = rng.normal(size=2_000).cumsum()  # (2000,)
    walk_b = rng.normal(size=2_000).cumsum()  # (2000,)

    rows = [
        ("AUROC, 1e6 scores", "classification", "roc_auc",
         lambda f: f(y, s), lambda: sklearn.metrics.roc_auc_score(y, s), "sklearn.roc_auc_score"),
        ("average precision, 1e6", "classification", "average_precision",
         lambda f: f(y, s), lambda: sklearn.metrics.average_precision_score(y, s), "sklearn.average_precision_score"),
        ("WER, 10k sentence pairs", "speech", "wer",
         lambda f: f(refs, hyps), lambda: jiwer.wer(refs, hyps), "jiwer.wer"),
        ("corpus BLEU, 10k sentences", "overlap", "corpus_bleu",
         lambda f: f(refs, hyps), lambda: sacrebleu.corpus_bleu(hyps, [refs]).score, "sacrebleu.corpus_bleu"),
        ("CRPS, 1e5 x 50 ensemble", "timeseries", "crps_ensemble",
         lambda f: np.mean(f(obs, ens)), lambda: np.mean(properscoring.crps_ensemble(obs, ens)),
         "properscoring.crps_ensemble"),
        ("DTW, 2000 x 2000", "trajectories", "dtw",
         lambda f: f(walk_a, walk_b), lambda: dtai.distance_fast(walk_a, walk_b), "dtaidistance.distance_fast"),
    ]
    print(f"{'workload':<28} {'seqlib (s)':>11} {'reference (s)':>14} {'ratio':>6}  reference, values agree")
    for label, module, name, call_ours, call_ref, ref_name in rows:
        fn = seqlib_function(module, name)
        if fn is None:
            print(f"{label:<28} {'not available yet':>33}  ({ref_name})")
            continue
        t_ours, t_ref, v_ours, v_ref = race(lambda: call_ours(fn), call_ref, args.rounds)
        agree = bool(np.isclose(float(v_ours), float(v_ref), rtol=1e-6, atol=0.0))
        print(f"{label:<28} {t_ours:11.4f} {t_ref:14.4f} {t_ours / t_ref:6.2f}  {ref_name}, {agree}")


if __name__ == "__main__":
    main()
