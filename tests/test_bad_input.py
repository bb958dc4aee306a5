"""Bad input is refused by name: a walk over seqlib's public API with input of the wrong kind.

Every public function (and class) of the library modules, called with ``None`` or a string
where its required arguments go, must raise ``TypeError`` or ``ValueError`` whose message names
one of those parameters *as spelled in the signature* and says what came ("got ..."). A
crash deep inside (``'NoneType' object is not iterable``), a silent result, or an error that
names a parameter the signature does not have, is a failure. Each module is one test, and a
failing test lists every callable that failed and why, at once.

Targeted cases (a wrong shape, a float where ids go, ...) for the modules that chapters call
most follow at the end.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re

import pytest
import torch

import seqlib.metrics

# Library modules: what readers call. The authoring tools (course, prose, student, edition,
# assignment), the numerics pin and the validators themselves (which take the name to report
# as an argument) are not walked.
LIBRARY = [
    "batching",
    "bptt",
    "checks",
    "clipping",
    "compression",
    "data",
    "decode",
    "deep",
    "dynamic_eval",
    "encoder_decoder",
    "evaluation",
    "lm",
    "models",
    "ngram",
    "seq2seq",
    "text",
    "train",
    "translation",
]
METRICS = sorted(seqlib.metrics.__all__)
WRONG = {"None": None, "a str": "seven"}
# Callables that take anything by design (a state of any structure, an exception, a cell class).
EXEMPT = {
    "lm.map_state",
    "bptt.explain_second_backward",
    "train.detach",
    "lm.evaluating",
    "translation.detokenize",
    "translation.tokenize",
    "text.tokenize",
    "data.synthetic_series",
    "metrics.metric",
}  # the registry's decorator, not a metric


def _public(module_name: str):
    module = importlib.import_module(f"seqlib.{module_name}")
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isclass(obj) and (
            issubclass(obj, BaseException)
            or hasattr(obj, "_fields")
            or (
                dataclasses.is_dataclass(obj)
                and not hasattr(obj, "__post_init__")
            )
        ):
            continue  # exceptions, and plain records the library fills in (named tuples, results)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield f"{module_name}.{name}", obj


def _required(fn) -> list[inspect.Parameter]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p
        for p in params
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _problem(qualname: str, fn, label: str, value) -> str | None:
    """Call ``fn`` with ``value`` for every required argument; return what was wrong, if anything."""
    required = _required(fn)
    names = [p.name for p in required]
    text_ok = (
        "str",
        "Sequence",
        "Any",
    )  # a str is one sentence, or a sequence of characters
    if not names or (
        isinstance(value, str)
        and any(t in str(p.annotation) for p in required for t in text_ok)
    ):
        return None  # nothing to pass, or a str is the right kind for one of them
    try:
        fn(*[value] * len(names))
    except (TypeError, ValueError) as err:
        message = str(err)
        if (
            "missing" in message and "required" in message
        ):  # a signature error, not validation
            return f"{label}: {type(err).__name__}: {message}"
        if not any(
            re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", message)
            for n in names
        ):
            return f"{label}: message names none of {names}: {type(err).__name__}: {message}"
        if (
            "got" not in message
            and "found" not in message
            and "is empty" not in message
        ):
            return f"{label}: message does not say what came: {message}"
        return None
    except Exception as err:  # noqa: BLE001 - any other exception is the finding
        return f"{label}: {type(err).__name__} (not TypeError/ValueError): {str(err)[:160]}"
    return f"{label}: accepted without an error"


def _walk(pairs) -> list[str]:
    failures = []
    for qualname, fn in pairs:
        if qualname in EXEMPT:
            continue
        for label, value in WRONG.items():
            problem = _problem(qualname, fn, label, value)
            if problem:
                failures.append(
                    f"{qualname}{inspect.signature(fn)}: {problem}"
                )
                break  # one finding per callable is enough to act on
    return failures


@pytest.mark.parametrize("module_name", LIBRARY)
def test_library_refuses_wrong_kinds_by_name(module_name):
    failures = _walk(_public(module_name))
    assert not failures, (
        f"{len(failures)} callable(s) of seqlib.{module_name}:\n  "
        + "\n  ".join(failures)
    )


def test_metrics_refuse_wrong_kinds_by_name():
    from seqlib import metrics

    pairs = [
        (f"metrics.{name}", getattr(metrics, name))
        for name in METRICS
        if inspect.isfunction(getattr(metrics, name))
    ]
    failures = _walk(pairs)
    assert len(pairs) > 50, "the walk must see the metric zoo"
    assert not failures, (
        f"{len(failures)} of {len(pairs)} metric functions:\n  "
        + "\n  ".join(failures)
    )


# --- targeted cases: the wrong shape or type where the right kind is easy to mistake -------------


def _raises(fn, *args, match: str, **kwargs):
    with pytest.raises((TypeError, ValueError), match=match):
        fn(*args, **kwargs)


def test_models_refuse_wrong_sizes_and_inputs():
    from seqlib.models import GRUScratch, LSTMScratch, RNNScratch

    for cls in (RNNScratch, GRUScratch, LSTMScratch):
        _raises(
            cls, "3", 4, match=r"num_inputs must be an int >= 1, got '3'"
        )
        _raises(
            cls, 3, 0, match=r"num_hiddens must be an int >= 1, got 0"
        )
        cell = cls(3, 4)
        _raises(
            cell,
            torch.zeros(2, 3),
            match=r"expects X of shape \(B, T, 3\), got \(2, 3\)",
        )
        _raises(
            cell,
            torch.zeros(2, 5, 7),
            match=r"expects X of shape \(B, T, 3\), got \(2, 5, 7\)",
        )
        _raises(
            cell, "abc", match=r"expects X of shape \(B, T, 3\), got str"
        )
        wrong = (
            r"state to be a pair \(h, c\), got Tensor"
            if cls is LSTMScratch
            else r"state of shape \(B, H\) = \(2, 4\), got \(3, 4\)"
        )
        _raises(
            cell, torch.zeros(2, 5, 3), torch.zeros(3, 4), match=wrong
        )


def test_text_batching_and_ngram_refuse_by_name():
    from seqlib import batching, text
    from seqlib.ngram import NGramLM

    _raises(
        text.Vocab,
        None,
        match="tokens must be a list of tokens .*got NoneType",
    )
    _raises(
        text.Vocab,
        "a text",
        match="tokens must be a list of tokens, got a str",
    )
    _raises(
        batching.sequential_streams,
        torch.arange(50),
        0,
        4,
        match=r"batch_size must be an int >= 1, got 0",
    )
    _raises(
        batching.sequential_streams,
        torch.arange(50).float(),
        2,
        4,
        match=r"ids must hold integer token ids",
    )
    _raises(
        batching.random_windows,
        torch.arange(50),
        2,
        "4",
        match=r"num_steps must be an int >= 1, got '4'",
    )
    _raises(NGramLM, 0, 28, match=r"n must be an int in 1..5, got 0")
    _raises(
        NGramLM,
        3,
        "28",
        match=r"vocab_size must be an int >= 1, got '28'",
    )


def test_clipping_refuses_by_name():
    from seqlib.clipping import clip_gradients, grad_norm

    p = torch.nn.Parameter(torch.zeros(3))
    p.grad = torch.ones(3)
    _raises(
        clip_gradients,
        [p],
        -1.0,
        match=r"max_norm must be a finite number > 0, got -1.0",
    )
    _raises(
        clip_gradients,
        None,
        1.0,
        match=r"params must be an iterable of tensors .*got NoneType",
    )
    _raises(
        grad_norm,
        5,
        match=r"params must be an iterable of tensors .*got int",
    )
    _raises(
        grad_norm,
        [p, "w"],
        match=r"params must be an iterable of tensors, got str at item 1",
    )


def test_bptt_and_training_refuse_by_name():
    from seqlib.bptt import rnn_loop, tanh_recurrence
    from seqlib.models import RNNLM, RNNScratch
    from seqlib.train import TrainConfig, cosine_lr, fit

    for fn in (rnn_loop, tanh_recurrence):
        _raises(
            fn,
            torch.zeros(2, 3, 4),
            None,
            torch.eye(4),
            match=r"h0 must be a tensor, got NoneType",
        )
        _raises(
            fn,
            torch.zeros(2, 3, 4),
            torch.zeros(2, 5),
            torch.eye(4),
            match=r"h0 must be \(B, H\)",
        )
    _raises(
        cosine_lr, 0.1, 1.5, match=r"done must be in \[0, 1\], got 1.5"
    )
    model = RNNLM(RNNScratch(4, 6), 4)
    ids = torch.arange(100) % 4
    _raises(
        fit,
        model,
        ids,
        None,
        {"epochs": 1},
        match=r"config must be a TrainConfig, got dict",
    )
    _raises(
        fit,
        model,
        ids.float(),
        None,
        TrainConfig(epochs=1),
        match=r"train_ids must hold integer token ids",
    )
    _raises(
        fit,
        "model",
        ids,
        None,
        TrainConfig(epochs=1),
        match=r"model must be a torch.nn.Module",
    )


def test_checks_refuse_what_is_not_a_function():
    from seqlib import checks

    _raises(
        checks.check_perplexity,
        None,
        match=r"fn must be a function, got NoneType",
    )
    _raises(
        checks.check_rnn_cell, 3, match=r"cls must be a class .*got int"
    )
    _raises(
        checks.perplexity_case,
        len,
        "logits",
        torch.zeros(1, 1, dtype=torch.long),
        match=r"logits must be a tensor, got str",
    )
