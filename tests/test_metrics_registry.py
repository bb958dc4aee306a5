"""The registry is the book's master table: every public metric must have an entry."""
from __future__ import annotations

import dataclasses
import importlib

import seqlib.metrics as M
from seqlib.metrics import REGISTRY, MetricInfo

TASKS = {"language modelling", "classification", "labelling", "text overlap", "forecasting",
         "speech", "reinforcement learning", "trajectories"}


def helpers() -> set[str]:
    names = set()
    for mod in M._MODULES:
        try:
            names |= set(getattr(importlib.import_module(f"seqlib.metrics.{mod}"), "HELPERS", ()))
        except ModuleNotFoundError:
            pass
    return names


def test_every_public_metric_has_an_entry():
    public = set(M.__all__) - {"REGISTRY", "MetricInfo"} - helpers()
    missing = sorted(public - set(REGISTRY))
    assert not missing, f"metrics without a REGISTRY entry: {missing}"


def test_every_entry_names_a_public_callable_and_is_filled_in():
    for name, info in REGISTRY.items():
        assert isinstance(info, MetricInfo) and info.name == name
        assert callable(getattr(M, name, None)), f"REGISTRY names {name}, which seqlib.metrics lacks"
        for field in dataclasses.fields(info):
            value = getattr(info, field.name)
            if field.name == "higher_is_better":  # None is a value here: a diagnostic
                continue
            assert value is not None and value != "", f"{name}: field {field.name} is empty"
        assert info.task in TASKS, f"{name}: task {info.task!r} is not one of {sorted(TASKS)}"
        assert info.higher_is_better in (True, False, None)


def test_diagnostics_have_no_direction():
    # A matrix of counts and a policy's entropy describe a model; neither has a better end.
    diagnostics = {name for name, info in REGISTRY.items() if info.higher_is_better is None}
    assert diagnostics == {"confusion_matrix", "policy_entropy"}
    assert {REGISTRY[name].direction for name in diagnostics} == {"diagnostic"}
    assert REGISTRY["accuracy"].direction == "higher is better"
    assert REGISTRY["wer"].direction == "lower is better"
