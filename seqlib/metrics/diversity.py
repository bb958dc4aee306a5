r"""Diversity of generated text, without a reference: distinct-n and self-BLEU.

A model that says the same thing to every prompt can score well on overlap with references
and still be useless; these measure how much a set of outputs repeats *itself*.

- :func:`distinct_n`: distinct n-grams of the set over all its n-grams
  (``denominator="ngrams"``, the default) or over all its tokens
  (``denominator="tokens"``, Li et al. 2016), pooled. Higher = more
  diverse.
- :func:`self_bleu` (Zhu et al. 2018, Texygen): the mean BLEU of each output against all the
  others as references. Lower = more diverse.

Neither has a reference library that fixes every convention, so each docstring states the
exact variant, and the tests check hand-computed vectors and the building blocks against
sacrebleu and NLTK.
"""

from __future__ import annotations

import bisect

from seqlib import validate

from .overlap_bleu import MAX_ORDER, BleuStats, _ngrams
from .overlap_text import tokenizer
from .registry import metric

__all__ = ["distinct_n", "self_bleu"]


def _token_lists(texts, name: str, split) -> list[list]:
    """Each item tokenized: a string by ``split``, a list/tuple of tokens as is."""
    if (
        isinstance(texts, str)
        or texts is None
        or not hasattr(texts, "__iter__")
    ):
        raise ValueError(
            f"{name} must be a list of texts (strings or token lists), got "
            f"{'a single str' if isinstance(texts, str) else type(texts).__name__}"
        )
    out = []
    for k, t in enumerate(validate.items(texts)):
        if isinstance(t, str):
            out.append(split(t))
        elif isinstance(t, (list, tuple)) and all(
            isinstance(x, (str, int)) and not isinstance(x, bool)
            for x in t
        ):
            out.append(list(t))
        else:
            raise ValueError(
                f"{name} must hold strings or lists of tokens (str or int), item {k} is "
                f"{type(t).__name__}: {t!r:.60}"
            )
    if not out:
        raise ValueError(f"{name} is empty; pass at least one text")
    return out


@metric(
    task="text overlap",
    formula=r"\frac{|\{\text{distinct } n\text{-grams in all outputs}\}|}{\sum_i \max(|h_i|-n+1,\,0)}",
    meaning="The share of the outputs' n-grams that are new: 1 when no n-gram repeats, near 0 for a model stuck on one phrase.",
    use_when="Open-ended generation (dialogue, story, sampling settings), beside a quality measure.",
    hides=(
        "Grows as the set shrinks and falls as outputs get longer, so compare only sets of the same size and "
        "length; rewards random word salad; papers divide by n-grams or by tokens, per sentence or pooled."
    ),
    range="[0, 1]",
    higher_is_better=True,
    reference="definition (Li et al. 2016), checked on hand-computed vectors",
    options=(
        "n: the n-gram order (distinct-1, distinct-2, ...)",
        (
            "tokenize: how strings become tokens, 'none' = whitespace "
            "(default), '13a', 'intl', 'zh', 'char'"
        ),
        ("denominator: 'ngrams' (default) or 'tokens' (Li et al. 2016)"),
    ),
)
def distinct_n(
    hypotheses,
    n: int = 2,
    *,
    tokenize: str = "none",
    denominator: str = "ngrams",
) -> float:
    r"""Distinct-n of a set of outputs (0-1): distinct n-grams / all n-grams, pooled over the set.

    :math:`\mathrm{distinct}_n = |\bigcup_i G_n(h_i)| \,/\, \sum_i \max(|h_i|-n+1, 0)`, with
    :math:`G_n(h)` the n-grams of output :math:`h` (n-grams never cross
    from one output into the next), pooled over the set. Li et al.'s
    (2016) variant, ``denominator="tokens"``, divides the same count by
    the number of generated tokens, :math:`\sum_i |h_i|`; this one, the
    default ``denominator="ngrams"``, divides by the number of n-grams.
    The two agree for n = 1 and differ for n > 1 by the factor
    :math:`\sum_i(|h_i|-n+1)/\sum_i|h_i|` (on chapter 19's 200
    reference sentences, distinct-2 is 0.846 by n-grams, 0.795 by
    tokens). Averages of per-sentence ratios are a third variant; name
    the one you report. Outputs are strings, split by ``tokenize``
    (sacrebleu's tokenizer names; default ``"none"``, on whitespace;
    ``"zh"`` for Chinese, ``"char"`` for Japanese), or lists of tokens
    (strings or token ids) used as they are. Unitless; higher means more
    diverse.

    Raises ``ValueError`` when no output has ``n`` tokens (0 n-grams:
    undefined), for an empty set, for ``n < 1``, for a ``denominator``
    other than ``"ngrams"`` or ``"tokens"``, and (naming ``hypotheses``)
    for anything but a list of texts.

    >>> distinct_n(["the cat sat", "the cat ran"], n=1)
    0.6666666666666666
    >>> distinct_n(["the cat sat", "the cat ran"], n=2)
    0.75
    >>> texts = ["the cat sat", "the cat ran"]
    >>> distinct_n(texts, n=2, denominator="tokens")
    0.5
    """
    n = validate.integer(n, "n", minimum=1)
    if denominator not in ("ngrams", "tokens"):
        raise ValueError(
            f"denominator must be 'ngrams' or 'tokens', got "
            f"{denominator!r}"
        )
    tokens = _token_lists(hypotheses, "hypotheses", tokenizer(tokenize))
    seen, total = set(), 0
    for t in tokens:
        grams = [tuple(t[i : i + n]) for i in range(len(t) - n + 1)]
        seen.update(grams)
        total += len(grams)
    if total == 0:
        raise ValueError(
            f"distinct_n is undefined here: no output has n = {n} tokens (0 n-grams in "
            f"{len(tokens)} output(s))"
        )
    if denominator == "tokens":
        return len(seen) / sum(len(t) for t in tokens)
    return len(seen) / total


@metric(
    task="text overlap",
    formula=r"\frac1N\sum_{i=1}^N \mathrm{BLEU}\big(h_i;\ \{h_j\}_{j\ne i}\big)",
    meaning="How much each output repeats the others: the mean sentence BLEU of each output against all the rest.",
    use_when="Diversity of a set of generated texts (unconditional or sampled generation), beside a quality measure.",
    hides=(
        "Lower is more diverse, but noise scores low too; the value depends on the set's size, the n-gram "
        "order, the smoothing and the tokenizer (Texygen: NLTK "
        "word_tokenize, 3-grams, NLTK's method 1, on 0-1, first 500 "
        "outputs), so report them."
    ),
    range="[0, 100]",
    higher_is_better=False,
    reference="definition (Zhu et al. 2018, Texygen); each term equals sacrebleu.sentence_bleu",
    options=(
        "max_ngram_order: highest n-gram order, 4 by default (Texygen uses 3)",
        "smooth_method: 'exp' (default), 'floor' (Texygen's NLTK method 1 with 0.1), 'add-k', 'none'",
        "smooth_value: the floor or k (sacrebleu smooth_value)",
        "use_effective_order: as sacrebleu's sentence_bleu (default True)",
        (
            "tokenize, lowercase: as corpus_bleu (sacrebleu tokenize, "
            "lowercase; Texygen uses nltk.word_tokenize)"
        ),
    ),
)
def self_bleu(
    hypotheses,
    *,
    max_ngram_order: int = MAX_ORDER,
    smooth_method: str = "exp",
    smooth_value: float | None = None,
    use_effective_order: bool = True,
    tokenize: str = "13a",
    lowercase: bool = False,
) -> float:
    r"""Self-BLEU (0-100) of a set of outputs: the mean sentence BLEU of each against all the others.

    :math:`\frac1N\sum_i \mathrm{BLEU}(h_i; \{h_j\}_{j\ne i})`, where the BLEU of one output
    against the other :math:`N-1` as its references is sacrebleu's ``sentence_bleu`` (clipped
    counts take the maximum over the references, the reference length is the closest one,
    shorter on ties) with the options given: by default 13a tokens, n-grams up to 4, exp
    smoothing, effective order. This is Zhu et al.'s (2018) definition.
    Their Texygen code (``utils/metrics/SelfBleu.py``) differs in three
    ways: it tokenizes with ``nltk.word_tokenize`` (not 13a); it scores
    with NLTK's ``sentence_bleu`` on 3-grams with smoothing method 1, on a
    0-1 scale, which is ``max_ngram_order=3, smooth_method="floor",
    use_effective_order=False`` here (divided by 100) for outputs of at
    least 3 tokens; and its default ``get_score(is_fast=True)`` keeps only
    the first 500 outputs (each scored against the other 499). Texygen's
    numbers are therefore comparable with these only on the same tokens
    and the same (at most 500) outputs. Lower means more diverse.
    Computed from each n-gram's two largest counts over the set, it costs
    :math:`N` BLEU evaluations plus a sort of the lengths, not the
    :math:`N(N-1)` pairwise comparisons of the definition.

    Raises ``ValueError`` for fewer than 2 outputs (no references), for options of the wrong
    kind, and (naming ``hypotheses``) for anything but a list of strings.

    >>> round(self_bleu(["the cat sat on the mat", "the cat sat on a mat", "a dog ran"]), 4)
    40.0284
    """
    split = tokenizer(tokenize, lowercase)
    order = validate.integer(
        max_ngram_order, "max_ngram_order", minimum=1
    )
    if not isinstance(use_effective_order, bool):
        raise ValueError(
            f"use_effective_order must be a bool, got {type(use_effective_order).__name__}"
        )
    if (
        isinstance(hypotheses, str)
        or hypotheses is None
        or not hasattr(hypotheses, "__iter__")
    ):
        raise ValueError(
            f"hypotheses must be a list of strings, got "
            f"{'a single str' if isinstance(hypotheses, str) else type(hypotheses).__name__}"
        )
    texts = validate.items(hypotheses)
    for k, t in enumerate(texts):
        if not isinstance(t, str):
            raise ValueError(
                f"hypotheses must be a list of strings, item {k} is {type(t).__name__}: {t!r:.60}"
            )
    if len(texts) < 2:
        raise ValueError(
            f"self_bleu needs at least 2 outputs (each is scored against the others), got {len(texts)}"
        )
    tokens = [split(t) for t in texts]
    counts = [_ngrams(t, order) for t in tokens]
    top: dict[
        tuple, list
    ] = {}  # n-gram -> [largest count, its owner, second largest count]
    for i, c in enumerate(counts):
        for gram, k in c.items():
            best = top.get(gram)
            if best is None:
                top[gram] = [k, i, 0]
            elif k > best[0]:
                best[0], best[1], best[2] = k, i, best[0]
            elif k > best[2]:
                best[2] = k
    lengths = sorted(len(t) for t in tokens)
    total = 0.0
    for i, (t, c) in enumerate(zip(tokens, counts, strict=True)):
        matches = [0] * order
        for gram, k in c.items():
            best = top[gram]
            clip = (
                best[2] if best[1] == i else best[0]
            )  # the largest count among the *other* outputs
            matches[len(gram) - 1] += min(k, clip)
        stats = BleuStats(
            tuple(matches),
            tuple(max(len(t) - n, 0) for n in range(order)),
            len(t),
            _closest_other(lengths, len(t)),
        )
        total += stats.score(
            effective_order=use_effective_order,
            smooth_method=smooth_method,
            smooth_value=smooth_value,
        )
    return total / len(texts)


def _closest_other(lengths: list[int], own: int) -> int:
    """The length closest to ``own`` (shorter on ties) in sorted ``lengths`` without one copy of ``own``."""
    k = bisect.bisect_left(lengths, own)
    if k + 1 < len(lengths) and lengths[k + 1] == own:
        return own  # another output has the same length
    below = lengths[k - 1] if k > 0 else None
    above = lengths[k + 1] if k + 1 < len(lengths) else None
    if below is None:
        return above
    if above is None:
        return below
    return below if own - below <= above - own else above
