"""The metric zoo: every measure for sequence models, one family per module.

=====================  ==========================================================
module                 metrics
=====================  ==========================================================
:mod:`.lm`             token_nll, perplexity, sequence_nll, bits_per_character, bits_per_byte (:mod:`.bits`),
                       top_k_accuracy (:mod:`.topk`)
:mod:`.classification` accuracy, precision, recall, f1_score (:mod:`.prf`), confusion_matrix, roc_auc, average_precision
                       (:mod:`.ranking`), matthews_corrcoef, balanced_accuracy, cohen_kappa (:mod:`.agreement`),
                       brier_score, log_loss, calibration_error (:mod:`.calibration`); curves: roc_curve,
                       precision_recall_curve, det_curve (:mod:`.curves`)
:mod:`.labeling`       token_accuracy, sequence_accuracy, span_f1, edit_distance
:mod:`.span_metrics`   span_precision, span_recall, span_f1, span_report (every tagging scheme: :mod:`.schemes`)
:mod:`.semeval`        span_scores (strict / exact / partial / type matching, SemEval-2013)
:mod:`.overlap`        corpus_bleu, sentence_bleu, chrf, rouge, rouge_corpus, meteor, cider, exact_match,
                       ter, distinct_n, self_bleu
:mod:`.timeseries`     mae, rmse, mape, smape, r2_score, pinball_loss, mase
:mod:`.probabilistic`  crps_ensemble, crps_gaussian, gaussian_log_score, energy_score; interval_coverage,
                       interval_score (:mod:`.intervals`)
:mod:`.speech`         wer, cer, alignment, error_groups (jiwer's grouped error counts)
:mod:`.speech_measures` mer, wil, wip, sentence_error_rate
:mod:`.rl`             average_return, discounted_return, success_rate, policy_entropy, sample_efficiency
:mod:`.trajectories`   dtw, dtw_path; ade, fde (:mod:`.displacement`); discrete_frechet, frechet_distance
                       (:mod:`.frechet`)
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
from .lm import (
    bits_per_byte,
    bits_per_character,
    nll_stats,
    perplexity,
    sequence_nll,
    token_nll,
)
from .lm import top_k_accuracy
from .classification import (
    accuracy,
    average_precision,
    confusion_matrix,
    f1_score,
    precision,
    precision_recall_curve,
    recall,
    roc_auc,
    roc_curve,
)
from .classification import (
    balanced_accuracy,
    brier_score,
    calibration_error,
    cohen_kappa,
    det_curve,
    log_loss,
    matthews_corrcoef,
)
from .labeling import (
    edit_distance,
    sequence_accuracy,
    span_f1,
    spans,
    token_accuracy,
    token_counts,
)
from .span_metrics import (
    SpanReport,
    span_counts,
    span_precision,
    span_recall,
    span_report,
)
from .semeval import span_scores
from .overlap import (
    BleuStats,
    ChrfStats,
    bleu_from_stats,
    bleu_stats,
    chrf,
    chrf_stats,
    cider,
    cider_per_id,
    corpus_bleu,
    corpus_stats,
    meteor,
    meteor_alignment,
    rouge,
    rouge_corpus,
    sentence_bleu,
    tokenize_13a,
    wordnet_available,
)
from .overlap import distinct_n, exact_match, self_bleu, ter
from .timeseries import (
    crps_ensemble,
    crps_gaussian,
    mae,
    mape,
    pinball_loss,
    r2_score,
    rmse,
    smape,
)
from .timeseries import mase
from .probabilistic import energy_score, gaussian_log_score
from .intervals import interval_coverage, interval_score
from .speech import Alignment, alignment, cer, error_counts, wer
from .speech import ErrorGroups, error_groups
from .speech_measures import (
    mer,
    sentence_error_rate,
    wil,
    wip,
    word_counts,
)
from .rl import (
    average_return,
    discounted_returns,
    policy_entropy,
    success_rate,
)
from .rl import SampleEfficiency, discounted_return, sample_efficiency
from .trajectories import dtw, dtw_path
from .displacement import ade, fde
from .frechet import discrete_frechet, frechet_distance
from .bootstrap import confidence_interval, paired_bootstrap

__all__ = [
    "REGISTRY",
    "MetricInfo",
    "metric",
    "NLLStats",
    "CountStats",
    "ErrorCounts",
    "nll_stats",
    "token_counts",
    "error_counts",
    "confidence_interval",
    "paired_bootstrap",
    "token_nll",
    "perplexity",
    "sequence_nll",
    "bits_per_character",
    "bits_per_byte",
    "accuracy",
    "precision",
    "recall",
    "f1_score",
    "confusion_matrix",
    "roc_auc",
    "average_precision",
    "roc_curve",
    "precision_recall_curve",
    "top_k_accuracy",
    "matthews_corrcoef",
    "balanced_accuracy",
    "cohen_kappa",
    "brier_score",
    "log_loss",
    "calibration_error",
    "det_curve",
    "token_accuracy",
    "sequence_accuracy",
    "span_f1",
    "spans",
    "edit_distance",
    "span_precision",
    "span_recall",
    "span_report",
    "SpanReport",
    "span_counts",
    "span_scores",
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
    "corpus_stats",
    "chrf_stats",
    "ChrfStats",
    "meteor_alignment",
    "wordnet_available",
    "cider_per_id",
    "exact_match",
    "ter",
    "distinct_n",
    "self_bleu",
    "mae",
    "rmse",
    "mape",
    "smape",
    "r2_score",
    "pinball_loss",
    "crps_ensemble",
    "crps_gaussian",
    "wer",
    "cer",
    "alignment",
    "Alignment",
    "mer",
    "wil",
    "wip",
    "sentence_error_rate",
    "word_counts",
    "error_groups",
    "ErrorGroups",
    "average_return",
    "discounted_returns",
    "success_rate",
    "policy_entropy",
    "dtw",
    "dtw_path",
    "mase",
    "interval_coverage",
    "interval_score",
    "gaussian_log_score",
    "energy_score",
    "discounted_return",
    "sample_efficiency",
    "SampleEfficiency",
    "ade",
    "fde",
    "discrete_frechet",
    "frechet_distance",
]
