r"""Exact match: the share of hypotheses identical to their reference, as Hugging Face evaluate computes it.

Re-exported by :mod:`seqlib.metrics.overlap`. Truth first, as everywhere in
:mod:`seqlib.metrics`: ``exact_match(references, hypotheses)`` (evaluate's ``compute`` takes
``predictions=`` and ``references=`` by keyword). The options and their order of application
are evaluate's ``exact_match`` metric
(``metrics/exact_match/exact_match.py``, evaluate 0.4.6): first every
regular expression in ``regexes_to_ignore`` is deleted, then ``ignore_case`` lowercases,
``ignore_punctuation`` deletes ASCII punctuation (:data:`string.punctuation`) and
``ignore_numbers`` deletes the ASCII digits 0-9. Nothing else is normalized: whitespace counts
(``"a b"`` does not match ``"a  b"``; pass ``regexes_to_ignore=[r"\s+"]`` to drop it).
"""

from __future__ import annotations

import re
import string

from .registry import metric

__all__ = ["exact_match"]

_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)
_NO_DIGITS = str.maketrans("", "", string.digits)


def _texts(x, name: str) -> list[str]:
    """A list of strings (one per item), refusing a bare string, None and non-strings by name."""
    if isinstance(x, str):
        raise ValueError(
            f"{name} must be a list of strings (one per item), got a single str {x[:40]!r}; "
            "for one pair pass [reference] and [hypothesis]"
        )
    if x is None or not hasattr(x, "__iter__"):
        raise ValueError(
            f"{name} must be a list of strings, got {type(x).__name__}"
        )
    x = list(x)
    for k, s in enumerate(x):
        if not isinstance(s, str):
            raise ValueError(
                f"{name} must be a list of strings, item {k} is {type(s).__name__}: {s!r}"
            )
    return x


def _normalize(
    text: str,
    regexes,
    ignore_case: bool,
    ignore_punctuation: bool,
    ignore_numbers: bool,
) -> str:
    for pattern in regexes:
        text = re.sub(pattern, "", text)
    if ignore_case:
        text = text.lower()
    if ignore_punctuation:
        text = text.translate(_NO_PUNCTUATION)
    if ignore_numbers:
        text = text.translate(_NO_DIGITS)
    return text


@metric(
    task="text overlap",
    formula=r"\frac1N\sum_{i=1}^N [\,\mathrm{norm}(h_i) = \mathrm{norm}(r_i)\,]",
    meaning="The share of outputs that are character for character equal to their reference (after the chosen normalization).",
    use_when="Short answers with one right form (question answering, arithmetic, copying tasks, program output).",
    hides=(
        "All or nothing: a one-character slip scores like a wrong answer; the normalization options "
        "(case, punctuation, digits) change the number and must be reported."
    ),
    range="[0, 1]",
    higher_is_better=True,
    reference="evaluate.load('exact_match') (Hugging Face evaluate's exact_match metric)",
    options=(
        "regexes_to_ignore: regular expressions deleted from both texts first (evaluate regexes_to_ignore)",
        "ignore_case: lowercase both texts (evaluate ignore_case)",
        "ignore_punctuation: delete ASCII punctuation (evaluate ignore_punctuation)",
        "ignore_numbers: delete the digits 0-9 (evaluate ignore_numbers)",
    ),
)
def exact_match(
    references,
    hypotheses,
    regexes_to_ignore=None,
    ignore_case: bool = False,
    ignore_punctuation: bool = False,
    ignore_numbers: bool = False,
) -> float:
    r"""Share of ``hypotheses[i] == references[i]`` (0-1), Hugging Face evaluate's ``exact_match``.

    :math:`\mathrm{EM}=\frac1N\sum_i [\mathrm{norm}(h_i)=\mathrm{norm}(r_i)]` where
    :math:`\mathrm{norm}` applies, in this order: delete each pattern of ``regexes_to_ignore``
    (``re.sub``), lowercase (``ignore_case``), delete ASCII punctuation
    (``ignore_punctuation``), delete digits 0-9 (``ignore_numbers``). Defaults: all off, as
    evaluate. The comparison is evaluate 0.4.6's
    ``score_list = predictions == references`` (tag ``v0.4.6`` of
    huggingface/evaluate, unchanged on ``main``): two texts that
    normalization leaves empty are equal, so ``"?!"`` matches ``"..."``
    with ``ignore_punctuation``. Non-ASCII text is compared as is (``"ß"`` lowercases to itself,
    ``"É"`` to ``"é"``); full-width punctuation is not ASCII punctuation and is kept. Trailing
    NUL characters are dropped, as evaluate's NumPy string arrays drop them. A unitless share,
    higher is better.

    Raises ``ValueError``, naming the parameter, unless ``references`` and ``hypotheses`` are
    lists of strings of the same length (one reference per hypothesis; a bare string is
    refused), for an empty list (evaluate returns NaN there), and for options of the wrong kind.

    >>> refs = ["the cat", "theater", "YELLING", "agent007"]
    >>> hyps = ["cat?", "theater", "yelling", "agent"]
    >>> exact_match(refs, hyps)
    0.25
    >>> exact_match(refs, hyps, regexes_to_ignore=["the ", "yell"], ignore_case=True, ignore_punctuation=True)
    0.5
    """
    refs = _texts(references, "references")
    hyps = _texts(hypotheses, "hypotheses")
    if len(refs) != len(hyps):
        raise ValueError(
            f"references and hypotheses must have the same length (one reference per hypothesis), "
            f"got {len(refs)} and {len(hyps)}"
        )
    if not hyps:
        raise ValueError(
            "exact_match needs at least one pair, got empty references and hypotheses"
        )
    if regexes_to_ignore is None:
        regexes = []
    elif isinstance(regexes_to_ignore, (str, re.Pattern)):
        raise ValueError(
            f"regexes_to_ignore must be None or a list of regular expressions, got a single "
            f"{type(regexes_to_ignore).__name__} {regexes_to_ignore!r}: pass [{regexes_to_ignore!r}]"
        )
    else:
        regexes = list(regexes_to_ignore)
        for k, r in enumerate(regexes):
            if not isinstance(r, (str, re.Pattern)):
                raise ValueError(
                    f"regexes_to_ignore must hold regular expressions (str), item {k} is "
                    f"{type(r).__name__}: {r!r}"
                )
    for name, value in (
        ("ignore_case", ignore_case),
        ("ignore_punctuation", ignore_punctuation),
        ("ignore_numbers", ignore_numbers),
    ):
        if not isinstance(value, bool):
            raise ValueError(
                f"{name} must be a bool, got {type(value).__name__}: {value!r}"
            )
    hits = 0
    for r, h in zip(refs, hyps, strict=True):
        r, h = (
            r.rstrip("\0"),
            h.rstrip("\0"),
        )  # evaluate's NumPy string arrays drop trailing NUL characters
        nr = _normalize(
            r, regexes, ignore_case, ignore_punctuation, ignore_numbers
        )
        nh = _normalize(
            h, regexes, ignore_case, ignore_punctuation, ignore_numbers
        )
        hits += nr == nh  # evaluate 0.4.6: predictions == references
    return hits / len(hyps)
