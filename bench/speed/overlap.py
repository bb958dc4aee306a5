"""Speed cases: text-overlap metrics (seqlib.metrics.overlap*, seqlib.metrics.diversity)."""

from __future__ import annotations

import re
import string

import numpy as np

from speed.common import synthetic_pairs


def _hf_exact_match(refs, hyps):
    """Hugging Face evaluate's exact_match computation (its metric script needs the Hub): NumPy strings."""
    p0, r0 = np.asarray(hyps), np.asarray(refs)
    table = str.maketrans("", "", string.punctuation)
    p, r = (
        np.char.translate(np.char.lower(p0), table),
        np.char.translate(np.char.lower(r0), table),
    )
    return float(
        np.mean(p == r)
    )  # evaluate 0.4.6: predictions == references


def rows(rng):
    import sacrebleu
    from pycocoevalcap.cider.cider import Cider
    from rouge_score import rouge_scorer

    refs, hyps = synthetic_pairs()  # 10k pairs, 15-35 words
    cased = [h.replace("w1 ", "W1 ") for h in hyps]
    refs2k, hyps2k = refs[:2000], hyps[:2000]
    texts = hyps[:300]
    streams = [refs]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"])
    gts = {i: [refs[2 * i], refs[2 * i + 1]] for i in range(5000)}
    res = {i: [hyps[2 * i]] for i in range(5000)}
    em_refs = [re.sub(r"\s+", " ", r[:12]) for r in refs]
    em_hyps = [
        h[:12].upper() if k % 3 else h[:12] for k, h in enumerate(hyps)
    ]

    def self_bleu_reference(t):
        bleu = sacrebleu.BLEU(effective_order=True)
        return float(
            np.mean(
                [
                    bleu.sentence_score(h, t[:i] + t[i + 1 :]).score
                    for i, h in enumerate(t)
                ]
            )
        )

    return [
        (
            "corpus BLEU, 10k sentences",
            "overlap",
            "corpus_bleu",
            lambda f: f(refs, hyps),
            lambda: sacrebleu.corpus_bleu(hyps, streams).score,
            "sacrebleu.corpus_bleu",
        ),
        (
            "corpus BLEU lowercase intl, 10k",
            "overlap",
            "corpus_bleu",
            lambda f: f(refs, cased, lowercase=True, tokenize="intl"),
            lambda: (
                sacrebleu.corpus_bleu(
                    cased, streams, lowercase=True, tokenize="intl"
                ).score
            ),
            "sacrebleu.corpus_bleu",
        ),
        (
            "sentence BLEU x 10k",
            "overlap",
            "sentence_bleu",
            lambda f: [f(r, h) for r, h in zip(refs, hyps, strict=True)],
            lambda: [
                sacrebleu.sentence_bleu(h, [r]).score
                for r, h in zip(refs, hyps, strict=True)
            ],
            "sacrebleu.sentence_bleu",
        ),
        (
            "chrF, 10k sentences",
            "overlap",
            "chrf",
            lambda f: f(refs, hyps),
            lambda: sacrebleu.corpus_chrf(hyps, streams).score,
            "sacrebleu.corpus_chrf",
        ),
        (
            "chrF++ (word_order=2), 10k",
            "overlap",
            "chrf",
            lambda f: f(refs, hyps, word_order=2),
            lambda: (
                sacrebleu.corpus_chrf(hyps, streams, word_order=2).score
            ),
            "sacrebleu.CHRF(word_order=2)",
        ),
        (
            "TER, 2k sentences",
            "overlap",
            "ter",
            lambda f: f(refs2k, hyps2k),
            lambda: sacrebleu.corpus_ter(hyps2k, [refs2k]).score,
            "sacrebleu.corpus_ter",
        ),
        (
            "ROUGE-1/2/L, 10k pairs",
            "overlap",
            "rouge",
            lambda f: [
                tuple(
                    f(r, h)[k]["fmeasure"]
                    for k in ("rouge1", "rouge2", "rougeL")
                )
                for r, h in zip(refs, hyps, strict=True)
            ],
            lambda: [
                tuple(
                    s[k].fmeasure for k in ("rouge1", "rouge2", "rougeL")
                )
                for s in (
                    scorer.score(r, h)
                    for r, h in zip(refs, hyps, strict=True)
                )
            ],
            "rouge_score.RougeScorer",
        ),
        (
            "CIDEr-D, 5k images x 2 refs",
            "overlap",
            "cider",
            lambda f: f(gts, res),
            lambda: Cider().compute_score(gts, res)[0],
            "pycocoevalcap Cider",
        ),
        (
            "exact match (case, punct.), 10k",
            "overlap",
            "exact_match",
            lambda f: f(
                em_refs,
                em_hyps,
                ignore_case=True,
                ignore_punctuation=True,
            ),
            lambda: _hf_exact_match(em_refs, em_hyps),
            "evaluate exact_match's computation (NumPy)",
        ),
        (
            "self-BLEU, 300 outputs",
            "overlap",
            "self_bleu",
            lambda f: f(texts),
            lambda: self_bleu_reference(texts),
            "sacrebleu.sentence_bleu, each vs the rest",
        ),
    ]
