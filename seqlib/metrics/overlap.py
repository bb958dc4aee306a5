"""Text-overlap metrics, the family's front door: BLEU, chrF, ROUGE, METEOR and CIDEr.

Each lives in its own module (:mod:`.overlap_bleu`, :mod:`.overlap_chrf`,
:mod:`.overlap_rouge`, :mod:`.overlap_meteor`, :mod:`.overlap_cider`); this one re-exports
them so a chapter can write ``from seqlib.metrics import overlap`` and reach the whole family.
BLEU and chrF reproduce sacrebleu 2.6 with its defaults; truth first, as everywhere in
:mod:`seqlib.metrics`: ``corpus_bleu(references, hypotheses)``.
"""
from __future__ import annotations

from .overlap_bleu import BleuStats, bleu_from_stats, bleu_stats, corpus_bleu, corpus_stats, sentence_bleu, tokenize_13a
from .overlap_chrf import ChrfStats, chrf, chrf_stats
# In the book's table order (importing registers): BLEU, chrF, ROUGE, METEOR, CIDEr.
from .overlap_rouge import rouge, rouge_corpus  # isort: skip
from .overlap_meteor import meteor, meteor_alignment, wordnet_available  # isort: skip
from .overlap_cider import cider, cider_per_id  # isort: skip

__all__ = ["corpus_bleu", "sentence_bleu", "chrf", "rouge", "rouge_corpus", "meteor", "cider",
           "tokenize_13a", "bleu_stats", "bleu_from_stats", "BleuStats", "meteor_alignment", "wordnet_available",
           "cider_per_id", "corpus_stats", "chrf_stats", "ChrfStats"]
