r"""Sequence-labelling metrics: token accuracy, exact match, span scores and edit distance.

A tagger outputs one tag per token. Three questions, three metrics:

- :func:`token_accuracy`: what share of tokens got the right tag (padding excluded)?
- :func:`sequence_accuracy`: what share of sentences came out entirely right?
- :func:`span_f1` (and :func:`span_precision`, :func:`span_recall`, :func:`span_report`, from
  :mod:`.span_metrics`): how well were the *entities* found? Tags such as ``B-X`` (begin),
  ``I-X`` (inside) and ``O`` (outside) encode spans (every scheme: :mod:`.schemes`); a span counts
  only if its type, start and end all match. :func:`~seqlib.metrics.semeval.span_scores` gives
  partial credit (SemEval-2013).

Convention traps (metric-reference.md, section 3):

- Token accuracy is dominated by ``O`` tokens: a tagger that outputs only ``O`` scores high.
- Span F1 is micro-averaged over spans, as ``seqeval.metrics.f1_score``.
- An ``I-X`` with no ``B-X`` before it: seqeval's default (conlleval-like) mode starts a span
  there; ``mode="strict"`` (seqeval ``mode='strict', scheme=IOB2``) drops it. Other schemes
  (IOB1, IOE1/2, IOBES, BILOU) are read with ``scheme=`` in strict mode.
- Levenshtein distance counts substitutions, insertions and deletions at cost 1. OSA/Damerau
  count a transposition as one edit; Indel has no substitution (a substitution costs 2).
"""

from __future__ import annotations

from typing import Any, Sequence


from seqlib import validate

from . import edits
from .registry import metric
from .schemes import paired_sequences, spans
from .stats import CountStats

__all__ = [
    "token_accuracy",
    "sequence_accuracy",
    "span_f1",
    "span_precision",
    "span_recall",
    "span_report",
    "spans",
    "edit_distance",
    "token_counts",
]


def _paired_sequences(
    target_seqs: Any, pred_seqs: Any
) -> list[tuple[list, list]]:
    """Check two collections of sequences: same number, each pair of the same length, not empty."""
    return paired_sequences(
        target_seqs, pred_seqs, "target_seqs", "pred_seqs"
    )


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
        raise ValueError(
            "all sequences are empty; there is no token to score"
        )
    return stats.score()


def token_counts(target_seqs: Any, pred_seqs: Any) -> list[CountStats]:
    """Per-sequence :class:`~seqlib.metrics.stats.CountStats` (tokens tagged right, tokens): token accuracy's statistics.

    >>> token_counts([["O", "B"], ["O"]], [["O", "O"], ["O"]])
    [CountStats(correct=1, total=2), CountStats(correct=1, total=1)]
    """
    return [
        CountStats(sum(a == b for a, b in zip(t, p, strict=True)), len(t))
        for t, p in _paired_sequences(target_seqs, pred_seqs)
    ]


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


# The span scores live in .span_metrics; imported here, between the token-level metrics and the
# edit distance, so that the registry (and the metrics map) lists them in the book's order.
from .span_metrics import (
    span_f1,
    span_precision,
    span_recall,
    span_report,
)  # noqa: E402


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
    :func:`seqlib.metrics.edits.levenshtein`, the bit-parallel routine behind WER and CER too.
    Equals ``rapidfuzz.distance.Levenshtein.distance``.

    >>> edit_distance("kitten", "sitting")
    3
    >>> edit_distance(["the", "cat", "sat"], ["the", "bat", "sat", "down"])
    2
    """
    for name, seq in (("a", a), ("b", b)):
        if not hasattr(seq, "__len__") or not hasattr(seq, "__getitem__"):
            raise ValueError(
                f"{name} must be a string or a sequence of tokens, got {type(seq).__name__}"
            )
    return edits.levenshtein(
        [a if isinstance(a, str) else validate.items(a)],
        [b if isinstance(b, str) else validate.items(b)],
    )[0]
