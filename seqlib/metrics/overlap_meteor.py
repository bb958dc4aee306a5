r"""METEOR as NLTK computes it (``nltk.translate.meteor_score``, nltk 3.10).

Re-exported by :mod:`seqlib.metrics.overlap`. This is **NLTK-METEOR**, not the Java METEOR 1.5
of pycocoevalcap and the MT literature (other parameters, a paraphrase table, corpus pooling;
its scores are far lower: 0.477 vs 0.876 on the first test pair).

Words are aligned in three stages, each working on what earlier stages left unmatched:
exact (lowercased) words, then Porter stems, then WordNet synonyms. Within a stage the
hypothesis is scanned from its last word to its first and each word takes the *last* free
reference position holding it. NLTK's quirk, kept here: the synonym stage works on the
*stems* left by the stem stage, so a hypothesis "big" (whose synonyms include "large") gets no
credit for a reference "large", which has become "larg" by then.

WordNet: by default (``wordnet="auto"``) NLTK's WordNet is used when its data is installed
(``nltk.corpus.wordnet``; see ``.ci/wordnet.sh`` for an offline install) and the synonym stage
is skipped otherwise. Scores differ between the two (0.875743 with WordNet vs 0.745429
without on the first test pair), so say which you used: :func:`wordnet_available` tells.
"""

from __future__ import annotations

from functools import cache

from .registry import metric
from .porter import porter_stem

__all__ = ["meteor", "meteor_alignment", "wordnet_available"]

ALPHA, BETA, GAMMA = (
    0.9,
    3.0,
    0.5,
)  # NLTK's defaults: recall weighted 9:1, cubic fragmentation penalty


@cache
def _nltk_wordnet():
    """NLTK's WordNet reader if its data can be loaded, else None (looked up once per process)."""
    try:
        from nltk.corpus import wordnet

        wordnet.ensure_loaded()
    except LookupError:
        return None
    return wordnet


def wordnet_available() -> bool:
    """Whether NLTK finds WordNet data, i.e. whether ``meteor(..., wordnet="auto")`` uses synonyms."""
    return _nltk_wordnet() is not None


def _resolve_wordnet(wordnet):
    if wordnet == "auto":
        return _nltk_wordnet()
    if wordnet is None or wordnet is False:
        return None
    if not hasattr(wordnet, "synsets"):
        raise ValueError(
            f"wordnet must be 'auto', None/False, or an object with .synsets(word), got {wordnet!r}"
        )
    return wordnet


def _match(
    hyp: list[tuple[int, str]], ref: list[tuple[int, str]], candidates
):
    """One alignment stage on (position, word) lists; returns matches and what is left.

    Scanning the hypothesis from the end, each word claims the latest free reference position
    holding one of ``candidates(word)``.
    """
    free = {}  # word -> its free positions in ``ref`` (increasing; we take from the end)
    for k, (_, word) in enumerate(ref):
        free.setdefault(word, []).append(k)
    matches, used_hyp, used_ref = [], set(), set()
    for i in range(len(hyp) - 1, -1, -1):
        best_k, best_word = -1, None
        for word in candidates(hyp[i][1]):
            slots = free.get(word)
            if slots and slots[-1] > best_k:
                best_k, best_word = slots[-1], word
        if best_word is not None:
            free[best_word].pop()
            used_hyp.add(i)
            used_ref.add(best_k)
            matches.append((hyp[i][0], ref[best_k][0]))
    hyp_left = [pair for i, pair in enumerate(hyp) if i not in used_hyp]
    ref_left = [pair for k, pair in enumerate(ref) if k not in used_ref]
    return matches, hyp_left, ref_left


def _tokens(x, name: str) -> list[str]:
    if (
        x is None
        or isinstance(x, str)
        or not isinstance(x, (list, tuple))
        or not all(isinstance(t, str) for t in x)
    ):
        raise ValueError(
            f"{name} must be a list of token strings (pre-tokenized), got {x!r}"
        )
    return [t.lower() for t in x]


def meteor_alignment(
    reference_tokens, hypothesis_tokens, wordnet="auto"
) -> list[tuple[int, int]]:
    """The (hypothesis position, reference position) pairs METEOR aligns, sorted by hypothesis position.

    >>> meteor_alignment(["the", "cat", "is", "sitting"], ["a", "cat", "sits"], wordnet=None)
    [(1, 1), (2, 3)]
    """
    hyp = list(enumerate(_tokens(hypothesis_tokens, "hypothesis_tokens")))
    ref = list(enumerate(_tokens(reference_tokens, "reference_tokens")))
    exact, hyp, ref = _match(hyp, ref, lambda w: (w,))
    hyp = [
        (i, porter_stem(w)) for i, w in hyp
    ]  # the stems stay for the synonym stage
    ref = [(k, porter_stem(w)) for k, w in ref]
    stem, hyp, ref = _match(hyp, ref, lambda w: (w,))
    synonym = []
    wn = _resolve_wordnet(wordnet)
    if wn is not None:

        def synonyms(word: str) -> set[str]:
            names = {
                lemma.name()
                for s in wn.synsets(word)
                for lemma in s.lemmas()
            }
            return {n for n in names if "_" not in n} | {
                word
            }  # single-word lemmas only

        synonym, hyp, ref = _match(hyp, ref, synonyms)
    return sorted(exact + stem + synonym)


def _chunks(alignment: list[tuple[int, int]]) -> int:
    """Fewest runs of matches adjacent in both hypothesis and reference."""
    return 1 + sum(
        1
        for (i, k), (i2, k2) in zip(alignment, alignment[1:])
        if not (i2 == i + 1 and k2 == k + 1)
    )


@metric(
    task="text overlap",
    formula=r"(1-\gamma(\mathrm{ch}/m)^\beta)\,\frac{PR}{\alpha P+(1-\alpha)R},\ \alpha=0.9,\beta=3,\gamma=0.5",
    meaning="Unigram F-score with recall weighted 9:1, crediting stems and synonyms, penalised for scrambled word order.",
    use_when="Sentence-level MT or captioning judgements where synonyms and inflections should count.",
    hides=(
        "Depends on WordNet being installed and on the implementation (NLTK and Java METEOR 1.5 "
        "differ a lot); English-centric; NLTK looks synonyms up on the Porter stems left by the "
        "stem stage, so a reference 'large' (stem 'larg') never matches a hypothesis 'big'."
    ),
    range="[0, 1)",
    higher_is_better=True,
    reference="nltk.translate.meteor_score.meteor_score (its synonym stage only where WordNet is installed)",
    options=(
        "wordnet: 'auto' (NLTK's WordNet if installed), None (no synonym stage) or an object with "
        "synsets(word) (NLTK wordnet)",
    ),
)
def meteor(reference_tokens, hypothesis_tokens, wordnet="auto") -> float:
    r"""NLTK-METEOR of one tokenized hypothesis against one or several tokenized references.

    With :math:`m` aligned words, :math:`P=m/|h|`, :math:`R=m/|r|`,
    :math:`F_{mean}=\frac{PR}{\alpha P+(1-\alpha)R}` (:math:`\alpha=0.9`, so recall dominates),
    a fragmentation penalty :math:`\gamma\,(\mathrm{chunks}/m)^\beta` (:math:`\gamma=0.5`,
    :math:`\beta=3`) where chunks are runs of matches contiguous in both sentences, and
    :math:`\mathrm{METEOR}=(1-\mathrm{penalty})\,F_{mean}`; 0 when nothing matches.
    Tokens are lowercased. ``reference_tokens`` may be a list of token lists (several
    references): the best score is taken. ``wordnet``: ``"auto"`` (NLTK's WordNet if
    installed), ``None`` (no synonym stage) or any object with ``synsets(word)``.

    >>> round(meteor(["the", "cat", "sitting"], ["the", "cat", "sat"], wordnet=None), 6)
    0.625
    """
    if not isinstance(reference_tokens, (list, tuple)):
        raise ValueError(
            f"reference_tokens must be a list of token strings, pre-tokenized (or a list of such lists), got "
            f"{type(reference_tokens).__name__}: {reference_tokens!r:.60}"
        )
    if len(reference_tokens) > 0 and all(
        isinstance(r, (list, tuple)) for r in reference_tokens
    ):
        return max(
            meteor(r, hypothesis_tokens, wordnet)
            for r in reference_tokens
        )
    n_hyp = len(_tokens(hypothesis_tokens, "hypothesis_tokens"))
    n_ref = len(_tokens(reference_tokens, "reference_tokens"))
    alignment = meteor_alignment(
        reference_tokens, hypothesis_tokens, wordnet
    )
    m = len(alignment)
    if m == 0:  # also covers an empty hypothesis or reference
        return 0.0
    precision, recall = m / n_hyp, m / n_ref
    f_mean = (
        precision * recall / (ALPHA * precision + (1 - ALPHA) * recall)
    )
    penalty = GAMMA * (_chunks(alignment) / m) ** BETA
    return float((1 - penalty) * f_mean)
