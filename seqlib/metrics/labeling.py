r"""Sequence-labelling metrics: token accuracy, exact match, span F1 (BIO) and edit distance.

A tagger outputs one tag per token. Three questions, three metrics:

- :func:`token_accuracy`: what share of tokens got the right tag (padding excluded)?
- :func:`sequence_accuracy`: what share of sentences came out entirely right?
- :func:`span_f1`: how well were the *entities* found? Tags ``B-X`` (begin), ``I-X`` (inside)
  and ``O`` (outside) encode spans; a span counts only if its type, start and end all match.

Convention traps (metric-reference.md, section 3):

- Token accuracy is dominated by ``O`` tokens: a tagger that outputs only ``O`` scores high.
- Span F1 is micro-averaged over spans, as ``seqeval.metrics.f1_score``.
- An ``I-X`` with no ``B-X`` before it: seqeval's default (conlleval-like) mode starts a span
  there; ``mode="strict"`` (seqeval ``mode='strict', scheme=IOB2``) drops it.
- Levenshtein distance counts substitutions, insertions and deletions at cost 1. OSA/Damerau
  count a transposition as one edit; Indel has no substitution (a substitution costs 2).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._registry import MetricInfo
from ._validate import same_length

__all__ = ["token_accuracy", "sequence_accuracy", "span_f1", "spans", "edit_distance"]
#: public functions that are not metrics (no registry entry)
HELPERS = ("spans",)


def _as_list(x: Any) -> list:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return list(x)


def _paired_sequences(target_seqs: Any, pred_seqs: Any) -> list[tuple[list, list]]:
    """Check two collections of sequences: same number, each pair of the same length, not empty."""
    targets, preds = _as_list(target_seqs), _as_list(pred_seqs)
    same_length(targets, preds, "target_seqs", "pred_seqs")
    if not targets:
        raise ValueError("target_seqs is empty; a metric needs at least one sequence")
    pairs = []
    for k, (t, p) in enumerate(zip(targets, preds, strict=True)):
        if isinstance(t, str) or isinstance(p, str):
            raise ValueError(f"sequence {k} is a string; pass a list of tags or tokens per sequence")
        t, p = _as_list(t), _as_list(p)
        if len(t) != len(p):
            raise ValueError(f"sequence {k}: target has {len(t)} tokens but prediction has {len(p)}")
        pairs.append((t, p))
    return pairs


def token_accuracy(target_seqs: Any, pred_seqs: Any) -> float:
    r"""Share of tokens tagged correctly, pooled over all sequences.

    .. math:: \frac{\sum_s \sum_t [\hat y_{s,t} = y_{s,t}]}{\sum_s T_s}

    Pass unpadded sequences (or strip padding first): padding would count as correct tokens.
    Each prediction must have as many tokens as its target; nothing is truncated.

    >>> round(token_accuracy([["B-PER", "I-PER", "O"], ["O"]], [["B-PER", "O", "O"], ["O"]]), 6)
    0.75
    """
    pairs = _paired_sequences(target_seqs, pred_seqs)
    total = sum(len(t) for t, _ in pairs)
    if total == 0:
        raise ValueError("all sequences are empty; there is no token to score")
    hits = sum(a == b for t, p in pairs for a, b in zip(t, p, strict=True))
    return hits / total


def sequence_accuracy(target_seqs: Any, pred_seqs: Any) -> float:
    r"""Exact match: the share of sequences whose every token is right, :math:`\frac1S\sum_s [\hat y_s = y_s]`.

    As everywhere in this module, a prediction of another length than its target raises
    (tags are aligned with tokens, so a length mismatch is a bug upstream, not a miss).

    >>> sequence_accuracy([["O", "B-LOC"], ["O"]], [["O", "B-LOC"], ["B-LOC"]])
    0.5
    """
    pairs = _paired_sequences(target_seqs, pred_seqs)
    return sum(t == p for t, p in pairs) / len(pairs)


def _parse(tag: Any, position: int) -> tuple[str, str]:
    """Split a BIO tag into (prefix, type): 'B-PER' -> ('B', 'PER'), 'O' -> ('O', '')."""
    if tag == "O":
        return "O", ""
    if isinstance(tag, str) and len(tag) > 2 and tag[0] in "BI" and tag[1] == "-":
        return tag[0], tag[2:]
    raise ValueError(f"tag {tag!r} at position {position} is not a BIO tag ('O', 'B-TYPE' or 'I-TYPE')")


def spans(tags: Sequence[str], mode: str = "default") -> list[tuple[str, int, int]]:
    """The labelled spans ``(type, start, end)`` encoded by one BIO tag sequence, end exclusive.

    ``tags[start:end]`` are the span's tags. ``mode="default"`` reads tags as conlleval and
    seqeval's default do: a span starts at ``B-X``, at ``I-X`` after ``O``, or at ``I-X`` after a
    tag of another type, and runs over the ``I-X`` that follow. ``mode="strict"`` (IOB2) starts
    spans only at ``B-X``; an ``I-X`` that does not continue a span of type X is dropped.

    >>> spans(["B-PER", "I-PER", "O", "I-LOC", "I-LOC"])
    [('PER', 0, 2), ('LOC', 3, 5)]
    >>> spans(["B-PER", "I-PER", "O", "I-LOC", "I-LOC"], mode="strict")
    [('PER', 0, 2)]
    """
    if mode not in ("default", "strict"):
        raise ValueError(f"mode must be 'default' or 'strict', got {mode!r}")
    found = []
    start, current = None, ""  # the open span, if any
    for i, tag in enumerate(list(tags) + ["O"]):  # a final O closes the last span
        prefix, kind = _parse(tag, i)
        continues = prefix == "I" and start is not None and kind == current
        if continues:
            continue
        if start is not None:  # the open span ends before token i
            found.append((current, start, i))
            start = None
        if prefix == "B" or (prefix == "I" and mode == "default"):
            start, current = i, kind
    return found


def span_f1(target_tags: Any, pred_tags: Any, mode: str = "default", zero_division: float = 0.0) -> float:
    r"""Micro-averaged span F1 over BIO-tagged sequences (``seqeval.metrics.f1_score``).

    A predicted span is a true positive when a target span has the same type, start and end.

    .. math:: P = \frac{TP}{\#\text{pred spans}},\quad R = \frac{TP}{\#\text{true spans}},\quad
              F_1 = \frac{2PR}{P+R} = \frac{2\,TP}{\#\text{pred} + \#\text{true}}

    ``mode="default"`` follows seqeval's default (an orphan ``I-X`` starts a span);
    ``mode="strict"`` follows seqeval ``mode='strict', scheme=IOB2`` (orphans dropped); see
    :func:`spans`. ``zero_division`` is returned when there is no span at all.

    >>> t = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    >>> p = [["I-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]]
    >>> round(span_f1(t, p), 6), round(span_f1(t, p, mode="strict"), 6)
    (0.571429, 0.333333)
    """
    pairs = _paired_sequences(target_tags, pred_tags)
    true_spans, pred_spans = set(), set()
    for k, (t, p) in enumerate(pairs):
        true_spans.update((k, *s) for s in spans(t, mode))
        pred_spans.update((k, *s) for s in spans(p, mode))
    denominator = len(true_spans) + len(pred_spans)
    if denominator == 0:
        return float(zero_division)
    return 2 * len(true_spans & pred_spans) / denominator


def edit_distance(a: Sequence, b: Sequence) -> int:
    r"""Levenshtein distance: the fewest insertions, deletions and substitutions turning ``a`` into ``b``.

    .. math:: D_{i,j} = \min\big(D_{i-1,j} + 1,\ D_{i,j-1} + 1,\ D_{i-1,j-1} + [a_i \ne b_j]\big),
              \quad D_{i,0} = i,\ D_{0,j} = j

    ``a`` and ``b`` may be strings (characters) or lists of tokens. The rows of :math:`D` are
    computed one at a time with NumPy: the deletion and substitution candidates are
    elementwise, and the chain of insertions along a row, :math:`D_{i,j} = \min_{k \le j}
    (t_k + j - k)`, is a running minimum (``np.minimum.accumulate``) of :math:`t_k - k`.
    Equals ``rapidfuzz.distance.Levenshtein.distance``.

    >>> edit_distance("kitten", "sitting")
    3
    >>> edit_distance(["the", "cat", "sat"], ["the", "bat", "sat", "down"])
    2
    """
    for name, seq in (("a", a), ("b", b)):
        if not hasattr(seq, "__len__") or not hasattr(seq, "__getitem__"):
            raise ValueError(f"{name} must be a string or a sequence of tokens, got {type(seq).__name__}")
    a, b = _as_list(a), _as_list(b)
    if not a or not b:
        return len(a) + len(b)
    vocab: dict = {}
    a_ids = np.array([vocab.setdefault(x, len(vocab)) for x in a])  # (n,)
    b_ids = np.array([vocab.setdefault(x, len(vocab)) for x in b])  # (m,)
    j = np.arange(len(b) + 1)  # (m+1,)
    row = j.copy()  # (m+1,) D[0, :] = j: insert the first j tokens of b
    for i in range(1, len(a) + 1):
        t = np.empty_like(row)  # (m+1,) best without an insertion into this row
        t[0] = i
        t[1:] = np.minimum(row[1:] + 1, row[:-1] + (b_ids != a_ids[i - 1]))  # delete / substitute
        row = np.minimum.accumulate(t - j) + j  # (m+1,) then any run of insertions
    return int(row[-1])


INFO = [
    MetricInfo("token_accuracy", "labelling", r"\frac{\sum_{s,t}\mathbf{1}(\hat y_{s,t} = y_{s,t})}{\sum_s T_s}",
               "Share of tokens that received the correct tag.",
               "Part-of-speech tagging and other tasks where every token matters equally.",
               "Dominated by the frequent 'O' tag in entity tagging; padding inflates it if scored.",
               "[0, 1]", True, "sklearn.metrics.accuracy_score on flattened tokens"),
    MetricInfo("sequence_accuracy", "labelling", r"\frac{1}{S}\sum_{s=1}^{S} \mathbf{1}(\hat y_s = y_s)",
               "Share of sequences whose tags are all correct (exact match).",
               "When one error spoils the whole output (parsing, code, short commands).",
               "All-or-nothing: long sequences almost never match; no partial credit.",
               "[0, 1]", True, "mean of exact matches (numpy)"),
    MetricInfo("span_f1", "labelling", r"\frac{2\,|\mathcal{S}_{true} \cap \mathcal{S}_{pred}|}{|\mathcal{S}_{true}| + |\mathcal{S}_{pred}|}",
               "F1 of exactly matching labelled spans (entities), micro-averaged over the corpus.",
               "Named-entity recognition and chunking.",
               "No partial credit for a boundary off by one; ill-formed BIO is read differently by default and strict modes.",
               "[0, 1]", True, "seqeval.metrics.f1_score"),
    MetricInfo("edit_distance", "labelling", r"D_{i,j} = \min(D_{i-1,j}+1,\ D_{i,j-1}+1,\ D_{i-1,j-1}+\mathbf{1}(a_i \ne b_j))",
               "Fewest insertions, deletions and substitutions turning one sequence into the other.",
               "Comparing strings or token sequences of different lengths; the basis of WER and CER.",
               "Unnormalised: grows with length; a transposition costs 2.",
               "[0, max(n, m)]", False, "rapidfuzz.distance.Levenshtein.distance"),
]
