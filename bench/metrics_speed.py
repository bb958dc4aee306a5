"""Time seqlib's metrics against the fastest reference implementation, side by side.

Run: ``python bench/metrics_speed.py [--only FAMILY ...] [--rounds 5]``. The workloads come from
the per-family case files ``bench/speed/<family>.py``; each defines ``rows(rng)`` returning a
list of ``(label, module, name, call_ours, call_reference, reference_name)`` (see
``bench/speed/__init__.py``). Each workload runs seqlib and the reference in interleaved rounds
in one process (so a busy machine slows both alike), after one warm-up call each (numba JIT,
caches), and prints the median times and their ratio (seqlib / reference). The goal is every
ratio <= 1.0: no metric slower than its fastest reference. A row whose seqlib function is not
written yet prints "not available yet". The last column checks that both sides give the same
value (rtol 1e-6; arrays and tuples are compared element by element).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

SPEED_DIR = Path(__file__).resolve().parent / "speed"


def families() -> list[str]:
    """The family case files present in bench/speed/, in alphabetical order."""
    return sorted(
        p.stem
        for p in SPEED_DIR.glob("*.py")
        if not p.stem.startswith("_") and p.stem != "common"
    )


def family_rows(family: str) -> list[tuple]:
    """The rows of ``bench/speed/<family>.py``, built with a fresh ``default_rng(0)``."""
    if str(SPEED_DIR.parent) not in sys.path:
        sys.path.insert(0, str(SPEED_DIR.parent))
    module = importlib.import_module(f"speed.{family}")
    return module.rows(np.random.default_rng(0))


def seqlib_function(module: str, name: str):
    """seqlib.metrics.<module>.<name>, or None if it is not written yet."""
    try:
        return getattr(
            importlib.import_module(f"seqlib.metrics.{module}"), name
        )
    except (ImportError, AttributeError):
        return None


def race(
    ours, reference, rounds: int
) -> tuple[float, float, object, object]:
    """Median wall time of ``ours()`` and ``reference()`` over interleaved rounds, and their values."""
    value_ours, value_ref = (
        ours(),
        reference(),
    )  # warm-up (JIT, caches), and the values to compare
    t_ours, t_ref = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        ours()
        t_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        reference()
        t_ref.append(time.perf_counter() - start)
    return (
        statistics.median(t_ours),
        statistics.median(t_ref),
        value_ours,
        value_ref,
    )


def agree(a, b, rtol: float = 1e-6) -> bool:
    """Whether two values are equal within ``rtol``: numbers, arrays, or tuples/lists of them."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(
            agree(x, y, rtol) for x, y in zip(a, b, strict=True)
        )
    try:
        a, b = (
            np.asarray(a, dtype=np.float64),
            np.asarray(b, dtype=np.float64),
        )
    except (TypeError, ValueError):
        return a == b
    return a.shape == b.shape and bool(
        np.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleaved timing rounds per workload",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="FAMILY",
        choices=families(),
        help="time only this family's case file (repeatable); default: all of "
        + ", ".join(families()),
    )
    args = parser.parse_args()
    warnings.simplefilter(
        "ignore"
    )  # the references' UndefinedMetricWarning etc. would bury the table

    print(
        f"goal: ratio <= 1.0 (seqlib / fastest reference); median of {args.rounds} interleaved rounds"
    )
    print(
        f"{'workload':<34} {'seqlib (s)':>11} {'reference (s)':>14} {'ratio':>6}  reference, values agree"
    )
    slower = 0
    for family in args.only or families():
        for (
            label,
            module,
            name,
            call_ours,
            call_ref,
            ref_name,
        ) in family_rows(family):
            fn = seqlib_function(module, name)
            if fn is None:
                print(
                    f"{label:<34} {'not available yet':>33}  ({ref_name})"
                )
                continue
            t_ours, t_ref, v_ours, v_ref = race(
                functools.partial(call_ours, fn), call_ref, args.rounds
            )
            ratio = t_ours / t_ref
            slower += ratio > 1.0
            print(
                f"{label:<34} {t_ours:11.4f} {t_ref:14.4f} {ratio:6.2f}  {ref_name}, {agree(v_ours, v_ref)}"
            )
    print(f"{slower} workload(s) slower than the reference (goal: 0)")


if __name__ == "__main__":
    main()
