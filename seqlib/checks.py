r"""Self-checks: run a student's implementation against seqlib's on hidden cases.

Each ``check_*`` function takes the student's function (or class), runs it on a series of
cases chosen to include the edge cases the chapters warn about, compares with seqlib's
reference implementation, and returns a :class:`CheckResult`: ``passed`` and, when it failed,
a plain-words message naming the *first* case that differs, with both values. The result
shows itself in a notebook; ``result.raise_if_failed()`` turns a failure into an error for
use in tests or autograders.

>>> from seqlib.metrics import perplexity
>>> check_perplexity(perplexity)
check_perplexity: all 8 cases agree with seqlib.
>>> def wrong(logits, targets):   # the mean of per-sequence perplexities
...     return float(torch.stack([torch.exp(torch.nn.functional.cross_entropy(l, t))
...                               for l, t in zip(logits, targets)]).mean())
>>> print(check_perplexity(wrong).message)  # doctest: +ELLIPSIS
check_perplexity: case 1 (two sequences, ...) differs: expected 9.70629, got 9.78697: that is the mean of per-sequence perplexities...

The ``*_case`` functions run one case given explicitly; an autograder's hidden tests
(:mod:`seqlib.assignment`) call them with cases made when the assignment is built, so that
the cases a grade depends on are not in the installed package.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import metrics, validate
from seqlib.models import GRUScratch, LSTMScratch, RNNScratch
from seqlib.train import clip_gradients

__all__ = [
    "CheckResult",
    "check_perplexity",
    "check_rnn_cell",
    "check_gru_cell",
    "check_lstm_cell",
    "check_clip",
    "check_bleu",
    "check_wer",
    "perplexity_case",
    "cell_case",
    "clip_case",
]


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


Case = tuple[
    str, Callable[[], object], Callable[[], object]
]  # (description, student, expected)


def _run(
    name: str,
    cases: Iterator[Case],
    compare: Callable[[object, object], str | None],
) -> CheckResult:
    """Run ``(description, student_thunk, expected_thunk)`` cases until the first difference."""
    count = 0
    for description, student, expected in cases:
        count += 1
        want = expected()
        try:
            got = student()
        except (
            Exception
        ) as err:  # the student's code failing is a result, not a crash
            return CheckResult(
                name,
                False,
                count,
                f"{name}: case {count} ({description}) raised "
                f"{type(err).__name__}: {err}",
            )
        problem = compare(got, want)
        if problem:
            return CheckResult(
                name,
                False,
                count,
                f"{name}: case {count} ({description}) differs: {problem}",
            )
    return CheckResult(
        name, True, count, f"{name}: all {count} cases agree with seqlib."
    )


def _close_scalars(rtol: float, atol: float = 1e-9):
    def compare(got, want) -> str | None:
        try:
            got = float(got)
        except (TypeError, ValueError):
            return f"expected a number, got {type(got).__name__}"
        if math.isclose(got, want, rel_tol=rtol, abs_tol=atol) or (
            math.isinf(got) and got == want
        ):
            return None
        return f"expected {want:.6g}, got {got:.6g}"

    return compare


# --- language models ------------------------------------------------------------------------


def _perplexity_mistakes(
    logits: torch.Tensor, targets: torch.Tensor, ignore_index: int | None
):
    """The values the usual wrong perplexities take on this input: ``[(mistake, value), ...]``."""
    nll = -F.log_softmax(logits.double(), -1).gather(
        -1, targets.clamp(min=0)[..., None]
    )[..., 0]  # (B, T)
    keep = (
        torch.ones_like(targets, dtype=torch.bool)
        if ignore_index is None
        else targets != ignore_index
    )
    mean = float(nll[keep].mean())
    rows = [
        float(torch.exp(nll[b][keep[b]].mean()))
        for b in range(nll.shape[0])
        if keep[b].any()
    ]
    steps = [
        float(torch.exp(nll[:, t][keep[:, t]].mean()))
        for t in range(nll.shape[1])
        if keep[:, t].any()
    ]
    with (
        torch.no_grad()
    ):  # in the logits' own dtype, as a student's code computes it
        p = logits.softmax(-1).gather(
            -1, targets.clamp(min=0)[..., None]
        )[..., 0]  # (B, T)
        softmax_log = float(torch.exp(-p.log()[keep].mean()))
    mistakes = [
        (
            "softmax then log: a probability underflows to 0 and log(0) = -inf; use log_softmax",
            softmax_log,
        ),
        (
            (
                "the mean of per-sequence perplexities (averaging per-batch perplexities is the same "
                "mistake): corpus perplexity is exp(total NLL / total tokens)"
            ),
            sum(rows) / len(rows),
        ),
        (
            "the mean of per-time-step perplexities: corpus perplexity is exp(total NLL / total tokens)",
            sum(steps) / len(steps),
        ),
        (
            "the mean NLL without the exp (the cross-entropy in nats, not the perplexity)",
            mean,
        ),
        (
            "the mean NLL in bits (log base 2), not the perplexity: perplexity is 2 ** bits = exp(nats)",
            mean / math.log(2),
        ),
        (
            "2 ** (mean NLL in nats): the base of the power must match the log's (exp for nats)",
            2**mean,
        ),
    ]
    if ignore_index is not None:
        mistakes += [
            (
                "padding counted as tokens: leave out the targets equal to ignore_index",
                float(torch.exp(nll.mean())),
            ),
            (
                "padding left out of the NLL but counted in the number of tokens",
                float(torch.exp(nll[keep].sum() / nll.numel())),
            ),
        ]
    return mistakes


def _diagnose_perplexity(
    got: float, want: float, logits, targets, ignore_index
) -> str:
    """``"expected ..., got ..."``, followed by the name of the mistake that gives ``got``, if known."""
    message = f"expected {want:.6g}, got {got:.6g}"
    for mistake, value in _perplexity_mistakes(
        logits, targets, ignore_index
    ):
        same = (math.isinf(got) and got == value) or math.isclose(
            got, value, rel_tol=1e-6
        )
        if same and not math.isclose(value, want, rel_tol=1e-6):
            return f"{message}: that is {mistake}"
    if not math.isfinite(got):
        message += " (an infinite or NaN value: does a probability underflow to 0 before a log?)"
    return message


def perplexity_case(
    fn: Callable,
    logits: torch.Tensor,
    targets: torch.Tensor,
    ignore_index: int | None = None,
    description: str = "a given case",
    rtol: float = 1e-5,
) -> CheckResult:
    r"""Run one perplexity case: ``fn(logits (B, T, V), targets (B, T)[, ignore_index])``.

    The expected value is :func:`seqlib.metrics.perplexity`'s. ``ignore_index`` (padding) is
    passed as a keyword only when it is not ``None``. A wrong value is compared with the values
    the usual mistakes give on the same input, and the message names the one it matches.

    >>> logits, targets = torch.zeros(1, 3, 4, dtype=torch.float64), torch.tensor([[1, 2, 0]])
    >>> perplexity_case(lambda l, t: 4.0, logits, targets)
    perplexity_case: all 1 cases agree with seqlib.
    """
    validate.function(fn, "fn")
    for value, name in ((logits, "logits"), (targets, "targets")):
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"{name} must be a tensor, got {type(value).__name__}"
            )
    kwargs = (
        {} if ignore_index is None else {"ignore_index": ignore_index}
    )

    def compare(got, want):
        problem = _close_scalars(rtol)(got, want)
        return problem and (
            problem
            if problem.startswith("expected a number")
            else _diagnose_perplexity(
                float(got), want, logits, targets, ignore_index
            )
        )

    case = (
        description,
        lambda: fn(logits, targets, **kwargs),
        lambda: metrics.perplexity(logits, targets, **kwargs),
    )
    return _run("perplexity_case", iter([case]), compare)


def _perplexity_cases(fn) -> Iterator[tuple]:
    """``(description, logits, targets, ignore_index)``: the cases :func:`check_perplexity` runs."""
    g = torch.Generator().manual_seed(1234)
    cases = list(_drawn_perplexity_cases(fn, g))
    # the per-sequence mistake (chapter 13's) is caught on the case whose label names it
    yield from [c for c in cases if c[0].startswith("two sequences")]
    yield from [c for c in cases if not c[0].startswith("two sequences")]


def _drawn_perplexity_cases(fn, g: torch.Generator) -> Iterator[tuple]:
    """The cases in the order they are drawn from ``g`` (so each case's numbers never move)."""
    shapes = [
        ((2, 5, 7), "a small batch"),
        ((1, 1, 4), "a single token"),
        ((3, 8, 28), "a character-sized vocabulary"),
    ]
    for (B, T, V), what in shapes:
        logits = torch.randn(
            B, T, V, generator=g, dtype=torch.float64
        )  # (B, T, V)
        targets = torch.randint(0, V, (B, T), generator=g)  # (B, T)
        yield (
            f"random logits, {what}, shape {(B, T, V)}",
            logits,
            targets,
            None,
        )
    uniform = torch.zeros(
        2, 6, 10, dtype=torch.float64
    )  # (B, T, V): every token equally likely
    y = torch.randint(0, 10, (2, 6), generator=g)
    yield (
        "uniform logits: the answer is the vocabulary size, 10",
        uniform,
        y,
        None,
    )
    big = 100.0 * torch.randn(
        2, 4, 5, generator=g
    )  # (B, T, V) float32, as models produce
    yb = torch.randint(0, 5, (2, 4), generator=g)
    yield (
        "large logits (softmax then log underflows; use log_softmax)",
        big,
        yb,
        None,
    )
    short = torch.randn(2, 9, 6, generator=g, dtype=torch.float64)
    ys = torch.randint(0, 6, (2, 9), generator=g)  # (B, T)
    yield (
        "two sequences, shape (2, 9, 6): corpus perplexity pools the tokens of both",
        short,
        ys,
        None,
    )
    if "ignore_index" in _parameters(fn):
        padded = torch.randn(
            3, 6, 8, generator=g, dtype=torch.float64
        )  # (B, T, V)
        yp = torch.randint(
            1, 8, (3, 6), generator=g
        )  # (B, T); 0 is the padding id
        yp[0, 4:], yp[2, 2:] = 0, 0  # sequences of lengths 6, 4 and 2
        yield (
            "a batch with padding (targets equal to ignore_index=0 are not tokens)",
            padded,
            yp,
            0,
        )
    huge = torch.randn(
        2, 10, 5, generator=g, dtype=torch.float64
    )  # (B, T, V) float64
    yh = torch.randint(0, 5, (2, 10), generator=g)  # (B, T)
    huge[0, 3] = 0.0
    huge[
        0, 3, yh[0, 3]
    ] = (
        -760.0
    )  # a gap of 760 nats: exp(-760) underflows to 0 even in float64
    yield (
        (
            "softmax then log in float64: a logit gap of 760 underflows exp even in float64 "
            "(use log_softmax)"
        ),
        huge,
        yh,
        None,
    )


def _parameters(fn) -> tuple[str, ...]:
    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):  # builtins without a signature
        return ()


def check_perplexity(fn: Callable, rtol: float = 1e-5) -> CheckResult:
    r"""Check ``fn(logits (B, T, V), targets (B, T)) -> float`` against :func:`seqlib.metrics.perplexity`.

    The expected value is the corpus perplexity :math:`\exp(\frac{1}{N}\sum \text{NLL})` over all
    ``B*T`` tokens, in nats. When ``fn`` has a parameter ``ignore_index``, a case with padding
    is run too (targets equal to it are not tokens). A wrong value is named when it is one of
    the usual mistakes: the mean of per-sequence (or per-batch) perplexities, softmax then log,
    a missing exp, the wrong base, padding counted. Softmax then log is caught in float32 and
    in float64 (a case whose target logit is 760 below the others: ``exp(-760)`` is 0 in both).
    """
    validate.function(fn, "fn")
    count = 0
    for description, logits, targets, ignore_index in _perplexity_cases(
        fn
    ):
        count += 1
        result = perplexity_case(
            fn, logits, targets, ignore_index, description, rtol
        )
        if not result.passed:
            message = result.message.replace(
                "perplexity_case: case 1",
                f"check_perplexity: case {count}",
                1,
            )
            return CheckResult("check_perplexity", False, count, message)
    note = (
        ""
        if "ignore_index" in _parameters(fn)
        else " (give your function an ignore_index parameter to check padding too)"
    )
    return CheckResult(
        "check_perplexity",
        True,
        count,
        f"check_perplexity: all {count} cases agree with seqlib{note}.",
    )


# --- recurrent cells ------------------------------------------------------------------------


def _copy_params(student: nn.Module, reference: nn.Module) -> str | None:
    """Copy the reference's parameters into the student's module by D2L's names."""
    theirs = dict(student.named_parameters())
    for name, value in reference.named_parameters():
        if name not in theirs:
            hint = (
                (
                    " (b_hh exists only in torch's reset_after=True GRU; the textbook GRU is checked "
                    "by check_gru_cell(cls), reset_after=False)"
                )
                if name == "b_hh"
                else ""
            )
            return (
                f"the cell has no parameter named {name!r} (D2L's names are expected: "
                f"{sorted(dict(reference.named_parameters()))}){hint}"
            )
        if tuple(theirs[name].shape) != tuple(value.shape):
            return f"parameter {name} has shape {tuple(theirs[name].shape)}, expected {tuple(value.shape)}"
        with torch.no_grad():
            theirs[name].copy_(value)
    return None


def _as_tuple(state) -> tuple[torch.Tensor, ...]:
    return tuple(state) if isinstance(state, (tuple, list)) else (state,)


def _where_outputs_differ(got: torch.Tensor, want: torch.Tensor) -> str:
    """The first time step whose outputs differ, and separately where the difference is largest."""
    per_step = (got - want).abs().amax(dim=(0, 2)).detach()  # (T,)
    differs = (
        (~torch.isclose(got, want, atol=1e-6)).any(dim=2).any(dim=0)
    )  # (T,)
    first, worst = int(differs.nonzero()[0]), int(per_step.argmax())
    return (
        f"outputs differ first at time step {first} (by {float(per_step[first]):.3g}); the largest "
        f"difference is {float(per_step[worst]):.3g}, at time step {worst} (steps count from 0)"
    )


@torch.no_grad()
def _gru_outputs(
    cell: GRUScratch,
    X: torch.Tensor,
    state,
    reset_after: bool,
    swap_z: bool,
) -> torch.Tensor:
    """A GRU with ``cell``'s weights, in either reset convention, with ``z`` and ``1 - z`` swapped or not."""
    h = cell.begin_state(X.shape[0]) if state is None else state  # (B, H)
    outputs = []
    for t in range(X.shape[1]):
        x = X[:, t]  # (B, D)
        r = torch.sigmoid(
            x @ cell.W_xr + h @ cell.W_hr + cell.b_r
        )  # (B, H)
        z = torch.sigmoid(
            x @ cell.W_xz + h @ cell.W_hz + cell.b_z
        )  # (B, H)
        if reset_after:
            b_hh = cell.b_hh if cell.reset_after else 0.0
            h_tilde = torch.tanh(
                x @ cell.W_xh + cell.b_h + r * (h @ cell.W_hh + b_hh)
            )  # (B, H)
        else:
            h_tilde = torch.tanh(
                x @ cell.W_xh + (r * h) @ cell.W_hh + cell.b_h
            )  # (B, H)
        z = 1 - z if swap_z else z
        h = z * h + (1 - z) * h_tilde  # (B, H)
        outputs.append(h)
    return torch.stack(outputs, dim=1)  # (B, T, H)


def _gru_hint(
    cell: GRUScratch, X: torch.Tensor, state, got: torch.Tensor
) -> str:
    """Name the GRU mistake whose outputs equal the student's: z swapped, or the other reset convention."""
    other = (
        "after the matmul, r * (h @ W_hh) (torch's GRU: reset_after=True)"
        if not cell.reset_after
        else "before the matmul, (r * h) @ W_hh (the textbook GRU: reset_after=False)"
    )
    wanted = (
        "check_gru_cell(cls, reset_after=True)"
        if not cell.reset_after
        else "check_gru_cell(cls)"
    )
    extra = (
        " (that form also has a bias b_hh (H,) inside: r * (h @ W_hh + b_hh))"
        if not cell.reset_after
        else ""
    )
    for reset_after, swap_z, hint in [
        (
            cell.reset_after,
            True,
            "z and 1 - z are swapped: h_t = z * h_{t-1} + (1 - z) * h~_t",
        ),
        (
            not cell.reset_after,
            False,
            f"the reset gate is applied {other}; if you meant that "
            f"form, check it with {wanted}" + extra,
        ),
        (
            not cell.reset_after,
            True,
            f"z and 1 - z are swapped, and the reset gate is applied {other}",
        ),
    ]:
        if torch.allclose(
            got.detach(),
            _gru_outputs(cell, X, state, reset_after, swap_z),
            atol=1e-6,
        ):
            return f": {hint}"
    return ""


def _state_problem(got, want) -> str | None:
    """What is wrong with the student's final state ``got`` against the reference's ``want``."""
    pair = isinstance(want, tuple)
    if pair and not isinstance(got, (tuple, list)):
        return f"the state should be the pair (h, c); got a single {type(got).__name__}"
    if pair and len(got) != 2:
        return f"the state should be the pair (h, c); got a {type(got).__name__} of {len(got)}"
    if not pair and isinstance(
        got, (tuple, list)
    ):  # a 1-tuple too: the contract is one tensor
        return (
            f"the state should be the single tensor h (B, H), as RNNScratch returns; got a "
            f"{type(got).__name__} of {len(got)}"
        )
    names = ("h", "c") if pair else ("state",)
    for name, a, b in zip(names, _as_tuple(got), _as_tuple(want)):
        if not isinstance(a, torch.Tensor):
            return f"the final {name} should be a tensor; got {type(a).__name__}"
        if tuple(a.shape) != tuple(b.shape):
            return f"the final {name} has shape {tuple(a.shape)}, expected (B, H) = {tuple(b.shape)}"
        if not torch.allclose(a, b, atol=1e-6):
            swapped = pair and torch.allclose(
                a, want[1 - names.index(name)], atol=1e-6
            )
            hint = (
                " (it equals the reference's other one: return the pair in the order (h, c))"
                if swapped
                else ""
            )
            return f"the final {name} differs from the reference{hint}"
    return None


_CELLS = {
    "rnn": ("check_rnn_cell", RNNScratch),
    "gru": ("check_gru_cell", GRUScratch),
    "lstm": ("check_lstm_cell", LSTMScratch),
}


def _cell_case(
    name: str,
    cls,
    reference_cls,
    reference_kwargs: dict,
    shape: tuple[int, int, int, int],
    initial_state: bool,
    description: str,
) -> str | None:
    """One case: outputs, final state and gradients of ``cls`` against a seqlib cell, in float64.

    Draws from torch's global generator (the callers seed it inside ``fork_rng``).
    """
    B, T, D, H = shape
    reference = reference_cls(
        D, H, sigma=0.5, **reference_kwargs
    ).double()
    with torch.no_grad():  # non-zero biases, so that a bias in the wrong place shows in the outputs
        for pname, p in reference.named_parameters():
            if pname.startswith("b_"):
                p.copy_(0.5 * torch.randn_like(p))
    try:
        student = cls(D, H).double()
    except Exception as err:
        hint = (
            " (does __init__ call super().__init__() first?)"
            if "_modules" in str(err)
            else ""
        )
        return f"constructing {getattr(cls, '__name__', cls)}({D}, {H}) raised {type(err).__name__}: {err}{hint}"
    problem = _copy_params(student, reference)
    if problem:
        return problem
    X = torch.randn(B, T, D, dtype=torch.float64)  # (B, T, D)
    state = None
    if initial_state:
        state = tuple(
            torch.randn_like(s)
            for s in _as_tuple(reference.begin_state(B))
        )
        state = state if len(state) > 1 else state[0]
    Xs, Xr = X.clone().requires_grad_(), X.clone().requires_grad_()
    try:
        returned = student(Xs, state)
    except Exception as err:
        return f"({description}) raised {type(err).__name__}: {err}"
    out_r, st_r = reference(Xr, state)
    where = f"({description})"
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        got = (
            f"a single {type(returned).__name__}"
            if not isinstance(returned, (tuple, list))
            else f"a {type(returned).__name__} of {len(returned)}"
        )
        return f"{where}: forward must return (outputs, state); got {got}"
    out_s, st_s = returned
    if not isinstance(out_s, torch.Tensor) or tuple(out_s.shape) != tuple(
        out_r.shape
    ):
        got = (
            tuple(out_s.shape)
            if isinstance(out_s, torch.Tensor)
            else type(out_s).__name__
        )
        return f"{where}: outputs have shape {got}, expected (B, T, H) = {tuple(out_r.shape)}"
    weights = torch.randn_like(out_r)
    grads_s = dict(student.named_parameters())
    if not out_s.requires_grad:
        return f"{where}: the outputs carry no gradient (is forward run under torch.no_grad(), or detached?)"
    (
        out_s * weights
    ).sum().backward()  # before comparing values: an unused parameter is named as such
    for pname, _ in reference.named_parameters():
        if grads_s[pname].grad is None:
            return (
                f"{where}: {pname} receives no gradient: it is not used in forward "
                f"(or what it computes never reaches the outputs)"
            )
    if not torch.allclose(out_s, out_r, atol=1e-6):
        hint = (
            _gru_hint(reference, X, state, out_s)
            if isinstance(reference, GRUScratch)
            else ""
        )
        return f"{where}: {_where_outputs_differ(out_s, out_r)}{hint}"
    problem = _state_problem(st_s, st_r)
    if problem:
        return f"{where}: {problem}"
    (out_r * weights).sum().backward()
    for pname, p in reference.named_parameters():
        g = grads_s[pname].grad
        if not torch.allclose(g, p.grad, atol=1e-6):
            return (
                f"{where}: the gradient of {pname} differs although the outputs agree (is the "
                f"state detached between time steps, or a value computed outside autograd?)"
            )
    if Xs.grad is None or not torch.allclose(Xs.grad, Xr.grad, atol=1e-6):
        return f"{where}: the gradient with respect to the inputs differs"
    return None


def _refuse_instance(cls, name: str) -> None:
    """``cls`` must be the class (the check builds cells of its own sizes), not a built cell."""
    if isinstance(cls, nn.Module):
        kind = type(cls).__name__
        raise TypeError(
            f"cls must be a class, got an instance of {kind}: pass the class, not an "
            f"instance ({name}({kind}), not {name}({kind}(...)))"
        )
    validate.function(cls, "cls", "a class (or a function making a cell)")


_CELL_CASES = [
    ((2, 5, 3, 4), False, "a small batch from a zero state"),
    ((1, 1, 2, 3), False, "a single time step"),
    ((3, 7, 4, 6), True, "a given initial state"),
]


def _check_cell(
    name: str, cls, reference_cls, reference_kwargs: dict
) -> CheckResult:
    """Run :data:`_CELL_CASES` in order; the hidden cases are seeded, the caller's RNG untouched."""
    _refuse_instance(cls, name)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        for count, (shape, initial_state, description) in enumerate(
            _CELL_CASES, start=1
        ):
            problem = _cell_case(
                name,
                cls,
                reference_cls,
                reference_kwargs,
                shape,
                initial_state,
                description,
            )
            if problem:
                text = (
                    f"case {count} {problem}"
                    if problem.startswith("(")
                    else problem
                )
                return CheckResult(name, False, count, f"{name}: {text}")
    return CheckResult(
        name,
        True,
        count,
        f"{name}: all {count} cases agree with seqlib "
        f"(outputs, final state and gradients).",
    )


def cell_case(
    cls,
    kind: str,
    batch_size: int,
    num_steps: int,
    num_inputs: int,
    num_hiddens: int,
    initial_state: bool = False,
    seed: int = 0,
    description: str = "a given case",
    reset_after: bool = False,
) -> CheckResult:
    """Run one cell case: ``cls`` against seqlib's ``kind`` cell (``"rnn"``, ``"gru"``, ``"lstm"``).

    Inputs ``(batch_size, num_steps, num_inputs)``, parameters and, with ``initial_state``, a
    random initial state are drawn from ``seed`` (torch's global generator is restored after).
    ``reset_after`` picks the GRU's convention as in :func:`check_gru_cell`.

    >>> cell_case(RNNScratch, "rnn", 2, 3, 4, 5, initial_state=True, seed=1)
    cell_case: all 1 cases agree with seqlib.
    """
    _refuse_instance(cls, "cell_case")
    validate.choice(kind, "kind", tuple(_CELLS))
    for value, label in (
        (batch_size, "batch_size"),
        (num_steps, "num_steps"),
        (num_inputs, "num_inputs"),
        (num_hiddens, "num_hiddens"),
    ):
        validate.integer(value, label, minimum=1)
    validate.integer(seed, "seed", minimum=0)
    _, reference_cls = _CELLS[kind]
    kwargs = {"reset_after": reset_after} if kind == "gru" else {}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        problem = _cell_case(
            "cell_case",
            cls,
            reference_cls,
            kwargs,
            (batch_size, num_steps, num_inputs, num_hiddens),
            initial_state,
            description,
        )
    if problem:
        return CheckResult(
            "cell_case",
            False,
            1,
            f"cell_case: case 1 {problem}"
            if problem.startswith("(")
            else f"cell_case: {problem}",
        )
    return CheckResult(
        "cell_case", True, 1, "cell_case: all 1 cases agree with seqlib."
    )


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
    return _check_cell(
        "check_gru_cell", cls, GRUScratch, {"reset_after": reset_after}
    )


def check_lstm_cell(cls) -> CheckResult:
    """Check an LSTM cell class against :class:`seqlib.models.LSTMScratch`; its state is the pair ``(h, c)``."""
    return _check_cell("check_lstm_cell", cls, LSTMScratch, {})


# --- gradient clipping -------------------------------------------------------------------------


def _clip_case(
    fn: Callable,
    shapes,
    scale: float,
    max_norm: float,
    g: torch.Generator,
    description: str,
) -> str | None:
    """One clipping case on gradients drawn from ``g``; ``None`` when ``fn`` agrees."""
    student_params = [
        nn.Parameter(torch.zeros(s, dtype=torch.float64)) for s in shapes
    ]
    for p in student_params:
        p.grad = scale * torch.randn(
            p.shape, generator=g, dtype=torch.float64
        )
    reference_params = [
        nn.Parameter(p.detach().clone()) for p in student_params
    ]
    for p, q in zip(reference_params, student_params, strict=True):
        p.grad = q.grad.clone()
    want = clip_gradients(reference_params, max_norm)
    try:
        got = fn(student_params, max_norm)
    except Exception as err:
        return f"({description}) raised {type(err).__name__}: {err}"
    problem = _close_scalars(1e-6)(got, want)
    if problem:
        return f"({description}): the returned norm (before clipping) differs: {problem}"
    for k, (p, q) in enumerate(
        zip(student_params, reference_params, strict=True)
    ):
        if p.grad is None or not torch.allclose(
            p.grad, q.grad, rtol=1e-6, atol=1e-9
        ):
            norm = (
                "none"
                if p.grad is None
                else f"{float(p.grad.norm()):.4g}"
            )
            return (
                f"({description}): gradient {k} after clipping differs (norm {norm}, "
                f"expected {float(q.grad.norm()):.4g})"
            )
    return None


_CLIP_CASES = [
    ([(3, 4)], 10.0, 1.0, "large gradients: they must be scaled down"),
    ([(5,)], 0.01, 1.0, "small gradients: they must be left unchanged"),
    (
        [(2, 2), (3,), (6,)],
        3.0,
        0.5,
        "several tensors: one global norm, not one per tensor",
    ),
    ([(4,)], 1.0, 1e3, "a threshold far above the norm"),
]


def check_clip(fn: Callable) -> CheckResult:
    r"""Check ``fn(params, max_norm) -> norm before clipping`` against :func:`seqlib.train.clip_gradients`.

    After the call every gradient must equal the reference's: scaled by
    :math:`\min(1, \theta / \lVert g \rVert)` over the *global* norm of all gradients together.
    """
    validate.function(fn, "fn")
    g = torch.Generator().manual_seed(7)
    for count, (shapes, scale, max_norm, description) in enumerate(
        _CLIP_CASES, start=1
    ):
        problem = _clip_case(fn, shapes, scale, max_norm, g, description)
        if problem:
            return CheckResult(
                "check_clip",
                False,
                count,
                f"check_clip: case {count} {problem}",
            )
    return CheckResult(
        "check_clip",
        True,
        count,
        f"check_clip: all {count} cases agree with seqlib.",
    )


def clip_case(
    fn: Callable,
    shapes,
    scale: float,
    max_norm: float,
    seed: int = 0,
    description: str = "a given case",
) -> CheckResult:
    """Run one clipping case: parameters of the given ``shapes`` with gradients ``scale * N(0, 1)``.

    >>> clip_case(clip_gradients, [(2, 3), (4,)], scale=5.0, max_norm=1.0, seed=3)
    clip_case: all 1 cases agree with seqlib.
    """
    validate.function(fn, "fn")
    validate.integer(seed, "seed", minimum=0)
    validate.real(scale, "scale", low=0, low_open=True)
    validate.real(max_norm, "max_norm", low=0, low_open=True)
    problem = _clip_case(
        fn,
        [tuple(s) for s in shapes],
        scale,
        max_norm,
        torch.Generator().manual_seed(seed),
        description,
    )
    if problem:
        return CheckResult(
            "clip_case", False, 1, f"clip_case: case 1 {problem}"
        )
    return CheckResult(
        "clip_case", True, 1, "clip_case: all 1 cases agree with seqlib."
    )


# --- text and speech metrics -------------------------------------------------------------------

_BLEU_CASES = [
    (
        "two sentences (corpus BLEU pools counts; it is not the mean of sentence BLEU)",
        [
            "The cat is sitting on the mat.",
            "The quick brown fox jumps over the lazy dog.",
        ],
        [
            "The cat sat on the mat.",
            "A quick brown dog jumps over the lazy fox.",
        ],
    ),
    (
        "a perfect match",
        ["the cat sat on the mat"],
        ["the cat sat on the mat"],
    ),
    (
        "a short hypothesis (brevity penalty)",
        ["the cat sat on the mat today"],
        ["the cat sat on"],
    ),
    (
        "no matching 4-gram (exp smoothing)",
        ["the cat sat on the mat"],
        ["a cat on mat here"],
    ),
    (
        "punctuation to tokenize (13a)",
        ["Hello, world! It's 5pm."],
        ["Hello world, it's 5pm!"],
    ),
]


def check_bleu(fn: Callable, rtol: float = 1e-4) -> CheckResult:
    """Check ``fn(references, hypotheses) -> corpus BLEU on 0-100`` against :func:`seqlib.metrics.corpus_bleu`.

    The reference follows sacrebleu's defaults: 13a tokenization, exp smoothing, closest
    reference length for the brevity penalty.
    """
    validate.function(fn, "fn")
    cases = (
        (
            d,
            lambda r=r, h=h: fn(r, h),
            lambda r=r, h=h: metrics.corpus_bleu(r, h),
        )
        for d, r, h in _BLEU_CASES
    )
    return _run("check_bleu", cases, _close_scalars(rtol, atol=1e-6))


_WER_CASES = [
    (
        "two utterances (corpus WER is total errors over total reference words)",
        ["the cat sat on the mat", "hello world"],
        ["the cat sit on mat", "hello big world"],
    ),
    (
        "more insertions than reference words: WER above 1",
        ["hi"],
        ["oh hi there you"],
    ),
    ("a perfect transcript", ["a b c"], ["a b c"]),
    ("extra spaces are not words", ["the  cat sat "], [" the cat  sat"]),
]


def check_wer(fn: Callable) -> CheckResult:
    """Check ``fn(references, hypotheses) -> corpus WER`` against :func:`seqlib.metrics.wer`."""
    validate.function(fn, "fn")
    cases = (
        (d, lambda r=r, h=h: fn(r, h), lambda r=r, h=h: metrics.wer(r, h))
        for d, r, h in _WER_CASES
    )
    return _run("check_wer", cases, _close_scalars(1e-9))
