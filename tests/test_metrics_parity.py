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

RAISES = object()  # the reference's answer is undefined here: seqlib raises ValueError


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
            assert_same(ours[key], theirs[key], rtol, atol, f"{where}[{key!r}]")
        return
    ours = ours.numpy() if isinstance(ours, torch.Tensor) else ours
    theirs = theirs.numpy() if isinstance(theirs, torch.Tensor) else theirs
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True, err_msg=where)


# --- input strategies ---------------------------------------------------------------------------

@st.composite
def lm_inputs(draw):
    b, t, v = draw(st.integers(1, 4)), draw(st.integers(1, 6)), draw(st.integers(1, 7))
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31 - 1)))
    logits = torch.randn(b, t, v, generator=g, dtype=torch.float64) * draw(st.sampled_from([0.1, 1.0, 30.0]))
    targets = torch.randint(0, v, (b, t), generator=g)  # (B, T)
    if draw(st.booleans()):
        targets[:, t // 2 + 1:] = -100  # padding
        targets[0, 0] = 0  # keep at least one scored token
    return (logits, targets), {"ignore_index": -100}


def ce(logits, targets, ignore_index):
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=ignore_index,
                           reduction="none").view(targets.shape)  # (B, T)


@st.composite
def label_pairs(draw, classes=4, min_size=1):
    y = draw(st.lists(st.integers(0, classes - 1), min_size=min_size, max_size=40))
    return y, draw(st.lists(st.integers(0, classes - 1), min_size=len(y), max_size=len(y)))


@st.composite
def prf_inputs(draw):
    if draw(st.booleans()):  # binary, with either positive label
        kwargs = {"pos_label": draw(st.sampled_from([0, 1]))}
        y, yhat = draw(label_pairs(classes=2))
    else:
        kwargs = {"average": draw(st.sampled_from(["macro", "micro", "weighted"]))}
        y, yhat = draw(label_pairs())
        if draw(st.booleans()):
            kwargs["labels"] = draw(st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True))
    kwargs["zero_division"] = draw(st.sampled_from([0.0, 1.0, np.nan]))
    return (y, yhat), kwargs


@st.composite
def ranking_inputs(draw, both_classes):
    s = draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0, -3.0]), min_size=2, max_size=60))
    y = draw(st.lists(st.integers(0, 1), min_size=len(s), max_size=len(s))
             .filter(lambda y: 0 < sum(y) and (sum(y) < len(y) or not both_classes)))
    return (y, s), {}


TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


@st.composite
def tag_inputs(draw, modes=False):
    y = draw(st.lists(st.lists(st.sampled_from(TAGS), max_size=8), min_size=1, max_size=5))
    yhat = [draw(st.lists(st.sampled_from(TAGS), min_size=len(s), max_size=len(s))) for s in y]
    return (y, yhat), ({"mode": draw(st.sampled_from(["default", "strict"]))} if modes else {})


OVERLAP_WORDS = ["the", "The", "cat", "cats", "sat", "sits", "sitting", "on", "mat", "a", "dog", "3.5", "1,000",
                 "big", "large", "run", "running", "skies", "dying", "hello", "it's", "(x)", "-", ",", ".", "!",
                 "&amp;", "schön", "猫", "e-mail", "$5", "5-3"]
sentence = st.lists(st.sampled_from(OVERLAP_WORDS), max_size=12).map(" ".join)
lines = st.lists(sentence, max_size=3).map("\n".join)
references = st.lists(sentence, min_size=1, max_size=3).map(lambda r: r if len(r) > 1 else r[0])  # str or list
corpus = st.lists(st.tuples(references, sentence), min_size=1, max_size=6).map(
    lambda pairs: ([r for r, _ in pairs], [h for _, h in pairs]))
smooth = st.sampled_from(["exp", "floor", "none"])
tokens = st.lists(st.sampled_from(["the", "The", "cat", "cats", "sat", "sits", "sitting", "on", "mat", "a", "run",
                                   "runs", "running", "big", "large", "dog", "dogs", "is", "was"]), min_size=1, max_size=10)
caption = st.lists(st.sampled_from(["a", "the", "cat", "dog", "on", "mat", "runs", "sits", "two", "people"]),
                   min_size=1, max_size=9).map(" ".join)


def sacre_refs(refs):
    """One-entry-per-hypothesis references as sacrebleu's reference streams (None pads)."""
    refs = [[r] if isinstance(r, str) else list(r) for r in refs]
    return [[r[j] if j < len(r) else None for r in refs] for j in range(max(map(len, refs)))]


def rouge_reference(target, prediction, use_stemmer=False):
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=use_stemmer)
    scores = scorer.score(target, prediction) if isinstance(target, str) else scorer.score_multi(target, prediction)
    return {k: {"precision": s.precision, "recall": s.recall, "fmeasure": s.fmeasure} for k, s in scores.items()}


class NoSynonyms:
    """A WordNet without synsets: NLTK's METEOR then runs its exact and stem stages only."""

    def synsets(self, word):
        return []


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
point_pairs = st.integers(2, 30).flatmap(lambda n: st.tuples(hnp.arrays(np.float64, n, elements=finite),
                                                             hnp.arrays(np.float64, n, elements=finite)))
speech_text = st.one_of(st.lists(st.sampled_from(["a", "b", "c", "the", "cat", "Cat", "cat.", ","]), max_size=8)
                        .map(" ".join), st.text(alphabet="ab \t\n.", max_size=12))
speech_corpus = st.integers(1, 4).flatmap(lambda n: st.tuples(st.lists(speech_text, min_size=n, max_size=n),
                                                              st.lists(speech_text, min_size=n, max_size=n)))


def jiwer_rate(process, rate):
    def reference(refs, hyps):
        counts = process(refs, hyps)
        return RAISES if counts.hits + counts.substitutions + counts.deletions == 0 else rate(refs, hyps)
    return reference


def smape_m4(y, p):
    den = np.abs(y) + np.abs(p)
    return 100 * np.mean(np.where(den > 0, 2 * np.abs(y - p) / np.where(den > 0, den, 1), 0.0))


series = st.lists(st.floats(-5, 5, allow_nan=False, width=32), min_size=1, max_size=25).map(np.array)

# --- the cases, one per registered metric ---------------------------------------------------------

CASES: dict[str, Case] = {
    "token_nll": Case(lm_inputs(), lambda lo, ta, ignore_index: float(F.cross_entropy(
        lo.flatten(0, 1), ta.flatten(), ignore_index=ignore_index))),
    "perplexity": Case(lm_inputs(), lambda lo, ta, ignore_index: math.exp(F.cross_entropy(
        lo.flatten(0, 1), ta.flatten(), ignore_index=ignore_index))),
    "sequence_nll": Case(lm_inputs(), lambda lo, ta, ignore_index: ce(lo, ta, ignore_index).sum(1), atol=1e-12),
    "bits_per_character": Case(st.builds(call, st.floats(0, 1e6), st.integers(1, 10**6)),
                               lambda nll, chars: nll / (math.log(2) * chars)),
    "bits_per_byte": Case(st.builds(call, st.floats(0, 1e6), st.text(min_size=1, max_size=20)),
                          lambda nll, text: nll / (math.log(2) * len(text.encode("utf-8")))),
    "accuracy": Case(label_pairs().map(lambda p: (p, {})), skm.accuracy_score),
    "precision": Case(prf_inputs(), lambda *a, **k: quiet(skm.precision_score, *a, **k)),
    "recall": Case(prf_inputs(), lambda *a, **k: quiet(skm.recall_score, *a, **k)),
    "f1_score": Case(prf_inputs(), lambda *a, **k: quiet(skm.f1_score, *a, **k)),
    "confusion_matrix": Case(label_pairs().map(lambda p: (p, {})), lambda y, p: quiet(skm.confusion_matrix, y, p)),
    "roc_auc": Case(ranking_inputs(both_classes=True), skm.roc_auc_score),
    "average_precision": Case(ranking_inputs(both_classes=False), skm.average_precision_score),
    "token_accuracy": Case(tag_inputs(), lambda y, p: RAISES if not any(y) else skm.accuracy_score(
        [t for s in y for t in s], [t for s in p for t in s])),
    "sequence_accuracy": Case(tag_inputs(), lambda y, p: float(np.mean([a == b for a, b in zip(y, p, strict=True)]))),
    "span_f1": Case(tag_inputs(modes=True), lambda y, p, mode: quiet(
        seqeval.metrics.f1_score, y, p, **({"mode": "strict", "scheme": IOB2} if mode == "strict" else {}))),
    "edit_distance": Case(st.one_of(st.builds(call, st.text("abc ", max_size=25), st.text("abc ", max_size=25)),
                                    st.builds(call, st.lists(st.sampled_from(["the", "cat", "sat", ""]), max_size=15),
                                              st.lists(st.sampled_from(["the", "cat", "sat", ""]), max_size=15))),
                          Levenshtein.distance, examples=100),
    "corpus_bleu": Case(st.builds(lambda c, s: (c, {"smooth": s}), corpus, smooth), lambda r, h, smooth:
                        sacrebleu.corpus_bleu(h, sacre_refs(r), smooth_method=smooth).score, atol=1e-9),
    "sentence_bleu": Case(st.builds(lambda r, h, s: ((r, h), {"smooth": s}), st.lists(sentence, min_size=1, max_size=3),
                                    sentence, smooth),
                          lambda r, h, smooth: sacrebleu.sentence_bleu(h, r, smooth_method=smooth).score, atol=1e-9),
    "chrf": Case(corpus.map(lambda c: (c, {})), lambda r, h: sacrebleu.corpus_chrf(h, sacre_refs(r)).score, atol=1e-9),
    "rouge": Case(st.builds(lambda t, p, s: ((t, p), {"use_stemmer": s}), st.one_of(lines, st.lists(sentence, min_size=1,
                  max_size=3)), lines, st.booleans()), rouge_reference),
    "rouge_corpus": Case(st.builds(lambda c, s: (c, {"use_stemmer": s}),
                                   st.lists(st.tuples(lines, lines), min_size=1, max_size=4).map(
                                       lambda pairs: ([t for t, _ in pairs], [p for _, p in pairs])), st.booleans()),
                         lambda ts, ps_, use_stemmer: {k: float(np.mean([rouge_reference(t, p, use_stemmer)[k]["fmeasure"]
                                                                      for t, p in zip(ts, ps_, strict=True)]))
                                                       for k in ("rouge1", "rouge2", "rougeL", "rougeLsum")}),
    "meteor": Case(st.builds(lambda r, h: ((r, h), {"wordnet": None}), st.lists(tokens, min_size=1, max_size=3), tokens),
                   lambda refs, hyp, wordnet: nltk_meteor(refs, hyp, wordnet=NoSynonyms())),
    "cider": Case(st.lists(st.tuples(st.lists(caption, min_size=1, max_size=4), caption), min_size=1, max_size=6).map(
        lambda items: (({f"img{i}": r for i, (r, _) in enumerate(items)}, {f"img{i}": [h] for i, (_, h) in enumerate(items)}),
                       {})), lambda gts, res: Cider().compute_score(gts, res)[0]),
    "mae": Case(point_pairs.map(lambda p: (p, {})), skm.mean_absolute_error),
    "rmse": Case(point_pairs.map(lambda p: (p, {})), skm.root_mean_squared_error),
    "mape": Case(point_pairs.map(lambda p: (p, {})), lambda y, p: RAISES if np.any(y == 0)
                 else skm.mean_absolute_percentage_error(y, p)),
    "smape": Case(point_pairs.map(lambda p: (p, {})), smape_m4),
    "r2_score": Case(point_pairs.map(lambda p: (p, {})), skm.r2_score, atol=1e-9),
    "pinball_loss": Case(st.builds(lambda p, a: (p, {"alpha": a}), point_pairs, st.floats(0.0, 1.0)),
                         lambda y, p, alpha: skm.mean_pinball_loss(y, p, alpha=alpha)),
    "crps_ensemble": Case(st.builds(lambda arrays, fair: (arrays, {"fair": fair}),
                                    st.integers(1, 5).flatmap(lambda n: st.integers(2, 12).flatmap(lambda m: st.tuples(
                                        hnp.arrays(np.float64, n, elements=finite),
                                        hnp.arrays(np.float64, (n, m), elements=finite)))), st.booleans()),
                          lambda obs, ens, fair: sr.crps_ensemble(obs, ens, estimator="fair") if fair
                          else ps.crps_ensemble(obs, ens), atol=1e-9),
    "crps_gaussian": Case(st.integers(1, 20).flatmap(lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=finite), hnp.arrays(np.float64, n, elements=finite),
        hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e3)))).map(lambda a: (a, {})), ps.crps_gaussian, atol=1e-9),
    "wer": Case(speech_corpus.map(lambda c: (c, {})), jiwer_rate(jiwer.process_words, jiwer.wer)),
    "cer": Case(speech_corpus.map(lambda c: (c, {})), jiwer_rate(jiwer.process_characters, jiwer.cer)),
    "average_return": Case(st.builds(lambda e, g: ((e,), {"gamma": g}),
                                     st.lists(st.lists(st.floats(-10, 10), min_size=1, max_size=12), min_size=1, max_size=6),
                                     st.floats(0, 1)),
                           lambda eps, gamma: np.mean([sum(r * gamma**t for t, r in enumerate(e)) for e in eps]), atol=1e-9),
    "success_rate": Case(st.lists(st.booleans(), min_size=1, max_size=30).map(lambda f: ((f,), {})), np.mean),
    "policy_entropy": Case(st.builds(lambda b, a, seed, scale: ((torch.randn(b, a, dtype=torch.float64,
                                     generator=torch.Generator().manual_seed(seed)) * scale,), {}),
                                     st.integers(1, 5), st.integers(1, 8), st.integers(0, 2**31 - 1),
                                     st.sampled_from([0.1, 3.0, 50.0])),
                           lambda logits: torch.distributions.Categorical(logits=logits).entropy()),
    # use_pruning=False: with pruning, dtaidistance 2.5.1 returns inf when the DTW equals its Euclidean bound
    "dtw": Case(st.builds(lambda a, b, w: ((a, b), {"window": w}), series, series, st.one_of(st.none(), st.integers(1, 30))),
                lambda a, b, window: dtai.distance_fast(a.astype(np.float64), b.astype(np.float64), use_pruning=False,
                                                        **({} if window is None else {"window": window}))),
}


def test_every_registered_metric_has_a_parity_case():
    assert set(CASES) == set(REGISTRY)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_parity(name):
    case, fn = CASES[name], getattr(M, name)

    @settings(max_examples=case.examples, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                HealthCheck.filter_too_much])
    @given(case.inputs)
    def check(example):
        args, kwargs = example
        expected = case.reference(*args, **kwargs)
        if expected is RAISES:
            with pytest.raises(ValueError):
                fn(*args, **kwargs)
        else:
            assert_same(fn(*args, **kwargs), expected, case.rtol, case.atol, name)

    check()
