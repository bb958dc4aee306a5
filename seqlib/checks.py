r"""Self-checks: run a student's implementation against seqlib's on hidden cases.

Each ``check_*`` function takes the student's function (or class), runs it on a series of
cases chosen to include the edge cases the chapters warn about, compares with seqlib's
reference implementation, and returns a :class:`CheckResult`: ``passed`` and, when it failed,
a plain-words message naming the *first* case that differs, with both values. The result
shows itself in a notebook; ``result.raise_if_failed()`` turns a failure into an error for
use in tests or autograders.

>>> from seqlib.metrics import perplexity
>>> check_perplexity(perplexity)
check_perplexity: all 6 cases agree with seqlib.
>>> def wrong(logits, targets):   # the mean of per-sequence perplexities
...     return float(torch.stack([torch.exp(torch.nn.functional.cross_entropy(l, t))
...                               for l, t in zip(logits, targets)]).mean())
>>> check_perplexity(wrong).passed
False
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import nn

from seqlib import metrics
from seqlib.models import GRUScratch, LSTMScratch, RNNScratch
from seqlib.train import clip_gradients

__all__ = ["CheckResult", "check_perplexity", "check_rnn_cell", "check_gru_cell",
           "check_lstm_cell", "check_clip", "check_bleu", "check_wer"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a self-check: how many cases ran, and the first that failed (if any)."""

    name: str
    passed: bool
    cases_run: int
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.passed

    def raise_if_failed(self) -> None:
        """Raise ``AssertionError`` with the message when the check failed."""
        if not self.passed:
            raise AssertionError(self.message)


Case = tuple[str, Callable[[], object], Callable[[], object]]  # (description, student, expected)


def _run(name: str, cases: Iterator[Case], compare: Callable[[object, object], str | None]) -> CheckResult:
    """Run ``(description, student_thunk, expected_thunk)`` cases until the first difference."""
    count = 0
    for description, student, expected in cases:
        count += 1
        want = expected()
        try:
            got = student()
        except Exception as err:  # the student's code failing is a result, not a crash
            return CheckResult(name, False, count, f"{name}: case {count} ({description}) raised "
                               f"{type(err).__name__}: {err}")
        problem = compare(got, want)
        if problem:
            return CheckResult(name, False, count,
                               f"{name}: case {count} ({description}) differs: {problem}")
    return CheckResult(name, True, count, f"{name}: all {count} cases agree with seqlib.")


def _close_scalars(rtol: float, atol: float = 1e-9):
    def compare(got, want) -> str | None:
        try:
            got = float(got)
        except (TypeError, ValueError):
            return f"expected a number, got {type(got).__name__}"
        if math.isclose(got, want, rel_tol=rtol, abs_tol=atol) or (math.isinf(got) and got == want):
            return None
        return f"expected {want:.6g}, got {got:.6g}"
    return compare


# --- language models ------------------------------------------------------------------------

def _perplexity_cases(fn) -> Iterator[Case]:
    g = torch.Generator().manual_seed(1234)
    shapes = [((2, 5, 7), "a small batch"), ((1, 1, 4), "a single token"),
              ((3, 8, 28), "a character-sized vocabulary")]
    for (B, T, V), what in shapes:
        logits = torch.randn(B, T, V, generator=g, dtype=torch.float64)  # (B, T, V)
        targets = torch.randint(0, V, (B, T), generator=g)  # (B, T)
        yield (f"random logits, {what}, shape {(B, T, V)}",
               lambda l=logits, t=targets: fn(l, t), lambda l=logits, t=targets: metrics.perplexity(l, t))
    uniform = torch.zeros(2, 6, 10, dtype=torch.float64)  # (B, T, V): every token equally likely
    y = torch.randint(0, 10, (2, 6), generator=g)
    yield ("uniform logits: the answer is the vocabulary size, 10", lambda: fn(uniform, y),
           lambda: metrics.perplexity(uniform, y))
    big = 100.0 * torch.randn(2, 4, 5, generator=g)  # (B, T, V) float32, as models produce
    yb = torch.randint(0, 5, (2, 4), generator=g)
    yield ("large logits (softmax then log underflows; use log_softmax)", lambda: fn(big, yb),
           lambda: metrics.perplexity(big, yb))
    short = torch.randn(2, 9, 6, generator=g, dtype=torch.float64)
    ys = torch.randint(0, 6, (2, 9), generator=g)  # (B, T)
    yield ("two sequences: corpus perplexity, not the mean of per-sequence perplexities",
           lambda: fn(short, ys), lambda: metrics.perplexity(short, ys))


def check_perplexity(fn: Callable, rtol: float = 1e-5) -> CheckResult:
    r"""Check ``fn(logits (B, T, V), targets (B, T)) -> float`` against :func:`seqlib.metrics.perplexity`.

    The expected value is the corpus perplexity :math:`\exp(\frac{1}{N}\sum \text{NLL})` over all
    ``B*T`` tokens, in nats.
    """
    return _run("check_perplexity", _perplexity_cases(fn), _close_scalars(rtol))


# --- recurrent cells ------------------------------------------------------------------------

def _copy_params(student: nn.Module, reference: nn.Module) -> str | None:
    """Copy the reference's parameters into the student's module by D2L's names."""
    theirs = dict(student.named_parameters())
    for name, value in reference.named_parameters():
        if name not in theirs:
            return f"the cell has no parameter named {name!r} (D2L's names are expected: {sorted(dict(reference.named_parameters()))})"
        if tuple(theirs[name].shape) != tuple(value.shape):
            return f"parameter {name} has shape {tuple(theirs[name].shape)}, expected {tuple(value.shape)}"
        with torch.no_grad():
            theirs[name].copy_(value)
    return None


def _as_tuple(state) -> tuple[torch.Tensor, ...]:
    return tuple(state) if isinstance(state, (tuple, list)) else (state,)


def _check_cell(name: str, cls, reference_cls, reference_kwargs: dict) -> CheckResult:
    """Compare outputs, final states and gradients of ``cls`` with a seqlib cell, in float64."""
    with torch.random.fork_rng():  # the hidden cases are seeded; the caller's RNG is untouched
        torch.manual_seed(0)
        return _compare_cells(name, cls, reference_cls, reference_kwargs)


def _compare_cells(name: str, cls, reference_cls, reference_kwargs: dict) -> CheckResult:
    cases = [((2, 5, 3, 4), None, "a small batch from a zero state"),
             ((1, 1, 2, 3), None, "a single time step"),
             ((3, 7, 4, 6), "given", "a given initial state")]
    count = 0
    for (B, T, D, H), init, description in cases:
        count += 1
        reference = reference_cls(D, H, sigma=0.5, **reference_kwargs).double()
        try:
            student = cls(D, H).double()
        except Exception as err:
            return CheckResult(name, False, count, f"{name}: constructing {cls.__name__}({D}, {H}) raised "
                               f"{type(err).__name__}: {err}")
        problem = _copy_params(student, reference)
        if problem:
            return CheckResult(name, False, count, f"{name}: {problem}")
        X = torch.randn(B, T, D, dtype=torch.float64)  # (B, T, D)
        state = None
        if init:
            state = reference.begin_state(B)
            state = tuple(torch.randn_like(s) for s in _as_tuple(state))
            state = state if len(state) > 1 else state[0]
        Xs, Xr = X.clone().requires_grad_(), X.clone().requires_grad_()
        try:
            out_s, st_s = student(Xs, state)
        except Exception as err:
            return CheckResult(name, False, count, f"{name}: case {count} ({description}) raised "
                               f"{type(err).__name__}: {err}")
        out_r, st_r = reference(Xr, state)
        if tuple(out_s.shape) != tuple(out_r.shape):
            return CheckResult(name, False, count, f"{name}: case {count} ({description}): outputs have "
                               f"shape {tuple(out_s.shape)}, expected (B, T, H) = {tuple(out_r.shape)}")
        if not torch.allclose(out_s, out_r, atol=1e-6):
            t = int((out_s - out_r).abs().amax(dim=(0, 2)).argmax())
            return CheckResult(name, False, count, f"{name}: case {count} ({description}): outputs differ "
                               f"first at time step {t} (max difference "
                               f"{float((out_s - out_r).abs().max().detach()):.3g})")
        for k, (a, b) in enumerate(zip(_as_tuple(st_s), _as_tuple(st_r), strict=True)):
            if tuple(a.shape) != tuple(b.shape) or not torch.allclose(a, b, atol=1e-6):
                what = "the state" if len(_as_tuple(st_r)) == 1 else ("h", "c")[k]
                return CheckResult(name, False, count, f"{name}: case {count} ({description}): the final "
                                   f"{what} differs from the reference")
        weights = torch.randn_like(out_r)
        (out_s * weights).sum().backward()
        (out_r * weights).sum().backward()
        grads_s = dict(student.named_parameters())
        for pname, p in reference.named_parameters():
            g = grads_s[pname].grad
            if g is None or not torch.allclose(g, p.grad, atol=1e-6):
                return CheckResult(name, False, count, f"{name}: case {count} ({description}): the gradient "
                                   f"of {pname} differs (is a step detached or a parameter unused?)")
        if not torch.allclose(Xs.grad, Xr.grad, atol=1e-6):
            return CheckResult(name, False, count, f"{name}: case {count} ({description}): the gradient "
                               f"with respect to the inputs differs")
    return CheckResult(name, True, count, f"{name}: all {count} cases agree with seqlib "
                       f"(outputs, final state and gradients).")


def check_rnn_cell(cls) -> CheckResult:
    r"""Check an RNN cell class against :class:`seqlib.models.RNNScratch`.

    ``cls(num_inputs, num_hiddens)`` must have parameters ``W_xh (D, H)``, ``W_hh (H, H)``,
    ``b_h (H,)`` and ``forward(X (B, T, D), state=None) -> (outputs (B, T, H), state (B, H))``
    computing :math:`h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)`.
    """
    return _check_cell("check_rnn_cell", cls, RNNScratch, {})


def check_gru_cell(cls, reset_after: bool = False) -> CheckResult:
    """Check a GRU cell class against :class:`seqlib.models.GRUScratch` (D2L's names).

    ``reset_after=False`` (default) is the textbook GRU, ``(r * h) @ W_hh``; ``True`` is
    torch's, ``r * (h @ W_hh + b)``.
    """
    return _check_cell("check_gru_cell", cls, GRUScratch, {"reset_after": reset_after})


def check_lstm_cell(cls) -> CheckResult:
    """Check an LSTM cell class against :class:`seqlib.models.LSTMScratch`; its state is the pair ``(h, c)``."""
    return _check_cell("check_lstm_cell", cls, LSTMScratch, {})


# --- gradient clipping -------------------------------------------------------------------------

def check_clip(fn: Callable) -> CheckResult:
    r"""Check ``fn(params, max_norm) -> norm before clipping`` against :func:`seqlib.train.clip_gradients`.

    After the call every gradient must equal the reference's: scaled by
    :math:`\min(1, \theta / \lVert g \rVert)` over the *global* norm of all gradients together.
    """
    g = torch.Generator().manual_seed(7)

    def make(shapes, scale):
        params = [nn.Parameter(torch.zeros(s, dtype=torch.float64)) for s in shapes]
        for p in params:
            p.grad = scale * torch.randn(p.shape, generator=g, dtype=torch.float64)
        return params

    specs = [([(3, 4)], 10.0, 1.0, "large gradients: they must be scaled down"),
             ([(5,)], 0.01, 1.0, "small gradients: they must be left unchanged"),
             ([(2, 2), (3,), (6,)], 3.0, 0.5, "several tensors: one global norm, not one per tensor"),
             ([(4,)], 1.0, 1e3, "a threshold far above the norm")]
    count = 0
    for shapes, scale, max_norm, description in specs:
        count += 1
        student_params = make(shapes, scale)
        reference_params = [nn.Parameter(p.detach().clone()) for p in student_params]
        for p, q in zip(reference_params, student_params, strict=True):
            p.grad = q.grad.clone()
        want = clip_gradients(reference_params, max_norm)
        try:
            got = fn(student_params, max_norm)
        except Exception as err:
            return CheckResult("check_clip", False, count, f"check_clip: case {count} ({description}) "
                               f"raised {type(err).__name__}: {err}")
        problem = _close_scalars(1e-6)(got, want)
        if problem:
            return CheckResult("check_clip", False, count, f"check_clip: case {count} ({description}): "
                               f"the returned norm (before clipping) differs: {problem}")
        for k, (p, q) in enumerate(zip(student_params, reference_params, strict=True)):
            if not torch.allclose(p.grad, q.grad, rtol=1e-6, atol=1e-9):
                return CheckResult("check_clip", False, count, f"check_clip: case {count} ({description}): "
                                   f"gradient {k} after clipping differs (norm "
                                   f"{float(p.grad.norm()):.4g}, expected {float(q.grad.norm()):.4g})")
    return CheckResult("check_clip", True, count, f"check_clip: all {count} cases agree with seqlib.")


# --- text and speech metrics -------------------------------------------------------------------

_BLEU_CASES = [
    ("two sentences (corpus BLEU pools counts; it is not the mean of sentence BLEU)",
     ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."],
     ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]),
    ("a perfect match", ["the cat sat on the mat"], ["the cat sat on the mat"]),
    ("a short hypothesis (brevity penalty)", ["the cat sat on the mat today"], ["the cat sat on"]),
    ("no matching 4-gram (exp smoothing)", ["the cat sat on the mat"], ["a cat on mat here"]),
    ("punctuation to tokenize (13a)", ["Hello, world! It's 5pm."], ["Hello world, it's 5pm!"]),
]


def check_bleu(fn: Callable, rtol: float = 1e-4) -> CheckResult:
    """Check ``fn(references, hypotheses) -> corpus BLEU on 0-100`` against :func:`seqlib.metrics.corpus_bleu`.

    The reference follows sacrebleu's defaults: 13a tokenization, exp smoothing, closest
    reference length for the brevity penalty.
    """
    cases = ((d, lambda r=r, h=h: fn(r, h), lambda r=r, h=h: metrics.corpus_bleu(r, h))
             for d, r, h in _BLEU_CASES)
    return _run("check_bleu", cases, _close_scalars(rtol, atol=1e-6))


_WER_CASES = [
    ("two utterances (corpus WER is total errors over total reference words)",
     ["the cat sat on the mat", "hello world"], ["the cat sit on mat", "hello big world"]),
    ("more insertions than reference words: WER above 1", ["hi"], ["oh hi there you"]),
    ("a perfect transcript", ["a b c"], ["a b c"]),
    ("extra spaces are not words", ["the  cat sat "], [" the cat  sat"]),
]


def check_wer(fn: Callable) -> CheckResult:
    """Check ``fn(references, hypotheses) -> corpus WER`` against :func:`seqlib.metrics.wer`."""
    cases = ((d, lambda r=r, h=h: fn(r, h), lambda r=r, h=h: metrics.wer(r, h)) for d, r, h in _WER_CASES)
    return _run("check_wer", cases, _close_scalars(1e-9))
