r"""Training a recurrent language model: truncated BPTT, gradient clipping, exact perplexity.

One optimizer step reads a minibatch ``X, Y`` ``(B, T)`` (``Y`` is ``X`` shifted by one token),
runs the model from the previous state, and minimises the mean token cross-entropy

.. math::  \ell = -\frac{1}{BT} \sum_{b,t} \log p_\theta(Y_{bt} \mid X_{b,\le t}, h_0).

*Truncated* BPTT: the state handed to the next minibatch is kept (with sequential streams)
but :func:`detach`-ed, so gradients flow back through at most ``T`` steps.

Perplexity is always exact, :math:`\exp(\sum \text{NLL} / \#\text{tokens})` accumulated in
float64 over every token, never a mean of per-batch perplexities (D2L 1.0's plotted curve is
that mean; by Jensen's inequality it is at least the pooled value when the batches hold equal
numbers of tokens, and usually, not always, larger when they do not).

>>> from seqlib.models import RNNScratch, RNNLM
>>> ids = torch.arange(400) % 7                       # a periodic "text" over 7 tokens
>>> model = RNNLM(RNNScratch(7, 16, sigma=0.1), vocab_size=7)
>>> history = fit(model, ids[:300], ids[300:], TrainConfig(epochs=30, batch_size=4, num_steps=8, lr=0.02))
>>> history.val_ppl[-1] < 1.5                          # perfectly predictable text: perplexity -> 1
True
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate
from seqlib.batching import random_windows, sequential_streams
from seqlib.bptt import SECOND_BACKWARD, explain_second_backward
from seqlib.clipping import clip_gradients, grad_norm  # noqa: F401 (re-exported: chapters import them from here)
from seqlib.evaluation import evaluate_perplexity, nll_stats  # noqa: F401 (re-exported)
from seqlib.lm import map_state
from seqlib.metrics.stats import NLLStats

__all__ = [
    "TrainConfig",
    "History",
    "fit",
    "evaluate_perplexity",
    "nll_stats",
    "clip_gradients",
    "grad_norm",
    "detach",
    "cosine_lr",
    "print_progress",
    "epoch_batches",
]


@dataclass(frozen=True)
class TrainConfig:
    """How to train: every field has a default with its reason; give ``epochs`` or ``seconds``.

    ``carry_state=None`` means "what the partitioning calls for": carry (detached) state
    across sequential streams, reset it for every random window. ``carry_state=True`` with
    ``partitioning="random"`` carries state into unrelated text ("shuffled chunks with carried
    state"), a deliberately wrong regime the BPTT chapter measures.
    """

    epochs: int | None = (
        None  # passes over the training text; None when `seconds` bounds it
    )
    seconds: float | None = (
        None  # wall-clock budget (validation included); whichever ends first
    )
    batch_size: int = 32  # parallel streams: enough to use the CPU well, still many updates
    num_steps: int = 32  # BPTT length (D2L's): carried state reaches further; short = more updates
    optimizer: str = "adam"  # "adam" forgives the learning rate; "sgd" (D2L) needs lr ~ 1
    lr: float = 2e-3  # a safe Adam step size for small recurrent nets
    weight_decay: float = (
        0.0  # decoupled (AdamW) for "adam", L2 for "sgd"; 0 = none
    )
    clip: float | None = (
        1.0  # max global gradient norm (D2L's 1); None = never clip
    )
    partitioning: str = "sequential"  # "sequential" streams allow carrying state; or "random"
    carry_state: bool | None = (
        None  # None: True for sequential, False for random (see above)
    )
    lr_schedule: str = "constant"  # or "cosine": decay to 0 over the epochs or the seconds
    eval_batch_size: int = 1  # validation streams; 1 = one read, every token sees all before it
    eval_num_steps: int = (
        256  # validation chunk length (any value gives the same number)
    )
    seed: int = 0  # data order and dropout masks (torch's global RNG is restored after fit)
    keep_best: bool = True  # restore the parameters of the best validation epoch at the end
    progress: bool = False  # print_progress after each epoch unless fit gets a callback; off in notebooks

    def __post_init__(self):
        if self.epochs is None and self.seconds is None:
            raise ValueError(
                "give epochs (passes over the data) or seconds (a wall-clock budget)"
            )
        validate.integer(self.epochs, "epochs", minimum=1, optional=True)
        validate.real(
            self.seconds, "seconds", low=0, low_open=True, optional=True
        )
        for name in (
            "batch_size",
            "num_steps",
            "eval_batch_size",
            "eval_num_steps",
        ):
            validate.integer(getattr(self, name), name, minimum=1)
        choices = {
            "optimizer": ("adam", "sgd"),
            "partitioning": ("sequential", "random"),
            "lr_schedule": ("constant", "cosine"),
        }
        for name, allowed in choices.items():
            validate.choice(getattr(self, name), name, allowed)
        validate.real(self.lr, "lr", low=0, low_open=True)
        validate.real(self.weight_decay, "weight_decay", low=0)
        validate.real(
            self.clip, "clip", low=0, low_open=True, optional=True
        )
        validate.integer(self.seed, "seed", minimum=0)
        for name in ("carry_state", "keep_best", "progress"):
            value = getattr(self, name)
            if not (
                isinstance(value, bool)
                or (name == "carry_state" and value is None)
            ):
                raise ValueError(f"{name} must be a bool, got {value!r}")
        if (
            self.carry_state is None
        ):  # resolve the default so the config shows what runs
            object.__setattr__(
                self, "carry_state", self.partitioning == "sequential"
            )


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch (the last one may be cut short by ``seconds``).

    ``seconds`` and ``steps`` are cumulative at the end of each epoch; ``grad_norm_*`` are the
    global gradient norms *before* clipping. ``best_epoch`` (1-based) has the lowest ``val_ppl``.
    """

    epoch: list[int] = field(default_factory=list)
    train_ppl: list[float] = field(
        default_factory=list
    )  # exact over the epoch's tokens, dropout on
    val_ppl: list[float] = field(
        default_factory=list
    )  # evaluate_perplexity after the epoch
    grad_norm_mean: list[float] = field(default_factory=list)
    grad_norm_max: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    best_epoch: int | None = None

    @property
    def best_val_ppl(self) -> float | None:
        return (
            None
            if self.best_epoch is None
            else self.val_ppl[self.best_epoch - 1]
        )


def detach(state):
    """Cut the graph behind a state (a tensor, or a tuple/list of them): truncated BPTT.

    >>> h = torch.ones(2, 3, requires_grad=True) * 2
    >>> detach((h, h))[0].requires_grad
    False
    """
    return map_state(torch.Tensor.detach, state)


def cosine_lr(base_lr: float, done: float) -> float:
    r"""The cosine schedule, a pure function: :math:`\eta(f) = \eta_0 \cdot \tfrac12 (1 + \cos \pi f)`.

    ``done`` is the fraction of training done, in [0, 1]: the rate falls from ``base_lr``
    at 0 to 0 at 1, slowly at both ends.

    >>> cosine_lr(0.1, 0.0), cosine_lr(0.1, 0.5) == 0.05, cosine_lr(0.1, 1.0)
    (0.1, True, 0.0)
    """
    validate.real(base_lr, "base_lr", low=0)
    validate.real(done, "done", low=0, high=1)
    return base_lr * 0.5 * (1 + math.cos(math.pi * done))


def print_progress(history: History) -> None:
    """A :func:`fit` callback: print one line for the epoch just finished (opt-in progress)."""
    if not isinstance(history, History):
        raise TypeError(
            f"history must be a History (what fit passes its callback), got {type(history).__name__}"
        )
    print(
        f"epoch {history.epoch[-1]:3d}  train ppl {history.train_ppl[-1]:7.3f}  val ppl "
        f"{history.val_ppl[-1]:7.3f}  |grad| {history.grad_norm_mean[-1]:.3f}  "
        f"{history.seconds[-1]:6.1f} s",
        file=sys.stdout,
        flush=True,
    )


def _make_optimizer(params, config: TrainConfig) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=config.lr, weight_decay=config.weight_decay
        )
    # AdamW with weight_decay=0 is exactly Adam; with decay it is the decoupled form.
    return torch.optim.AdamW(
        params, lr=config.lr, weight_decay=config.weight_decay
    )


def epoch_batches(
    train_ids: torch.Tensor,
    config: TrainConfig,
    generator: torch.Generator,
):
    """One epoch's minibatches as :func:`fit` draws them: random windows, or sequential streams at a random offset."""
    if not isinstance(config, TrainConfig):
        raise TypeError(
            f"config must be a TrainConfig, got {type(config).__name__}"
        )
    if not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator, got {type(generator).__name__}"
        )
    B, T = config.batch_size, config.num_steps
    if config.partitioning == "random":
        return random_windows(train_ids, B, T, generator=generator)
    # A random offset in [0, T) each epoch moves the window boundaries (as D2L does).
    max_offset = max(0, min(T - 1, len(train_ids) - 1 - B * T))
    offset = int(
        torch.randint(0, max_offset + 1, (1,), generator=generator)
    )
    return sequential_streams(train_ids, B, T, offset=offset)


def fit(
    model: nn.Module,
    train_ids,
    val_ids,
    config: TrainConfig,
    callback=None,
) -> History:
    """Train ``model`` (an :class:`~seqlib.models.RNNLM`) on ``train_ids`` and validate on ``val_ids``.

    Each epoch: one pass of minibatches (:func:`~seqlib.batching.sequential_streams` at a
    random offset, or :func:`~seqlib.batching.random_windows`), each a step on the mean token
    cross-entropy with the state carried (:func:`detach`-ed) or reset as
    ``config.carry_state`` says, gradients clipped to ``config.clip``; then the exact
    validation perplexity (:func:`evaluate_perplexity`). With ``keep_best`` the parameters of
    the best validation epoch are restored at the end (early stopping). ``val_ids=None``
    skips validation (``keep_best`` then has nothing to choose from).

    Deterministic given ``config.seed`` when bounded by ``epochs``: data order and dropout
    come from generators seeded here, and torch's global RNG is restored afterwards. (A
    ``seconds`` budget is not: how far training gets depends on the machine's speed.)

    ``callback(history)``, if given, is called after every epoch with the :class:`History` so
    far (to log, plot or stop by raising); ``config.progress=True`` without a callback uses
    :func:`print_progress`. Gradients are clipped by ``torch.nn.utils.clip_grad_norm_``
    (``error_if_nonfinite=True``: a diverged step raises ``FloatingPointError``), which
    :func:`clip_gradients` reimplements. The model's train/eval mode is restored on exit,
    also after an exception.

    >>> from seqlib.models import GRUScratch, RNNLM
    >>> ids = torch.arange(300) % 4
    >>> model = RNNLM(GRUScratch(4, 8, sigma=0.3), vocab_size=4)
    >>> history = fit(model, ids[:250], ids[250:], TrainConfig(epochs=2, batch_size=4, num_steps=8))
    >>> len(history.val_ppl), history.best_epoch in (1, 2)
    (2, True)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model must be a torch.nn.Module (e.g. an RNNLM), got {type(model).__name__}"
        )
    if not isinstance(config, TrainConfig):
        raise TypeError(
            f"config must be a TrainConfig, got {type(config).__name__}"
        )
    train_ids = validate.token_ids(train_ids, "train_ids")
    val_ids = (
        None
        if val_ids is None
        else validate.token_ids(val_ids, "val_ids", min_len=2)
    )
    if callback is None and config.progress:
        callback = print_progress
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = _make_optimizer(params, config)
    generator = torch.Generator().manual_seed(config.seed)
    history, best_params, was_training = History(), None, model.training
    start, eval_seconds, step = time.perf_counter(), 0.0, 0
    max_norm = (
        math.inf if config.clip is None else config.clip
    )  # an infinite norm never clips

    def out_of_time() -> (
        bool
    ):  # leave room for the validation pass that closes the epoch
        return (
            config.seconds is not None
            and time.perf_counter() - start + eval_seconds
            >= config.seconds
        )

    def fraction_done(
        epoch: int, k: int, num_batches: int
    ) -> float:  # for the lr schedule
        done = (
            []
            if config.epochs is None
            else [(epoch - 1 + k / num_batches) / config.epochs]
        )
        if config.seconds is not None:
            done.append((time.perf_counter() - start) / config.seconds)
        return min(max(done), 1.0)

    try:
        with torch.random.fork_rng(
            devices=[]
        ):  # dropout draws from here; restored on exit
            torch.manual_seed(config.seed)
            epoch = 0
            while (
                config.epochs is None or epoch < config.epochs
            ) and not out_of_time():
                epoch += 1
                model.train()
                train_stats, norms, state = NLLStats(0.0, 0), [], None
                batches = epoch_batches(train_ids, config, generator)
                for k, (X, Y) in enumerate(batches):  # (B, T), (B, T)
                    if config.lr_schedule == "cosine":
                        lr = cosine_lr(
                            config.lr,
                            fraction_done(epoch, k, len(batches)),
                        )
                        for group in optimizer.param_groups:
                            group["lr"] = lr
                    state = (
                        detach(state) if config.carry_state else None
                    )  # truncate BPTT here
                    logits, state = model(X, state)  # (B, T, V)
                    loss = F.cross_entropy(
                        logits.flatten(0, 1), Y.flatten()
                    )  # mean over B*T tokens
                    optimizer.zero_grad(set_to_none=True)
                    try:
                        loss.backward()
                    except RuntimeError as err:  # a model that keeps its state undetached inside
                        if SECOND_BACKWARD not in str(err):
                            raise
                        raise explain_second_backward(err) from err
                    try:  # the global norm before clipping; equal to clip_gradients (tested)
                        norm = float(
                            nn.utils.clip_grad_norm_(
                                params, max_norm, error_if_nonfinite=True
                            )
                        )
                    except RuntimeError as err:
                        raise FloatingPointError(
                            f"gradient norm is not finite at epoch {epoch}, step {step + 1}: "
                            "training diverged; lower lr or set clip"
                        ) from err
                    optimizer.step()
                    step += 1
                    train_stats = train_stats + NLLStats(
                        loss.item() * Y.numel(), Y.numel()
                    )  # float64 sum
                    norms.append(norm)
                    if out_of_time():
                        break
                eval_start = time.perf_counter()
                val_ppl = (
                    math.nan
                    if val_ids is None
                    else evaluate_perplexity(
                        model,
                        val_ids,
                        config.eval_batch_size,
                        config.eval_num_steps,
                    )
                )
                eval_seconds = time.perf_counter() - eval_start
                history.epoch.append(epoch)
                history.train_ppl.append(train_stats.perplexity())
                history.val_ppl.append(val_ppl)
                history.grad_norm_mean.append(sum(norms) / len(norms))
                history.grad_norm_max.append(max(norms))
                history.seconds.append(time.perf_counter() - start)
                history.steps.append(step)
                if val_ids is not None and (
                    history.best_epoch is None
                    or val_ppl < history.best_val_ppl
                ):
                    history.best_epoch = epoch
                    if config.keep_best:
                        best_params = {
                            k: v.detach().clone()
                            for k, v in model.state_dict().items()
                        }
                if callback is not None:
                    callback(history)
        if best_params is not None:
            model.load_state_dict(best_params)
    finally:
        model.train(was_training)
    return history
