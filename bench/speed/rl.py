"""Speed cases: reinforcement-learning metrics (seqlib.metrics.rl); the references are the formulas."""

from __future__ import annotations

import numpy as np


def rows(rng):
    rewards = rng.normal(size=100_000)  # (1e5,) one long episode
    steps = (
        np.arange(1, 100_001) * 1_000.0
    )  # (1e5,) a learning curve evaluated every 1000 steps
    curve = (
        1 - np.exp(-steps / 2e7) + rng.normal(scale=0.01, size=steps.size)
    )  # (1e5,)

    def discounted_loop(r, gamma):  # the definition, as a Python loop
        total, discount = 0.0, 1.0
        for x in r.tolist():
            total += discount * x
            discount *= gamma
        return total

    def efficiency_numpy(
        s, c, threshold
    ):  # np.trapezoid over the span, the first crossing
        hit = c >= threshold  # argmax stops at the first True:
        first = int(hit.argmax())  # faster than np.flatnonzero
        area = float(np.trapezoid(c, s) / (s[-1] - s[0]))
        return (area, float(s[first]) if hit[first] else np.inf)

    return [
        (
            "discounted return, 1e5 steps",
            "rl",
            "discounted_return",
            lambda f: f(rewards, 0.99),
            lambda: discounted_loop(rewards, 0.99),
            "Python loop (definition)",
        ),
        (
            "sample efficiency, 1e5-point curve",
            "rl",
            "sample_efficiency",
            lambda f: tuple(f(steps, curve, threshold=0.9)),
            lambda: efficiency_numpy(steps, curve, 0.9),
            "numpy np.trapezoid",
        ),
    ]
