"""The registry of metrics: one :class:`MetricInfo` per public metric.

The book's master table is generated from :data:`seqlib.metrics.REGISTRY`, so the table and
the code cannot drift apart. Each metrics module declares its entries in a module-level list
``INFO``; :mod:`seqlib.metrics` gathers them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    """What the book says about a metric, next to the code that computes it."""

    name: str            # the function's name in seqlib.metrics, e.g. "corpus_bleu"
    task: str            # "language modelling", "classification", "labelling", "text overlap",
                         # "forecasting", "speech", "reinforcement learning", "trajectories"
    formula: str         # LaTeX, without surrounding $ signs
    meaning: str         # one sentence of plain English
    use_when: str        # when to use it
    hides: str           # what it hides / how it misleads
    range: str           # e.g. "[0, 1]", "[1, inf)", "[0, 100]"
    higher_is_better: bool | None  # None for a diagnostic, which has no better direction
                                   # (a matrix of counts, a policy's entropy)
    reference: str       # the reference implementation it is tested against, e.g. "sklearn.metrics.f1_score"

    @property
    def direction(self) -> str:
        """``"higher is better"``, ``"lower is better"`` or ``"diagnostic"`` (no direction)."""
        if self.higher_is_better is None:
            return "diagnostic"
        return "higher is better" if self.higher_is_better else "lower is better"
