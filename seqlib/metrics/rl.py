r"""Reinforcement-learning metrics: average (discounted) return, success rate, policy entropy.

There is no canonical library for these (metric-reference.md, section 7); the references are
the formulas, computed with NumPy and ``torch.distributions``. Convention traps:

- Stable-Baselines3 reports the *undiscounted* return of finished episodes; the objective an
  agent optimises is often the discounted one. Say which (``gamma``).
- Success is read from the last step of each episode (SB3: ``info["is_success"]``).
- Entropy in nats (natural log) vs bits (log base 2) differ by a factor :math:`\ln 2`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from seqlib import validate

from .registry import metric
from .stats import CountStats

__all__ = ["average_return", "discounted_returns", "success_rate", "policy_entropy"]


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
    r = validate.array(rewards, "rewards", ndim=1)  # (T,)
    g = np.empty_like(r)  # (T,)
    running = 0.0
    for t in range(len(r) - 1, -1, -1):
        running = r[t] + gamma * running
        g[t] = running
    return g


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
    episodes = list(episodes)
    if not episodes:
        raise ValueError("episodes is empty; pass at least one episode's rewards")
    returns = []
    for k, ep in enumerate(episodes):
        r = validate.array(ep, f"episode {k}", ndim=1)  # (T,)
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
        if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isin(arr, (0, 1))):
            raise ValueError("flags must be booleans (or 0/1), one per episode")
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
    z = logits.detach() if isinstance(logits, torch.Tensor) else torch.as_tensor(np.asarray(logits, dtype=np.float64))
    if z.dim() not in (1, 2) or z.shape[-1] == 0:
        raise ValueError(f"logits must be (A,) or (B, A) with A >= 1, got shape {tuple(z.shape)}")
    z = z.double()  # (B, A) or (A,)
    if torch.isnan(z).any() or torch.isposinf(z).any():
        raise ValueError("logits contain NaN or +inf")
    if not torch.isfinite(z).any(dim=-1).all():
        raise ValueError("every row of logits needs at least one finite entry (some action must be possible)")
    log_p = torch.log_softmax(z, dim=-1)  # (B, A)
    p = log_p.exp()  # (B, A)
    h = -torch.where(p > 0, p * log_p, torch.zeros((), dtype=torch.float64)).sum(dim=-1)  # (B,)
    return float(h) if h.dim() == 0 else h
