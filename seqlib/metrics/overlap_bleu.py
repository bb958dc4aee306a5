r"""BLEU (Papineni et al., 2002) as sacrebleu 2.6 computes it, from additive statistics.

sacrebleu's defaults, signature ``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp``. Truth first,
as everywhere in :mod:`seqlib.metrics`: ``corpus_bleu(references, hypotheses)``, the reverse of
sacrebleu's ``corpus_bleu(hypotheses, [references])``. A reference is a string or a list of
strings (several references for one hypothesis). :class:`BleuStats` are the sufficient
statistics: they add with ``+`` over sentences, and :meth:`BleuStats.score` turns a corpus's
sum into BLEU, so corpus BLEU pools counts instead of averaging sentence scores.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from seqlib import validate

from .registry import metric
from .stats import Additive

__all__ = ["corpus_bleu", "sentence_bleu", "tokenize_13a", "bleu_stats", "bleu_from_stats", "BleuStats",
           "corpus_stats", "check_corpus", "as_references"]

_TEXT = "text overlap"

MAX_ORDER = 4  # BLEU's n-gram orders 1..4 (Papineni et al.), weighted uniformly
_SMOOTHING = ("exp", "floor", "none")

# mteval-v13a's rules, in order, as sacrebleu's TokenizerRegexp applies them
_13A_RULES = (
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),  # split off symbols and most punctuation
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),  # period / comma, unless preceded by a digit
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),  # period / comma, unless followed by a digit
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),  # a dash after a digit
)


def tokenize_13a(text: str) -> list[str]:
    """Split ``text`` into tokens as mteval-v13a (WMT's tokenizer, sacrebleu's default) does.

    Drops ``<skipped>``, joins words hyphenated across lines, unescapes four HTML entities,
    then splits off punctuation and symbols, except periods and commas inside numbers
    (``3.5`` and ``1,000`` stay whole). Case is kept.

    >>> tokenize_13a("The cat (a tabby) costs $3.50, or 3,000 yen.")
    ['The', 'cat', '(', 'a', 'tabby', ')', 'costs', '$', '3.50', ',', 'or', '3,000', 'yen', '.']
    """
    text = text.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in text:
        text = text.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = f" {text} "
    for pattern, replacement in _13A_RULES:
        text = pattern.sub(replacement, text)
    return text.split()


def _ngrams(tokens: list[str], max_order: int) -> Counter:
    """Counts of every n-gram of ``tokens`` for n = 1..max_order, keyed by token tuples."""
    return Counter(tuple(tokens[i:i + n]) for n in range(1, max_order + 1) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class BleuStats(Additive):
    """BLEU's sufficient statistics of one sentence; ``+`` adds them up to a corpus's."""

    matches: tuple[int, ...]  # clipped n-gram matches for n = 1..4
    totals: tuple[int, ...]  # hypothesis n-grams for n = 1..4
    hyp_len: int  # hypothesis tokens
    ref_len: int  # length of the reference closest in length to the hypothesis

    def score(self, effective_order: bool = False, smooth: str = "exp") -> float:
        """BLEU (0-100) of these statistics: :func:`bleu_from_stats`."""
        return bleu_from_stats(self, effective_order=effective_order, smooth=smooth)


def check_corpus(references, hypotheses, metric: str) -> None:
    if isinstance(references, str) or isinstance(hypotheses, str):
        raise ValueError(f"{metric} takes lists of sentences (a corpus), got a string; "
                         "for one sentence pass [reference] and [hypothesis]")
    if len(references) == 1 and len(hypotheses) > 1 and not isinstance(references[0], str):
        raise ValueError(f"{metric} takes one reference entry per hypothesis, got 1 entry for {len(hypotheses)} "
                         "hypotheses (sacrebleu's [references] stream format?)")
    validate.same_length(references, hypotheses, "references", "hypotheses")
    if len(hypotheses) == 0:
        raise ValueError(f"{metric} needs at least one hypothesis, got an empty corpus")


def as_references(reference, where: str) -> list[str]:
    refs = [reference] if isinstance(reference, str) else list(reference)
    if not refs or not all(isinstance(r, str) for r in refs):
        raise ValueError(f"{where} must be a string or a non-empty list of strings, got {reference!r}")
    return refs


def _tokenizer(tokenize: str):
    if tokenize == "13a":
        return lambda s: tokenize_13a(s.rstrip())  # sacrebleu strips trailing space first
    if tokenize == "none":
        return str.split
    raise ValueError(f"tokenize must be '13a' or 'none', got {tokenize!r}")


def bleu_stats(reference, hypothesis: str, tokenize: str = "13a") -> BleuStats:
    r"""Clipped n-gram matches, n-gram totals and lengths of one hypothesis.

    A hypothesis n-gram counts as matched at most as often as it occurs in a reference
    ("clipping"; with several references, in the reference where it occurs most). The
    reference length is the one closest to the hypothesis length (the shorter on a tie).

    >>> bleu_stats("the cat sat on the mat", "the cat the cat")
    BleuStats(matches=(3, 1, 0, 0), totals=(4, 3, 2, 1), hyp_len=4, ref_len=6)
    """
    split = _tokenizer(tokenize)
    if not isinstance(hypothesis, str):
        raise ValueError(f"a hypothesis must be a string, got {type(hypothesis).__name__}")
    hyp = split(hypothesis)
    ref_tokens = [split(ref) for ref in as_references(reference, "a reference")]
    ref_lens = [len(tokens) for tokens in ref_tokens]
    ref_counts = _ngrams(ref_tokens[0], MAX_ORDER)
    for tokens in ref_tokens[1:]:
        for gram, count in _ngrams(tokens, MAX_ORDER).items():
            if count > ref_counts[gram]:
                ref_counts[gram] = count  # max over references: the clipping count
    matches = [0] * MAX_ORDER
    totals = [max(len(hyp) - n, 0) for n in range(MAX_ORDER)]
    for gram, count in _ngrams(hyp, MAX_ORDER).items():
        if gram in ref_counts:
            matches[len(gram) - 1] += min(count, ref_counts[gram])
    closest = min(ref_lens, key=lambda r: (abs(r - len(hyp)), r))
    return BleuStats(tuple(matches), tuple(totals), len(hyp), closest)


def bleu_from_stats(stats: BleuStats, effective_order: bool = False, smooth: str = "exp") -> float:
    r"""BLEU (0-100) from (pooled) statistics: :math:`\mathrm{BP}\cdot\exp(\frac1N\sum_n \log p_n)`.

    :math:`p_n` = matches / totals in percent; the brevity penalty is
    :math:`\mathrm{BP}=\min(1, e^{1-r/c})` for hypothesis length :math:`c` and reference length
    :math:`r`. Smoothing of a zero :math:`p_n`: ``"exp"`` (sacrebleu's default, NLTK's method 3)
    replaces the k-th zero by :math:`100/(2^k \cdot \text{totals}_n)`; ``"floor"`` (NLTK's
    method 1) by :math:`100\cdot 0.1/\text{totals}_n`; ``"none"`` leaves it, so BLEU is 0
    (NLTK returns ~1e-229 instead).
    ``effective_order`` averages only over orders with at least one hypothesis n-gram
    (sacrebleu's ``sentence_bleu``), so a 3-word sentence is not zero by construction.

    >>> round(bleu_from_stats(BleuStats((3, 2, 1, 0), (3, 2, 1, 0), 3, 6), effective_order=True), 6)
    36.787944
    """
    if smooth not in _SMOOTHING:
        raise ValueError(f"smooth must be one of {_SMOOTHING}, got {smooth!r}")
    c, r = stats.hyp_len, stats.ref_len
    bp = 1.0 if c >= r else (math.exp(1.0 - r / c) if c > 0 else 0.0)
    if not any(stats.matches):
        return 0.0
    log_precisions = []
    zeros_seen = 0
    for match, total in zip(stats.matches, stats.totals, strict=True):
        if total == 0:
            break  # no n-grams of this order (or higher): the hypothesis is too short
        if match > 0:
            log_precisions.append(math.log(100.0 * match / total))
        elif smooth == "exp":
            zeros_seen += 1
            log_precisions.append(math.log(100.0 / (2**zeros_seen * total)))
        elif smooth == "floor":
            log_precisions.append(math.log(100.0 * 0.1 / total))
        else:
            return 0.0  # log 0: BLEU is 0 without smoothing
    order = len(log_precisions) if effective_order else len(stats.matches)
    if len(log_precisions) < order:
        return 0.0  # a missing order has precision 0
    return bp * math.exp(sum(log_precisions) / order)


def corpus_stats(references, hypotheses, tokenize: str = "13a") -> BleuStats:
    """The pooled :class:`BleuStats` of a corpus: the sum of :func:`bleu_stats` over its sentences.

    >>> corpus_stats(["a b c", "d e"], ["a b", "d e"])
    BleuStats(matches=(4, 2, 0, 0), totals=(4, 2, 0, 0), hyp_len=4, ref_len=5)
    """
    check_corpus(references, hypotheses, "corpus_bleu")
    return sum(bleu_stats(ref, hyp, tokenize) for ref, hyp in zip(references, hypotheses, strict=True))


@metric(
    task=_TEXT,
    formula=(r"100\cdot\mathrm{BP}\cdot\exp\Big(\frac14\sum_{n=1}^4\log p_n\Big),\ "
             r"\mathrm{BP}=\min(1,e^{1-r/c})"),
    meaning="How many of the hypothesis's word n-grams appear in the references, pooled over a corpus, with a penalty for short output.",
    use_when="Machine translation system comparison on a whole test set, reported with its sacrebleu signature.",
    hides=("Ignores meaning and synonyms; depends on tokenization and casing; not a sentence-level "
           "measure; whether a difference between two systems is real needs a paired bootstrap on the "
           "test set."),
    range="[0, 100]",
    higher_is_better=True,
    reference="sacrebleu.corpus_bleu",
)
def corpus_bleu(references, hypotheses, smooth: str = "exp", tokenize: str = "13a") -> float:
    r"""Corpus BLEU (0-100), sacrebleu's ``corpus_bleu`` with its defaults.

    ``references[i]`` (a string, or a list of strings for several references) goes with
    ``hypotheses[i]``. Counts are **pooled** over the corpus before the precisions are
    formed, so corpus BLEU is not the mean of :func:`sentence_bleu` (37.98 vs 38.48 below).
    13a tokenization, case kept, exp smoothing, all four orders (no effective order). NLTK's
    ``corpus_bleu`` is on 0-1 and does not tokenize; torchmetrics' ``bleu_score`` splits on
    whitespace, i.e. ``tokenize="none"`` here.

    >>> hyps = ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]
    >>> refs = ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."]
    >>> round(corpus_bleu(refs, hyps), 6)
    37.979743
    """
    return corpus_stats(references, hypotheses, tokenize).score(smooth=smooth)


@metric(
    task=_TEXT,
    formula=(r"100\cdot\mathrm{BP}\cdot\exp\Big(\frac1{N_{\mathrm{eff}}}\sum_{n\le "
             r"N_{\mathrm{eff}}}\log \tilde p_n\Big)"),
    meaning="BLEU of one sentence, with smoothed precisions over the n-gram orders it has.",
    use_when="Inspecting or ranking single outputs; never averaged into a corpus score.",
    hides="Very noisy; depends on the smoothing method; the mean of sentence BLEU is not corpus BLEU.",
    range="[0, 100]",
    higher_is_better=True,
    reference="sacrebleu.sentence_bleu",
)
def sentence_bleu(reference, hypothesis: str, smooth: str = "exp", tokenize: str = "13a") -> float:
    """Sentence BLEU (0-100), as sacrebleu's ``sentence_bleu()`` function: effective order on.

    Trap: sacrebleu's ``BLEU()`` *class* defaults to ``effective_order=False``, which scores
    any hypothesis shorter than 4 tokens 0; the ``sentence_bleu()`` *function* turns it on.

    >>> round(sentence_bleu("the cat sat on the mat", "the cat sat"), 6)
    36.787944
    """
    return bleu_stats(reference, hypothesis, tokenize).score(effective_order=True, smooth=smooth)
