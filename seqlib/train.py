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

from seqlib.batching import _as_ids, random_windows, sequential_streams
from seqlib.lm import select_state

__all__ = ["TrainConfig", "History", "fit", "evaluate_perplexity", "clip_gradients",
           "grad_norm", "detach"]


@dataclass(frozen=True)
class TrainConfig:
    """How to train: every field has a default with its reason; give ``epochs`` or ``seconds``.

    ``carry_state=None`` means "what the partitioning calls for": carry (detached) state
    across sequential streams, reset it for every random window. ``carry_state=True`` with
    ``partitioning="random"`` carries state into unrelated text ("shuffled chunks with carried
    state"), a deliberately wrong regime the BPTT chapter measures.
    """

    epochs: int | None = None  # passes over the training text; None when `seconds` bounds it
    seconds: float | None = None  # wall-clock budget (validation included); whichever ends first
    batch_size: int = 32  # parallel streams: enough to use the CPU well, still many updates
    num_steps: int = 32  # BPTT length (D2L's): carried state reaches further; short = more updates
    optimizer: str = "adam"  # "adam" forgives the learning rate; "sgd" (D2L) needs lr ~ 1
    lr: float = 2e-3  # a safe Adam step size for small recurrent nets
    weight_decay: float = 0.0  # decoupled (AdamW) for "adam", L2 for "sgd"; 0 = none
    clip: float | None = 1.0  # max global gradient norm (D2L's 1); None = never clip
    partitioning: str = "sequential"  # "sequential" streams allow carrying state; or "random"
    carry_state: bool | None = None  # None: True for sequential, False for random (see above)
    lr_schedule: str = "constant"  # or "cosine": decay to 0 over the epochs or the seconds
    eval_batch_size: int = 1  # validation streams; 1 = one read, every token sees all before it
    eval_num_steps: int = 256  # validation chunk length (any value gives the same number)
    seed: int = 0  # data order and dropout masks (torch's global RNG is restored after fit)
    keep_best: bool = True  # restore the parameters of the best validation epoch at the end
    progress: bool = False  # print one line per epoch; off so notebooks store no progress text

    def __post_init__(self):
        if self.epochs is None and self.seconds is None:
            raise ValueError("give epochs (passes over the data) or seconds (a wall-clock budget)")
        if self.epochs is not None and (not isinstance(self.epochs, int) or self.epochs < 1):
            raise ValueError(f"epochs must be None or an int >= 1, got {self.epochs!r}")
        if self.seconds is not None and not (isinstance(self.seconds, (int, float)) and self.seconds > 0):
            raise ValueError(f"seconds must be None or > 0, got {self.seconds!r}")
        for name in ("batch_size", "num_steps", "eval_batch_size", "eval_num_steps"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        choices = {"optimizer": ("adam", "sgd"), "partitioning": ("sequential", "random"),
                   "lr_schedule": ("constant", "cosine")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a finite number > 0, got {self.lr!r}")
        if not (isinstance(self.weight_decay, (int, float)) and self.weight_decay >= 0):
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay!r}")
        if self.clip is not None and not (isinstance(self.clip, (int, float)) and self.clip > 0):
            raise ValueError(f"clip must be None or a max norm > 0, got {self.clip!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be an int >= 0, got {self.seed!r}")
        if self.carry_state is None:  # resolve the default so the config shows what runs
            object.__setattr__(self, "carry_state", self.partitioning == "sequential")


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch (the last one may be cut short by ``seconds``).

    ``seconds`` and ``steps`` are cumulative at the end of each epoch; ``grad_norm_*`` are the
    global gradient norms *before* clipping. ``best_epoch`` (1-based) has the lowest ``val_ppl``.
    """

    epoch: list[int] = field(default_factory=list)
    train_ppl: list[float] = field(default_factory=list)  # exact over the epoch's tokens, dropout on
    val_ppl: list[float] = field(default_factory=list)  # evaluate_perplexity after the epoch
    grad_norm_mean: list[float] = field(default_factory=list)
    grad_norm_max: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    best_epoch: int | None = None

    @property
    def best_val_ppl(self) -> float | None:
        return None if self.best_epoch is None else self.val_ppl[self.best_epoch - 1]


def detach(state):
    """Cut the graph behind a state (a tensor, or a tuple/list of them): truncated BPTT.

    >>> h = torch.ones(2, 3, requires_grad=True) * 2
    >>> detach((h, h))[0].requires_grad
    False
    """
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return type(state)(detach(s) for s in state)
    return state.detach()


def grad_norm(params) -> torch.Tensor:
    r"""Global L2 norm :math:`\sqrt{\sum_p \lVert g_p \rVert^2}` of all gradients, as torch computes it."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    per_tensor = torch.stack([torch.linalg.vector_norm(g) for g in grads])  # (num_params,)
    return torch.linalg.vector_norm(per_tensor)  # norm of the norms = norm of everything


def clip_gradients(params, max_norm: float) -> float:
    r"""Rescale gradients in place so their global L2 norm is at most ``max_norm``; return the norm before.

    .. math::  g \leftarrow g \cdot \min\!\left(1, \frac{\theta}{\lVert g \rVert + 10^{-6}}\right)

    The direction of the update is kept, only its length is capped. Equal, number for number,
    to ``torch.nn.utils.clip_grad_norm_`` (tested), including the ``1e-6``.

    >>> p = torch.nn.Parameter(torch.zeros(2)); p.grad = torch.tensor([3.0, 4.0])
    >>> clip_gradients([p], max_norm=1.0), p.grad
    (5.0, tensor([0.6000, 0.8000]))
    """
    if not (isinstance(max_norm, (int, float)) and max_norm > 0):
        raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
    params = list(params)
    total = grad_norm(params)  # 0-d tensor
    scale = max_norm / (total + 1e-6)  # < 1 exactly when the norm exceeds max_norm
    if scale < 1:
        for p in params:
            if p.grad is not None:
                p.grad.mul_(scale)
    return float(total)


@torch.no_grad()
def evaluate_perplexity(model: nn.Module, ids, batch_size: int = 1, num_steps: int = 256) -> float:
    r"""Exact perplexity :math:`\exp(\frac{1}{N-1}\sum_{t=2}^{N} -\log p(x_t \mid x_{<t}))` of a text.

    The text ``ids`` ``(N,)`` is read once, left to right, with the state carried; every token
    after the first is scored exactly once and the NLL is summed in float64. With
    ``batch_size=1`` this is one continuous read (equal to one full-length forward pass, tested).
    With ``B > 1`` the ``N - 1`` predictions are cut into ``B`` adjacent streams of
    ``L = (N-1) // B`` read in parallel (each starts from a zero state, so it is a slightly
    harder task); the ``(N-1) - BL`` left over continue the last stream, carrying its state.
    ``num_steps`` only sets the chunk size and does not change the result.

    >>> from seqlib.models import RNNScratch, RNNLM
    >>> model = RNNLM(RNNScratch(5, 8), vocab_size=5)
    >>> _ = [torch.nn.init.zeros_(p) for p in model.output.parameters()]  # uniform predictions
    >>> round(evaluate_perplexity(model, torch.tensor([0, 1, 2, 3, 4, 0])), 6)
    5.0
    """
    ids = _as_ids(ids, "ids")
    if len(ids) < 2:
        raise ValueError(f"need at least 2 tokens to score one prediction, got {len(ids)}")
    for name, value in (("batch_size", batch_size), ("num_steps", num_steps)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    was_training = model.training
    model.eval()
    try:
        num_targets = len(ids) - 1
        B = min(batch_size, num_targets)
        L = num_targets // B
        X = ids[: B * L].view(B, L)  # (B, L): B adjacent streams
        Y = ids[1 : B * L + 1].view(B, L)  # (B, L)
        total_nll, state = _score(model, X, Y, None, num_steps)
        if B * L < num_targets:  # the remainder continues the last stream
            X_rest = ids[B * L : num_targets].view(1, -1)  # (1, r)
            Y_rest = ids[B * L + 1 :].view(1, -1)  # (1, r)
            rest_nll, _ = _score(model, X_rest, Y_rest, select_state(state, [B - 1]), num_steps)
            total_nll += rest_nll
    finally:
        model.train(was_training)
    return math.exp(total_nll / num_targets)


def _score(model, X, Y, state, num_steps) -> tuple[float, object]:
    """Summed NLL (a Python float, i.e. float64) of Y given X, read in chunks, state carried."""
    total = 0.0
    for start in range(0, X.shape[1], num_steps):
        cols = slice(start, start + num_steps)
        logits, state = model(X[:, cols], state)  # (B, t, V)
        total += F.cross_entropy(logits.flatten(0, 1).double(), Y[:, cols].flatten(),
                                 reduction="sum").item()
    return total, state


def _make_optimizer(params, config: TrainConfig) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, weight_decay=config.weight_decay)
    # AdamW with weight_decay=0 is exactly Adam; with decay it is the decoupled form.
    return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)


def _batches(train_ids: torch.Tensor, config: TrainConfig, generator: torch.Generator):
    B, T = config.batch_size, config.num_steps
    if config.partitioning == "random":
        return random_windows(train_ids, B, T, generator=generator)
    # A random offset in [0, T) each epoch moves the window boundaries (as D2L does).
    max_offset = max(0, min(T - 1, len(train_ids) - 1 - B * T))
    offset = int(torch.randint(0, max_offset + 1, (1,), generator=generator))
    return sequential_streams(train_ids, B, T, offset=offset)


def fit(model: nn.Module, train_ids, val_ids, config: TrainConfig) -> History:
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

    >>> from seqlib.models import GRUScratch, RNNLM
    >>> ids = torch.arange(300) % 4
    >>> model = RNNLM(GRUScratch(4, 8, sigma=0.3), vocab_size=4)
    >>> history = fit(model, ids[:250], ids[250:], TrainConfig(epochs=2, batch_size=4, num_steps=8))
    >>> len(history.val_ppl), history.best_epoch in (1, 2)
    (2, True)
    """
    train_ids = _as_ids(train_ids, "train_ids")
    val_ids = None if val_ids is None else _as_ids(val_ids, "val_ids")
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = _make_optimizer(params, config)
    generator = torch.Generator().manual_seed(config.seed)
    history, best_params, was_training = History(), None, model.training
    start, eval_seconds, step = time.perf_counter(), 0.0, 0

    def out_of_time() -> bool:  # leave room for the validation pass that closes the epoch
        return config.seconds is not None and \
            time.perf_counter() - start + eval_seconds >= config.seconds

    def fraction_done(epoch: int, k: int, num_batches: int) -> float:  # for the lr schedule
        done = [] if config.epochs is None else [(epoch - 1 + k / num_batches) / config.epochs]
        if config.seconds is not None:
            done.append((time.perf_counter() - start) / config.seconds)
        return min(max(done), 1.0)

    with torch.random.fork_rng(devices=[]):  # dropout draws from here; restored on exit
        torch.manual_seed(config.seed)
        epoch = 0
        while (config.epochs is None or epoch < config.epochs) and not out_of_time():
            epoch += 1
            model.train()
            nll_sum, num_tokens, norms, state = 0.0, 0, [], None
            batches = _batches(train_ids, config, generator)
            for k, (X, Y) in enumerate(batches):  # (B, T), (B, T)
                if config.lr_schedule == "cosine":  # lr * (1 + cos(pi * done)) / 2: from lr to 0
                    done = fraction_done(epoch, k, len(batches))
                    for group in optimizer.param_groups:
                        group["lr"] = config.lr * 0.5 * (1 + math.cos(math.pi * done))
                state = detach(state) if config.carry_state else None  # truncate BPTT here
                logits, state = model(X, state)  # (B, T, V)
                loss = F.cross_entropy(logits.flatten(0, 1), Y.flatten())  # mean over B*T tokens
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                norm = clip_gradients(params, config.clip) if config.clip else float(grad_norm(params))
                if not math.isfinite(norm):
                    raise FloatingPointError(f"gradient norm is {norm} at epoch {epoch}, step {step + 1}: "
                                             "training diverged; lower lr or set clip")
                optimizer.step()
                step += 1
                nll_sum += loss.item() * Y.numel()  # back to a sum, accumulated in float64
                num_tokens += Y.numel()
                norms.append(norm)
                if out_of_time():
                    break
            eval_start = time.perf_counter()
            val_ppl = math.nan if val_ids is None else evaluate_perplexity(
                model, val_ids, config.eval_batch_size, config.eval_num_steps)
            eval_seconds = time.perf_counter() - eval_start
            history.epoch.append(epoch)
            history.train_ppl.append(math.exp(nll_sum / num_tokens))
            history.val_ppl.append(val_ppl)
            history.grad_norm_mean.append(sum(norms) / len(norms))
            history.grad_norm_max.append(max(norms))
            history.seconds.append(time.perf_counter() - start)
            history.steps.append(step)
            if val_ids is not None and (history.best_epoch is None or val_ppl < history.best_val_ppl):
                history.best_epoch = epoch
                if config.keep_best:
                    best_params = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if config.progress:
                print(f"epoch {epoch:3d}  train ppl {history.train_ppl[-1]:7.3f}  val ppl "
                      f"{val_ppl:7.3f}  |grad| {history.grad_norm_mean[-1]:.3f}  "
                      f"{history.seconds[-1]:6.1f} s", file=sys.stdout, flush=True)
    if best_params is not None:
        model.load_state_dict(best_params)
    model.train(was_training)
    return history
