r"""ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum, as Google's rouge-score 0.1.2 computes them.

Re-exported by :mod:`seqlib.metrics.overlap`. Argument order is rouge-score's own:
``rouge(target, prediction)``, truth first.

Tokenization is rouge-score's default: lowercase, every character outside ``[a-z0-9]``
becomes a space, then split. Non-ASCII text is destroyed by it (``"schön"`` becomes ``sch n``;
Chinese text has no tokens at all and scores 0, even against itself). ``tokenizer=`` takes
another (a function ``text -> list of tokens``, as Hugging Face evaluate's ``rouge`` takes, or
an object with ``.tokenize(text)``, as rouge-score's ``RougeScorer(tokenizer=...)``); a
non-empty text that tokenizes to nothing raises a ``UserWarning`` that says so. With
``use_stemmer=True`` NLTK's Porter stemmer (its default ``NLTK_EXTENSIONS`` mode, as rouge-score
0.1.2 constructs it) is applied to tokens longer than 3 characters only (default tokenizer only).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter

from seqlib import validate

from .registry import metric
from .porter import porter_stem

__all__ = ["rouge", "rouge_corpus"]
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")

_NON_ALPHANUM = re.compile(r"[^a-z0-9]+")
_VALID_TOKEN = re.compile(r"^[a-z0-9]+$")


def rouge_tokenize(text: str, use_stemmer: bool = False) -> list[str]:
    """rouge-score's default tokenizer.

    >>> rouge_tokenize("The cats, 3 of them, are sitting!", use_stemmer=True)
    ['the', 'cat', '3', 'of', 'them', 'are', 'sit']
    """
    tokens = _NON_ALPHANUM.sub(
        " ", text.lower()
    ).split()  # only [a-z0-9]+ runs are left
    if use_stemmer:
        tokens = [porter_stem(t) if len(t) > 3 else t for t in tokens]
        return [t for t in tokens if _VALID_TOKEN.match(t)]
    return tokens


def _prf(overlap: int, n_pred: int, n_target: int) -> dict[str, float]:
    precision = overlap / max(n_pred, 1)
    recall = overlap / max(n_target, 1)
    f = (
        2 * precision * recall / (precision + recall)
        if precision + recall > 0
        else 0.0
    )
    return {
        "precision": float(precision),
        "recall": float(recall),
        "fmeasure": float(f),
    }


def _rouge_n(
    target: list[str], pred: list[str], n: int
) -> dict[str, float]:
    t = Counter(
        zip(*[target[k:] for k in range(n)])
    )  # n-grams as tuples, counted in C
    p = Counter(zip(*[pred[k:] for k in range(n)]))
    common = t.keys() & p.keys()
    overlap = sum(
        map(min, map(t.__getitem__, common), map(p.__getitem__, common))
    )
    return _prf(overlap, sum(p.values()), sum(t.values()))


def _lcs_table(a: list[str], b: list[str]) -> list[list[int]]:
    """table[i][j] = length of the longest common subsequence of a[:i] and b[:j]."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        row, prev = table[i], table[i - 1]
        for j, y in enumerate(b, 1):
            row[j] = (
                prev[j - 1] + 1 if x == y else max(prev[j], row[j - 1])
            )
    return table


def _lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Allison & Dix 1986; Hyyrö 2004).

    Bit j of ``v`` is 0 where the LCS of the prefix of ``a`` read so far with ``b[:j+1]`` grows;
    one big-integer update per word of ``a`` replaces a row of :func:`_lcs_table`.
    """
    masks: dict[str, int] = {}
    for j, y in enumerate(b):
        masks[y] = masks.get(y, 0) | (1 << j)
    full = (1 << len(b)) - 1
    v = full
    for x in a:
        m = masks.get(x)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def _rouge_l(target: list[str], pred: list[str]) -> dict[str, float]:
    if not target or not pred:
        return _prf(0, 0, 0)
    return _prf(_lcs_length(target, pred), len(pred), len(target))


def _lcs_positions(ref: list[str], cand: list[str]) -> set[int]:
    """Positions in ``ref`` of one LCS with ``cand``, read back as rouge-score does (ties: go up)."""
    table = _lcs_table(ref, cand)
    i, j, positions = len(ref), len(cand), set()
    while i > 0 and j > 0:
        if ref[i - 1] == cand[j - 1]:
            positions.add(i - 1)
            i, j = i - 1, j - 1
        elif table[i][j - 1] > table[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return positions


def _rouge_lsum(
    target: str, prediction: str, tokenize
) -> dict[str, float]:
    """Summary-level LCS (Lin 2004, sec. 3.2): sentences are the lines of the text."""
    ref_sents = [tokenize(s) for s in target.split("\n") if s]
    cand_sents = [tokenize(s) for s in prediction.split("\n") if s]
    m, n = sum(map(len, ref_sents)), sum(map(len, cand_sents))
    if not m or not n:
        return _prf(0, 0, 0)
    ref_left = Counter(
        t for s in ref_sents for t in s
    )  # each token may be credited once
    cand_left = Counter(t for s in cand_sents for t in s)
    hits = 0
    for ref in ref_sents:
        union = sorted(
            set().union(*(_lcs_positions(ref, c) for c in cand_sents))
        )  # union LCS
        for token in (ref[k] for k in union):
            if ref_left[token] > 0 and cand_left[token] > 0:
                hits += 1
                ref_left[token] -= 1
                cand_left[token] -= 1
    return _prf(hits, n, m)


def _tokenizer(tokenizer, use_stemmer: bool):
    """The ``text -> tokens`` function: rouge-score's default, a callable, or an object's ``tokenize``."""
    if tokenizer is None:
        return lambda text: rouge_tokenize(text, use_stemmer)
    if hasattr(tokenizer, "tokenize") and callable(tokenizer.tokenize):
        return tokenizer.tokenize
    if callable(tokenizer):
        return tokenizer
    raise ValueError(
        f"tokenizer must be None, a function text -> list of tokens, or an object with a tokenize "
        f"method, got {type(tokenizer).__name__}: {tokenizer!r:.60}"
    )


def _checked(tokenize, text: str, name: str, tokenizer) -> list:
    """Tokenize ``text``; warn when a non-blank text has no token left (its scores are 0 by construction)."""
    tokens = tokenize(text)
    if isinstance(tokens, str) or not hasattr(tokens, "__len__"):
        raise ValueError(
            f"tokenizer must return a list of tokens, got {type(tokens).__name__} for {name} {text[:30]!r}"
        )
    if not tokens and text.strip():
        which = (
            "rouge-score's default tokenizer (it keeps only [a-z0-9])"
            if tokenizer is None
            else "the tokenizer"
        )
        warnings.warn(
            f"{name} {text[:40]!r} has no tokens under {which}, so every ROUGE score of it is 0; "
            "pass tokenizer= (e.g. tokenizer=list for characters, or a word segmenter)",
            UserWarning,
            stacklevel=3,
        )
    return list(tokens)


@metric(
    task="text overlap",
    formula=r"R_N=\frac{\sum_g \min(c_{\mathrm{ref}}(g), c_{\mathrm{hyp}}(g))}{\sum_g c_{\mathrm{ref}}(g)},\ "
    r"R_L=\frac{\mathrm{LCS}}{|\mathrm{ref}|},\ F_1=\frac{2PR}{P+R}",
    meaning="How much of the reference's words, word pairs and in-order word sequence the output recovers.",
    use_when="Summarisation, where covering the reference's content (recall) matters most.",
    hides=(
        "Surface overlap only; rewards long outputs through recall; English-only tokenizer: every "
        "character outside [a-z0-9] becomes a separator ('schön' becomes 'sch n')."
    ),
    range="[0, 1]",
    higher_is_better=True,
    reference="rouge_score.rouge_scorer.RougeScorer",
    options=(
        "use_stemmer: Porter-stem tokens longer than 3 characters (rouge-score use_stemmer)",
        "tokenizer: a function text -> tokens or an object with .tokenize (rouge-score / evaluate tokenizer)",
    ),
)
def rouge(
    target, prediction: str, use_stemmer: bool = False, tokenizer=None
) -> dict[str, dict[str, float]]:
    r"""ROUGE scores of one prediction: ``{"rouge1" | "rouge2" | "rougeL" | "rougeLsum": {"precision", "recall", "fmeasure"}}``.

    ROUGE-N: clipped n-gram overlap; recall = overlap / target n-grams, precision = overlap /
    prediction n-grams, :math:`F_1` their harmonic mean. ROUGE-L uses the longest common
    subsequence length instead of the overlap. ROUGE-Lsum splits both texts into sentences on
    ``"\n"`` and credits the union of each target sentence's LCS with every prediction
    sentence; without newlines it equals ROUGE-L. ``target`` may be a list of strings (several
    references): each type then takes the reference with the best F-measure (rouge-score's
    ``score_multi``). For a corpus, average the per-pair values (:func:`rouge_corpus`);
    rouge-score's ``BootstrapAggregator`` reports a random bootstrap median instead.

    ``tokenizer``: ``None`` (rouge-score's default, above), a function ``text -> list of
    tokens`` (Hugging Face evaluate's ``tokenizer=``; ``list`` splits into characters, which
    suits Chinese) or an object with a ``tokenize`` method (rouge-score's). ``use_stemmer``
    applies to the default tokenizer only. A text with a non-space character that tokenizes to
    no token at all gives a ``UserWarning`` naming the text, because its scores are 0 by
    construction (rouge-score returns the same 0s silently). An empty text scores 0. Raises
    ``ValueError`` naming ``target``, ``prediction``, ``use_stemmer`` or ``tokenizer`` for
    input of the wrong kind.

    >>> rouge("今天天气很好", "今天天气很好", tokenizer=list)["rouge1"]["fmeasure"]
    1.0
    >>> r = rouge("The cat is sitting on the mat.", "The cat sat on the mat.")
    >>> [round(r[k]["fmeasure"], 6) for k in ("rouge1", "rouge2", "rougeL")]
    [0.769231, 0.545455, 0.769231]
    """
    if not isinstance(prediction, str):
        raise ValueError(
            f"prediction must be a string, got {type(prediction).__name__}: {prediction!r:.60}"
        )
    targets = [target] if isinstance(target, str) else target
    if (
        not isinstance(targets, (list, tuple))
        or not targets
        or not all(isinstance(t, str) for t in targets)
    ):
        raise ValueError(
            f"target must be a string or a non-empty list of strings, got "
            f"{type(target).__name__}: {target!r:.60}"
        )
    if not isinstance(use_stemmer, bool):
        raise ValueError(
            f"use_stemmer must be a bool, got {type(use_stemmer).__name__}: {use_stemmer!r}"
        )
    tokenize = _tokenizer(tokenizer, use_stemmer)
    pred_tokens = _checked(tokenize, prediction, "prediction", tokenizer)
    best: dict[str, dict[str, float]] = {}
    for t in targets:
        t_tokens = _checked(tokenize, t, "target", tokenizer)
        scores = {
            "rouge1": _rouge_n(t_tokens, pred_tokens, 1),
            "rouge2": _rouge_n(t_tokens, pred_tokens, 2),
            "rougeL": _rouge_l(t_tokens, pred_tokens),
        }
        # one line each (no newline): the summary-level LCS is the LCS, so ROUGE-Lsum equals ROUGE-L
        one_line = "\n" not in t and "\n" not in prediction
        scores["rougeLsum"] = (
            scores["rougeL"]
            if one_line
            else _rouge_lsum(t, prediction, tokenize)
        )
        for k, s in scores.items():
            if (
                k not in best or s["fmeasure"] > best[k]["fmeasure"]
            ):  # the first wins ties, as np.argmax
                best[k] = s
    return best


@metric(
    task="text overlap",
    formula=r"\frac1N\sum_i F_1^{(i)}",
    meaning="The average per-pair ROUGE F-measure over a corpus.",
    use_when="Reporting one ROUGE number per type for a test set.",
    hides="A mean of sentence scores, not pooled counts; rouge-score's bootstrap median differs slightly.",
    range="[0, 1]",
    higher_is_better=True,
    reference="worked vectors: the mean of rouge's F-measures, rouge itself matching rouge_score",
    options=(
        "use_stemmer: Porter-stem tokens longer than 3 characters (rouge-score use_stemmer)",
        "tokenizer: a function text -> tokens or an object with .tokenize (rouge-score / evaluate tokenizer)",
    ),
)
def rouge_corpus(
    targets, predictions, use_stemmer: bool = False, tokenizer=None
) -> dict[str, float]:
    """Mean F-measure of each ROUGE type over (target, prediction) pairs.

    >>> hyps = ["The cat sat on the mat.", "A quick brown dog jumps over the lazy fox."]
    >>> refs = ["The cat is sitting on the mat.", "The quick brown fox jumps over the lazy dog."]
    >>> {k: round(v, 6) for k, v in rouge_corpus(refs, hyps).items()}
    {'rouge1': 0.82906, 'rouge2': 0.522727, 'rougeL': 0.717949, 'rougeLsum': 0.717949}
    """
    for name, x in (("targets", targets), ("predictions", predictions)):
        if isinstance(x, str) or x is None or not hasattr(x, "__len__"):
            raise ValueError(
                f"{name} must be a list of texts, got {type(x).__name__}; for one pair use "
                "rouge(target, prediction)"
            )
    validate.same_length(targets, predictions, "targets", "predictions")
    if len(predictions) == 0:
        raise ValueError("rouge_corpus needs at least one pair, got none")
    total = dict.fromkeys(ROUGE_TYPES, 0.0)
    for t, p in zip(targets, predictions, strict=True):
        for k, s in rouge(t, p, use_stemmer, tokenizer).items():
            total[k] += s["fmeasure"]
    return {k: v / len(predictions) for k, v in total.items()}
