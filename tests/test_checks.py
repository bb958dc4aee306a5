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
    assert checks.check_gru_cell(
        lambda d, h: GRUScratch(d, h, reset_after=False)
    ).passed
    assert checks.check_gru_cell(GRUScratch, reset_after=True).passed
    assert checks.check_lstm_cell(LSTMScratch).passed
    assert checks.check_clip(clip_gradients).passed
    assert checks.check_bleu(metrics.corpus_bleu).passed
    assert checks.check_wer(metrics.wer).passed


def test_perplexity_mistakes_are_caught():
    def softmax_then_log(
        logits, targets
    ):  # unstable: large logits give log(0)
        p = logits.softmax(-1).gather(-1, targets[..., None]).squeeze(-1)
        return float(torch.exp(-p.log().mean()))

    def mean_of_sequences(
        logits, targets
    ):  # Jensen: larger than the corpus perplexity
        return float(
            torch.stack(
                [
                    torch.exp(F.cross_entropy(l, t))
                    for l, t in zip(logits, targets)
                ]
            ).mean()
        )

    bad = checks.check_perplexity(softmax_then_log)
    assert not bad.passed and "large logits" in bad.message
    bad = checks.check_perplexity(mean_of_sequences)
    assert (
        not bad.passed
        and "case 1" in bad.message
        and "expected" in bad.message
    )
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

    # the unused parameter is named, before any comparison of outputs
    result = checks.check_rnn_cell(NoBias)
    assert (
        not result.passed
        and "b_h receives no gradient: it is not used in forward"
        in result.message
    )
    result = checks.check_rnn_cell(IgnoresState)
    assert not result.passed and "initial state" in result.message
    result = checks.check_rnn_cell(WrongNames)
    assert not result.passed and "W_xh" in result.message
    # torch's convention is not the textbook one: the default check (textbook) must tell them apart
    assert not checks.check_gru_cell(GRUScratch).passed


def test_clip_mistakes_are_caught():
    def per_tensor(params, max_norm):  # clips each tensor on its own norm
        total = float(torch.sqrt(sum((p.grad**2).sum() for p in params)))
        for p in params:
            torch.nn.utils.clip_grad_norm_([p], max_norm)
        return total

    def returns_after(params, max_norm):
        clip_gradients(params, max_norm)
        return float(torch.sqrt(sum((p.grad**2).sum() for p in params)))

    result = checks.check_clip(per_tensor)
    assert not result.passed and "several tensors" in result.message
    result = checks.check_clip(returns_after)
    assert not result.passed and "before clipping" in result.message


def test_metric_mistakes_are_caught():
    def mean_sentence_bleu(refs, hyps):
        return sum(
            metrics.sentence_bleu(r, h) for r, h in zip(refs, hyps)
        ) / len(hyps)

    def mean_utterance_wer(refs, hyps):
        return sum(metrics.wer(r, h) for r, h in zip(refs, hyps)) / len(
            refs
        )

    result = checks.check_bleu(mean_sentence_bleu)
    assert not result.passed and "pools counts" in result.message
    result = checks.check_wer(mean_utterance_wer)
    assert not result.passed and "total errors" in result.message


def test_student_code_that_raises_is_reported_not_propagated():
    def broken(logits, targets):
        raise RuntimeError("not implemented yet")

    result = checks.check_perplexity(broken)
    assert (
        not result.passed
        and "RuntimeError: not implemented yet" in result.message
    )
    assert repr(result) == result.message and not bool(result)


# --- issue 17: the messages tell the truth about the mistake ------------------------------------


class _ReLUCell(
    RNNScratch
):  # relu where tanh belongs: differs from step 0 on
    def forward(self, X, state=None):
        h = self.begin_state(X.shape[0]) if state is None else state
        outs = []
        for t in range(X.shape[1]):
            h = torch.relu(X[:, t] @ self.W_xh + h @ self.W_hh + self.b_h)
            outs.append(h)
        return torch.stack(outs, 1), h


def test_cell_check_names_the_first_step_that_differs_and_the_largest_separately():
    message = checks.check_rnn_cell(_ReLUCell).message
    assert (
        "case 1" in message and "differ first at time step 0 " in message
    )
    assert "the largest difference is" in message

    class IgnoresState(
        RNNScratch
    ):  # with a given state, its very first output is already wrong
        def forward(self, X, state=None):
            return super().forward(X, None)

    message = checks.check_rnn_cell(IgnoresState).message
    assert (
        "case 3 (a given initial state)" in message
        and "differ first at time step 0 " in message
    )


def test_cell_check_first_step_is_not_the_step_of_the_largest_difference():
    class LateError(
        RNNScratch
    ):  # correct for two steps, then adds a small, growing error
        def forward(self, X, state=None):
            out, h = super().forward(X, state)
            bump = torch.zeros_like(out)
            bump[:, 2:] = (
                1e-3
                * torch.arange(1, out.shape[1] - 1, dtype=out.dtype)[
                    None, :, None
                ]
            )
            return out + bump, h + bump[:, -1]

    message = checks.check_rnn_cell(LateError).message
    assert (
        "differ first at time step 2 " in message
        and "at time step 4 " in message
    )


def test_gru_and_lstm_checks_report_steps_too():
    class GRUReLU(GRUScratch):
        def __init__(self, d, h):
            super().__init__(d, h, reset_after=False)

        def forward(self, X, state=None):
            out, h = super().forward(X, state)
            return out.relu(), h

    message = checks.check_gru_cell(GRUReLU).message
    assert "differ first at time step 0 " in message

    class LSTMSwapped(LSTMScratch):  # returns (c, h) instead of (h, c)
        def forward(self, X, state=None):
            out, (h, c) = super().forward(X, state)
            return out, (c, h)

    message = checks.check_lstm_cell(LSTMSwapped).message
    assert "the final h differs" in message


def _mean_of_sequences(logits, targets):
    return float(
        torch.stack(
            [
                torch.exp(F.cross_entropy(l, t))
                for l, t in zip(logits, targets)
            ]
        ).mean()
    )


def test_perplexity_check_names_the_mistake_made():
    def softmax_then_log(logits, targets):
        p = logits.softmax(-1).gather(-1, targets[..., None]).squeeze(-1)
        return float(torch.exp(-p.log().mean()))

    def no_exp(logits, targets):
        return float(
            F.cross_entropy(logits.flatten(0, 1), targets.flatten())
        )

    def base_two(logits, targets):
        return 2 ** float(
            F.cross_entropy(logits.flatten(0, 1), targets.flatten())
        )

    expected = {
        _mean_of_sequences: "that is the mean of per-sequence perplexities",
        softmax_then_log: "that is softmax then log: a probability underflows",
        no_exp: "the mean NLL without the exp",
        base_two: "2 ** (mean NLL in nats)",
    }
    for fn, named in expected.items():
        message = checks.check_perplexity(fn).message
        assert named in message, (fn.__name__, message)
        assert "overflow" not in message


def test_perplexity_check_has_a_padding_case():
    def counts_padding(logits, targets, ignore_index=None):
        return metrics.perplexity(logits, targets)

    def pads_in_denominator(logits, targets, ignore_index=None):
        keep = targets != (-100 if ignore_index is None else ignore_index)
        nll = F.cross_entropy(
            logits.flatten(0, 1).double(),
            targets.flatten(),
            reduction="none",
        )
        return float(
            torch.exp(nll[keep.flatten()].sum() / targets.numel())
        )

    result = checks.check_perplexity(counts_padding)
    assert not result.passed and "a batch with padding" in result.message
    assert "padding counted as tokens" in result.message
    assert (
        "counted in the number of tokens"
        in checks.check_perplexity(pads_in_denominator).message
    )
    assert checks.check_perplexity(metrics.perplexity).cases_run == 8
    plain = checks.check_perplexity(lambda l, t: metrics.perplexity(l, t))
    assert plain.passed and "ignore_index" in plain.message


def test_single_case_runners_for_hidden_tests():
    g = torch.Generator().manual_seed(5)
    logits, targets = (
        torch.randn(3, 4, 6, generator=g, dtype=torch.float64),
        torch.randint(0, 6, (3, 4), generator=g),
    )
    assert checks.perplexity_case(
        metrics.perplexity, logits, targets
    ).passed
    bad = checks.perplexity_case(
        _mean_of_sequences, logits, targets, description="hidden"
    )
    assert (
        "case 1 (hidden)" in bad.message and "per-sequence" in bad.message
    )
    assert checks.cell_case(
        LSTMScratch, "lstm", 2, 3, 2, 3, initial_state=True, seed=4
    ).passed
    assert (
        "time step 0"
        in checks.cell_case(_ReLUCell, "rnn", 2, 3, 2, 3, seed=4).message
    )
    assert checks.clip_case(
        clip_gradients, [(2, 2), (3,)], 4.0, 0.5, seed=2
    ).passed
    with pytest.raises(ValueError, match="kind must be one of"):
        checks.cell_case(RNNScratch, "transformer", 1, 1, 1, 1)
    with pytest.raises(
        ValueError, match="num_steps must be an int >= 1, got 0"
    ):
        checks.cell_case(RNNScratch, "rnn", 1, 0, 1, 1)


def test_forgetting_to_detach_is_explained():
    from seqlib.lm import RNNLM

    for cell in (
        RNNScratch(5, 8),
        RNNScratch(5, 8, fused=False),
        GRUScratch(5, 8),
        LSTMScratch(5, 8),
        nn.GRU(5, 8, batch_first=True),
        nn.LSTM(5, 8, batch_first=True),
    ):
        model = RNNLM(cell, 5)
        state = None
        with pytest.raises(
            RuntimeError,
            match=r"detach the state between minibatches \(truncated BPTT\)",
        ):
            for _ in range(2):
                X = torch.randint(0, 5, (2, 4))
                logits, state = model(
                    X, state
                )  # the mistake: state not detached
                F.cross_entropy(
                    logits.flatten(0, 1), X.flatten()
                ).backward()


def test_fit_explains_a_model_that_keeps_its_state_attached():
    from seqlib.lm import RNNLM
    from seqlib.train import TrainConfig, fit

    class Sticky(
        RNNLM
    ):  # keeps the last state inside, undetached, and starts from it
        def forward(self, X, state=None):
            logits, self.kept = super().forward(
                X, getattr(self, "kept", None)
            )
            return logits, self.kept

    model = Sticky(GRUScratch(4, 6), 4)
    ids = torch.arange(200) % 4
    with pytest.raises(
        RuntimeError, match="detach the state between minibatches"
    ) as info:
        fit(
            model,
            ids,
            None,
            TrainConfig(epochs=1, batch_size=2, num_steps=5),
        )
    assert "retain_graph=True" in str(
        info.value
    )  # named as what not to do


class _OnlyH(LSTMScratch):  # returns h where the pair (h, c) belongs
    def forward(self, X, state=None):
        outputs, (h, _c) = super().forward(X, state)
        return outputs, h


class _PairState(RNNScratch):  # an RNN returning (h, h)
    def forward(self, X, state=None):
        outputs, h = super().forward(X, state)
        return outputs, (h, h)


class _OneTuple(
    RNNScratch
):  # decided: refused, the contract is one tensor (B, H)
    def forward(self, X, state=None):
        outputs, h = super().forward(X, state)
        return outputs, (h,)


class _SwappedPair(LSTMScratch):
    def forward(self, X, state=None):
        outputs, (h, c) = super().forward(X, state)
        return outputs, (c, h)


class _OutputsOnly(RNNScratch):
    def forward(self, X, state=None):
        return super().forward(X, state)[0]


class _BadStateShape(RNNScratch):
    def forward(self, X, state=None):
        outputs, h = super().forward(X, state)
        return outputs, h[None]


def test_cell_checks_name_a_state_of_the_wrong_arity_or_shape():
    cases = {
        (
            checks.check_lstm_cell,
            _OnlyH,
        ): "the state should be the pair (h, c); got a single Tensor",
        (
            checks.check_rnn_cell,
            _PairState,
        ): "the state should be the single tensor h (B, H)",
        (checks.check_rnn_cell, _OneTuple): "got a tuple of 1",
        (
            checks.check_lstm_cell,
            _SwappedPair,
        ): "return the pair in the order (h, c)",
        (
            checks.check_rnn_cell,
            _OutputsOnly,
        ): "forward must return (outputs, state); got a single Tensor",
        (
            checks.check_rnn_cell,
            _BadStateShape,
        ): "the final state has shape (1, 2, 4), expected (B, H) = (2, 4)",
    }
    for (check, cls), named in cases.items():
        result = check(cls)
        assert not result.passed and named in result.message, (
            cls.__name__,
            result.message,
        )
        assert (
            "zip()" not in result.message
            and "the final the" not in result.message
        )


def test_cell_checks_see_biases_and_refuse_an_instance():
    class BiasOutsideTanh(
        RNNScratch
    ):  # visible only because the hidden cases' biases are non-zero
        def forward(self, X, state=None):
            h = self.begin_state(X.shape[0]) if state is None else state
            outs = []
            for t in range(X.shape[1]):
                h = (
                    torch.tanh(X[:, t] @ self.W_xh + h @ self.W_hh)
                    + self.b_h
                )
                outs.append(h)
            return torch.stack(outs, 1), h

    result = checks.check_rnn_cell(BiasOutsideTanh)
    assert (
        not result.passed
        and "outputs differ first at time step 0" in result.message
    )
    with pytest.raises(
        TypeError, match="pass the class, not an instance"
    ):
        checks.check_rnn_cell(RNNScratch(3, 4))
    with pytest.raises(TypeError, match="cls must be a class"):
        checks.cell_case(RNNScratch(3, 4), "rnn", 1, 1, 3, 4)


def test_gru_check_names_swapped_z_and_the_other_reset_convention():
    class SwappedZ(GRUScratch):
        def __init__(self, d, h):
            super().__init__(d, h, reset_after=False)

        def forward(self, X, state=None):
            h = self.begin_state(X.shape[0]) if state is None else state
            outs = []
            for t in range(X.shape[1]):
                x = X[:, t]
                r = torch.sigmoid(
                    x @ self.W_xr + h @ self.W_hr + self.b_r
                )
                z = torch.sigmoid(
                    x @ self.W_xz + h @ self.W_hz + self.b_z
                )
                h_tilde = torch.tanh(
                    x @ self.W_xh + (r * h) @ self.W_hh + self.b_h
                )
                h = (1 - z) * h + z * h_tilde
                outs.append(h)
            return torch.stack(outs, 1), h

    assert (
        "z and 1 - z are swapped"
        in checks.check_gru_cell(SwappedZ).message
    )
    textbook = checks.check_gru_cell(
        lambda d, h: GRUScratch(d, h, reset_after=False), reset_after=True
    )
    assert (
        "b_hh exists only in torch's reset_after=True GRU"
        in textbook.message
    )

    class ResetAfterNoBias(
        GRUScratch
    ):  # r * (h @ W_hh), under the default textbook check
        def __init__(self, d, h):
            super().__init__(d, h, reset_after=True)
            del self.b_hh
            self.register_buffer("b_hh", torch.zeros(h))

    message = checks.check_gru_cell(ResetAfterNoBias).message
    assert (
        "reset gate is applied after the matmul" in message
        and "reset_after=True" in message
    )


def test_perplexity_check_catches_softmax_then_log_in_float64():
    def softmax_then_log_f64(
        logits, targets
    ):  # casting to float64 does not save it
        p = (
            logits.double()
            .softmax(-1)
            .gather(-1, targets[..., None])
            .squeeze(-1)
        )
        return float(torch.exp(-p.log().mean()))

    message = checks.check_perplexity(softmax_then_log_f64).message
    assert (
        "softmax then log in float64" in message
        and "that is softmax then log" in message
    )
    # the per-sequence mistake is caught on the case whose label names it
    message = checks.check_perplexity(_mean_of_sequences).message
    assert message.startswith(
        "check_perplexity: case 1 (two sequences, shape (2, 9, 6): corpus perplexity"
    )
    assert "that is the mean of per-sequence perplexities" in message


@pytest.mark.parametrize(
    "make",
    [
        lambda: RNNScratch(5, 8),
        lambda: RNNScratch(5, 8, fused=False),
        lambda: GRUScratch(5, 8),
        lambda: LSTMScratch(5, 8),
    ],
    ids=["rnn-fused", "rnn-loop", "gru", "lstm"],
)
def test_every_cell_explains_an_undetached_state(make):
    cell = make()
    state = None
    with pytest.raises(
        RuntimeError,
        match=r"detach the state between minibatches \(truncated BPTT\)",
    ):
        for _ in range(2):
            outputs, state = cell(
                torch.randn(2, 4, 5), state
            )  # the mistake: state not detached
            outputs.sum().backward()


@pytest.mark.parametrize(
    "fn",
    [
        metrics.perplexity,
        metrics.token_nll,
        metrics.sequence_nll,
        metrics.nll_stats,
    ],
)
@pytest.mark.parametrize("bad", ["pad", 0.0, True])
def test_lm_metrics_refuse_an_ignore_index_that_is_not_an_int(fn, bad):
    logits, targets = (
        torch.zeros(2, 3, 4),
        torch.tensor([[1, 2, 0], [3, 0, 0]]),
    )
    with pytest.raises(
        ValueError,
        match=f"ignore_index must be None or an int, got {bad!r}",
    ):
        fn(logits, targets, ignore_index=bad)
    fn(logits, targets, ignore_index=0)  # an int is fine
