r"""Span evaluation with partial credit: the SemEval-2013 task 9.1 table, as nervaluate computes it.

Exact span F1 (:mod:`.span_metrics`) gives nothing for a boundary off by one. Segura-Bedmar et
al. (2013) score each predicted span against the true spans of its sentence under four schemas,
and nervaluate (1.2.1, the reference) implements them. Each predicted span, in order, is matched
greedily with the first still unmatched true span it overlaps (the overlap must cover at least
``min_overlap_percentage`` % of the true span) and counted

- **correct** (COR), **incorrect** (INC), **partial** (PAR; the ``partial`` schema only), or
  **spurious** (SPU, it overlaps no true span not already matched by an
  earlier prediction: true ``B I I I`` against predicted ``B I B I`` is
  INC 1 + SPU 1 under ``strict``, PAR 1 + SPU 1 under ``partial``);
  true spans left unmatched are **missed** (MIS).

=============  ===========================================================  =======================
schema         correct when                                                 otherwise, if overlap
=============  ===========================================================  =======================
``strict``     same start, end and type                                     incorrect
``exact``      same start and end, any type                                 incorrect
``partial``    same start and end, any type                                 partial
``ent_type``   same type, any overlap (the closest boundaries win)          incorrect (other type)
=============  ===========================================================  =======================

With POS = COR + INC + PAR + MIS true spans and ACT = COR + INC + PAR + SPU predicted ones,

.. math:: P = \frac{COR + \tfrac12 PAR}{ACT},\qquad R = \frac{COR + \tfrac12 PAR}{POS},\qquad
          F_1 = \frac{2PR}{P + R}

(the half-credit applies to ``partial``; nervaluate applies the same formula to ``ent_type``,
where PAR is always 0). A 0/0 precision or recall is 0, as in nervaluate. Counts are summed over
sentences; per type (``by_type=True``) each type is scored on its own spans only.
"""

from __future__ import annotations

from typing import Any, Sequence

from seqlib import validate

from .registry import metric
from .schemes import check_options, paired_sequences, read_spans

__all__ = ["span_scores", "SCHEMAS"]

SCHEMAS = ("strict", "exact", "partial", "ent_type")
_COUNTS = ("correct", "incorrect", "partial", "missed", "spurious")


def _overlaps(pred: tuple, true: tuple, min_overlap: float) -> bool:
    """nervaluate's test: the overlap covers >= min_overlap % of the true span (ends exclusive here)."""
    overlap = min(pred[2], true[2]) - max(pred[1], true[1])
    return (
        overlap > 0
        and overlap / (true[2] - true[1]) * 100.0 >= min_overlap
    )


def _match(
    true: list, pred: list, schema: str, min_overlap: float
) -> list[int]:
    """COR, INC, PAR, MIS, SPU of one sentence's spans ``(type, start, end)`` under one schema."""
    cor = inc = par = spu = 0
    matched: set[int] = set()
    for p in pred:
        hit = near = (
            None  # index of the true span matched exactly / only by overlap
        )
        best = None  # ent_type: boundary distance of the best same-type overlap so far
        for k, t in enumerate(true):
            if k in matched:
                continue
            same_bounds = p[1] == t[1] and p[2] == t[2]
            if schema == "ent_type":
                if _overlaps(p, t, min_overlap):
                    if p[0] == t[0]:
                        distance = abs(p[1] - t[1]) + abs(p[2] - t[2])
                        if best is None or distance < best:
                            hit, best = k, distance
                    elif near is None:
                        near = k
                continue
            if schema == "partial":
                if _overlaps(p, t, min_overlap):
                    if same_bounds:
                        hit = k
                        break
                    near = k if near is None else near
                continue
            if same_bounds and (schema == "exact" or p[0] == t[0]):
                hit = k
                break
            if near is None and _overlaps(p, t, min_overlap):
                near = k
        if hit is not None:
            cor += 1
            matched.add(hit)
        elif near is not None:
            par, inc = (
                (par + 1, inc) if schema == "partial" else (par, inc + 1)
            )
            matched.add(near)
        else:
            spu += 1
    return [cor, inc, par, len(true) - len(matched), spu]


def _row(counts: list[int], schema: str) -> dict[str, float]:
    cor, inc, par, mis, spu = counts
    actual, possible = cor + inc + par + spu, cor + inc + par + mis
    credit = cor + 0.5 * par if schema in ("partial", "ent_type") else cor
    precision = credit / actual if actual else 0.0
    recall = credit / possible if possible else 0.0
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision + recall
        else 0.0
    )
    return {
        **dict(zip(_COUNTS, counts)),
        "possible": possible,
        "actual": actual,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


class SpanScores(dict):
    """``{schema: {correct, incorrect, partial, missed, spurious, possible, actual, precision, recall, f1}}``
    (or ``{type: {schema: ...}}``); prints as a table."""

    def __str__(self) -> str:
        if self and all(
            isinstance(v, dict) and "f1" not in v for v in self.values()
        ):  # by type
            return "\n".join(
                f"{kind}:\n{SpanScores(table)}"
                for kind, table in self.items()
            )
        head = (
            f"{'':9}"
            + "".join(
                f"{h:>6}" for h in ("COR", "INC", "PAR", "MIS", "SPU")
            )
            + "      P      R     F1"
        )
        lines = [head] + [
            f"{schema:9}"
            + "".join(f"{row[c]:>6}" for c in _COUNTS)
            + "".join(
                f"{row[m]:>7.3f}" for m in ("precision", "recall", "f1")
            )
            for schema, row in self.items()
        ]
        return "\n".join(lines) + "\n"


@metric(
    task="labelling",
    formula=r"P = \frac{COR + \frac12 PAR}{ACT},\ R = \frac{COR + \frac12 PAR}{POS}",
    meaning="Span precision, recall and F1 under four matching schemas: strict, exact boundaries, partial overlap, type only.",
    use_when="Entity recognition where a boundary off by one token should earn credit (SemEval-2013 9.1).",
    hides="Greedy first-overlap matching; partial credit of one half is a convention; type and boundary errors can hide in 'partial'.",
    range="[0, 1] (each F1)",
    higher_is_better=True,
    reference="nervaluate.Evaluator (SemEval-2013 task 9.1)",
    options=(
        "mode, scheme, suffix: how tags are read, as span_f1 (the list loader reads IOB tags as mode='default')",
        "types: entity types to score, others ignored (nervaluate tags)",
        "min_overlap_percentage: least overlap, in % of the true span, that counts (nervaluate min_overlap_percentage)",
        "by_type: one table per entity type (nervaluate 'entities')",
    ),
)
def span_scores(
    target_tags: Any,
    pred_tags: Any,
    mode: str = "default",
    *,
    scheme: str | None = None,
    suffix: bool = False,
    types: Sequence[str] | None = None,
    min_overlap_percentage: float = 1.0,
    by_type: bool = False,
) -> SpanScores:
    """The SemEval-2013 table: COR/INC/PAR/MIS/SPU counts, P, R and F1 under the four schemas.

    Tags are read into spans as by :func:`~seqlib.metrics.span_metrics.span_f1` (``mode``,
    ``scheme``, ``suffix``); the matching and the formulas are nervaluate's (module docstring).
    ``types`` restricts scoring to those entity types (nervaluate's ``tags``; None = every type
    present). ``min_overlap_percentage`` in [1, 100] is nervaluate's threshold (default 1.0: any
    overlap of a true span up to 100 tokens). Returns a :class:`SpanScores` dict keyed by schema
    (``"strict"``, ``"exact"``, ``"partial"``, ``"ent_type"``, nervaluate's names), or by type
    then schema with ``by_type=True``; equal to ``Evaluator(...).evaluate()["overall"]`` (or
    ``["entities"]``). Each P, R, F1 is in [0, 1], higher is better; a 0/0 is 0 (nervaluate's
    rule), so a corpus without any span scores 0 everywhere. Raises as :func:`span_f1` for bad
    tags, ``ValueError`` for ``min_overlap_percentage`` outside [1, 100].

    >>> t = [["B-PER", "I-PER", "I-PER", "O", "B-LOC"]]
    >>> p = [["O", "B-PER", "I-PER", "O", "B-ORG"]]
    >>> print(span_scores(t, p))
                COR   INC   PAR   MIS   SPU      P      R     F1
    strict        0     2     0     0     0  0.000  0.000  0.000
    exact         1     1     0     0     0  0.500  0.500  0.500
    partial       1     0     1     0     0  0.750  0.750  0.750
    ent_type      1     1     0     0     0  0.500  0.500  0.500
    <BLANKLINE>
    """
    scheme = check_options(mode, scheme, suffix)
    min_overlap = validate.real(
        min_overlap_percentage,
        "min_overlap_percentage",
        low=1.0,
        high=100.0,
    )
    if not isinstance(by_type, bool):
        raise TypeError(
            f"by_type must be a bool, got {type(by_type).__name__} {by_type!r}"
        )
    if types is not None:
        if isinstance(types, str) or not all(
            isinstance(t, str) for t in validate.items(types)
        ):
            raise TypeError(
                f"types must be None or a list of entity type names (str), got {types!r}"
            )
        types = set(types)
    docs = []
    for k, (t, p) in enumerate(
        paired_sequences(
            target_tags, pred_tags, "target_tags", "pred_tags"
        )
    ):
        true = read_spans(t, mode, scheme, suffix, f"target_tags[{k}]")
        pred = read_spans(p, mode, scheme, suffix, f"pred_tags[{k}]")
        if types is not None:
            true, pred = (
                [s for s in true if s[0] in types],
                [s for s in pred if s[0] in types],
            )
        docs.append((true, pred))
    if not by_type:
        totals = {
            schema: [
                sum(c)
                for c in zip(
                    *(_match(t, p, schema, min_overlap) for t, p in docs)
                )
            ]
            for schema in SCHEMAS
        }
        return SpanScores(
            {schema: _row(totals[schema], schema) for schema in SCHEMAS}
        )
    result = SpanScores()
    for kind in sorted({s[0] for t, p in docs for s in t + p}):
        of_kind = [
            (
                [s for s in t if s[0] == kind],
                [s for s in p if s[0] == kind],
            )
            for t, p in docs
        ]
        result[kind] = SpanScores(
            {
                schema: _row(
                    [
                        sum(c)
                        for c in zip(
                            *(
                                _match(t, p, schema, min_overlap)
                                for t, p in of_kind
                            )
                        )
                    ],
                    schema,
                )
                for schema in SCHEMAS
            }
        )
    return result
