r"""BLEU (Papineni et al., 2002) as sacrebleu 2.6 computes it, from additive statistics.

sacrebleu's defaults, signature ``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp``, and its
options under its names: ``lowercase``, ``tokenize`` (``"13a"``,
``"intl"``, ``"zh"``, ``"char"``, ``"none"``), ``max_ngram_order``,
``smooth_method`` (``"exp"``, ``"floor"``, ``"add-k"``, ``"none"``) with
``smooth_value``, ``use_effective_order``. Truth first, as everywhere in
:mod:`seqlib.metrics`: ``corpus_bleu(references, hypotheses)``, the reverse of sacrebleu's
``corpus_bleu(hypotheses, [references])``; sacrebleu's reference streams are read with
``references_layout="streams"`` (:mod:`.overlap_text`). :class:`BleuStats` are the sufficient
statistics: they add with ``+`` over sentences, and :meth:`BleuStats.score` turns a corpus's
sum into BLEU, so corpus BLEU pools counts instead of averaging sentence scores.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from seqlib import validate

from .overlap_text import (
    as_references,
    corpus_references,
    tokenize_13a,
    tokenizer,
)
from .registry import metric
from .stats import Additive

__all__ = [
    "corpus_bleu",
    "sentence_bleu",
    "tokenize_13a",
    "bleu_stats",
    "bleu_from_stats",
    "BleuStats",
    "corpus_stats",
]

_TEXT = "text overlap"

MAX_ORDER = (
    4  # BLEU's n-gram orders 1..4 (Papineni et al.), weighted uniformly
)
SMOOTH_DEFAULTS = {
    "exp": None,
    "floor": 0.1,
    "add-k": 1,
    "none": None,
}  # sacrebleu's (Chen & Cherry 2014)

_OPTIONS = (
    "lowercase: lowercase hypotheses and references first (sacrebleu lowercase)",
    (
        "tokenize: '13a' (default), 'intl', 'zh', 'char' or 'none' "
        "(sacrebleu tokenize)"
    ),
    "max_ngram_order: highest n-gram order, default 4 (sacrebleu max_ngram_order)",
    "smooth_method: 'exp' (default), 'floor', 'add-k' or 'none' (sacrebleu smooth_method)",
    "smooth_value: the floor (0.1) or k (1) of 'floor' / 'add-k' (sacrebleu smooth_value)",
)


def _ngrams(tokens: list[str], max_order: int) -> Counter:
    """Counts of every n-gram of ``tokens`` for n = 1..max_order, keyed by token tuples."""
    counts = Counter()
    for n in range(1, max_order + 1):
        counts.update(
            zip(*[tokens[k:] for k in range(n)])
        )  # the n-grams, as tuples, built in C
    return counts


def _smoothing(
    smooth_method, smooth_value, smooth
) -> tuple[str, float | None]:
    """Check (and resolve the older name ``smooth`` of) the smoothing method and its value."""
    if smooth is not None:
        if smooth_method != "exp" and smooth_method != smooth:
            raise ValueError(
                f"pass smooth_method or its older name smooth, not both (got {smooth_method!r} "
                f"and {smooth!r})"
            )
        smooth_method = smooth
    if (
        not isinstance(smooth_method, str)
        or smooth_method not in SMOOTH_DEFAULTS
    ):
        raise ValueError(
            f"smooth_method must be one of {tuple(SMOOTH_DEFAULTS)}, got {smooth_method!r}"
        )
    value = validate.real(
        smooth_value, "smooth_value", low=0, optional=True
    )
    return smooth_method, (
        SMOOTH_DEFAULTS[smooth_method] if value is None else value
    )


@dataclass(frozen=True)
class BleuStats(Additive):
    """BLEU's sufficient statistics of one sentence; ``+`` adds them up to a corpus's."""

    matches: tuple[
        int, ...
    ]  # clipped n-gram matches for n = 1..max_ngram_order
    totals: tuple[
        int, ...
    ]  # hypothesis n-grams for n = 1..max_ngram_order
    hyp_len: int  # hypothesis tokens
    ref_len: (
        int  # length of the reference closest in length to the hypothesis
    )

    def score(
        self,
        effective_order: bool = False,
        smooth_method: str = "exp",
        smooth_value: float | None = None,
        *,
        smooth: str | None = None,
    ) -> float:
        """BLEU (0-100) of these statistics: :func:`bleu_from_stats`."""
        return bleu_from_stats(
            self,
            effective_order=effective_order,
            smooth_method=smooth_method,
            smooth_value=smooth_value,
            smooth=smooth,
        )


def bleu_stats(
    reference,
    hypothesis: str,
    tokenize: str = "13a",
    *,
    lowercase: bool = False,
    max_ngram_order: int = MAX_ORDER,
) -> BleuStats:
    r"""Clipped n-gram matches, n-gram totals and lengths of one hypothesis.

    A hypothesis n-gram counts as matched at most as often as it occurs in a reference
    ("clipping"; with several references, in the reference where it occurs most). The
    reference length is the one closest to the hypothesis length (the shorter on a tie).
    ``reference``: a string or a non-empty list of strings; ``tokenize``, ``lowercase`` and
    ``max_ngram_order`` as in :func:`corpus_bleu`.

    >>> bleu_stats("the cat sat on the mat", "the cat the cat")
    BleuStats(matches=(3, 1, 0, 0), totals=(4, 3, 2, 1), hyp_len=4, ref_len=6)
    """
    split = tokenizer(tokenize, lowercase)
    order = validate.integer(
        max_ngram_order, "max_ngram_order", minimum=1
    )
    if not isinstance(hypothesis, str):
        raise ValueError(
            f"hypothesis must be a string, got {type(hypothesis).__name__}: {hypothesis!r:.60}"
        )
    return _stats(
        as_references(reference, "reference"), hypothesis, split, order
    )


def _stats(
    refs: list[str], hypothesis: str, split, order: int
) -> BleuStats:
    hyp = split(hypothesis)
    ref_tokens = [split(ref) for ref in refs]
    ref_counts = _ngrams(ref_tokens[0], order)
    for tokens in ref_tokens[1:]:
        for gram, count in _ngrams(tokens, order).items():
            if count > ref_counts[gram]:
                ref_counts[gram] = (
                    count  # max over references: the clipping count
                )
    matches = [0] * order
    totals = [max(len(hyp) - n, 0) for n in range(order)]
    for gram, count in _ngrams(hyp, order).items():
        if gram in ref_counts:
            matches[len(gram) - 1] += min(count, ref_counts[gram])
    closest = min(
        (len(t) for t in ref_tokens), key=lambda r: (abs(r - len(hyp)), r)
    )
    return BleuStats(tuple(matches), tuple(totals), len(hyp), closest)


def bleu_from_stats(
    stats: BleuStats,
    effective_order: bool = False,
    smooth_method: str = "exp",
    smooth_value: float | None = None,
    *,
    smooth: str | None = None,
) -> float:
    r"""BLEU (0-100) from (pooled) statistics: :math:`\mathrm{BP}\cdot\exp(\frac1N\sum_n \log p_n)`.

    :math:`p_n` = matches / totals in percent; the brevity penalty is
    :math:`\mathrm{BP}=\min(1, e^{1-r/c})` for hypothesis length :math:`c` and reference length
    :math:`r`; :math:`N` is the number of orders in ``stats`` (``max_ngram_order``). No match
    at all gives 0 whatever the smoothing. Smoothing (Chen & Cherry 2014, as sacrebleu): ``"exp"``
    (default; NLTK's method 3) replaces the k-th zero :math:`p_n` by
    :math:`100/(2^k\,\text{totals}_n)`; ``"floor"`` (method 1) by
    :math:`100\cdot\text{smooth\_value}/\text{totals}_n` (default 0.1); ``"add-k"`` (method 2)
    adds ``smooth_value`` (default 1) to the matches and totals of every order n >= 2;
    ``"none"`` leaves a zero, so BLEU is 0 (NLTK returns ~1e-229 instead). ``effective_order``
    averages only over the orders with at least one hypothesis n-gram (sacrebleu's
    ``sentence_bleu``), so a 3-word sentence is not zero by construction. ``smooth`` is the
    older name of ``smooth_method``.

    >>> round(bleu_from_stats(BleuStats((3, 2, 1, 0), (3, 2, 1, 0), 3, 6), effective_order=True), 6)
    36.787944
    """
    if not isinstance(stats, BleuStats):
        raise ValueError(
            f"stats must be a BleuStats, got {type(stats).__name__}"
        )
    if not isinstance(effective_order, bool):
        raise ValueError(
            f"effective_order must be a bool, got {type(effective_order).__name__}: {effective_order!r}"
        )
    method, value = _smoothing(smooth_method, smooth_value, smooth)
    c, r = stats.hyp_len, stats.ref_len
    bp = 1.0 if c >= r else (math.exp(1.0 - r / c) if c > 0 else 0.0)
    if not any(stats.matches):
        return 0.0  # sacrebleu's early exit (its issue 141): no match, BLEU 0 under every smoothing
    order = len(stats.matches)
    log_precisions = []
    doublings = 1.0
    for n, (match, total) in enumerate(
        zip(stats.matches, stats.totals, strict=True), start=1
    ):
        if method == "add-k" and n > 1:
            match, total = match + value, total + value
        if total == 0:
            break  # no n-grams of this order (or higher): the hypothesis is too short
        if match > 0:
            precision = 100.0 * match / total
        elif method == "exp":
            doublings *= 2
            precision = 100.0 / (doublings * total)
        elif method == "floor":
            precision = 100.0 * value / total
        else:
            precision = 0.0
        if precision == 0.0:
            return 0.0  # log 0: BLEU is 0
        log_precisions.append(math.log(precision))
    if effective_order:
        order = len(log_precisions)
    if len(log_precisions) < order:
        return 0.0  # a missing order has precision 0
    return bp * math.exp(sum(log_precisions) / order)


def corpus_stats(
    references,
    hypotheses,
    tokenize: str = "13a",
    *,
    lowercase: bool = False,
    max_ngram_order: int = MAX_ORDER,
    references_layout: str | None = None,
) -> BleuStats:
    """The pooled :class:`BleuStats` of a corpus: the sum of :func:`bleu_stats` over its sentences.

    >>> corpus_stats(["a b c", "d e"], ["a b", "d e"])
    BleuStats(matches=(4, 2, 0, 0), totals=(4, 2, 0, 0), hyp_len=4, ref_len=5)
    """
    refs, hyps = corpus_references(
        references, hypotheses, "corpus_bleu", references_layout
    )
    split = tokenizer(tokenize, lowercase)
    order = validate.integer(
        max_ngram_order, "max_ngram_order", minimum=1
    )
    matches, totals, hyp_len, ref_len = [0] * order, [0] * order, 0, 0
    for r, h in zip(
        refs, hyps, strict=True
    ):  # the sum of the sentences' BleuStats, added in place
        s = _stats(r, h, split, order)
        matches = [a + b for a, b in zip(matches, s.matches, strict=True)]
        totals = [a + b for a, b in zip(totals, s.totals, strict=True)]
        hyp_len, ref_len = hyp_len + s.hyp_len, ref_len + s.ref_len
    return BleuStats(tuple(matches), tuple(totals), hyp_len, ref_len)


@metric(
    task=_TEXT,
    formula=(
        r"100\cdot\mathrm{BP}\cdot\exp\Big(\frac14\sum_{n=1}^4\log p_n\Big),\ "
        r"\mathrm{BP}=\min(1,e^{1-r/c})"
    ),
    meaning="How many of the hypothesis's word n-grams appear in the references, pooled over a corpus, with a penalty for short output.",
    use_when="Machine translation system comparison on a whole test set, reported with its sacrebleu signature.",
    hides=(
        "Ignores meaning and synonyms; depends on tokenization and casing; not a sentence-level "
        "measure; whether a difference between two systems is real needs a paired bootstrap on the "
        "test set."
    ),
    range="[0, 100]",
    higher_is_better=True,
    reference="sacrebleu.corpus_bleu",
    options=_OPTIONS
    + (
        "use_effective_order: average only over orders the hypotheses have (sacrebleu use_effective_order)",
        "references_layout: 'per_sentence' (seqlib's) or 'streams' (sacrebleu's transposed layout)",
    ),
)
def corpus_bleu(
    references,
    hypotheses,
    *,
    smooth_method: str = "exp",
    smooth_value: float | None = None,
    lowercase: bool = False,
    tokenize: str = "13a",
    max_ngram_order: int = MAX_ORDER,
    use_effective_order: bool = False,
    references_layout: str | None = None,
    smooth: str | None = None,
) -> float:
    r"""Corpus BLEU (0-100), sacrebleu's ``corpus_bleu`` with its defaults and options.

    ``references[i]`` (a string, or a list of strings for several references) goes with
    ``hypotheses[i]``; sacrebleu's transposed layout (a list of reference streams,
    ``references[j][i]``) needs ``references_layout="streams"``, and input that could be
    either is refused (:func:`~seqlib.metrics.overlap_text.corpus_references`). Counts are
    **pooled** over the corpus before the precisions are formed, so corpus BLEU is not the mean
    of :func:`sentence_bleu` (37.98 vs 38.48 below). Defaults as sacrebleu: 13a tokenization,
    case kept, exp smoothing, n-grams up to 4, no effective order. Options (sacrebleu's names):
    ``lowercase``, ``tokenize`` (``"13a"``, ``"intl"``, ``"zh"``,
    ``"char"``, ``"none"``),
    ``max_ngram_order``, ``smooth_method`` / ``smooth_value`` (:func:`bleu_from_stats`),
    ``use_effective_order``; ``smooth`` is the older name of ``smooth_method``. NLTK's
    ``corpus_bleu`` is on 0-1 and does not tokenize; torchmetrics' ``bleu_score`` splits on
    whitespace, i.e. ``tokenize="none"`` here.

    Edge cases: an empty hypothesis scores 0 (its BP is 0); non-ASCII text is tokenized as
    sacrebleu does (13a leaves Chinese as one token per run of characters:
    use ``tokenize="zh"``, sacrebleu's tokenizer for Chinese, or
    ``"char"`` for Japanese; ``"intl"`` only splits off punctuation).
    Raises ``ValueError``, naming the parameter, for input
    of the wrong kind, an empty corpus, mismatched lengths, an ambiguous layout or an unknown
    option value.

    >>> hyps = ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]
    >>> refs = ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."]
    >>> round(corpus_bleu(refs, hyps), 6)
    37.979743
    >>> round(corpus_bleu(["The Cat sat."], ["the cat sat."]), 2), round(corpus_bleu(["The Cat sat."], ["the cat sat."], lowercase=True), 2)
    (31.95, 100.0)
    """
    stats = corpus_stats(
        references,
        hypotheses,
        tokenize,
        lowercase=lowercase,
        max_ngram_order=max_ngram_order,
        references_layout=references_layout,
    )
    return stats.score(
        effective_order=use_effective_order,
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        smooth=smooth,
    )


@metric(
    task=_TEXT,
    formula=(
        r"100\cdot\mathrm{BP}\cdot\exp\Big(\frac1{N_{\mathrm{eff}}}\sum_{n\le "
        r"N_{\mathrm{eff}}}\log \tilde p_n\Big)"
    ),
    meaning="BLEU of one sentence, with smoothed precisions over the n-gram orders it has.",
    use_when="Inspecting or ranking single outputs; never averaged into a corpus score.",
    hides="Very noisy; depends on the smoothing method; the mean of sentence BLEU is not corpus BLEU.",
    range="[0, 100]",
    higher_is_better=True,
    reference="sacrebleu.sentence_bleu",
    options=_OPTIONS
    + (
        "use_effective_order: default True here, as sacrebleu's sentence_bleu (use_effective_order)",
    ),
)
def sentence_bleu(
    reference,
    hypothesis: str,
    *,
    smooth_method: str = "exp",
    smooth_value: float | None = None,
    lowercase: bool = False,
    tokenize: str = "13a",
    max_ngram_order: int = MAX_ORDER,
    use_effective_order: bool = True,
    smooth: str | None = None,
) -> float:
    """Sentence BLEU (0-100), as sacrebleu's ``sentence_bleu()`` function: effective order on.

    ``reference``: a string or a list of strings (several references). Options as
    :func:`corpus_bleu`. Trap: sacrebleu's ``BLEU()`` *class* defaults to
    ``effective_order=False``, which scores any hypothesis shorter than 4 tokens 0; the
    ``sentence_bleu()`` *function* turns it on.

    >>> round(sentence_bleu("the cat sat on the mat", "the cat sat"), 6)
    36.787944
    """
    stats = bleu_stats(
        reference,
        hypothesis,
        tokenize,
        lowercase=lowercase,
        max_ngram_order=max_ngram_order,
    )
    return stats.score(
        effective_order=use_effective_order,
        smooth_method=smooth_method,
        smooth_value=smooth_value,
        smooth=smooth,
    )
