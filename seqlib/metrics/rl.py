r"""Reinforcement-learning metrics: (discounted) return, success rate, policy entropy, sample efficiency.

There is no canonical library for these (metric-reference.md, section 7); the references are
the formulas, computed with NumPy and ``torch.distributions``. Convention traps:

- Stable-Baselines3 reports the *undiscounted* return of finished episodes; the objective an
  agent optimises is often the discounted one. Say which (``gamma``).
- Success is read from the last step of each episode (SB3: ``info["is_success"]``).
- Entropy in nats (natural log) vs bits (log base 2) differ by a factor :math:`\ln 2`.
- Sample efficiency has no single definition: the normalised area under the learning curve
  and the steps to reach a threshold (Taylor & Stone 2009, "total reward" and "time to
  threshold") can rank two learners differently; report the curve.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import torch

from seqlib import validate

from ._numbers import numbers
from .probabilistic import _jit
from .registry import metric
from .stats import CountStats

__all__ = [
    "average_return",
    "discounted_return",
    "discounted_returns",
    "success_rate",
    "policy_entropy",
    "sample_efficiency",
    "SampleEfficiency",
]


def _check_gamma(gamma: float) -> float:
    return validate.real(gamma, "gamma", low=0, high=1)


def discounted_returns(rewards: Any, gamma: float = 1.0) -> np.ndarray:
    r"""Reward-to-go of one episode: :math:`G_t = \sum_{k \ge 0} \gamma^k r_{t+k}`, shape ``(T,)``.

    Computed backwards with :math:`G_t = r_t + \gamma G_{t+1}`, :math:`G_T = 0`. ``G[0]`` is the
    episode's return; the whole array is what REINFORCE weights the log-probabilities with.

    >>> discounted_returns([0, 0, 5], gamma=0.9).round(6).tolist()
    [4.05, 4.5, 5.0]
    """
    gamma = _check_gamma(gamma)
    r = numbers(rewards, "rewards", ndim=1)  # (T,)
    g = np.empty_like(r)  # (T,)
    running = 0.0
    for t in range(len(r) - 1, -1, -1):
        running = r[t] + gamma * running
        g[t] = running
    return g


@metric(
    task="reinforcement learning",
    formula=r"G=\sum_{t=0}^{T-1}\gamma^t r_t",
    meaning="The total reward of one episode, each reward discounted by gamma per step of delay.",
    use_when="Scoring one episode under the objective the agent optimises; average over episodes with average_return.",
    hides="Depends on gamma (state it); a late reward counts less, so the same success scores lower on a longer task.",
    range="(-inf, inf)",
    higher_is_better=True,
    reference="the definition, summed in a Python loop (Sutton & Barto 2018, eq. 3.8)",
    options=(
        "gamma: the discount factor in [0, 1]; 1 gives the undiscounted return (required: say which)",
    ),
)
def discounted_return(rewards: Any, gamma: float) -> float:
    r"""Discounted return of one episode, :math:`G = \sum_{t=0}^{T-1} \gamma^t r_t`.

    ``rewards`` is one episode's rewards :math:`r_0..r_{T-1}` (``(T,)``; an empty episode has
    return 0). ``gamma`` in [0, 1] is required, because the number means nothing without it
    (``gamma=1``: the undiscounted return SB3 logs). It is ``discounted_returns(rewards,
    gamma)[0]``, the first entry of the reward-to-go, and :func:`average_return` is its mean over
    episodes. Computed as one dot product with the powers :math:`\gamma^t`. NaN/inf refused.

    >>> round(discounted_return([0, 0, 5], gamma=0.9), 6)  # 0.9 ** 2 * 5
    4.05
    >>> discounted_return([1, 0, 0, 1], gamma=1.0)
    2.0
    """
    gamma = _check_gamma(gamma)
    r = numbers(rewards, "rewards", ndim=1, allow_empty=True)  # (T,)
    powers = np.full(len(r), gamma)  # (T,)
    if len(r):
        powers[0] = 1.0
    np.cumprod(
        powers, out=powers
    )  # (T,) gamma^t, multiplied up as the definition's loop does
    return float(np.einsum("t,t->", powers, r))  # einsum: no BLAS call


@metric(
    task="reinforcement learning",
    formula=r"\frac{1}{E}\sum_{e=1}^{E}\sum_{t=0}^{T_e-1}\gamma^t r_{e,t}",
    meaning="Average total (discounted) reward an agent collects per episode.",
    use_when="The headline measure of an agent; report gamma, the number of episodes and seeds.",
    hides="High variance across seeds; discounted and undiscounted returns differ; says nothing of risk.",
    range="(-inf, inf)",
    higher_is_better=True,
    reference="the formula, summed in a Python loop",
)
def average_return(episodes: Any, gamma: float = 1.0) -> float:
    r"""Mean over episodes of the (discounted) return :math:`G = \sum_{t=0}^{T-1} \gamma^t r_t`.

    ``episodes`` is a list of per-episode reward sequences (of any lengths). ``gamma=1`` gives
    the undiscounted return that Stable-Baselines3 logs as ``ep_rew_mean``.

    >>> average_return([[1, 0, 0, 1], [0, 0, 5], [1, 1]])
    3.0
    >>> round(average_return([[1, 0, 0, 1], [0, 0, 5], [1, 1]], gamma=0.9), 6)
    2.559667
    """
    gamma = _check_gamma(gamma)
    if hasattr(episodes, "detach"):
        episodes = episodes.detach().cpu().numpy()
    if (
        episodes is None
        or isinstance(episodes, (str, bytes))
        or not hasattr(episodes, "__iter__")
    ):
        raise ValueError(
            f"episodes must be a list of per-episode reward sequences, got {type(episodes).__name__}"
        )
    episodes = list(episodes)
    if not episodes:
        raise ValueError(
            "episodes is empty; pass at least one episode's rewards"
        )
    returns = []
    for k, ep in enumerate(episodes):
        r = numbers(ep, f"episodes[{k}]", ndim=1)  # (T,)
        returns.append(float(np.dot(gamma ** np.arange(len(r)), r)))
    return float(np.mean(returns))


@metric(
    task="reinforcement learning",
    formula=r"\frac{1}{E}\sum_{e=1}^{E} s_e",
    meaning="Share of episodes that reached the goal.",
    use_when="Goal-reaching tasks with a clear success signal.",
    hides="Ignores how fast or how well the goal was reached.",
    range="[0, 1]",
    higher_is_better=True,
    reference="worked vectors (a mean of 0/1 outcomes)",
)
def success_rate(flags: Any) -> float:
    r"""Share of successful episodes, :math:`\frac1E\sum_e s_e` with :math:`s_e \in \{0, 1\}`.

    >>> round(success_rate([True, False, True]), 6)
    0.666667
    """
    arr = validate.array(flags, "flags", dtype=None, ndim=1)
    if arr.dtype != bool:
        if not np.issubdtype(arr.dtype, np.number) or not np.all(
            np.isin(arr, (0, 1))
        ):
            raise ValueError(
                f"flags must be booleans (or 0/1), one per episode, got {arr[:3].tolist()}"
            )
    return CountStats(int(np.sum(arr.astype(np.int64))), arr.size).score()


@metric(
    task="reinforcement learning",
    formula=r"-\sum_a \pi(a \mid s)\log \pi(a \mid s)",
    meaning="How spread out the policy's action probabilities are, in nats.",
    use_when="Monitoring exploration and policy collapse during training.",
    hides="Not a measure of performance; its scale depends on the number of actions (max log A).",
    range="[0, log A]",
    higher_is_better=None,
    reference="torch.distributions.Categorical.entropy; scipy.stats.entropy",
)
def policy_entropy(logits: Any) -> torch.Tensor | float:
    r"""Entropy of a categorical policy in nats, :math:`H(\pi) = -\sum_a \pi(a)\log\pi(a)`, per row.

    ``logits`` are unnormalised action scores: ``(B, A)`` gives a float64 tensor ``(B,)``,
    ``(A,)`` a Python float. Computed from ``log_softmax`` (stable); an action with logit
    :math:`-\infty` (masked) has probability 0 and contributes 0. Divide by :math:`\ln 2` for bits.
    Equals ``torch.distributions.Categorical(logits=logits).entropy()``.

    >>> policy_entropy(torch.tensor([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]]))
    tensor([0.8467, 1.0986], dtype=torch.float64)
    """
    z = (
        logits.detach()
        if isinstance(logits, torch.Tensor)
        else torch.as_tensor(np.asarray(logits, dtype=np.float64))
    )
    if z.dim() not in (1, 2) or z.shape[-1] == 0:
        raise ValueError(
            f"logits must be (A,) or (B, A) with A >= 1, got shape {tuple(z.shape)}"
        )
    z = z.double()  # (B, A) or (A,)
    if torch.isnan(z).any() or torch.isposinf(z).any():
        raise ValueError("logits contain NaN or +inf")
    if not torch.isfinite(z).any(dim=-1).all():
        raise ValueError(
            "every row of logits needs at least one finite entry (some action must be possible)"
        )
    log_p = torch.log_softmax(z, dim=-1)  # (B, A)
    p = log_p.exp()  # (B, A)
    h = -torch.where(
        p > 0, p * log_p, torch.zeros((), dtype=torch.float64)
    ).sum(dim=-1)  # (B,)
    return float(h) if h.dim() == 0 else h


def _twice_area(s, height) -> float:
    """Twice the trapezoid area of ``height`` over ``s``, or NaN if ``s``
    does not increase strictly: one pass (numba kernel). Four partial sums
    in a fixed order (no ``fastmath``): fast, and the same bits on every
    CPU, whatever vector width the compiler picks."""
    a0 = a1 = a2 = a3 = 0.0
    flat = 0
    n = s.size - 1
    k = 0
    while k + 4 <= n:  # four running sums, always combined in this order
        d0, d1 = s[k + 1] - s[k], s[k + 2] - s[k + 1]
        d2, d3 = s[k + 3] - s[k + 2], s[k + 4] - s[k + 3]
        flat += (d0 <= 0.0) + (d1 <= 0.0) + (d2 <= 0.0) + (d3 <= 0.0)
        a0 += (height[k + 1] + height[k]) * d0
        a1 += (height[k + 2] + height[k + 1]) * d1
        a2 += (height[k + 3] + height[k + 2]) * d2
        a3 += (height[k + 4] + height[k + 3]) * d3
        k += 4
    while k < n:
        d0 = s[k + 1] - s[k]
        flat += d0 <= 0.0
        a0 += (height[k + 1] + height[k]) * d0
        k += 1
    total = (a0 + a1) + (a2 + a3)
    return np.nan if flat else total


class SampleEfficiency(NamedTuple):
    """The two sample-efficiency summaries of one learning curve (see :func:`sample_efficiency`)."""

    normalized_auc: float  # mean height of the curve over the steps, rescaled to [0, 1] if low/high are given
    steps_to_threshold: float  # first step whose score reaches the threshold; inf if never (nan without threshold)


@metric(
    task="reinforcement learning",
    formula=r"\frac{1}{s_K-s_1}\int_{s_1}^{s_K}\frac{c(s)-\mathrm{low}}{\mathrm{high}-\mathrm{low}}\,ds,\ \ \min\{s_k: c_k\ge\tau\}",
    meaning="How fast an agent learns: the normalised area under its learning curve, and the steps it needs to reach a threshold.",
    use_when="Comparing learners by data efficiency, on the same budget of environment steps and the same evaluation.",
    hides=(
        "Depends on the budget (where the curve is cut), the normalisation and the threshold; a noisy curve "
        "crosses a threshold early by luck (average seeds first); the two summaries can disagree."
    ),
    range="normalized_auc: [0, 1] with low/high; steps_to_threshold: [steps[0], inf]",
    higher_is_better=True,
    reference="numpy: np.trapezoid for the area, the first crossing for the threshold (Taylor & Stone 2009)",
    options=(
        "threshold: the score to reach for steps_to_threshold (None: not computed, nan)",
        "low, high: the scores mapped to 0 and 1 (random and expert, or the return range) for the area",
    ),
)
def sample_efficiency(
    steps: Any,
    scores: Any,
    threshold: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> SampleEfficiency:
    r"""Sample efficiency of one learning curve: normalised area under it, and steps to a threshold.

    The curve is the evaluation score :math:`c_k` (e.g. mean return, success rate) after
    :math:`s_k` environment steps, :math:`s_1 < \dots < s_K`. Two summaries, as in Taylor &
    Stone's survey of transfer in RL (2009, whose "total reward" is the area under the
    curve, and "time to threshold"):

    - ``normalized_auc``: the trapezoid area under the curve divided by the step span
      :math:`s_K - s_1`, i.e. the curve's mean height, in score units; with ``low`` and
      ``high`` (e.g. a random and an expert score, or 0 and the maximum return) the scores are
      first mapped to :math:`(c - \mathrm{low}) / (\mathrm{high} - \mathrm{low})`, so 1 is
      "expert from the first step" (higher is better).
    - ``steps_to_threshold``: the first :math:`s_k` with :math:`c_k \ge \tau` (no
      interpolation); ``inf`` if the curve never reaches it, ``nan`` if no threshold is given
      (fewer is better).

    A single point (:math:`K=1`) has no area: its height is returned. Steps must increase
    strictly; NaN/inf, strings and ``low >= high`` are refused.

    >>> sample_efficiency([0, 100, 200, 300], [0.0, 0.5, 1.0, 1.0], threshold=0.9)
    SampleEfficiency(normalized_auc=0.6666666666666666, steps_to_threshold=200.0)
    >>> sample_efficiency([0, 10], [-100.0, 100.0], low=-100, high=100).normalized_auc
    0.5
    """
    s = numbers(steps, "steps", ndim=1)  # (K,)
    c = numbers(scores, "scores", ndim=1)  # (K,)
    validate.same_length(s, c, "steps", "scores")
    kernel = _jit(_twice_area)
    twice = math.nan if kernel is None else kernel(s, c)  # NaN: check
    if math.isnan(twice):
        ds = np.diff(s)  # (K-1,)
        if np.any(ds <= 0):
            raise ValueError(
                f"steps must increase strictly, got {s[1:][ds <= 0][0]} "
                "after a step >= it"
            )
    tau = validate.real(threshold, "threshold", optional=True)
    lo = validate.real(low, "low", optional=True)
    hi = validate.real(high, "high", optional=True)
    if (lo is None) != (hi is None):
        raise ValueError(
            f"low and high go together (both None, or both numbers), got low={low!r}, high={high!r}"
        )
    if lo is not None and not lo < hi:
        raise ValueError(f"low must be < high, got low={lo}, high={hi}")
    height = c if lo is None else (c - lo) / (hi - lo)  # (K,)
    if len(s) == 1:
        auc = float(height[0])
    else:
        if kernel is None:  # the trapezoid rule in NumPy
            sums = height[1:] + height[:-1]  # (K-1,)
            twice = np.einsum("k,k->", sums, np.diff(s))
        elif lo is not None:  # rescaled scores
            twice = kernel(s, height)
        auc = float(twice / 2.0 / (s[-1] - s[0]))  # trapezoid
    if tau is None:
        reached = math.nan
    else:
        hit = c >= tau  # (K,)
        first = int(hit.argmax())  # argmax stops at the first True
        reached = float(s[first]) if hit[first] else math.inf
    return SampleEfficiency(auc, reached)
