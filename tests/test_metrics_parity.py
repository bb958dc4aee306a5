"""One parity harness, driven by the registry: every metric against its reference implementation.

Each entry of :data:`seqlib.metrics.REGISTRY` has a :class:`Case` here: an input strategy
(hypothesis) drawing ``(args, kwargs)`` in seqlib's argument order (truth first), a reference
adapter that takes the same ``(args, kwargs)`` and calls the outside library (sklearn, sacrebleu,
jiwer, rouge-score, seqeval, nltk, pycocoevalcap, properscoring, scoringrules, dtaidistance,
rapidfuzz, torch), and a tolerance. A reference may return :data:`RAISES` where it answers with
a number that is undefined (jiwer's insertion count for an empty reference, sklearn's 4.5e14 MAPE
at a zero target): seqlib must raise ``ValueError`` there instead. Edge cases and worked vectors
stay in each family's test file; the random comparisons live only here.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import jiwer
import numpy as np
import properscoring as ps
import pytest
import sacrebleu
import scoringrules as sr
import seqeval.metrics
import sklearn.metrics as skm
import torch
import torch.nn.functional as F
from dtaidistance import dtw as dtai
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from nltk.translate.meteor_score import meteor_score as nltk_meteor
from pycocoevalcap.cider.cider import Cider
from rapidfuzz.distance import Levenshtein
from rouge_score import rouge_scorer
from seqeval.scheme import IOB2

import seqlib.metrics as M
from seqlib.metrics import REGISTRY

RAISES = (
    object()
)  # the reference's answer is undefined here: seqlib raises ValueError


@dataclass(frozen=True)
class Case:
    inputs: st.SearchStrategy  # draws (args, kwargs) for seqlib's call
    reference: Callable  # (*args, **kwargs) -> the reference's value, in seqlib's structure, or RAISES
    rtol: float = 1e-6
    atol: float = 1e-12
    examples: int = 50


def call(*args, **kwargs):
    """Pack one call's arguments (for strategies built with st.builds)."""
    return args, kwargs


def quiet(fn, *args, **kwargs):
    """Call a reference with its warnings silenced (sklearn's zero_division='warn', seqeval's ...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def assert_same(ours, theirs, rtol, atol, where=""):
    """Equal within tolerance, recursing into dicts; tensors and arrays compare as arrays."""
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), where
        for key in theirs:
            assert_same(
                ours[key], theirs[key], rtol, atol, f"{where}[{key!r}]"
            )
        return
    ours = ours.numpy() if isinstance(ours, torch.Tensor) else ours
    theirs = (
        theirs.numpy() if isinstance(theirs, torch.Tensor) else theirs
    )
    np.testing.assert_allclose(
        ours, theirs, rtol=rtol, atol=atol, equal_nan=True, err_msg=where
    )


# --- input strategies ---------------------------------------------------------------------------


@st.composite
def lm_inputs(draw):
    b, t, v = (
        draw(st.integers(1, 4)),
        draw(st.integers(1, 6)),
        draw(st.integers(1, 7)),
    )
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    logits = torch.randn(
        b, t, v, generator=g, dtype=torch.float64
    ) * draw(st.sampled_from([0.1, 1.0, 30.0]))
    targets = torch.randint(0, v, (b, t), generator=g)  # (B, T)
    if draw(st.booleans()):
        targets[:, t // 2 + 1 :] = -100  # padding
        targets[0, 0] = 0  # keep at least one scored token
    return (logits, targets), {"ignore_index": -100}


def ce(logits, targets, ignore_index):
    return F.cross_entropy(
        logits.flatten(0, 1),
        targets.flatten(),
        ignore_index=ignore_index,
        reduction="none",
    ).view(targets.shape)  # (B, T)


@st.composite
def label_pairs(draw, classes=4, min_size=1):
    y = draw(
        st.lists(
            st.integers(0, classes - 1), min_size=min_size, max_size=40
        )
    )
    return y, draw(
        st.lists(
            st.integers(0, classes - 1), min_size=len(y), max_size=len(y)
        )
    )


@st.composite
def prf_inputs(draw):
    if draw(st.booleans()):  # binary, with either positive label
        kwargs = {"pos_label": draw(st.sampled_from([0, 1]))}
        y, yhat = draw(label_pairs(classes=2))
    else:
        kwargs = {
            "average": draw(
                st.sampled_from(["macro", "micro", "weighted"])
            )
        }
        y, yhat = draw(label_pairs())
        if draw(st.booleans()):
            kwargs["labels"] = draw(
                st.lists(
                    st.integers(0, 5), min_size=1, max_size=4, unique=True
                )
            )
    kwargs["zero_division"] = draw(st.sampled_from([0.0, 1.0, np.nan]))
    return (y, yhat), kwargs


@st.composite
def ranking_inputs(draw, both_classes):
    s = draw(
        st.lists(
            st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0, -3.0]),
            min_size=2,
            max_size=60,
        )
    )
    y = draw(
        st.lists(
            st.integers(0, 1), min_size=len(s), max_size=len(s)
        ).filter(
            lambda y: 0 < sum(y) and (sum(y) < len(y) or not both_classes)
        )
    )
    return (y, s), {}


TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


@st.composite
def tag_inputs(draw, modes=False):
    y = draw(
        st.lists(
            st.lists(st.sampled_from(TAGS), max_size=8),
            min_size=1,
            max_size=5,
        )
    )
    yhat = [
        draw(
            st.lists(
                st.sampled_from(TAGS), min_size=len(s), max_size=len(s)
            )
        )
        for s in y
    ]
    return (y, yhat), (
        {"mode": draw(st.sampled_from(["default", "strict"]))}
        if modes
        else {}
    )


SEQEVAL_SCHEMES = {
    "IOB1": "IOB",
    "IOB2": "IOB",
    "IOE1": "IOE",
    "IOE2": "IOE",
    "IOBES": "IOBES",
    "BILOU": "BILOU",
}


@st.composite
def span_inputs(draw):
    """Tags of one scheme, read in seqeval's default or strict mode, with seqeval's average and zero_division."""
    scheme = draw(st.sampled_from(list(SEQEVAL_SCHEMES)))
    mode = (
        "strict"
        if scheme == "BILOU"
        else draw(st.sampled_from(["default", "strict"]))
    )
    tags = ["O"] + [
        f"{p}-{k}"
        for p in SEQEVAL_SCHEMES[scheme]
        if p != "O"
        for k in ("PER", "LOC")
    ]
    y = draw(
        st.lists(
            st.lists(st.sampled_from(tags), max_size=8),
            min_size=1,
            max_size=4,
        )
    )
    yhat = [
        draw(
            st.lists(
                st.sampled_from(tags), min_size=len(s), max_size=len(s)
            )
        )
        for s in y
    ]
    options = {
        "mode": mode,
        "zero_division": draw(st.sampled_from([0, 1])),
        "average": draw(st.sampled_from(["micro", "macro", "weighted"])),
    }
    return (y, yhat), (
        {**options, "scheme": scheme} if mode == "strict" else options
    )


def seqeval_span(fn):
    """seqeval's precision/recall/f1_score under seqlib's option names; its nan (no type to average) is RAISES."""
    import seqeval.scheme

    def reference(y, p, mode, zero_division, average, scheme=None):
        extra = (
            {
                "mode": "strict",
                "scheme": getattr(seqeval.scheme, scheme)
                if scheme
                else IOB2,
            }
            if mode == "strict"
            else {}
        )
        value = quiet(
            fn,
            y,
            p,
            average=average,
            zero_division=zero_division,
            **extra,
        )
        return RAISES if np.isnan(value) else value

    return reference


def nervaluate_table(y, p):
    from nervaluate import Evaluator

    result = Evaluator(
        y, p, tags=["PER", "LOC"], loader="list"
    ).evaluate()["overall"]
    return {
        schema: {
            f: getattr(r, f)
            for f in (
                "correct",
                "incorrect",
                "partial",
                "missed",
                "spurious",
                "possible",
                "actual",
                "precision",
                "recall",
                "f1",
            )
        }
        for schema, r in result.items()
    }


def jiwer_measure(name):
    """jiwer's mer/wil/wip; where jiwer returns a number for 0/0 (empty references), seqlib raises."""

    def reference(refs, hyps):
        out = jiwer.process_words(refs, hyps)
        n, m = (
            out.hits + out.substitutions + out.deletions,
            out.hits + out.substitutions + out.insertions,
        )
        return (
            RAISES
            if (n + m == 0 if name == "mer" else n == 0)
            else getattr(out, name)
        )

    return reference


OVERLAP_WORDS = [
    "the",
    "The",
    "cat",
    "cats",
    "sat",
    "sits",
    "sitting",
    "on",
    "mat",
    "a",
    "dog",
    "3.5",
    "1,000",
    "big",
    "large",
    "run",
    "running",
    "skies",
    "dying",
    "hello",
    "it's",
    "(x)",
    "-",
    ",",
    ".",
    "!",
    "&amp;",
    "schön",
    "猫",
    "e-mail",
    "$5",
    "5-3",
]
sentence = st.lists(st.sampled_from(OVERLAP_WORDS), max_size=12).map(
    " ".join
)
lines = st.lists(sentence, max_size=3).map("\n".join)
references = st.lists(sentence, min_size=1, max_size=3).map(
    lambda r: r if len(r) > 1 else r[0]
)  # str or list
corpus = st.lists(
    st.tuples(references, sentence), min_size=1, max_size=6
).map(lambda pairs: ([r for r, _ in pairs], [h for _, h in pairs]))
smooth = st.sampled_from(["exp", "floor", "none"])
bleu_options = st.fixed_dictionaries(
    {},
    optional={  # sacrebleu's BLEU options, under its names
        "lowercase": st.booleans(),
        "tokenize": st.sampled_from(["13a", "none", "intl", "char"]),
        "max_ngram_order": st.integers(1, 5),
        "smooth_method": st.sampled_from(
            ["exp", "floor", "add-k", "none"]
        ),
        "smooth_value": st.sampled_from([0.0, 0.1, 1, 2.5]),
    },
)
chrf_options = st.fixed_dictionaries(
    {},
    optional={  # sacrebleu's CHRF options (word_order=2: chrF++)
        "char_order": st.integers(1, 7),
        "word_order": st.integers(0, 2),
        "beta": st.sampled_from([1, 2, 3]),
        "lowercase": st.booleans(),
        "whitespace": st.booleans(),
        "eps_smoothing": st.booleans(),
    },
)
tokens = st.lists(
    st.sampled_from(
        [
            "the",
            "The",
            "cat",
            "cats",
            "sat",
            "sits",
            "sitting",
            "on",
            "mat",
            "a",
            "run",
            "runs",
            "running",
            "big",
            "large",
            "dog",
            "dogs",
            "is",
            "was",
        ]
    ),
    min_size=1,
    max_size=10,
)
caption = st.lists(
    st.sampled_from(
        [
            "a",
            "the",
            "cat",
            "dog",
            "on",
            "mat",
            "runs",
            "sits",
            "two",
            "people",
        ]
    ),
    min_size=1,
    max_size=9,
).map(" ".join)


def hf_exact_match(
    references, hypotheses, ignore_case=False, ignore_punctuation=False
):
    """Hugging Face evaluate's exact_match computation (its metric script needs the Hub), on NumPy strings."""
    import string

    p0, r0 = np.asarray(hypotheses), np.asarray(references)
    p, r = (
        (np.char.lower(p0), np.char.lower(r0))
        if ignore_case
        else (p0, r0)
    )
    if ignore_punctuation:
        table = str.maketrans("", "", string.punctuation)
        p, r = np.char.translate(p, table), np.char.translate(r, table)
    return float(
        np.mean(p == r)
    )  # evaluate 0.4.6: predictions == references


def sacre_refs(refs):
    """One-entry-per-hypothesis references as sacrebleu's reference streams (None pads)."""
    refs = [[r] if isinstance(r, str) else list(r) for r in refs]
    return [
        [r[j] if j < len(r) else None for r in refs]
        for j in range(max(map(len, refs)))
    ]


def rouge_reference(target, prediction, use_stemmer=False):
    scorer = rouge_scorer.RougeScorer(
        ["rouge1", "rouge2", "rougeL", "rougeLsum"],
        use_stemmer=use_stemmer,
    )
    scores = (
        scorer.score(target, prediction)
        if isinstance(target, str)
        else scorer.score_multi(target, prediction)
    )
    return {
        k: {
            "precision": s.precision,
            "recall": s.recall,
            "fmeasure": s.fmeasure,
        }
        for k, s in scores.items()
    }


class NoSynonyms:
    """A WordNet without synsets: NLTK's METEOR then runs its exact and stem stages only."""

    def synsets(self, word):
        return []


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
point_pairs = st.integers(2, 30).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=finite),
        hnp.arrays(np.float64, n, elements=finite),
    )
)
speech_text = st.one_of(
    st.lists(
        st.sampled_from(
            ["a", "b", "c", "the", "cat", "Cat", "cat.", ","]
        ),
        max_size=8,
    ).map(" ".join),
    st.text(alphabet="ab \t\n.", max_size=12),
)
speech_corpus = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(speech_text, min_size=n, max_size=n),
        st.lists(speech_text, min_size=n, max_size=n),
    )
)


def jiwer_rate(process, rate):
    def reference(refs, hyps):
        counts = process(refs, hyps)
        return (
            RAISES
            if counts.hits + counts.substitutions + counts.deletions == 0
            else rate(refs, hyps)
        )

    return reference


def smape_m4(y, p):
    den = np.abs(y) + np.abs(p)
    return 100 * np.mean(
        np.where(
            den > 0, 2 * np.abs(y - p) / np.where(den > 0, den, 1), 0.0
        )
    )


series = st.lists(
    st.floats(-5, 5, allow_nan=False, width=32), min_size=1, max_size=25
).map(np.array)


@st.composite
def weighted_ensembles(draw):
    """properscoring's crps_ensemble options: members on any axis, with or without member weights."""
    n, m = draw(st.integers(1, 5)), draw(st.integers(2, 12))
    obs = draw(hnp.arrays(np.float64, n, elements=finite))
    ens = draw(hnp.arrays(np.float64, (n, m), elements=finite))
    options = {}
    if draw(st.booleans()):
        options["weights"] = draw(
            hnp.arrays(np.float64, (n, m), elements=st.floats(0.01, 10))
        )
    if draw(st.booleans()):  # members first: axis=0
        ens, options = (
            ens.T,
            {
                **options,
                "axis": 0,
                **(
                    {"weights": options["weights"].T}
                    if "weights" in options
                    else {}
                ),
            },
        )
    return (obs, ens), options


@st.composite
def intervals(draw, with_alpha=False):
    n = draw(st.integers(1, 20))
    y = draw(hnp.arrays(np.float64, n, elements=finite))
    a, b = (
        draw(hnp.arrays(np.float64, n, elements=finite)),
        draw(hnp.arrays(np.float64, n, elements=finite)),
    )
    args = (y, np.minimum(a, b), np.maximum(a, b))
    return (
        (args, {"alpha": draw(st.floats(0.01, 0.99))})
        if with_alpha
        else (args, {})
    )


@st.composite
def mase_inputs(draw):
    d, season = draw(st.integers(1, 3)), draw(st.integers(1, 6))
    horizon, n_train = (
        draw(st.integers(1, 8)),
        draw(st.integers(season + 2, season + 20)),
    )
    arrays = [
        draw(hnp.arrays(np.float64, (k, d), elements=finite))
        for k in (horizon, horizon, n_train)
    ]
    arrays[2][-1] += 1.0 + np.abs(
        arrays[2][-1 - season]
    )  # no exactly periodic training series (zero scale)
    return (*arrays, season), {"multioutput": "raw_values"}


def utilsforecast_mase(target, prediction, train, season, multioutput):
    import pandas as pd
    from utilsforecast.losses import mase as uf_mase

    n_train, d = train.shape
    train_df = pd.DataFrame(
        {
            "unique_id": np.tile(np.arange(d), n_train),
            "ds": np.repeat(np.arange(n_train), d),
            "y": train.ravel(),
        }
    )
    test_df = pd.DataFrame(
        {
            "unique_id": np.tile(np.arange(d), len(target)),
            "ds": np.repeat(np.arange(len(target)) + n_train, d),
            "y": target.ravel(),
            "model": prediction.ravel(),
        }
    )
    return (
        uf_mase(test_df, ["model"], season, train_df)
        .sort_values("unique_id")["model"]
        .to_numpy()
    )


def fid_sqrtm(x, y, ddof):
    """The Fréchet distance between fitted Gaussians as pytorch-fid computes it (scipy sqrtm, real part)."""
    import scipy.linalg

    cx, cy = (
        np.atleast_2d(np.cov(x, rowvar=False, ddof=ddof)),
        np.atleast_2d(np.cov(y, rowvar=False, ddof=ddof)),
    )
    return float(
        ((x.mean(0) - y.mean(0)) ** 2).sum()
        + np.trace(cx + cy - 2 * scipy.linalg.sqrtm(cx @ cy).real)
    )


trajectory_pairs = st.tuples(
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(1, 3),
    st.sampled_from([0, 1, 4]),
    st.integers(0, 2**31 - 1),
).map(lambda t: _trajectories(*t))


def _trajectories(n, steps, d, k, seed):
    rng = np.random.default_rng(seed)
    truth = rng.normal(size=(n, steps, d)).cumsum(1)  # (N, T, D)
    guess = (truth[:, None] if k else truth) + rng.normal(
        size=(n, k, steps, d) if k else (n, steps, d)
    )  # (N, [K,] T, D)
    return (truth, guess), {}


def min_over_samples(per_agent_error):
    """ADE/FDE with best-of-K (Gupta et al. 2018): each agent's best sample, then the mean over agents."""

    def reference(truth, guess):
        if guess.ndim == 3:
            return float(
                np.mean(
                    [
                        per_agent_error(t, g)
                        for t, g in zip(truth, guess, strict=True)
                    ]
                )
            )
        return float(
            np.mean(
                [
                    min(per_agent_error(t, g) for g in gs)
                    for t, gs in zip(truth, guess, strict=True)
                ]
            )
        )

    return reference


@st.composite
def weighted_label_pairs(
    draw, classes=4
):  # classification metrics of issue 14, with issue 18's sample_weight
    y, yhat = draw(label_pairs(classes=classes))
    w = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, 2.0]),
                min_size=len(y),
                max_size=len(y),
            ).filter(lambda w: sum(w) > 0),
        )
    )
    return (y, yhat), {"sample_weight": w}


@st.composite
def binary_probabilities(draw):
    p = draw(
        st.lists(
            st.one_of(
                st.floats(0, 1), st.sampled_from([0.0, 0.2, 0.4, 1.0])
            ),
            min_size=1,
            max_size=40,
        )
    )
    return (
        draw(
            st.lists(st.integers(0, 1), min_size=len(p), max_size=len(p))
        ),
        p,
    ), {}


@st.composite
def topk_inputs(draw):
    n, c = draw(st.integers(1, 20)), draw(st.integers(3, 6))
    s = draw(
        st.lists(
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, -2.0]),
                min_size=c,
                max_size=c,
            ),
            min_size=n,
            max_size=n,
        )
    )
    y = draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    return (y, s), {
        "k": draw(st.integers(1, c)),
        "labels": list(range(c)),
    }


def undefined_as_raises(fn):
    """scikit-learn's NaN/inf for an undefined value (with a warning) is seqlib's ValueError."""

    def reference(*args, **kwargs):
        value = quiet(fn, *args, **kwargs)
        return RAISES if not np.isfinite(value) else value

    return reference


def torchmetrics_ece(y, p):
    from torchmetrics.functional.classification import (
        binary_calibration_error,
    )

    return float(
        binary_calibration_error(
            torch.tensor(p, dtype=torch.float64), torch.tensor(y)
        )
    )


# --- the cases, one per registered metric ---------------------------------------------------------

CASES: dict[str, Case] = {
    "token_nll": Case(
        lm_inputs(),
        lambda lo, ta, ignore_index: float(
            F.cross_entropy(
                lo.flatten(0, 1), ta.flatten(), ignore_index=ignore_index
            )
        ),
    ),
    "perplexity": Case(
        lm_inputs(),
        lambda lo, ta, ignore_index: math.exp(
            F.cross_entropy(
                lo.flatten(0, 1), ta.flatten(), ignore_index=ignore_index
            )
        ),
    ),
    "sequence_nll": Case(
        lm_inputs(),
        lambda lo, ta, ignore_index: ce(lo, ta, ignore_index).sum(1),
        atol=1e-12,
    ),
    "bits_per_character": Case(
        st.builds(call, st.floats(0, 1e6), st.integers(1, 10**6)),
        lambda nll, chars: nll / (math.log(2) * chars),
    ),
    "bits_per_byte": Case(
        st.builds(
            call, st.floats(0, 1e6), st.text(min_size=1, max_size=20)
        ),
        lambda nll, text: nll / (math.log(2) * len(text.encode("utf-8"))),
    ),
    "accuracy": Case(
        label_pairs().map(lambda p: (p, {})), skm.accuracy_score
    ),
    "precision": Case(
        prf_inputs(), lambda *a, **k: quiet(skm.precision_score, *a, **k)
    ),
    "recall": Case(
        prf_inputs(), lambda *a, **k: quiet(skm.recall_score, *a, **k)
    ),
    "f1_score": Case(
        prf_inputs(), lambda *a, **k: quiet(skm.f1_score, *a, **k)
    ),
    "confusion_matrix": Case(
        label_pairs().map(lambda p: (p, {})),
        lambda y, p: quiet(skm.confusion_matrix, y, p),
    ),
    "roc_auc": Case(ranking_inputs(both_classes=True), skm.roc_auc_score),
    "average_precision": Case(
        ranking_inputs(both_classes=False), skm.average_precision_score
    ),
    "top_k_accuracy": Case(
        topk_inputs(),
        lambda y, s, **kw: quiet(
            skm.top_k_accuracy_score, y, np.array(s), **kw
        ),
    ),
    "matthews_corrcoef": Case(
        weighted_label_pairs(), skm.matthews_corrcoef, atol=1e-12
    ),
    "balanced_accuracy": Case(
        weighted_label_pairs(),
        lambda *a, **k: quiet(skm.balanced_accuracy_score, *a, **k),
    ),
    "cohen_kappa": Case(
        st.builds(
            lambda p, wt: (p[0], {**p[1], "weights": wt}),
            weighted_label_pairs(),
            st.sampled_from([None, "linear", "quadratic"]),
        ),
        undefined_as_raises(skm.cohen_kappa_score),
        atol=1e-12,
    ),
    "brier_score": Case(
        binary_probabilities(), skm.brier_score_loss, atol=1e-15
    ),
    "log_loss": Case(
        binary_probabilities().map(lambda a: (a[0], {"labels": [0, 1]})),
        skm.log_loss,
    ),
    "calibration_error": Case(
        binary_probabilities(), torchmetrics_ece, rtol=1e-9, atol=1e-12
    ),
    "token_accuracy": Case(
        tag_inputs(),
        lambda y, p: (
            RAISES
            if not any(y)
            else skm.accuracy_score(
                [t for s in y for t in s], [t for s in p for t in s]
            )
        ),
    ),
    "sequence_accuracy": Case(
        tag_inputs(),
        lambda y, p: float(
            np.mean([a == b for a, b in zip(y, p, strict=True)])
        ),
    ),
    "span_f1": Case(
        st.one_of(
            tag_inputs(modes=True).map(
                lambda c: (
                    c[0],
                    {**c[1], "zero_division": 0, "average": "micro"},
                )
            ),
            span_inputs(),
        ),
        seqeval_span(seqeval.metrics.f1_score),
    ),
    "span_precision": Case(
        span_inputs(), seqeval_span(seqeval.metrics.precision_score)
    ),
    "span_recall": Case(
        span_inputs(), seqeval_span(seqeval.metrics.recall_score)
    ),
    "span_scores": Case(tag_inputs(), nervaluate_table),
    "edit_distance": Case(
        st.one_of(
            st.builds(
                call,
                st.text("abc ", max_size=25),
                st.text("abc ", max_size=25),
            ),
            st.builds(
                call,
                st.lists(
                    st.sampled_from(["the", "cat", "sat", ""]),
                    max_size=15,
                ),
                st.lists(
                    st.sampled_from(["the", "cat", "sat", ""]),
                    max_size=15,
                ),
            ),
        ),
        Levenshtein.distance,
        examples=100,
    ),
    "corpus_bleu": Case(
        st.builds(
            lambda c, o: (c, {"references_layout": "per_sentence", **o}),
            corpus,
            bleu_options,
        ),
        lambda r, h, references_layout, **o: (
            sacrebleu.BLEU(**o).corpus_score(h, sacre_refs(r)).score
        ),
        atol=1e-9,
    ),
    "sentence_bleu": Case(
        st.builds(
            lambda r, h, o: ((r, h), o),
            st.lists(sentence, min_size=1, max_size=3),
            sentence,
            bleu_options,
        ),
        lambda r, h, **o: (
            sacrebleu.BLEU(effective_order=True, **o)
            .sentence_score(h, r)
            .score
        ),
        atol=1e-9,
    ),
    "chrf": Case(
        st.builds(
            lambda c, o: (c, {"references_layout": "per_sentence", **o}),
            corpus,
            chrf_options,
        ),
        lambda r, h, references_layout, **o: (
            sacrebleu.CHRF(**o).corpus_score(h, sacre_refs(r)).score
        ),
        atol=1e-9,
    ),
    "ter": Case(
        st.builds(
            lambda c, cs: (
                c,
                {
                    "references_layout": "per_sentence",
                    "case_sensitive": cs,
                },
            ),
            corpus,
            st.booleans(),
        ),
        lambda r, h, references_layout, case_sensitive: (
            sacrebleu.TER(case_sensitive=case_sensitive)
            .corpus_score(h, sacre_refs(r))
            .score
        ),
        atol=1e-9,
    ),
    "distinct_n": Case(
        st.builds(
            lambda t, n: ((t,), {"n": n}),
            st.lists(
                sentence.filter(lambda x: len(x.split()) >= 3),
                min_size=1,
                max_size=6,
            ),
            st.integers(1, 3),
        ),
        lambda texts, n: (
            len(
                {
                    tuple(t.split()[i : i + n])
                    for t in texts
                    for i in range(len(t.split()) - n + 1)
                }
            )
            / sum(len(t.split()) - n + 1 for t in texts)
        ),
    ),
    "self_bleu": Case(
        st.builds(
            lambda t, o: ((t,), o),
            st.lists(sentence, min_size=2, max_size=6),
            bleu_options,
        ),
        lambda texts, **o: float(
            np.mean(
                [
                    sacrebleu.BLEU(effective_order=True, **o)
                    .sentence_score(h, texts[:i] + texts[i + 1 :])
                    .score
                    for i, h in enumerate(texts)
                ]
            )
        ),
        atol=1e-9,
    ),
    "rouge": Case(
        st.builds(
            lambda t, p, s: ((t, p), {"use_stemmer": s}),
            st.one_of(lines, st.lists(sentence, min_size=1, max_size=3)),
            lines,
            st.booleans(),
        ),
        rouge_reference,
    ),
    "rouge_corpus": Case(
        st.builds(
            lambda c, s: (c, {"use_stemmer": s}),
            st.lists(st.tuples(lines, lines), min_size=1, max_size=4).map(
                lambda pairs: (
                    [t for t, _ in pairs],
                    [p for _, p in pairs],
                )
            ),
            st.booleans(),
        ),
        lambda ts, ps_, use_stemmer: {
            k: float(
                np.mean(
                    [
                        rouge_reference(t, p, use_stemmer)[k]["fmeasure"]
                        for t, p in zip(ts, ps_, strict=True)
                    ]
                )
            )
            for k in ("rouge1", "rouge2", "rougeL", "rougeLsum")
        },
    ),
    "meteor": Case(
        st.builds(
            lambda r, h: ((r, h), {"wordnet": None}),
            st.lists(tokens, min_size=1, max_size=3),
            tokens,
        ),
        lambda refs, hyp, wordnet: nltk_meteor(
            refs, hyp, wordnet=NoSynonyms()
        ),
    ),
    "cider": Case(
        st.lists(
            st.tuples(st.lists(caption, min_size=1, max_size=4), caption),
            min_size=1,
            max_size=6,
        ).map(
            lambda items: (
                (
                    {f"img{i}": r for i, (r, _) in enumerate(items)},
                    {f"img{i}": [h] for i, (_, h) in enumerate(items)},
                ),
                {},
            )
        ),
        lambda gts, res: (
            RAISES
            if len(gts) == 1
            else Cider().compute_score(gts, res)[0]
        ),
    ),
    "exact_match": Case(
        st.builds(
            lambda pairs, case, punct: (
                ([r for r, _ in pairs], [h for _, h in pairs]),
                {"ignore_case": case, "ignore_punctuation": punct},
            ),
            st.lists(
                st.tuples(
                    st.text("aA .?é猫", max_size=4),
                    st.text("aA .?é猫", max_size=4),
                ),
                min_size=1,
                max_size=8,
            ),
            st.booleans(),
            st.booleans(),
        ),
        lambda refs, hyps, **kw: hf_exact_match(refs, hyps, **kw),
    ),
    "mae": Case(
        point_pairs.map(lambda p: (p, {})), skm.mean_absolute_error
    ),
    "rmse": Case(
        point_pairs.map(lambda p: (p, {})), skm.root_mean_squared_error
    ),
    "mape": Case(
        point_pairs.map(lambda p: (p, {})),
        lambda y, p: (
            RAISES
            if np.any(y == 0)
            else skm.mean_absolute_percentage_error(y, p)
        ),
    ),
    "smape": Case(point_pairs.map(lambda p: (p, {})), smape_m4),
    "r2_score": Case(
        point_pairs.map(lambda p: (p, {})), skm.r2_score, atol=1e-9
    ),
    "pinball_loss": Case(
        st.builds(
            lambda p, a: (p, {"alpha": a}),
            point_pairs,
            st.floats(0.0, 1.0),
        ),
        lambda y, p, alpha: skm.mean_pinball_loss(y, p, alpha=alpha),
    ),
    "crps_ensemble": Case(
        st.one_of(
            st.builds(
                lambda arrays, fair: (arrays, {"fair": fair}),
                st.integers(1, 5).flatmap(
                    lambda n: st.integers(2, 12).flatmap(
                        lambda m: st.tuples(
                            hnp.arrays(np.float64, n, elements=finite),
                            hnp.arrays(
                                np.float64, (n, m), elements=finite
                            ),
                        )
                    )
                ),
                st.booleans(),
            ),
            weighted_ensembles(),
        ),
        lambda obs, ens, fair=False, weights=None, axis=-1: (
            sr.crps_ensemble(obs, ens, estimator="fair")
            if fair
            else ps.crps_ensemble(obs, ens, weights, axis=axis)
        ),
        atol=1e-9,
    ),
    "crps_gaussian": Case(
        st.integers(1, 20)
        .flatmap(
            lambda n: st.tuples(
                hnp.arrays(np.float64, n, elements=finite),
                hnp.arrays(np.float64, n, elements=finite),
                hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e3)),
            )
        )
        .map(lambda a: (a, {})),
        ps.crps_gaussian,
        atol=1e-9,
    ),
    "wer": Case(
        speech_corpus.map(lambda c: (c, {})),
        jiwer_rate(jiwer.process_words, jiwer.wer),
    ),
    "cer": Case(
        speech_corpus.map(lambda c: (c, {})),
        jiwer_rate(jiwer.process_characters, jiwer.cer),
    ),
    "mer": Case(
        speech_corpus.map(lambda c: (c, {})), jiwer_measure("mer")
    ),
    "wil": Case(
        speech_corpus.map(lambda c: (c, {})), jiwer_measure("wil")
    ),
    "wip": Case(
        speech_corpus.map(lambda c: (c, {})), jiwer_measure("wip")
    ),
    "sentence_error_rate": Case(
        speech_corpus.map(lambda c: (c, {})),
        lambda r, h: np.mean(
            [
                any(chunk.type != "equal" for chunk in a)
                for a in jiwer.process_words(r, h).alignments
            ]
        ),
    ),
    "average_return": Case(
        st.builds(
            lambda e, g: ((e,), {"gamma": g}),
            st.lists(
                st.lists(st.floats(-10, 10), min_size=1, max_size=12),
                min_size=1,
                max_size=6,
            ),
            st.floats(0, 1),
        ),
        lambda eps, gamma: np.mean(
            [sum(r * gamma**t for t, r in enumerate(e)) for e in eps]
        ),
        atol=1e-9,
    ),
    "success_rate": Case(
        st.lists(st.booleans(), min_size=1, max_size=30).map(
            lambda f: ((f,), {})
        ),
        np.mean,
    ),
    "policy_entropy": Case(
        st.builds(
            lambda b, a, seed, scale: (
                (
                    torch.randn(
                        b,
                        a,
                        dtype=torch.float64,
                        generator=torch.Generator().manual_seed(seed),
                    )
                    * scale,
                ),
                {},
            ),
            st.integers(1, 5),
            st.integers(1, 8),
            st.integers(0, 2**31 - 1),
            st.sampled_from([0.1, 3.0, 50.0]),
        ),
        lambda logits: torch.distributions.Categorical(
            logits=logits
        ).entropy(),
    ),
    # use_pruning=False: with pruning, dtaidistance 2.5.1 returns inf when the DTW equals its Euclidean bound
    "dtw": Case(
        st.builds(
            lambda a, b, w: ((a, b), {"window": w}),
            series,
            series,
            st.one_of(st.none(), st.integers(1, 30)),
        ),
        lambda a, b, window: dtai.distance_fast(
            a.astype(np.float64),
            b.astype(np.float64),
            use_pruning=False,
            **({} if window is None else {"window": window}),
        ),
    ),
    "mase": Case(mase_inputs(), utilsforecast_mase, atol=1e-9),
    "interval_coverage": Case(
        intervals(),
        lambda y, lo, hi: float(np.mean((lo <= y) & (y <= hi))),
    ),
    "interval_score": Case(
        intervals(with_alpha=True),
        lambda y, lo, hi, alpha: sr.interval_score(y, lo, hi, alpha),
        atol=1e-9,
    ),
    "gaussian_log_score": Case(
        st.integers(1, 20)
        .flatmap(
            lambda n: st.tuples(
                hnp.arrays(np.float64, n, elements=finite),
                hnp.arrays(np.float64, n, elements=finite),
                hnp.arrays(np.float64, n, elements=st.floats(1e-2, 1e3)),
            )
        )
        .filter(
            lambda a: np.all(np.abs(a[0] - a[1]) < 30 * a[2])
        )  # scoringrules: inf once the pdf underflows
        .map(lambda a: (a, {})),
        sr.logs_normal,
        atol=1e-9,
    ),
    "energy_score": Case(
        st.tuples(
            st.integers(1, 5),
            st.integers(1, 9),
            st.integers(1, 4),
            st.sampled_from(["nrg", "fair"]),
        )
        .filter(lambda t: t[1] > 1 or t[3] == "nrg")
        .flatmap(
            lambda t: st.tuples(
                hnp.arrays(np.float64, (t[0], t[2]), elements=finite),
                hnp.arrays(
                    np.float64, (t[0], t[1], t[2]), elements=finite
                ),
                st.just(t[3]),
            )
        )
        .map(lambda a: ((a[0], a[1]), {"estimator": a[2]})),
        lambda obs, ens, estimator: sr.es_ensemble(
            obs, ens, estimator=estimator
        ),
        atol=1e-9,
    ),
    "discounted_return": Case(
        st.builds(
            lambda r, g: ((r,), {"gamma": g}),
            st.lists(st.floats(-10, 10), max_size=40),
            st.floats(0, 1),
        ),
        lambda rewards, gamma: sum(
            r * gamma**t for t, r in enumerate(rewards)
        ),
        atol=1e-9,
    ),
    "sample_efficiency": Case(
        st.integers(1, 30)
        .flatmap(
            lambda k: st.tuples(
                st.lists(
                    st.integers(1, 1000), min_size=k, max_size=k
                ).map(lambda d: np.cumsum(d).astype(float)),
                hnp.arrays(np.float64, k, elements=st.floats(-100, 100)),
                st.floats(-100, 100),
            )
        )
        .map(lambda a: ((a[0], a[1]), {"threshold": a[2]})),
        lambda s, c, threshold: (
            float(np.trapezoid(c, s) / (s[-1] - s[0]))
            if len(s) > 1
            else float(c[0]),
            float(s[np.argmax(c >= threshold)])
            if np.any(c >= threshold)
            else math.inf,
        ),
        atol=1e-9,
    ),
    "ade": Case(
        trajectory_pairs,
        min_over_samples(
            lambda t, g: np.linalg.norm(g - t, axis=-1).mean()
        ),
    ),
    "fde": Case(
        trajectory_pairs,
        min_over_samples(lambda t, g: np.linalg.norm(g[-1] - t[-1])),
    ),
    "discrete_frechet": Case(
        st.tuples(
            st.integers(1, 15),
            st.integers(1, 15),
            st.integers(1, 3),
            st.sampled_from([1, 2, 3.0, math.inf]),
            st.integers(0, 2**31 - 1),
        ).map(
            lambda t: (
                (
                    np.random.default_rng(t[4]).normal(size=(t[0], t[2])),
                    np.random.default_rng(t[4] + 1).normal(
                        size=(t[1], t[2])
                    ),
                ),
                {"p": t[3]},
            )
        ),
        lambda a, b, p: __import__("similaritymeasures").frechet_dist(
            a, b, p=p
        ),
    ),
    "frechet_distance": Case(
        st.tuples(
            st.integers(1, 6),
            st.integers(0, 30),
            st.integers(0, 30),
            st.sampled_from([0, 1]),
            st.integers(0, 2**31 - 1),
        ).map(
            lambda t: (
                (
                    np.random.default_rng(t[4]).normal(
                        size=(t[0] + 2 + t[1], t[0])
                    ),
                    2.0
                    * np.random.default_rng(t[4] + 1).normal(
                        size=(t[0] + 2 + t[2], t[0])
                    )
                    + 1.0,
                ),
                {"ddof": t[3]},
            )
        ),
        fid_sqrtm,
        rtol=1e-6,
        atol=1e-9,
    ),
}


def test_every_registered_metric_has_a_parity_case():
    assert set(CASES) == set(REGISTRY)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_parity(name):
    case, fn = CASES[name], getattr(M, name)

    @settings(
        max_examples=case.examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )
    @given(case.inputs)
    def check(example):
        args, kwargs = example
        expected = case.reference(*args, **kwargs)
        if expected is RAISES:
            with pytest.raises(ValueError):
                fn(*args, **kwargs)
        else:
            assert_same(
                fn(*args, **kwargs), expected, case.rtol, case.atol, name
            )

    check()
