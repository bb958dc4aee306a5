r"""N-gram language models over integer token ids: the baselines every RNN must beat.

An n-gram model predicts token :math:`w` from the :math:`n-1` tokens before it, its *context*
:math:`c`. Counting gives the maximum-likelihood estimate :math:`C(c, w) / C(c)`, which is zero
for every n-gram the training text never contained -- one such n-gram in the test text makes
its perplexity infinite (``k=0`` shows this). Two fixes, both exact probability distributions:

**Add-k smoothing** of order :math:`m` (context :math:`c_m`, the last :math:`m-1` tokens):

.. math::  p_m(w \mid c_m) = \frac{C(c_m, w) + k}{C(c_m) + kV}, \qquad C(c_m) = \sum_v C(c_m, v),

and :math:`p_m = 1/V` for a context never seen in training (the limit of the formula as its
counts go to 0), including a context that does not exist because the text starts too early.

``method="interpolation"`` (Jelinek--Mercer): mix the orders with weights :math:`\lambda_m \ge 0`,
:math:`\sum_m \lambda_m = 1`, chosen by EM on validation ids in :meth:`NGramLM.fit`:

.. math::  p(w \mid c) = \sum_{m=1}^{n} \lambda_m\, p_m(w \mid c_m).

``method="backoff"`` (Katz-style with add-k): trust the longest seen context for the tokens seen
after it, and share what add-k set aside, :math:`R(c) = k(V - |S_c|) / (C(c) + kV)`, among the
unseen tokens in proportion to the shorter context's (recursive) distribution:

.. math::  p(w \mid c) = \begin{cases} p_m(w \mid c) & w \in S_c \\
           R(c)\, \dfrac{p(w \mid c')}{1 - \sum_{v \in S_c} p(v \mid c')} & w \notin S_c \end{cases}

where :math:`S_c` is the set of tokens seen after :math:`c`, :math:`c'` drops the oldest token of
:math:`c`, an unseen :math:`c` backs off entirely (:math:`p(w \mid c) = p(w \mid c')`) and the
unigram is add-k. (If :math:`c'` puts all its mass on :math:`S_c`, :math:`R` is shared equally.)

**What is scored.** :meth:`NGramLM.nll` scores every token of the text except the first, each from
the up to :math:`n-1` tokens before it (shorter contexts at the start), exactly as the RNNs are
scored, so perplexities are comparable: :math:`\mathrm{PPL} = \exp(\mathrm{NLL} / (N - 1))`.

>>> lm = NGramLM(2, vocab_size=3, k=1.0).fit([0, 1, 2, 0, 1, 2, 0, 1])
>>> round(float(lm.distribution([0]).sum()), 12), round(lm.perplexity([0, 1, 2]), 3)
(1.0, 2.109)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import torch

from seqlib import validate
from seqlib.metrics.stats import NLLStats

__all__ = ["NGramLM", "K_GRID", "METHODS"]

METHODS = ("interpolation", "backoff")
#: Values of k tried by ``fit`` when ``k=None`` (log-spaced: the best k spans orders of magnitude).
K_GRID = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)


class NGramLM:
    r"""An n-gram LM (``n`` = 1..5) with add-k smoothing, mixed by interpolation or backoff.

    ``k``: the add-k constant (``k=0`` is the unsmoothed maximum-likelihood model; ``k=1`` is
    add-one); ``None`` chooses it from :data:`K_GRID` on the validation ids given to :meth:`fit`.
    ``lambdas`` (interpolation only): the n mixing weights, orders 1..n; ``None`` fits them by EM
    on the validation ids, or makes them uniform when ``fit`` gets none.

    >>> lm = NGramLM(3, vocab_size=4, k=0.5, method="backoff").fit([0, 1, 2, 3] * 5)
    >>> lm.distribution([0, 1]).argmax().item()
    2
    """

    def __init__(
        self,
        n: int,
        vocab_size: int,
        k: float
        | None = 1.0,  # add-one: the textbook default; pass None to tune it on validation
        method: str = "interpolation",
        lambdas: Sequence[float] | None = None,
    ) -> None:
        validate.integer(n, "n", minimum=1, maximum=5)
        validate.integer(vocab_size, "vocab_size", minimum=1)
        validate.real(
            k, "k", low=0, optional=True
        )  # None: tune k on validation ids
        validate.choice(method, "method", METHODS)
        if lambdas is not None:
            if method != "interpolation":
                raise ValueError(
                    "lambdas only apply to method='interpolation'"
                )
            lambdas = tuple(float(x) for x in lambdas)
            if (
                len(lambdas) != n
                or min(lambdas) < 0
                or abs(math.fsum(lambdas) - 1) > 1e-9
            ):
                raise ValueError(
                    f"lambdas must be {n} weights >= 0 summing to 1, got {lambdas}"
                )
        self.n, self.vocab_size, self.method = n, vocab_size, method
        self.k = None if k is None else float(k)
        self._tune_k = (
            k is None
        )  # choose k on validation ids at every fit
        self.lambdas = lambdas
        self._fixed_lambdas = lambdas is not None
        self._counts: list[
            Counter
        ] = []  # [m]: m-gram tuple -> count, m = 1..n (index 0 unused)
        self._totals: list[
            Counter
        ] = []  # [m]: context tuple (m-1 tokens) -> sum of its m-gram counts
        self._follow: list[
            dict
        ] = []  # [m]: context -> (seen next tokens, their counts) as arrays
        self._alpha: dict = {}  # backoff: (m, context) -> (R, mass of c' outside S_c), memoised

    # ------------------------------------------------------------------ fitting
    def fit(self, train_ids, val_ids=None) -> NGramLM:
        """Count the n-grams of ``train_ids``; tune ``k`` (if ``None``) and ``lambdas`` on ``val_ids``."""
        train = validate.token_ids(
            train_ids, "train_ids", vocab_size=self.vocab_size, min_len=1
        ).tolist()
        val = (
            None
            if val_ids is None
            else validate.token_ids(
                val_ids, "val_ids", vocab_size=self.vocab_size, min_len=2
            ).tolist()
        )
        if self._tune_k and val is None:
            raise ValueError(
                "k=None means 'choose k on validation ids': pass val_ids to fit, or set k"
            )
        self._counts, self._totals, self._follow = (
            [Counter()],
            [Counter()],
            [{}],
        )
        for m in range(1, self.n + 1):
            grams = Counter(
                zip(*(train[i:] for i in range(m)))
            )  # every m-gram inside the text
            totals, follow = Counter(), {}
            for gram, count in grams.items():
                totals[gram[:-1]] += count
                follow.setdefault(gram[:-1], []).append((gram[-1], count))
            self._counts.append(grams)
            self._totals.append(totals)
            self._follow.append(
                {
                    c: (
                        np.array([w for w, _ in wc]),
                        np.array([f for _, f in wc], dtype=np.float64),
                    )
                    for c, wc in follow.items()
                }
            )
        val_counts = (
            None if val is None else self._order_counts(val)
        )  # counted once, reused for every k
        if self._tune_k:
            self.k = min(
                K_GRID, key=lambda k: self._tune(val, val_counts, k)
            )
        self._tune(val, val_counts, self.k)
        return self

    def _tune(self, val: list[int] | None, val_counts, k: float) -> float:
        """Set k (and fit lambdas by EM when free); return the validation NLL per token."""
        self.k, self._alpha = k, {}
        if self.method == "interpolation" and not self._fixed_lambdas:
            self.lambdas = (1.0 / self.n,) * self.n
            if val is not None:
                self.lambdas = self._em_lambdas(
                    self._order_probs(*val_counts)
                )
        if val is None:
            return math.nan
        if self.method == "interpolation":
            return -float(
                np.log(
                    self._order_probs(*val_counts)
                    @ np.asarray(self.lambdas)
                ).mean()
            )
        return self.nll(val) / (len(val) - 1)

    @staticmethod
    def _em_lambdas(
        P: np.ndarray, iters: int = 500, tol: float = 1e-9
    ) -> tuple[float, ...]:
        r"""EM for mixture weights, given ``P`` (T, n): each order's probability of each target.

        E-step: responsibilities :math:`r_{tm} = \lambda_m P_{tm} / \sum_j \lambda_j P_{tj}`;
        M-step: :math:`\lambda_m = \frac1T \sum_t r_{tm}`. Each step lowers the mean NLL; stop
        when it falls by less than ``tol`` nats per token.
        """
        lam = np.full(P.shape[1], 1.0 / P.shape[1])  # (n,)
        previous = math.inf
        for _ in range(iters):
            joint = P * lam  # (T, n)
            mixture = np.maximum(
                joint.sum(axis=1, keepdims=True), 1e-300
            )  # (T, 1)
            mean_nll = -float(np.log(mixture).mean())
            if previous - mean_nll < tol:
                break
            previous = mean_nll
            lam = (joint / mixture).mean(axis=0)  # (n,)
            lam /= lam.sum()
        return tuple(float(x) for x in lam)

    def _check_fitted(self) -> None:
        if not self._counts:
            raise ValueError(
                "this NGramLM is not fitted yet: call fit(train_ids) first"
            )

    # ------------------------------------------------------------------ probabilities
    def _order_counts(
        self, ids: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Two (N-1, n) arrays: for target ids[t] (t >= 1) and each order m = 1..n, the training
        counts C(c_m, ids[t]) and C(c_m); both 0 where the text starts too early for c_m."""
        gram_counts = np.zeros((len(ids) - 1, self.n))  # (N-1, n)
        context_counts = np.zeros((len(ids) - 1, self.n))  # (N-1, n)
        for m in range(1, self.n + 1):
            counts, totals = self._counts[m], self._totals[m]
            for t in range(
                max(1, m - 1), len(ids)
            ):  # earlier targets lack this context: left 0
                context = tuple(ids[t - m + 1 : t])
                gram_counts[t - 1, m - 1] = counts.get(
                    (*context, ids[t]), 0
                )
                context_counts[t - 1, m - 1] = totals.get(context, 0)
        return gram_counts, context_counts

    def _order_probs(
        self, gram_counts: np.ndarray, context_counts: np.ndarray
    ) -> np.ndarray:
        """(N-1, n) add-k probabilities from :meth:`_order_counts`; 1/V for unseen contexts."""
        k, V = self.k, self.vocab_size
        seen = context_counts > 0  # (N-1, n)
        return np.where(
            seen,
            (gram_counts + k)
            / np.where(seen, context_counts + k * V, 1.0),
            1.0 / V,
        )  # (N-1, n)

    def _backoff_prob(self, context: tuple, w: int) -> float:
        """p(w | context) by backoff; ``context`` holds at most n-1 tokens."""
        k, V, m = self.k, self.vocab_size, len(context) + 1
        if m == 1:
            return (self._counts[1].get((w,), 0) + k) / (
                self._totals[1][()] + k * V
            )
        total = self._totals[m].get(context, 0)
        if total == 0:
            return self._backoff_prob(
                context[1:], w
            )  # unseen context: back off entirely
        count = self._counts[m].get((*context, w), 0)
        if count:
            return (count + k) / (total + k * V)
        reserved, mass_out = self._backoff_weight(m, context)
        if reserved == 0.0:
            return 0.0
        if mass_out > 1e-12:
            return (
                reserved * self._backoff_prob(context[1:], w) / mass_out
            )
        return reserved / (
            V - len(self._follow[m][context][0])
        )  # c' left nothing: share equally

    def _backoff_weight(
        self, m: int, context: tuple
    ) -> tuple[float, float]:
        key = (m, context)
        if key not in self._alpha:
            seen, _ = self._follow[m][context]
            total, V = self._totals[m][context], self.vocab_size
            reserved = self.k * (V - len(seen)) / (total + self.k * V)
            mass_out = max(
                1.0
                - math.fsum(
                    self._backoff_prob(context[1:], int(v)) for v in seen
                ),
                0.0,
            )
            self._alpha[key] = (reserved, mass_out)
        return self._alpha[key]

    def _addk_vector(self, m: int, context: tuple) -> np.ndarray:
        """(V,) add-k distribution of order m after ``context`` (uniform if unseen)."""
        V, k = self.vocab_size, self.k
        total = self._totals[m].get(context, 0)
        if not total:
            return np.full(V, 1.0 / V)  # (V,)
        seen, counts = self._follow[m][context]
        vec = np.full(V, k / (total + k * V))  # (V,)
        vec[seen] = (counts + k) / (total + k * V)
        return vec

    def _backoff_vector(self, context: tuple) -> np.ndarray:
        m = len(context) + 1
        if m == 1:
            return self._addk_vector(1, ())  # (V,)
        lower = self._backoff_vector(context[1:])  # (V,)
        if not self._totals[m].get(context, 0):
            return lower
        seen, _ = self._follow[m][context]
        reserved, mass_out = self._backoff_weight(m, context)
        vec = self._addk_vector(
            m, context
        )  # (V,) right for the seen tokens
        unseen = np.ones(self.vocab_size, dtype=bool)  # (V,)
        unseen[seen] = False
        if reserved == 0.0:
            vec[unseen] = 0.0
        elif mass_out > 1e-12:
            vec[unseen] = reserved * lower[unseen] / mass_out
        else:
            vec[unseen] = reserved / unseen.sum()
        return vec

    def __repr__(self) -> str:
        lambdas = (
            ""
            if self.lambdas is None
            else f", lambdas={tuple(round(x, 4) for x in self.lambdas)}"
        )
        return f"NGramLM(n={self.n}, vocab_size={self.vocab_size}, k={self.k}, method={self.method!r}{lambdas})"

    def distribution(self, context) -> torch.Tensor:
        """(V,) float64 tensor p(. | context), summing to 1. Only the last n-1 tokens of ``context``
        matter; a shorter (even empty) context is allowed, as at the start of a text."""
        self._check_fitted()
        ctx = validate.token_ids(
            context, "context", vocab_size=self.vocab_size
        ).tolist()
        ctx = tuple(
            ctx[max(0, len(ctx) - self.n + 1) :]
        )  # the last n-1 tokens (or fewer)
        if self.method == "backoff":
            return torch.from_numpy(self._backoff_vector(ctx))  # (V,)
        vec = np.zeros(self.vocab_size)  # (V,)
        for m, lam in enumerate(self.lambdas, start=1):
            available = len(ctx) >= m - 1
            sub = ctx[len(ctx) - m + 1 :] if m > 1 else ()
            vec += lam * (
                self._addk_vector(m, sub)
                if available
                else np.full(self.vocab_size, 1.0 / self.vocab_size)
            )
        return torch.from_numpy(vec)  # (V,)

    # ------------------------------------------------------------------ scoring
    def token_log_probs(self, ids) -> torch.Tensor:
        """(N-1,) float64: log p(ids[t] | up to n-1 previous ids) for t = 1..N-1 (``-inf`` if 0)."""
        self._check_fitted()
        ids = validate.token_ids(
            ids, "ids", vocab_size=self.vocab_size, min_len=2
        ).tolist()
        if self.method == "interpolation":
            p = self._order_probs(*self._order_counts(ids)) @ np.asarray(
                self.lambdas
            )  # (N-1,)
        else:
            p = np.array(
                [
                    self._backoff_prob(
                        tuple(ids[max(0, t - self.n + 1) : t]), ids[t]
                    )
                    for t in range(1, len(ids))
                ]
            )  # (N-1,)
        with np.errstate(divide="ignore"):
            return torch.from_numpy(np.log(p))  # (N-1,)

    def log_prob(self, ids) -> float:
        """Total log-probability in nats of ``ids[1:]``, each given its preceding context."""
        return float(math.fsum(self.token_log_probs(ids).tolist()))

    def nll(self, ids) -> float:
        """Total negative log-likelihood in nats of the N-1 tokens ``ids[1:]`` (``inf`` if any has p = 0)."""
        return -self.log_prob(ids)

    def nll_stats(self, ids) -> NLLStats:
        """The additive statistics of ``ids``: total NLL of the N-1 tokens ``ids[1:]``, and N-1."""
        return NLLStats(self.nll(ids), len(ids) - 1)

    def perplexity(self, ids) -> float:
        r"""Exact perplexity :math:`\exp(\mathrm{NLL} / (N-1))`; ``float('inf')`` if a token has p = 0."""
        return self.nll_stats(ids).perplexity()
