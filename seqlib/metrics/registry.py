"""The registry of metrics: one :class:`MetricInfo` per public metric, declared where it is defined.

The book's master table is generated from :data:`REGISTRY` (re-exported as
:data:`seqlib.metrics.REGISTRY`), so the table and the code cannot drift apart. A metric
declares its entry with the :func:`metric` decorator, next to its code::

    @metric(task="classification", formula=r"\\frac{1}{n}\\sum_i [\\hat y_i = y_i]", ...)
    def accuracy(target, pred) -> float: ...

Importing the module registers the function; the entry is also on the function, as
``accuracy.info``. Entries appear in :data:`REGISTRY` in import order, family by family
(the order :mod:`seqlib.metrics` imports them), then in definition order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MetricInfo", "REGISTRY", "metric"]


@dataclass(frozen=True)
class MetricInfo:
    """What the book says about a metric, next to the code that computes it."""

    name: str  # the function's name in seqlib.metrics, e.g. "corpus_bleu"
    task: str  # "language modelling", "classification", "labelling", "text overlap",
    # "forecasting", "speech", "reinforcement learning", "trajectories"
    formula: str  # LaTeX, without surrounding $ signs
    meaning: str  # one sentence of plain English
    use_when: str  # when to use it
    hides: str  # what it hides / how it misleads
    range: str  # e.g. "[0, 1]", "[1, inf)", "[0, 100]"
    higher_is_better: (
        bool | None
    )  # None for a diagnostic, which has no better direction
    # (a matrix of counts, a policy's entropy)
    reference: str  # the reference implementation it is tested against, e.g. "sklearn.metrics.f1_score"
    options: tuple[
        str, ...
    ] = ()  # keyword options a practitioner sets, each "name: meaning (reference's name)",
    # e.g. "lowercase: compare case-insensitively (sacrebleu lowercase)"

    @property
    def direction(self) -> str:
        """``"higher is better"``, ``"lower is better"`` or ``"diagnostic"`` (no direction)."""
        if self.higher_is_better is None:
            return "diagnostic"
        return (
            "higher is better"
            if self.higher_is_better
            else "lower is better"
        )


#: name -> MetricInfo, for every public metric, filled by :func:`metric` as modules are imported
REGISTRY: dict[str, MetricInfo] = {}


def metric(
    task: str,
    formula: str,
    meaning: str,
    use_when: str,
    hides: str,
    range: str,
    higher_is_better: bool | None,
    reference: str,
    options: tuple[str, ...] = (),
) -> Callable[[Callable], Callable]:
    """Declare the decorated function a metric: build its :class:`MetricInfo` and register it.

    The entry's ``name`` is the function's ``__name__``. Returns the function unchanged but for
    an ``info`` attribute. Raises ``RuntimeError`` if the name is registered twice. ``options``
    lists the function's keyword options as ``"name: meaning"`` strings, for the metrics map.
    """

    def register(fn: Callable) -> Callable:
        info = MetricInfo(
            fn.__name__,
            task,
            formula,
            meaning,
            use_when,
            hides,
            range,
            higher_is_better,
            reference,
            tuple(options),
        )
        if info.name in REGISTRY:
            raise RuntimeError(
                f"metric {info.name!r} is registered twice"
            )
        REGISTRY[info.name] = info
        fn.info = info
        return fn

    return register
