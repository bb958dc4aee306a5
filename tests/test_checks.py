"""seqlib.checks: right implementations pass, the usual wrong ones fail with a useful message."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from seqlib import checks, metrics
from seqlib.models import GRUScratch, LSTMScratch, RNNScratch
from seqlib.train import clip_gradients


def test_reference_implementations_pass():
    assert checks.check_perplexity(metrics.perplexity).passed
    assert checks.check_rnn_cell(RNNScratch).passed
    assert checks.check_gru_cell(lambda d, h: GRUScratch(d, h, reset_after=False)).passed
    assert checks.check_gru_cell(GRUScratch, reset_after=True).passed
    assert checks.check_lstm_cell(LSTMScratch).passed
    assert checks.check_clip(clip_gradients).passed
    assert checks.check_bleu(metrics.corpus_bleu).passed
    assert checks.check_wer(metrics.wer).passed


def test_perplexity_mistakes_are_caught():
    def softmax_then_log(logits, targets):  # unstable: large logits give log(0)
        p = logits.softmax(-1).gather(-1, targets[..., None]).squeeze(-1)
        return float(torch.exp(-p.log().mean()))

    def mean_of_sequences(logits, targets):  # Jensen: larger than the corpus perplexity
        return float(torch.stack([torch.exp(F.cross_entropy(l, t)) for l, t in zip(logits, targets)]).mean())

    bad = checks.check_perplexity(softmax_then_log)
    assert not bad.passed and "large logits" in bad.message
    bad = checks.check_perplexity(mean_of_sequences)
    assert not bad.passed and "case 1" in bad.message and "expected" in bad.message
    with pytest.raises(AssertionError, match="check_perplexity"):
        bad.raise_if_failed()


def test_rnn_cell_mistakes_are_caught():
    class NoBias(RNNScratch):  # forgets b_h in the recurrence
        def forward(self, X, state=None):
            h = self.begin_state(X.shape[0]) if state is None else state
            outs = []
            for t in range(X.shape[1]):
                h = torch.tanh(X[:, t] @ self.W_xh + h @ self.W_hh)
                outs.append(h)
            return torch.stack(outs, 1), h

    class IgnoresState(RNNScratch):
        def forward(self, X, state=None):
            return super().forward(X, None)

    class WrongNames(nn.Module):
        def __init__(self, d, h):
            super().__init__()
            self.W_in = nn.Parameter(torch.zeros(d, h))

    # with zero biases the missing b_h is invisible: the check must still fail on gradients
    result = checks.check_rnn_cell(NoBias)
    assert not result.passed and "b_h" in result.message
    result = checks.check_rnn_cell(IgnoresState)
    assert not result.passed and "initial state" in result.message
    result = checks.check_rnn_cell(WrongNames)
    assert not result.passed and "W_xh" in result.message
    # torch's convention is not the textbook one: the default check (textbook) must tell them apart
    assert not checks.check_gru_cell(GRUScratch).passed


def test_clip_mistakes_are_caught():
    def per_tensor(params, max_norm):  # clips each tensor on its own norm
        total = float(torch.sqrt(sum((p.grad ** 2).sum() for p in params)))
        for p in params:
            torch.nn.utils.clip_grad_norm_([p], max_norm)
        return total

    def returns_after(params, max_norm):
        clip_gradients(params, max_norm)
        return float(torch.sqrt(sum((p.grad ** 2).sum() for p in params)))

    result = checks.check_clip(per_tensor)
    assert not result.passed and "several tensors" in result.message
    result = checks.check_clip(returns_after)
    assert not result.passed and "before clipping" in result.message


def test_metric_mistakes_are_caught():
    def mean_sentence_bleu(refs, hyps):
        return sum(metrics.sentence_bleu(r, h) for r, h in zip(refs, hyps)) / len(hyps)

    def mean_utterance_wer(refs, hyps):
        return sum(metrics.wer(r, h) for r, h in zip(refs, hyps)) / len(refs)

    result = checks.check_bleu(mean_sentence_bleu)
    assert not result.passed and "pools counts" in result.message
    result = checks.check_wer(mean_utterance_wer)
    assert not result.passed and "total errors" in result.message


def test_student_code_that_raises_is_reported_not_propagated():
    def broken(logits, targets):
        raise RuntimeError("not implemented yet")

    result = checks.check_perplexity(broken)
    assert not result.passed and "RuntimeError: not implemented yet" in result.message
    assert repr(result) == result.message and not bool(result)
