r"""Span precision, recall and F1, per type and averaged, and seqeval's classification report.

An entity (span) counts as found only if a predicted span has the same type, start and end
(tags are read by :mod:`.schemes`, in seqeval's default or strict mode, for any scheme). Per type
:math:`c`, with :math:`TP_c` matching spans, :math:`\hat n_c` predicted and :math:`n_c` true spans:

.. math:: P_c = \frac{TP_c}{\hat n_c},\qquad R_c = \frac{TP_c}{n_c},\qquad
          F_c = \frac{2 P_c R_c}{P_c + R_c}

``average="micro"`` pools the counts over types first (seqeval's default, the conlleval figure);
``"macro"`` is the unweighted mean of the per-type scores; ``"weighted"`` weights them by support
:math:`n_c`; ``None`` returns ``{type: score}``. ``zero_division`` (0, 1 or ``"warn"``, as seqeval)
replaces a 0/0 precision or recall; an F1 whose P + R is 0 is 0. The reference is seqeval 1.2.2
(``precision_score``, ``recall_score``, ``f1_score``, ``classification_report``), with
``mode='strict', scheme=...`` for the strict reading. seqeval's ``sample_weight`` is not offered:
seqeval accepts it but ignores it for these averages.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

from .registry import metric
from .schemes import (
    check_options,
    detect_scheme,
    paired_sequences,
    read_spans,
)

__all__ = [
    "span_precision",
    "span_recall",
    "span_f1",
    "span_report",
    "SpanReport",
    "span_counts",
]

_AVERAGES = ("micro", "macro", "weighted", None)
_OPTIONS = (
    "mode: 'default' reads tags leniently as conlleval, 'strict' drops ill-formed spans (seqeval mode)",
    "scheme: IOB1, IOB2, IOE1, IOE2, IOBES or BILOU, for mode='strict' "
    "(seqeval scheme); None = IOB2, seqlib's choice: seqeval's scores "
    "need scheme=IOB2 spelled out, or they fall back to the default reading",
    "suffix: tags written TYPE-B instead of B-TYPE (seqeval suffix)",
    "average: 'micro' pools spans, 'macro' and 'weighted' average per-type scores, None per type (seqeval average)",
    "zero_division: value of a 0/0 precision or recall: 0, 1 or 'warn' (seqeval zero_division)",
)


def span_counts(
    target_tags: Any,
    pred_tags: Any,
    mode: str = "default",
    scheme: str | None = None,
    suffix: bool = False,
) -> dict[str, tuple[int, int, int]]:
    """``{type: (true positives, predicted spans, true spans)}``, types sorted: the statistics of every span score.

    >>> span_counts([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "B-LOC", "O"]])
    {'LOC': (0, 1, 1), 'PER': (1, 1, 1)}
    """
    scheme = check_options(mode, scheme, suffix)
    true, pred = set(), set()
    for k, (t, p) in enumerate(
        paired_sequences(
            target_tags, pred_tags, "target_tags", "pred_tags"
        )
    ):
        true.update(
            (kind, k, s, e)
            for kind, s, e in read_spans(
                t, mode, scheme, suffix, f"target_tags[{k}]"
            )
        )
        pred.update(
            (kind, k, s, e)
            for kind, s, e in read_spans(
                p, mode, scheme, suffix, f"pred_tags[{k}]"
            )
        )
    hits = Counter(span[0] for span in true & pred)
    n_true, n_pred = (
        Counter(span[0] for span in true),
        Counter(span[0] for span in pred),
    )
    return {
        kind: (hits[kind], n_pred[kind], n_true[kind])
        for kind in sorted(n_true.keys() | n_pred.keys())
    }


def _zero_division(value: Any) -> float:
    if isinstance(value, str) and value == "warn":
        return 0.0
    if isinstance(value, bool) or value not in (0, 1):
        raise ValueError(
            f"zero_division must be 0, 1 or 'warn' (seqeval's choices), got {value!r}"
        )
    return float(value)


def _divide(
    num: int, den: int, zero: float, what: str, warn: bool
) -> float:
    if den:
        return num / den
    if warn:
        warnings.warn(
            f"{what} is ill-defined (0/0) and set to 0.0; use zero_division to choose",
            stacklevel=4,
        )
    return zero


def _scores(
    counts: dict, average: Any, zero_division: Any
) -> tuple[Any, Any, Any, int]:
    """(precision, recall, f1, support) as seqeval's ``precision_recall_fscore_support``."""
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of {_AVERAGES}, got {average!r}"
        )
    zero, warn = (
        _zero_division(zero_division),
        isinstance(zero_division, str),
    )
    if average == "micro":
        counts = {
            "micro": tuple(map(sum, zip(*counts.values())))
            if counts
            else (0, 0, 0)
        }
    rows = {}
    for kind, (tp, n_pred, n_true) in counts.items():
        p = _divide(tp, n_pred, zero, f"precision of {kind}", warn)
        r = _divide(tp, n_true, zero, f"recall of {kind}", warn)
        rows[kind] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, n_true)
    support = sum(row[3] for row in rows.values())
    if average == "micro":
        return rows["micro"]
    if average is None:
        return tuple(
            {kind: row[i] for kind, row in rows.items()} for i in range(4)
        )
    if average == "weighted":
        if support == 0:  # seqeval's rule when no true span exists
            any_pred = any(counts[kind][1] for kind in counts)
            return (
                (0.0 if any_pred else zero),
                zero,
                (0.0 if any_pred else zero),
                0,
            )
        return (
            *(
                sum(row[i] * row[3] for row in rows.values()) / support
                for i in range(3)
            ),
            support,
        )
    if not rows:
        raise ValueError(
            "there is no span of any type in target_tags or pred_tags, so the macro average is "
            "undefined (seqeval returns nan); use average='micro'"
        )
    return (
        *(
            sum(row[i] for row in rows.values()) / len(rows)
            for i in range(3)
        ),
        support,
    )


_DOC_OPTIONS = """
    Range [0, 1], higher is better; a share of spans, no unit. Tags are read in ``mode``
    ("default": lenient, conlleval's rules; "strict": seqeval's strict mode
    with ``scheme``) and with ``suffix`` (TYPE-B tags); see
    :func:`~seqlib.metrics.schemes.spans`. With ``mode="strict"`` and
    ``scheme=None`` the tags are read as IOB2: that is seqlib's choice, and
    the seqeval equivalent needs ``scheme=IOB2`` spelled out (seqeval 1.2.2's
    scores with ``mode='strict'`` and no scheme silently read leniently).
    ``average`` is "micro" (pooled spans, seqeval's default), "macro", "weighted" (by true
    spans per type) or None (a ``{type: score}`` dict). ``zero_division`` (0, 1 or "warn")
    replaces 0/0 (with no true span at all, the weighted average is ``zero_division``, or 0 if
    spans were predicted, as seqeval). Raises ``ValueError`` for tags that are not tags (or not
    of the scheme in strict mode), sequences of unequal length, and a macro average without any
    span (seqeval returns nan); ``TypeError`` for inputs that are not lists of sequences."""


def _doc(fn):
    fn.__doc__ = fn.__doc__.replace(
        "    {options}", _DOC_OPTIONS.strip("\n")
    )
    return fn


@metric(
    task="labelling",
    formula=r"P = \frac{|\mathcal{S}_{true} \cap \mathcal{S}_{pred}|}{|\mathcal{S}_{pred}|}",
    meaning="Share of predicted spans (entities) that are exactly right: type, start and end.",
    use_when="Named-entity recognition, when false alarms cost (precision beside recall, per type).",
    hides="No partial credit for a boundary off by one; the tag reading (mode, scheme) changes it.",
    range="[0, 1]",
    higher_is_better=True,
    reference="seqeval.metrics.precision_score",
    options=_OPTIONS,
)
@_doc
def span_precision(
    target_tags: Any,
    pred_tags: Any,
    mode: str = "default",
    zero_division: Any = 0.0,
    *,
    scheme: str | None = None,
    suffix: bool = False,
    average: str | None = "micro",
) -> Any:
    r"""Span precision :math:`TP / \#\text{pred spans}` (``seqeval.metrics.precision_score``).

    {options}

    >>> t = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    >>> p = [["I-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]]
    >>> span_precision(t, p), span_precision(t, p, average=None)
    (0.5, {'LOC': 0.5, 'ORG': 0.0, 'PER': 1.0})
    """
    return _scores(
        span_counts(target_tags, pred_tags, mode, scheme, suffix),
        average,
        zero_division,
    )[0]


@metric(
    task="labelling",
    formula=r"R = \frac{|\mathcal{S}_{true} \cap \mathcal{S}_{pred}|}{|\mathcal{S}_{true}|}",
    meaning="Share of true spans (entities) found exactly: type, start and end.",
    use_when="Named-entity recognition, when missing an entity costs (recall beside precision, per type).",
    hides="No partial credit for a boundary off by one; the tag reading (mode, scheme) changes it.",
    range="[0, 1]",
    higher_is_better=True,
    reference="seqeval.metrics.recall_score",
    options=_OPTIONS,
)
@_doc
def span_recall(
    target_tags: Any,
    pred_tags: Any,
    mode: str = "default",
    zero_division: Any = 0.0,
    *,
    scheme: str | None = None,
    suffix: bool = False,
    average: str | None = "micro",
) -> Any:
    r"""Span recall :math:`TP / \#\text{true spans}` (``seqeval.metrics.recall_score``).

    {options}

    >>> t = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    >>> p = [["I-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]]
    >>> round(span_recall(t, p), 6), span_recall(t, p, mode="strict", average="macro")
    (0.666667, 0.3333333333333333)
    """
    return _scores(
        span_counts(target_tags, pred_tags, mode, scheme, suffix),
        average,
        zero_division,
    )[1]


@metric(
    task="labelling",
    formula=r"\frac{2\,|\mathcal{S}_{true} \cap \mathcal{S}_{pred}|}{|\mathcal{S}_{true}| + |\mathcal{S}_{pred}|}",
    meaning="F1 of exactly matching labelled spans (entities), micro-averaged over the corpus by default.",
    use_when="Named-entity recognition and chunking.",
    hides="No partial credit for a boundary off by one; ill-formed tags are read differently by default and strict modes.",
    range="[0, 1]",
    higher_is_better=True,
    reference="seqeval.metrics.f1_score",
    options=_OPTIONS,
)
@_doc
def span_f1(
    target_tags: Any,
    pred_tags: Any,
    mode: str = "default",
    zero_division: Any = 0.0,
    *,
    scheme: str | None = None,
    suffix: bool = False,
    average: str | None = "micro",
) -> Any:
    r"""Span F1 (``seqeval.metrics.f1_score``); micro-averaged it is :math:`2\,TP / (\#\text{pred} + \#\text{true})`.

    .. math:: F_1 = \frac{2PR}{P+R}

    {options}

    >>> t = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    >>> p = [["I-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]]
    >>> round(span_f1(t, p), 6), round(span_f1(t, p, mode="strict"), 6)
    (0.571429, 0.333333)
    """
    return _scores(
        span_counts(target_tags, pred_tags, mode, scheme, suffix),
        average,
        zero_division,
    )[2]


class SpanReport(dict):
    """seqeval's classification report: ``{row: {"precision", "recall", "f1-score", "support"}}``.

    Rows are the types (sorted), then ``"micro avg"``, ``"macro avg"``, ``"weighted avg"``: the
    dict equals seqeval's ``classification_report(..., output_dict=True)``; ``str(report)`` is its
    text report, with ``digits`` decimals.
    """

    digits: int = 2

    def text(self, digits: int | None = None) -> str:
        """The report as seqeval prints it (``classification_report(..., digits=digits)``)."""
        digits = self.digits if digits is None else digits
        width = max(
            *(len(row) for row in self), len("weighted avg"), digits
        )
        lines = [
            f"{'':>{width}s} "
            + "".join(
                f" {h:>9}"
                for h in ("precision", "recall", "f1-score", "support")
            ),
            "",
        ]
        for k, (row, v) in enumerate(self.items()):
            if row == "micro avg" and k:
                lines.append("")
            lines.append(
                f"{row:>{width}s} "
                + "".join(
                    f" {v[h]:>9.{digits}f}"
                    for h in ("precision", "recall", "f1-score")
                )
                + f" {v['support']:>9}"
            )
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.text()


def span_report(
    target_tags: Any,
    pred_tags: Any,
    mode: str = "default",
    zero_division: Any = 0.0,
    *,
    scheme: str | None = None,
    suffix: bool = False,
    digits: int = 2,
) -> SpanReport:
    """Per-type span precision, recall, F1 and support, with micro, macro and weighted averages.

    The report NER practitioners read first (``seqeval.metrics.classification_report``): a
    :class:`SpanReport`, a dict equal to seqeval's ``output_dict=True`` that prints as seqeval's
    text report. Options as :func:`span_f1`; ``digits`` is the printed precision. Raises
    ``ValueError`` if no span of any type is in either input (seqeval fails there too).
    With ``mode="strict"`` and ``scheme=None`` the scheme is detected from
    the prefixes of ``target_tags``, as seqeval's report does
    (:func:`~seqlib.metrics.schemes.detect_scheme`: IOB2, IOE2, IOBES or
    BILOU; other prefix sets raise ``ValueError`` asking for ``scheme=``).

    >>> t = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-ORG", "I-ORG", "I-ORG", "O"]]
    >>> p = [["I-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-ORG", "I-ORG", "O", "O"]]
    >>> report = span_report(t, p)
    >>> report["LOC"]
    {'precision': 0.5, 'recall': 1.0, 'f1-score': 0.6666666666666666, 'support': 1}
    >>> print(report)
                  precision    recall  f1-score   support
    <BLANKLINE>
             LOC       0.50      1.00      0.67         1
             ORG       0.00      0.00      0.00         1
             PER       1.00      1.00      1.00         1
    <BLANKLINE>
       micro avg       0.50      0.67      0.57         3
       macro avg       0.50      0.67      0.56         3
    weighted avg       0.50      0.67      0.56         3
    <BLANKLINE>
    """
    if (
        isinstance(digits, bool)
        or not isinstance(digits, int)
        or digits < 0
    ):
        raise ValueError(f"digits must be an int >= 0, got {digits!r}")
    if isinstance(mode, str) and mode == "strict" and scheme is None:
        check_options(
            mode, scheme, suffix
        )  # suffix checked before reading
        scheme = detect_scheme(target_tags, suffix)  # as seqeval's report
    counts = span_counts(target_tags, pred_tags, mode, scheme, suffix)
    if not counts:
        raise ValueError(
            "there is no span of any type in target_tags or pred_tags: nothing to report"
        )
    report = SpanReport()
    report.digits = digits
    per_type = _scores(counts, None, zero_division)
    for kind in counts:
        report[kind] = dict(
            zip(
                ("precision", "recall", "f1-score", "support"),
                (s[kind] for s in per_type),
            )
        )
    for average in ("micro", "macro", "weighted"):
        report[f"{average} avg"] = dict(
            zip(
                ("precision", "recall", "f1-score", "support"),
                _scores(counts, average, zero_division),
            )
        )
    return report
