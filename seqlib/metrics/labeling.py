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


from seqlib import validate

from . import edits
from .registry import metric
from .stats import CountStats

__all__ = ["token_accuracy", "sequence_accuracy", "span_f1", "spans", "edit_distance", "token_counts"]


def _paired_sequences(target_seqs: Any, pred_seqs: Any) -> list[tuple[list, list]]:
    """Check two collections of sequences: same number, each pair of the same length, not empty."""
    targets, preds = validate.items(target_seqs), validate.items(pred_seqs)
    validate.same_length(targets, preds, "target_seqs", "pred_seqs")
    if not targets:
        raise ValueError("target_seqs is empty; a metric needs at least one sequence")
    pairs = []
    for k, (t, p) in enumerate(zip(targets, preds, strict=True)):
        if isinstance(t, str) or isinstance(p, str):
            raise ValueError(f"sequence {k} is a string; pass a list of tags or tokens per sequence")
        t, p = validate.items(t), validate.items(p)
        if len(t) != len(p):
            raise ValueError(f"sequence {k}: target has {len(t)} tokens but prediction has {len(p)}")
        pairs.append((t, p))
    return pairs


@metric(
    task="labelling",
    formula=r"\frac{\sum_{s,t}\mathbf{1}(\hat y_{s,t} = y_{s,t})}{\sum_s T_s}",
    meaning="Share of tokens that received the correct tag.",
    use_when="Part-of-speech tagging and other tasks where every token matters equally.",
    hides="Dominated by the frequent 'O' tag in entity tagging; padding inflates it if scored.",
    range="[0, 1]",
    higher_is_better=True,
    reference="sklearn.metrics.accuracy_score on flattened tokens",
)
def token_accuracy(target_seqs: Any, pred_seqs: Any) -> float:
    r"""Share of tokens tagged correctly, pooled over all sequences.

    .. math:: \frac{\sum_s \sum_t [\hat y_{s,t} = y_{s,t}]}{\sum_s T_s}

    Pass unpadded sequences (or strip padding first): padding would count as correct tokens.
    Each prediction must have as many tokens as its target; nothing is truncated.

    >>> round(token_accuracy([["B-PER", "I-PER", "O"], ["O"]], [["B-PER", "O", "O"], ["O"]]), 6)
    0.75
    """
    stats = sum(token_counts(target_seqs, pred_seqs))
    if stats.total == 0:
        raise ValueError("all sequences are empty; there is no token to score")
    return stats.score()


def token_counts(target_seqs: Any, pred_seqs: Any) -> list[CountStats]:
    """Per-sequence :class:`~seqlib.metrics.stats.CountStats` (tokens tagged right, tokens): token accuracy's statistics.

    >>> token_counts([["O", "B"], ["O"]], [["O", "O"], ["O"]])
    [CountStats(correct=1, total=2), CountStats(correct=1, total=1)]
    """
    return [CountStats(sum(a == b for a, b in zip(t, p, strict=True)), len(t))
            for t, p in _paired_sequences(target_seqs, pred_seqs)]


@metric(
    task="labelling",
    formula=r"\frac{1}{S}\sum_{s=1}^{S} \mathbf{1}(\hat y_s = y_s)",
    meaning="Share of sequences whose tags are all correct (exact match).",
    use_when="When one error spoils the whole output (parsing, code, short commands).",
    hides="All-or-nothing: long sequences almost never match; no partial credit.",
    range="[0, 1]",
    higher_is_better=True,
    reference="mean of exact matches (numpy)",
)
def sequence_accuracy(target_seqs: Any, pred_seqs: Any) -> float:
    r"""Exact match: the share of sequences whose every token is right, :math:`\frac1S\sum_s [\hat y_s = y_s]`.

    As everywhere in this module, a prediction of another length than its target raises
    (tags are aligned with tokens, so a length mismatch is a bug upstream, not a miss).

    >>> sequence_accuracy([["O", "B-LOC"], ["O"]], [["O", "B-LOC"], ["B-LOC"]])
    0.5
    """
    pairs = _paired_sequences(target_seqs, pred_seqs)
    return CountStats(sum(t == p for t, p in pairs), len(pairs)).score()


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


@metric(
    task="labelling",
    formula=r"\frac{2\,|\mathcal{S}_{true} \cap \mathcal{S}_{pred}|}{|\mathcal{S}_{true}| + |\mathcal{S}_{pred}|}",
    meaning="F1 of exactly matching labelled spans (entities), micro-averaged over the corpus.",
    use_when="Named-entity recognition and chunking.",
    hides="No partial credit for a boundary off by one; ill-formed BIO is read differently by default and strict modes.",
    range="[0, 1]",
    higher_is_better=True,
    reference="seqeval.metrics.f1_score",
)
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


@metric(
    task="labelling",
    formula=r"D_{i,j} = \min(D_{i-1,j}+1,\ D_{i,j-1}+1,\ D_{i-1,j-1}+\mathbf{1}(a_i \ne b_j))",
    meaning="Fewest insertions, deletions and substitutions turning one sequence into the other.",
    use_when="Comparing strings or token sequences of different lengths; the basis of WER and CER.",
    hides="Unnormalised: grows with length; a transposition costs 2.",
    range="[0, max(n, m)]",
    higher_is_better=False,
    reference="rapidfuzz.distance.Levenshtein.distance",
)
def edit_distance(a: Sequence, b: Sequence) -> int:
    r"""Levenshtein distance: the fewest insertions, deletions and substitutions turning ``a`` into ``b``.

    .. math:: D_{i,j} = \min\big(D_{i-1,j} + 1,\ D_{i,j-1} + 1,\ D_{i-1,j-1} + [a_i \ne b_j]\big),
              \quad D_{i,0} = i,\ D_{0,j} = j

    ``a`` and ``b`` may be strings (characters) or lists of tokens. Computed by
    :func:`seqlib.metrics.edits.distances`, the one edit-distance routine behind WER, CER and
    alignments. Equals ``rapidfuzz.distance.Levenshtein.distance``.

    >>> edit_distance("kitten", "sitting")
    3
    >>> edit_distance(["the", "cat", "sat"], ["the", "bat", "sat", "down"])
    2
    """
    for name, seq in (("a", a), ("b", b)):
        if not hasattr(seq, "__len__") or not hasattr(seq, "__getitem__"):
            raise ValueError(f"{name} must be a string or a sequence of tokens, got {type(seq).__name__}")
    (a_ids,), (b_ids,) = edits.encode([validate.items(a)], [validate.items(b)])
    return int(edits.distances([a_ids], [b_ids])[0])
