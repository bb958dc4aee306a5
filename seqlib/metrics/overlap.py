r"""Text-overlap metrics: BLEU and chrF here; ROUGE, METEOR and CIDEr in sibling modules.

This module is the family's front door: it re-exports :func:`rouge`, :func:`meteor` and
:func:`cider` (from :mod:`.overlap_rouge`, :mod:`.overlap_meteor`, :mod:`.overlap_cider`), so
``seqlib.metrics`` finds the whole family through ``overlap.__all__`` and ``overlap.INFO``.

BLEU and chrF reproduce sacrebleu 2.6 with its defaults (signatures
``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp`` and ``chrF2|nc:6|nw:0|space:no``).
Truth first, as everywhere in :mod:`seqlib.metrics`: ``corpus_bleu(references, hypotheses)``,
which is the reverse of sacrebleu's ``corpus_bleu(hypotheses, [references])``. A reference is
a string or a list of strings (several references for one hypothesis).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ._registry import MetricInfo
from ._validate import same_length
from .overlap_cider import HELPERS as _CIDER_HELPERS, INFO as _CIDER_INFO, cider, cider_per_id
from .overlap_meteor import HELPERS as _METEOR_HELPERS, INFO as _METEOR_INFO, meteor, meteor_alignment, wordnet_available
from .overlap_rouge import INFO as _ROUGE_INFO, rouge, rouge_corpus

__all__ = ["corpus_bleu", "sentence_bleu", "chrf", "rouge", "rouge_corpus", "meteor", "cider",
           "tokenize_13a", "bleu_stats", "bleu_from_stats", "BleuStats", "meteor_alignment", "wordnet_available",
           "cider_per_id"]
#: public names that are building blocks, not metrics (the registry test skips them)
HELPERS = ("tokenize_13a", "bleu_stats", "bleu_from_stats", "BleuStats", *_METEOR_HELPERS, *_CIDER_HELPERS)

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
class BleuStats:
    """BLEU's sufficient statistics; add them up over sentences to get a corpus's."""

    matches: tuple[int, ...]  # clipped n-gram matches for n = 1..4
    totals: tuple[int, ...]  # hypothesis n-grams for n = 1..4
    hyp_len: int  # hypothesis tokens
    ref_len: int  # length of the reference closest in length to the hypothesis

    def __add__(self, other: "BleuStats") -> "BleuStats":
        return BleuStats(tuple(a + b for a, b in zip(self.matches, other.matches, strict=True)),
                         tuple(a + b for a, b in zip(self.totals, other.totals, strict=True)),
                         self.hyp_len + other.hyp_len, self.ref_len + other.ref_len)


def _check_corpus(references, hypotheses, metric: str) -> None:
    if isinstance(references, str) or isinstance(hypotheses, str):
        raise ValueError(f"{metric} takes lists of sentences (a corpus), got a string; "
                         "for one sentence pass [reference] and [hypothesis]")
    if len(references) == 1 and len(hypotheses) > 1 and not isinstance(references[0], str):
        raise ValueError(f"{metric} takes one reference entry per hypothesis, got 1 entry for {len(hypotheses)} "
                         "hypotheses (sacrebleu's [references] stream format?)")
    same_length(references, hypotheses, "references", "hypotheses")
    if len(hypotheses) == 0:
        raise ValueError(f"{metric} needs at least one hypothesis, got an empty corpus")


def _as_references(reference, where: str) -> list[str]:
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
    ref_tokens = [split(ref) for ref in _as_references(reference, "a reference")]
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
    _check_corpus(references, hypotheses, "corpus_bleu")
    matches, totals, hyp_len, ref_len = [0] * MAX_ORDER, [0] * MAX_ORDER, 0, 0
    for ref, hyp in zip(references, hypotheses, strict=True):
        s = bleu_stats(ref, hyp, tokenize)
        for n in range(MAX_ORDER):
            matches[n] += s.matches[n]
            totals[n] += s.totals[n]
        hyp_len += s.hyp_len
        ref_len += s.ref_len
    return bleu_from_stats(BleuStats(tuple(matches), tuple(totals), hyp_len, ref_len), smooth=smooth)


def sentence_bleu(reference, hypothesis: str, smooth: str = "exp", tokenize: str = "13a") -> float:
    """Sentence BLEU (0-100), as sacrebleu's ``sentence_bleu()`` function: effective order on.

    Trap: sacrebleu's ``BLEU()`` *class* defaults to ``effective_order=False``, which scores
    any hypothesis shorter than 4 tokens 0; the ``sentence_bleu()`` *function* turns it on.

    >>> round(sentence_bleu("the cat sat on the mat", "the cat sat"), 6)
    36.787944
    """
    return bleu_from_stats(bleu_stats(reference, hypothesis, tokenize), effective_order=True, smooth=smooth)


CHRF_CHAR_ORDER, CHRF_BETA = 6, 2  # sacrebleu's chrF2: character 1..6-grams, recall weighted 2x


def _chrf_counts(text: str) -> list[Counter]:
    text = "".join(text.split())  # whitespace is removed, not counted
    return [Counter(text[i:i + n] for i in range(len(text) - n + 1)) for n in range(1, CHRF_CHAR_ORDER + 1)]


def _chrf_stats(hyp_counts: list[Counter], ref_counts: list[Counter]) -> list[int]:
    """[hyp, ref, match] counts per order; a hypothesis n-gram counts only if the order exists in the ref."""
    stats = []
    for h, r in zip(hyp_counts, ref_counts, strict=True):
        match = sum(min(c, r[g]) for g, c in h.items() if g in r)
        stats += [sum(h.values()) if r else 0, sum(r.values()), match]
    return stats


def _chrf_score(stats: list[int]) -> float:
    """F-beta of the precision and recall averaged over the orders present in both (0-100)."""
    precisions, recalls = [], []
    for n in range(CHRF_CHAR_ORDER):
        n_hyp, n_ref, n_match = stats[3 * n: 3 * n + 3]
        if n_hyp > 0 and n_ref > 0:
            precisions.append(n_match / n_hyp)
            recalls.append(n_match / n_ref)
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if p + r == 0:
        return 0.0
    b2 = CHRF_BETA**2
    return 100.0 * ((1 + b2) * p * r / (b2 * p + r))  # sacrebleu's order of operations


def chrf(references, hypotheses) -> float:
    r"""Corpus chrF2 (0-100), as sacrebleu's ``corpus_chrf`` (``nc:6 nw:0 space:no``).

    Character n-grams (n = 1..6, whitespace removed) are counted per sentence, the counts are
    **pooled** over the corpus, precision and recall are averaged over the orders, and
    :math:`F_\beta = (1+\beta^2)PR/(\beta^2P+R)` with :math:`\beta=2` (recall counts more).
    With several references a sentence takes the statistics of its best-scoring reference.
    Trap: torchmetrics' ``chrf_score`` defaults to chrF++ (word bigrams too).

    >>> hyps = ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]
    >>> refs = ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."]
    >>> round(chrf(refs, hyps), 6)
    61.831779
    """
    _check_corpus(references, hypotheses, "chrf")
    pooled = [0] * (3 * CHRF_CHAR_ORDER)
    for ref, hyp in zip(references, hypotheses, strict=True):
        if not isinstance(hyp, str):
            raise ValueError(f"a hypothesis must be a string, got {type(hyp).__name__}")
        hyp_counts = _chrf_counts(hyp)
        best, best_f = None, -1.0
        for r in _as_references(ref, "a reference"):
            stats = _chrf_stats(hyp_counts, _chrf_counts(r))
            f = _chrf_score(stats)
            if f > best_f:  # the first reference wins ties
                best, best_f = stats, f
        pooled = [a + b for a, b in zip(pooled, best, strict=True)]
    return _chrf_score(pooled)


_TEXT = "text overlap"
INFO = [
    MetricInfo("corpus_bleu", _TEXT,
               r"100\cdot\mathrm{BP}\cdot\exp\Big(\frac14\sum_{n=1}^4\log p_n\Big),\ \mathrm{BP}=\min(1,e^{1-r/c})",
               "How many of the hypothesis's word n-grams appear in the references, pooled over a corpus, with a penalty for short output.",
               "Machine translation system comparison on a whole test set, reported with its sacrebleu signature.",
               "Ignores meaning and synonyms; depends on tokenization and casing; not a sentence-level measure; whether a difference between two systems is real needs a paired bootstrap on the test set.",
               "[0, 100]", True, "sacrebleu.corpus_bleu"),
    MetricInfo("sentence_bleu", _TEXT,
               r"100\cdot\mathrm{BP}\cdot\exp\Big(\frac1{N_{\mathrm{eff}}}\sum_{n\le N_{\mathrm{eff}}}\log \tilde p_n\Big)",
               "BLEU of one sentence, with smoothed precisions over the n-gram orders it has.",
               "Inspecting or ranking single outputs; never averaged into a corpus score.",
               "Very noisy; depends on the smoothing method; the mean of sentence BLEU is not corpus BLEU.",
               "[0, 100]", True, "sacrebleu.sentence_bleu"),
    MetricInfo("chrf", _TEXT, r"100\cdot\frac{(1+\beta^2)\,\mathrm{chrP}\,\mathrm{chrR}}{\beta^2\,\mathrm{chrP}+\mathrm{chrR}},\ \beta=2",
               "The F-score of character n-gram overlap (n up to 6), favouring recall.",
               "Morphologically rich languages and sentence-level judgements; correlates better with humans than BLEU.",
               "Still surface overlap; chrF and chrF++ are often confused (torchmetrics defaults to chrF++).",
               "[0, 100]", True, "sacrebleu.corpus_chrf"),
    *_ROUGE_INFO, *_METEOR_INFO, *_CIDER_INFO,
]
