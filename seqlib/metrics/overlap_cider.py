r"""CIDEr-D, the image-captioning metric, as COCO's ``pycocoevalcap.cider.Cider`` computes it.

Re-exported by :mod:`seqlib.metrics.overlap`. Inputs are dicts ``id -> list of strings``,
already tokenized into space-separated words (COCO passes them through its PTBTokenizer
first: lowercase, punctuation removed); ``res[id]`` holds exactly one caption.

Convention traps: this is CIDEr-**D** (Gaussian length penalty with :math:`\sigma=6`, clipped
TF-IDF, scaled by 10), the variant everyone reports as "CIDEr". The IDF comes from the
references of the evaluated set itself, so an image's score depends on the other images in
the set. With this in-set IDF (pycocoevalcap's only mode) a set of one
image has every IDF equal to :math:`\log 1 = 0`, so its score is
undefined; pycocoevalcap returns 0 without a warning. CIDEr's author
(R. Vedantam, tylin/coco-caption issues #9 and #10) says the in-set
computation "does not work" for one image and points to his fork's
option of fixed IDF values computed on MS-COCO (``df_mode`` with
``coco-val-df``); with such a fixed table one caption can be scored.
seqlib implements the in-set mode only, so :func:`cider` and
:func:`cider_per_id` refuse a single image. An n-gram that occurs in every
image's references also gets IDF 0 and counts for nothing.
"""

from __future__ import annotations

import math
from collections import Counter

from .registry import metric

__all__ = ["cider", "cider_per_id"]

N_MAX = 4  # n-grams 1..4, averaged with equal weight
SIGMA = 6.0  # width of the Gaussian length penalty, in words (bigrams, in fact: see _tfidf)


def _ngrams(sentence: str) -> Counter:
    words = sentence.split()
    return Counter(
        tuple(words[i : i + n])
        for n in range(1, N_MAX + 1)
        for i in range(len(words) - n + 1)
    )


def _tfidf(counts: Counter, doc_freq: Counter, log_n_images: float):
    """Per-order TF-IDF vectors, their norms, and the length pycocoevalcap uses (the bigram count)."""
    vecs = [{} for _ in range(N_MAX)]
    norms = [0.0] * N_MAX
    length = 0
    for gram, tf in counts.items():
        n = len(gram) - 1
        weight = float(tf) * (
            log_n_images - math.log(max(1.0, doc_freq[gram]))
        )
        vecs[n][gram] = weight
        norms[n] += weight**2
        if n == 1:
            length += tf  # pycocoevalcap's quirk: "length" counts bigrams, i.e. words - 1
    return vecs, [math.sqrt(x) for x in norms], length


def _check(gts, res) -> tuple[list, dict, dict]:
    if not isinstance(gts, dict) or not isinstance(res, dict):
        bad = "gts" if not isinstance(gts, dict) else "res"
        raise ValueError(
            f"{bad} must be a dict id -> list of strings, got {type(gts if bad == 'gts' else res).__name__}"
        )
    if gts.keys() != res.keys():
        raise ValueError(
            f"gts and res must have the same ids; only in gts: {sorted(map(str, gts.keys() - res.keys()))[:5]}, "
            f"only in res: {sorted(map(str, res.keys() - gts.keys()))[:5]}"
        )
    if not gts:
        raise ValueError("cider needs at least one id, got empty dicts")
    if len(gts) == 1:
        raise ValueError(
            f"cider is undefined for a single image (id {next(iter(gts))!r}): its IDF is "
            "log(1/1) = 0 for every n-gram, so every score would be 0 (pycocoevalcap returns 0 "
            "silently). CIDEr is a consensus measure over a set: score the whole test set at once"
        )
    refs, hyps = {}, {}
    for key in gts:
        r = [gts[key]] if isinstance(gts[key], str) else list(gts[key])
        h = [res[key]] if isinstance(res[key], str) else list(res[key])
        if not r or not all(isinstance(x, str) for x in r):
            raise ValueError(
                f"gts[{key!r}] must be a non-empty list of strings, got {gts[key]!r}"
            )
        if len(h) != 1 or not isinstance(h[0], str):
            raise ValueError(
                f"res[{key!r}] must be a list of exactly one string, got {res[key]!r}"
            )
        refs[key], hyps[key] = r, h[0]
    return list(gts), refs, hyps


def cider_per_id(gts: dict, res: dict) -> dict:
    r"""CIDEr-D of each id: ``{id: score}``, in ``gts``'s order (pycocoevalcap's second output).

    For each order :math:`n`, hypothesis and each reference become TF-IDF vectors
    :math:`g^n` (term frequency times :math:`\log(N_{images}/\mathrm{df})`, df counted over
    the references). The similarity with reference :math:`j` is
    :math:`\frac{\langle\min(g^n_h, g^n_j), g^n_j\rangle}{\|g^n_h\|\|g^n_j\|}\,e^{-(l_h-l_j)^2/2\sigma^2}`
    (the min "clips" hypothesis weights at the reference's). CIDEr-D of the id is
    :math:`\frac{10}{4}\sum_n \frac1{m}\sum_j` of those similarities.

    >>> gts = {1: ["a cat sits on the mat"], 2: ["a dog runs"]}
    >>> {k: round(v, 6) for k, v in cider_per_id(gts, {1: ["a cat on the mat"], 2: ["a dog runs"]}).items()}
    {1: 4.570879, 2: 7.5}
    """
    ids, refs, hyps = _check(gts, res)
    ref_counts = {key: [_ngrams(r) for r in refs[key]] for key in ids}
    doc_freq = Counter(
        g for key in ids for g in set().union(*ref_counts[key])
    )  # images whose refs hold g
    log_n = math.log(float(len(ids)))
    scores = {}
    for key in ids:
        h_vec, h_norm, h_len = _tfidf(_ngrams(hyps[key]), doc_freq, log_n)
        total = [0.0] * N_MAX
        for counts in ref_counts[key]:
            r_vec, r_norm, r_len = _tfidf(counts, doc_freq, log_n)
            length_penalty = math.exp(
                -((h_len - r_len) ** 2) / (2 * SIGMA**2)
            )
            for n in range(N_MAX):
                dot = sum(
                    min(w, r_vec[n].get(g, 0.0)) * r_vec[n].get(g, 0.0)
                    for g, w in h_vec[n].items()
                )
                if h_norm[n] != 0 and r_norm[n] != 0:
                    dot /= h_norm[n] * r_norm[n]
                total[n] += dot * length_penalty
        scores[key] = float(sum(total) / N_MAX / len(refs[key]) * 10.0)
    return scores


@metric(
    task="text overlap",
    formula=r"\frac{10}{4}\sum_{n=1}^{4}\frac1m\sum_j \frac{\langle \min(g^n_h,g^n_j),\,g^n_j\rangle}{\|g^n_h\|\,\|g^n_j\|}"
    r"\,e^{-(l_h-l_j)^2/2\sigma^2}",
    meaning="Consensus with the reference captions, weighting n-grams that are rare across the set's images (TF-IDF).",
    use_when="Image or video captioning with several references per item (COCO).",
    hides=(
        "Needs several references per item (a consensus measure); the IDF comes from the evaluated "
        "set's references, so scores change with the set; with that "
        "in-set IDF a single item is undefined (every IDF is "
        "log 1 = 0): refused (a fixed IDF table, e.g. MS-COCO's, "
        "would avoid it)."
    ),
    range="[0, 10]",
    higher_is_better=True,
    reference="pycocoevalcap.cider.Cider",
)
def cider(gts: dict, res: dict) -> float:
    """Corpus CIDEr-D: the mean of :func:`cider_per_id` (pycocoevalcap's first output).

    pycocoevalcap's ``Cider().compute_score(gts, res)`` returns ``(score, per_image_array)``;
    here :func:`cider` returns the score and :func:`cider_per_id` the per-id scores.

    >>> gts = {1: ["a cat sits on the mat", "there is a cat on the mat"],
    ...        2: ["a dog runs in the park", "the dog is running outside"],
    ...        3: ["two people ride bikes", "a couple riding bicycles"]}
    >>> res = {1: ["a cat is on the mat"], 2: ["a dog runs outside"], 3: ["people ride bicycles"]}
    >>> round(cider(gts, res), 6)
    2.756884
    """
    per_id = cider_per_id(gts, res)
    return float(sum(per_id.values()) / len(per_id))
