"""The metric zoo: every measure for sequence models, one family per module.

=====================  ==========================================================
module                 metrics
=====================  ==========================================================
:mod:`.lm`             token_nll, perplexity, sequence_nll, bits_per_character, bits_per_byte
:mod:`.classification` accuracy, precision, recall, f1_score, confusion_matrix, roc_auc, average_precision
:mod:`.labeling`       token_accuracy, sequence_accuracy, span_f1, edit_distance
:mod:`.overlap`        corpus_bleu, sentence_bleu, chrf, rouge, rouge_corpus, meteor, cider
:mod:`.timeseries`     mae, rmse, mape, smape, r2_score, pinball_loss, crps_ensemble, crps_gaussian
:mod:`.speech`         wer, cer, alignment
:mod:`.rl`             average_return, success_rate, policy_entropy
:mod:`.trajectories`   dtw, dtw_path
=====================  ==========================================================

Metrics comparing a prediction with the truth take the truth first:
``metric(target, prediction, **options)``. The language-model losses take
``(logits, targets)``, in :func:`torch.nn.functional.cross_entropy`'s order.

Each metric declares its :class:`MetricInfo` where it is defined (the :func:`~.registry.metric`
decorator), so importing the families below fills :data:`REGISTRY`, in this order. Pooled
measures are built on additive sufficient statistics (:mod:`.stats`); :mod:`.bootstrap` gives
confidence intervals and paired significance from them.
"""
from __future__ import annotations

from .registry import REGISTRY, MetricInfo, metric
from .stats import CountStats, ErrorCounts, NLLStats
from .lm import bits_per_byte, bits_per_character, nll_stats, perplexity, sequence_nll, token_nll
from .classification import (accuracy, average_precision, confusion_matrix, f1_score, precision,
                             precision_recall_curve, recall, roc_auc, roc_curve)
from .labeling import edit_distance, sequence_accuracy, span_f1, spans, token_accuracy, token_counts
from .overlap import (BleuStats, ChrfStats, bleu_from_stats, bleu_stats, chrf, chrf_stats, cider, cider_per_id,
                      corpus_bleu, corpus_stats, meteor, meteor_alignment, rouge, rouge_corpus, sentence_bleu,
                      tokenize_13a, wordnet_available)
from .timeseries import crps_ensemble, crps_gaussian, mae, mape, pinball_loss, r2_score, rmse, smape
from .speech import Alignment, alignment, cer, error_counts, wer
from .rl import average_return, discounted_returns, policy_entropy, success_rate
from .trajectories import dtw, dtw_path
from .bootstrap import confidence_interval, paired_bootstrap

__all__ = [
    "REGISTRY", "MetricInfo", "metric", "NLLStats", "CountStats", "ErrorCounts", "nll_stats", "token_counts",
    "error_counts", "confidence_interval", "paired_bootstrap",
    "token_nll", "perplexity", "sequence_nll", "bits_per_character", "bits_per_byte",
    "accuracy", "precision", "recall", "f1_score", "confusion_matrix", "roc_auc", "average_precision",
    "roc_curve", "precision_recall_curve",
    "token_accuracy", "sequence_accuracy", "span_f1", "spans", "edit_distance",
    "corpus_bleu", "sentence_bleu", "chrf", "rouge", "rouge_corpus", "meteor", "cider",
    "tokenize_13a", "bleu_stats", "bleu_from_stats", "BleuStats", "corpus_stats", "chrf_stats", "ChrfStats",
    "meteor_alignment", "wordnet_available", "cider_per_id",
    "mae", "rmse", "mape", "smape", "r2_score", "pinball_loss", "crps_ensemble", "crps_gaussian",
    "wer", "cer", "alignment", "Alignment",
    "average_return", "discounted_returns", "success_rate", "policy_entropy",
    "dtw", "dtw_path",
]
