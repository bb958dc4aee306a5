"""Text-overlap metrics, the family's front door: BLEU, chrF, ROUGE, METEOR, CIDEr, exact match, TER, diversity.

Each lives in its own module (:mod:`.overlap_bleu`, :mod:`.overlap_chrf`,
:mod:`.overlap_rouge`, :mod:`.overlap_meteor`, :mod:`.overlap_cider`, :mod:`.overlap_exact`,
:mod:`.overlap_ter`, :mod:`.diversity`; shared tokenizers and reference layouts in :mod:`.overlap_text`);
this one re-exports them so a chapter can write ``from seqlib.metrics import overlap`` and reach the whole family.
BLEU, chrF and TER reproduce sacrebleu 2.6, defaults and options; truth first, as everywhere in
:mod:`seqlib.metrics`: ``corpus_bleu(references, hypotheses)``.
"""

from __future__ import annotations

from .overlap_bleu import (
    BleuStats,
    bleu_from_stats,
    bleu_stats,
    corpus_bleu,
    corpus_stats,
    sentence_bleu,
    tokenize_13a,
)
from .overlap_chrf import ChrfStats, chrf, chrf_stats

# In the book's table order (importing registers): BLEU, chrF, ROUGE, METEOR, CIDEr.
from .overlap_rouge import rouge, rouge_corpus  # isort: skip
from .overlap_meteor import meteor, meteor_alignment, wordnet_available  # isort: skip
from .overlap_cider import cider, cider_per_id  # isort: skip
from .overlap_exact import exact_match  # isort: skip
from .overlap_ter import ter, ter_edits  # isort: skip
from .diversity import distinct_n, self_bleu  # isort: skip
from .overlap_text import (
    tokenize_char,
    tokenize_intl,  # isort: skip
    tokenize_zh,
)

__all__ = [
    "corpus_bleu",
    "sentence_bleu",
    "chrf",
    "rouge",
    "rouge_corpus",
    "meteor",
    "cider",
    "tokenize_13a",
    "bleu_stats",
    "bleu_from_stats",
    "BleuStats",
    "meteor_alignment",
    "wordnet_available",
    "cider_per_id",
    "corpus_stats",
    "chrf_stats",
    "ChrfStats",
    "exact_match",
    "ter",
    "ter_edits",
    "distinct_n",
    "self_bleu",
    "tokenize_intl",
    "tokenize_char",
    "tokenize_zh",
]
