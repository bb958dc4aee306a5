r"""Top-k accuracy: is the true class (the next token) among the k highest-scored?

For a language model the scores are the logits of the next token over the vocabulary and the
target the token that came; top-1 accuracy is how often greedy decoding would be right, top-5
how often the truth is on a short list. It ignores how much probability the truth got, which
perplexity measures.

Ties follow scikit-learn's ``top_k_accuracy_score``: the classes are ordered by a stable sort
of the scores, reversed, so among equal scores the class with the *larger index* ranks first.
A tie at the k-th place is therefore a hit only for the classes that win it by index, not for
every tied class (a tie-as-hit rule would give a higher number).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlib import validate

from . import _cls_checks as checks
from .registry import metric

__all__ = ["top_k_accuracy"]


def _class_index(
    y: np.ndarray, labels: Any, n_classes: int
) -> np.ndarray:
    """Column of each target's class in ``scores``: by ``labels``, by the sorted classes, or by id."""
    if labels is not None:
        classes = np.asarray(labels)
        if classes.ndim != 1 or len(np.unique(classes)) != len(classes):
            raise ValueError(
                f"labels must be a 1-D list of distinct classes, got {np.asarray(labels).tolist()!r}"
            )
        if not np.array_equal(np.sort(classes), classes):
            raise ValueError(
                f"labels must be sorted (the columns of scores follow them), got {classes.tolist()}"
            )
        if len(classes) != n_classes:
            raise ValueError(
                f"labels has {len(classes)} classes but scores has {n_classes} columns"
            )
    else:
        classes = np.unique(y)
        if len(classes) != n_classes:
            if (
                y.dtype.kind in "iub"
                and y.min() >= 0
                and y.max() < n_classes
            ):
                return y.astype(
                    np.int64
                )  # class ids are column indices (the language-model case)
            raise ValueError(
                f"target has {len(classes)} classes but scores has {n_classes} columns; pass every "
                "class, sorted, through labels="
            )
    index = np.searchsorted(classes, y)  # (N,)
    bad = (index >= len(classes)) | (
        classes[np.minimum(index, len(classes) - 1)] != y
    )
    if bad.any():
        raise ValueError(
            f"target contains labels not in labels, such as {y[bad][0]!r}"
        )
    return index


@metric(
    task="language modelling",
    formula=r"\frac{1}{N}\sum_{i=1}^{N} \mathbf{1}\big(y_i \in \operatorname{top}_k(s_{i,\cdot})\big)",
    meaning="Share of items (next tokens) whose true class is among the k highest-scored.",
    use_when="Next-token prediction and many-class problems, where near misses matter (suggestion lists).",
    hides="Ignores how much probability the truth got (perplexity does not); ties are broken by class index.",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.top_k_accuracy_score",
    options=(
        "k: the length of the short list (k)",
        "normalize: share (True) or count (False) of hits (normalize)",
        "sample_weight: weight of each item (sample_weight)",
        "labels: the classes of the columns of scores, sorted (labels)",
    ),
)
def top_k_accuracy(
    target: Any,
    scores: Any,
    k: int = 2,
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
) -> float:
    r"""Top-k accuracy, as ``sklearn.metrics.top_k_accuracy_score`` (default ``k=2``, as there).

    .. math:: \mathrm{acc}@k = \frac{\sum_i w_i\,[\,r_i < k\,]}{\sum_i w_i},\qquad
              r_i = \#\{c : s_{ic} > s_{i y_i}\} + \#\{c > y_i : s_{ic} = s_{i y_i}\}

    the rank :math:`r_i` of the true class among the scores ``(N, C)`` (logits, probabilities or
    any scores: only their order matters), ties broken towards the larger class index as
    scikit-learn's stable sort does. Computed in :math:`O(NC)` without sorting. Range [0, 1]
    (``normalize=False``: the weighted count of hits), higher is better; :math:`k \ge C` scores 1.

    Columns: ``labels`` (sorted) if given; else the sorted classes of ``target`` when there are
    ``C`` of them (scikit-learn's rule); else, for integer targets in ``[0, C)``, the class id
    is the column (a language model's next tokens rarely cover the vocabulary; scikit-learn
    needs ``labels=range(C)`` for the same number). Binary 1-D scores are not taken: pass
    ``(N, 2)``. Refuses NaN/inf scores, empty, ragged or mismatched input by name.

    >>> scores = [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.4, 0.4, 0.2]]  # (N, C)
    >>> top_k_accuracy([0, 1, 0], scores, k=1)  # item 2: a tie, class 1 ranks first
    0.3333333333333333
    >>> top_k_accuracy([0, 1, 0], scores, k=2)
    1.0
    """
    y = checks.labels(target, "target")
    s = checks.scores(scores, "scores", ndim=(2,))
    if len(y) != len(s):
        raise ValueError(
            f"target and scores must have the same length, got {len(y)} and {len(s)}"
        )
    if s.shape[1] < 2:
        raise ValueError(
            f"scores must have at least 2 columns (classes), got shape {s.shape}"
        )
    k = validate.integer(k, "k", minimum=1)
    if normalize is not True and normalize is not False:
        raise ValueError(
            f"normalize must be True or False, got {checks.kind(normalize)}"
        )
    w = checks.weights(sample_weight, len(y))
    index = _class_index(y, labels, s.shape[1])  # (N,)
    true_score = s[np.arange(len(s)), index][:, None]  # (N, 1)
    higher = np.count_nonzero(s > true_score, axis=1)  # (N,)
    if (
        k < s.shape[1]
    ):  # ties only matter when the short list is shorter than the vocabulary
        later = (
            np.arange(s.shape[1])[None, :] > index[:, None]
        )  # (N, C) classes ranked first on a tie
        higher += np.count_nonzero((s == true_score) & later, axis=1)
    hits = higher < k  # (N,)
    if normalize:
        return float(
            hits.mean() if w is None else np.average(hits, weights=w)
        )
    return float(hits.sum() if w is None else hits @ w)
