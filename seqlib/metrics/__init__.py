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
"""
from __future__ import annotations

import importlib

from ._registry import MetricInfo

_MODULES = ("lm", "classification", "labeling", "overlap", "timeseries", "speech", "rl", "trajectories")

#: name -> MetricInfo, for every public metric (the book's master table is built from it)
REGISTRY: dict[str, MetricInfo] = {}
__all__ = ["REGISTRY", "MetricInfo"]

for _name in _MODULES:
    try:
        _mod = importlib.import_module(f".{_name}", __name__)
    except ModuleNotFoundError as _err:  # a family not written yet
        if _err.name != f"{__name__}.{_name}":
            raise
        continue
    for _fn in _mod.__all__:
        globals()[_fn] = getattr(_mod, _fn)
        __all__.append(_fn)
    for _info in getattr(_mod, "INFO", ()):
        if _info.name in REGISTRY:
            raise RuntimeError(f"metric {_info.name!r} is registered twice")
        REGISTRY[_info.name] = _info
