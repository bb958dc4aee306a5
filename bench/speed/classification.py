"""Speed cases: classification and ranking metrics (seqlib.metrics.classification, .ranking, .agreement, .calibration)."""

from __future__ import annotations

import numpy as np


def rows(rng):
    import sklearn.metrics as skm
    import torch
    from torchmetrics.functional.classification import (
        binary_calibration_error,
    )

    n = 1_000_000
    y = rng.random(n) < 0.3  # (1e6,) imbalanced labels
    s = rng.normal(y * 0.8, 1.0).round(
        3
    )  # (1e6,) scores, rounded so that ties occur
    w = rng.integers(1, 4, n).astype(np.float64)  # (1e6,) sample weights
    p = 1 / (1 + np.exp(-s))  # (1e6,) probabilities of the positive class
    yhat = p > 0.5  # (1e6,)
    yk = rng.integers(0, 10, n)  # (1e6,) 10 classes
    yk_hat = np.where(
        rng.random(n) < 0.6, yk, rng.integers(0, 10, n)
    )  # (1e6,) 60% right + chance
    ym = (
        rng.random((100_000, 20)) < 0.2
    )  # (1e5, 20) multi-label indicator
    sm = rng.normal(ym * 0.8, 1.0).round(2)  # (1e5, 20)
    p_t, y_t = torch.from_numpy(p), torch.from_numpy(y.astype(np.int64))
    return [
        (
            "accuracy, 1e6 labels",
            "classification",
            "accuracy",
            lambda f: f(yk, yk_hat),
            lambda: skm.accuracy_score(yk, yk_hat),
            "sklearn.accuracy_score",
        ),
        (
            "F1 binary, 1e6",
            "classification",
            "f1_score",
            lambda f: f(y, yhat),
            lambda: skm.f1_score(y, yhat),
            "sklearn.f1_score",
        ),
        (
            "F1 macro, 10 classes, 1e6",
            "classification",
            "f1_score",
            lambda f: f(yk, yk_hat, average="macro"),
            lambda: skm.f1_score(yk, yk_hat, average="macro"),
            "sklearn.f1_score",
        ),
        (
            "F1 weighted, sample_weight, 1e6",
            "classification",
            "f1_score",
            lambda f: f(yk, yk_hat, average="weighted", sample_weight=w),
            lambda: skm.f1_score(
                yk, yk_hat, average="weighted", sample_weight=w
            ),
            "sklearn.f1_score",
        ),
        (
            "confusion matrix, 10 classes, 1e6",
            "classification",
            "confusion_matrix",
            lambda f: f(yk, yk_hat),
            lambda: skm.confusion_matrix(yk, yk_hat),
            "sklearn.confusion_matrix",
        ),
        (
            "MCC, 10 classes, 1e6",
            "classification",
            "matthews_corrcoef",
            lambda f: f(yk, yk_hat),
            lambda: skm.matthews_corrcoef(yk, yk_hat),
            "sklearn.matthews_corrcoef",
        ),
        (
            "balanced accuracy, 1e6",
            "classification",
            "balanced_accuracy",
            lambda f: f(yk, yk_hat),
            lambda: skm.balanced_accuracy_score(yk, yk_hat),
            "sklearn.balanced_accuracy_score",
        ),
        (
            "Cohen's kappa quadratic, 1e6",
            "classification",
            "cohen_kappa",
            lambda f: f(yk, yk_hat, weights="quadratic"),
            lambda: skm.cohen_kappa_score(
                yk, yk_hat, weights="quadratic"
            ),
            "sklearn.cohen_kappa_score",
        ),
        (
            "Brier score, 1e6",
            "classification",
            "brier_score",
            lambda f: f(y, p),
            lambda: skm.brier_score_loss(y, p),
            "sklearn.brier_score_loss",
        ),
        (
            "log loss, 1e6",
            "classification",
            "log_loss",
            lambda f: f(y, p),
            lambda: skm.log_loss(y, p),
            "sklearn.log_loss",
        ),
        (
            "calibration error (ECE), 1e6",
            "classification",
            "calibration_error",
            lambda f: f(y, p),
            lambda: binary_calibration_error(p_t, y_t).item(),
            "torchmetrics binary_calibration_error",
        ),
        (
            "AUROC, 1e6 scores",
            "ranking",
            "roc_auc",
            lambda f: f(y, s),
            lambda: skm.roc_auc_score(y, s),
            "sklearn.roc_auc_score",
        ),
        (
            "AUROC, sample_weight, 1e6",
            "ranking",
            "roc_auc",
            lambda f: f(y, s, sample_weight=w),
            lambda: skm.roc_auc_score(y, s, sample_weight=w),
            "sklearn.roc_auc_score",
        ),
        (
            "partial AUROC max_fpr=0.1, 1e6",
            "ranking",
            "roc_auc",
            lambda f: f(y, s, max_fpr=0.1),
            lambda: skm.roc_auc_score(y, s, max_fpr=0.1),
            "sklearn.roc_auc_score",
        ),
        (
            "AUROC multi-label macro, 1e5 x 20",
            "ranking",
            "roc_auc",
            lambda f: f(ym, sm),
            lambda: skm.roc_auc_score(ym, sm),
            "sklearn.roc_auc_score",
        ),
        (
            "average precision, 1e6",
            "ranking",
            "average_precision",
            lambda f: f(y, s),
            lambda: skm.average_precision_score(y, s),
            "sklearn.average_precision_score",
        ),
        (
            "AP multi-label samples, 1e4 x 20",
            "ranking",
            "average_precision",
            lambda f: f(ym[:10_000], sm[:10_000], average="samples"),
            lambda: skm.average_precision_score(
                ym[:10_000], sm[:10_000], average="samples"
            ),
            "sklearn.average_precision_score",
        ),
        (
            "ROC curve, 1e6",
            "curves",
            "roc_curve",
            lambda f: f(y, s),
            lambda: skm.roc_curve(y, s),
            "sklearn.roc_curve",
        ),
        (
            "PR curve, 1e6",
            "curves",
            "precision_recall_curve",
            lambda f: f(y, s),
            lambda: skm.precision_recall_curve(y, s),
            "sklearn.precision_recall_curve",
        ),
        (
            "DET curve, 1e6",
            "curves",
            "det_curve",
            lambda f: f(y, s),
            lambda: skm.det_curve(y, s),
            "sklearn.det_curve",
        ),
    ]
