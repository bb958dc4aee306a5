"""Speed cases: language-model metrics (seqlib.metrics.lm, top-k accuracy from seqlib.metrics.topk)."""

from __future__ import annotations

import math


def rows(rng):
    import sklearn.metrics
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(
        20_000, 5_000, generator=g
    )  # (N, V) float32, 2e4 tokens x 5k vocabulary
    targets = torch.randint(0, 5_000, (20_000,), generator=g)  # (N,)
    targets[::10] = -100  # padding, 10%
    top_logits = logits[
        :5_000, :1_000
    ].numpy()  # (5e3, 1e3): sklearn's argsort is slow beyond this
    top_targets = (
        targets[:5_000].clamp(min=0).remainder(1_000).numpy()
    )  # (5e3,)
    vocab = list(range(1_000))
    return [
        (
            "token NLL, 2e4 x 5k logits",
            "lm",
            "token_nll",
            lambda f: f(logits, targets, ignore_index=-100),
            lambda: F.cross_entropy(
                logits, targets, ignore_index=-100
            ).item(),
            "torch cross_entropy",
        ),
        (
            "perplexity, 2e4 x 5k logits",
            "lm",
            "perplexity",
            lambda f: f(logits, targets, ignore_index=-100),
            lambda: math.exp(
                F.cross_entropy(logits, targets, ignore_index=-100).item()
            ),
            "exp(torch cross_entropy)",
        ),
        (
            "top-5 accuracy, 5e3 x 1e3",
            "lm",
            "top_k_accuracy",
            lambda f: f(top_targets, top_logits, k=5),
            lambda: sklearn.metrics.top_k_accuracy_score(
                top_targets, top_logits, k=5, labels=vocab
            ),
            "sklearn.top_k_accuracy_score",
        ),
    ]
