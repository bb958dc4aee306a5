"""The registry is the book's master table: every public metric is declared, once, where it is defined."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import seqlib.metrics as M
from seqlib.metrics import REGISTRY, MetricInfo
from seqlib.metrics.registry import metric

TASKS = (
    "language modelling",
    "classification",
    "labelling",
    "text overlap",
    "forecasting",
    "speech",
    "reinforcement learning",
    "trajectories",
)

#: public names of seqlib.metrics that are building blocks, not metrics (no entry, on purpose)
NOT_METRICS = {
    "REGISTRY",
    "MetricInfo",
    "metric",
    "NLLStats",
    "CountStats",
    "ErrorCounts",
    "nll_stats",
    "token_counts",
    "error_counts",
    "confidence_interval",
    "paired_bootstrap",
    "roc_curve",
    "precision_recall_curve",
    "spans",
    "tokenize_13a",
    "bleu_stats",
    "bleu_from_stats",
    "BleuStats",
    "corpus_stats",
    "chrf_stats",
    "ChrfStats",
    "meteor_alignment",
    "wordnet_available",
    "cider_per_id",
    "alignment",
    "Alignment",
    "discounted_returns",
    "dtw_path",
    "span_report",
    "SpanReport",
    "span_counts",
    "error_groups",
    "ErrorGroups",
    "word_counts",
    "det_curve",  # a curve, beside roc_curve and precision_recall_curve
    "SampleEfficiency",
}  # the result record of sample_efficiency


def test_every_entry():
    """One test over all entries: public, declared by its own function, filled in, in task order."""
    public = set(M.__all__)
    assert public - NOT_METRICS == set(REGISTRY), (
        "a public name is neither a metric nor listed as a helper"
    )
    for name, info in REGISTRY.items():
        fn = getattr(M, name)
        assert (
            isinstance(info, MetricInfo)
            and info.name == name == fn.__name__
        )
        assert fn.info is info, (
            f"{name}: the entry is not the one its decorator made"
        )
        assert inspect.getmodule(fn).__name__.startswith(
            "seqlib.metrics."
        ), name
        for field in dataclasses.fields(info):
            value = getattr(info, field.name)
            if (
                field.name == "higher_is_better"
            ):  # None is a value here: a diagnostic
                continue
            assert value is not None and value != "", (
                f"{name}: field {field.name} is empty"
            )
        assert info.task in TASKS, (
            f"{name}: task {info.task!r} is not one of {TASKS}"
        )
        assert info.higher_is_better in (True, False, None)
    tasks = list(dict.fromkeys(info.task for info in REGISTRY.values()))
    assert tasks == list(TASKS), "families register in the book's order"


def test_registering_twice_fails():
    with pytest.raises(RuntimeError, match="registered twice"):
        metric("speech", "x", "x", "x", "x", "[0, 1]", True, "x")(M.wer)


def test_diagnostics_have_no_direction():
    # A matrix of counts and a policy's entropy describe a model; neither has a better end.
    diagnostics = {
        name
        for name, info in REGISTRY.items()
        if info.higher_is_better is None
    }
    # interval_coverage too: its target is the nominal level, and more coverage is not better
    assert diagnostics == {
        "confusion_matrix",
        "policy_entropy",
        "interval_coverage",
    }
    assert {REGISTRY[name].direction for name in diagnostics} == {
        "diagnostic"
    }
    assert REGISTRY["accuracy"].direction == "higher is better"
    assert REGISTRY["wer"].direction == "lower is better"
