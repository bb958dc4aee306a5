"""Training loop: clipping equals torch's, perplexity is exact, fit learns and is reproducible."""

from __future__ import annotations

import math
import time

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from seqlib.models import RNNLM, GRUScratch, LSTMScratch, RNNScratch
from seqlib.train import (
    History,
    TrainConfig,
    clip_gradients,
    detach,
    evaluate_perplexity,
    fit,
    grad_norm,
)

V = 5


def periodic_text(n=600, seed=0):
    """A noisy periodic 'text': mostly predictable, so a small model learns it quickly."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.arange(n) % V
    noise = torch.rand(n, generator=g) < 0.1
    return torch.where(noise, torch.randint(0, V, (n,), generator=g), ids)


def small_lm(seed=0, dtype=torch.float32, cell=RNNScratch, dropout=0.0):
    torch.manual_seed(seed)
    return RNNLM(cell(V, 16, sigma=0.3), V, dropout=dropout).to(dtype)


# clip_gradients ------------------------------------------------------------------------------
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e6])
def test_clip_gradients_equals_torch(max_norm):
    torch.manual_seed(0)
    grads = [torch.randn(3, 4) * 2, torch.randn(7), torch.randn(2, 2, 2)]
    ours = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    theirs = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, q, g in zip(ours, theirs, grads, strict=True):
        p.grad, q.grad = g.clone(), g.clone()
    ours.append(
        nn.Parameter(torch.zeros(2))
    )  # a parameter without a gradient is skipped
    norm = clip_gradients(ours, max_norm)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    assert norm == pytest.approx(float(expected), rel=1e-6)
    for p, q in zip(ours, theirs, strict=False):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-6, atol=0)
    if max_norm < norm:
        assert float(grad_norm(ours)) == pytest.approx(max_norm, rel=1e-5)


def test_clip_gradients_errors_and_empty():
    assert clip_gradients([nn.Parameter(torch.zeros(2))], 1.0) == 0.0
    for bad in (0, -1.0, None):
        with pytest.raises(ValueError, match="max_norm"):
            clip_gradients([], bad)


def test_detach_handles_tensors_tuples_and_none():
    h = torch.ones(2, requires_grad=True) * 3
    assert detach(None) is None
    assert not detach(h).requires_grad
    pair = detach((h, h))
    assert isinstance(pair, tuple) and not any(
        s.requires_grad for s in pair
    )


# evaluate_perplexity -------------------------------------------------------------------------
@pytest.mark.parametrize("cell", [RNNScratch, GRUScratch, LSTMScratch])
@pytest.mark.parametrize("num_steps", [1, 7, 1000])
def test_perplexity_equals_one_full_forward_pass(cell, num_steps):
    model = small_lm(cell=cell, dtype=torch.float64)
    ids = periodic_text(200)
    logits, _ = model(
        ids[:-1].unsqueeze(0)
    )  # (1, N-1, V): one pass over the whole text
    expected = math.exp(F.cross_entropy(logits[0], ids[1:]).item())
    assert evaluate_perplexity(
        model, ids, batch_size=1, num_steps=num_steps
    ) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("batch_size", [2, 3, 199, 500])
def test_perplexity_with_streams_scores_every_token_once(batch_size):
    model = small_lm(dtype=torch.float64)
    ids = periodic_text(200)  # 199 predictions
    B = min(batch_size, 199)
    L = 199 // B
    nll = 0.0
    for b in range(
        B
    ):  # each stream from a zero state; the remainder continues the last
        end = 199 if b == B - 1 else (b + 1) * L
        logits, _ = model(ids[b * L : end].unsqueeze(0))
        nll += F.cross_entropy(
            logits[0], ids[b * L + 1 : end + 1], reduction="sum"
        ).item()
    got = evaluate_perplexity(
        model, ids, batch_size=batch_size, num_steps=16
    )
    assert got == pytest.approx(math.exp(nll / 199), rel=1e-12)


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size_and_mode_is_restored():
    model = small_lm()
    for p in model.output.parameters():
        nn.init.zeros_(p)
    model.train()
    assert evaluate_perplexity(model, periodic_text(50)) == pytest.approx(
        V, rel=1e-6
    )
    assert model.training


@pytest.mark.parametrize(
    "ids, kwargs, message",
    [
        (torch.tensor([1]), {}, "at least 2"),
        (torch.zeros(2, 3, dtype=torch.long), {}, "1-D"),
        (torch.tensor([0.5, 1.0]), {}, "dtype"),
        (torch.tensor([0, 1, 2]), {"batch_size": 0}, "batch_size"),
        (torch.tensor([0, 1, 2]), {"num_steps": 0}, "num_steps"),
    ],
)
def test_perplexity_errors(ids, kwargs, message):
    with pytest.raises(ValueError, match=message):
        evaluate_perplexity(small_lm(), ids, **kwargs)


# TrainConfig ---------------------------------------------------------------------------------
def test_config_defaults_resolve_carry_state():
    assert TrainConfig(epochs=1).carry_state is True
    assert (
        TrainConfig(epochs=1, partitioning="random").carry_state is False
    )
    assert (
        TrainConfig(
            epochs=1, partitioning="random", carry_state=True
        ).carry_state
        is True
    )
    with pytest.raises(Exception):
        TrainConfig(epochs=1).lr = 0.1  # frozen


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "epochs"),
        ({"epochs": 0}, "epochs"),
        ({"seconds": -1}, "seconds"),
        ({"epochs": 1, "batch_size": 0}, "batch_size"),
        ({"epochs": 1, "num_steps": 2.5}, "num_steps"),
        ({"epochs": 1, "optimizer": "rmsprop"}, "optimizer"),
        ({"epochs": 1, "lr": 0}, "lr"),
        ({"epochs": 1, "lr": math.inf}, "lr"),
        ({"epochs": 1, "weight_decay": -0.1}, "weight_decay"),
        ({"epochs": 1, "clip": 0}, "clip"),
        ({"epochs": 1, "partitioning": "shuffled"}, "partitioning"),
        ({"epochs": 1, "lr_schedule": "step"}, "lr_schedule"),
        ({"epochs": 1, "seed": -1}, "seed"),
    ],
)
def test_config_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**kwargs)


# fit -----------------------------------------------------------------------------------------
FAST = dict(batch_size=4, num_steps=10, lr=0.01)


def test_fit_lowers_perplexity_and_reports_history():
    ids = periodic_text()
    model = small_lm()
    before = evaluate_perplexity(model, ids[500:])
    history = fit(
        model,
        ids[:500],
        ids[500:],
        TrainConfig(epochs=8, keep_best=False, **FAST),
    )
    assert isinstance(history, History)
    assert (
        len(history.train_ppl)
        == len(history.val_ppl)
        == len(history.seconds)
        == 8
    )
    assert history.val_ppl[-1] < 0.6 * before
    assert history.train_ppl[-1] < history.train_ppl[0]
    assert all(
        m <= x
        for m, x in zip(
            history.grad_norm_mean, history.grad_norm_max, strict=True
        )
    )
    assert history.steps[-1] == 8 * 12 and history.seconds == sorted(
        history.seconds
    )
    assert evaluate_perplexity(model, ids[500:]) == pytest.approx(
        history.val_ppl[-1]
    )


@pytest.mark.parametrize(
    "partitioning, optimizer, schedule",
    [("sequential", "adam", "constant"), ("random", "sgd", "cosine")],
)
def test_fit_is_deterministic(partitioning, optimizer, schedule):
    ids = periodic_text()
    config = TrainConfig(
        epochs=3,
        partitioning=partitioning,
        optimizer=optimizer,
        lr_schedule=schedule,
        **{**FAST, "lr": 0.5 if optimizer == "sgd" else 0.01},
    )
    runs = []
    for _ in range(2):
        torch.manual_seed(
            123
        )  # fit must not depend on, nor disturb, the global generator
        model = small_lm(dropout=0.3)
        history = fit(model, ids[:500], ids[500:], config)
        runs.append((history, model.state_dict(), torch.rand(1)))
    (h1, p1, r1), (h2, p2, r2) = runs
    assert h1.train_ppl == h2.train_ppl and h1.val_ppl == h2.val_ppl
    assert all(torch.equal(p1[k], p2[k]) for k in p1)
    assert torch.equal(r1, r2)


def test_keep_best_restores_the_best_validation_epoch():
    ids = periodic_text()
    # Validate on the text read backwards: the better the model learns "x -> x + 1", the worse
    # it does on "x -> x - 1", so validation perplexity peaks early and keep_best must go back.
    val_ids = ids.flip(0)[:100]
    model = small_lm()
    history = fit(
        model, ids[:500], val_ids, TrainConfig(epochs=6, **FAST)
    )
    assert (
        history.best_epoch < 6
        and history.val_ppl[-1] > history.best_val_ppl
    )
    assert history.best_epoch == 1 + min(
        range(6), key=lambda i: history.val_ppl[i]
    )
    assert evaluate_perplexity(model, val_ids) == pytest.approx(
        history.best_val_ppl, rel=1e-9
    )
    last = small_lm()
    history = fit(
        last,
        ids[:500],
        val_ids,
        TrainConfig(epochs=6, keep_best=False, **FAST),
    )
    assert evaluate_perplexity(last, val_ids) == pytest.approx(
        history.val_ppl[-1], rel=1e-9
    )


def test_seconds_budget_is_respected():
    ids = periodic_text(3000)
    start = time.perf_counter()
    history = fit(
        small_lm(),
        ids[:2500],
        ids[2500:],
        TrainConfig(seconds=1.0, **FAST),
    )
    elapsed = time.perf_counter() - start
    assert (
        elapsed < 1.0 + 1.0
    )  # at most one step and one validation pass over (slack for load)
    assert history.seconds[-1] <= elapsed
    assert len(history.epoch) >= 1


def test_fit_without_validation_and_with_carried_random_windows():
    ids = periodic_text()
    history = fit(
        small_lm(),
        ids,
        None,
        TrainConfig(
            epochs=2, partitioning="random", carry_state=True, **FAST
        ),
    )
    assert (
        all(math.isnan(v) for v in history.val_ppl)
        and history.best_epoch is None
    )


def test_fit_raises_on_divergence():
    ids = periodic_text()
    model = small_lm()
    with torch.no_grad():
        model.output.weight.fill_(math.nan)
    with pytest.raises(FloatingPointError, match="diverged"):
        fit(model, ids[:500], ids[500:], TrainConfig(epochs=1, **FAST))


def test_fit_works_with_a_torch_lstm():
    ids = periodic_text()
    torch.manual_seed(0)
    model = RNNLM(nn.LSTM(8, 16, batch_first=True), V, embed_dim=8)
    history = fit(
        model, ids[:500], ids[500:], TrainConfig(epochs=4, **FAST)
    )
    assert history.val_ppl[-1] < history.val_ppl[0]


# torch primitives, schedule, eval mode, callbacks ---------------------------------------------
def test_cosine_lr_is_pure_and_spans_lr_to_zero():
    from seqlib.train import cosine_lr

    assert cosine_lr(0.2, 0.0) == 0.2 and cosine_lr(
        0.2, 1.0
    ) == pytest.approx(0.0, abs=1e-15)
    assert (
        cosine_lr(0.2, 0.25)
        == cosine_lr(0.2, 0.25)
        > cosine_lr(0.2, 0.75)
    )


def test_evaluating_restores_mode_after_an_exception():
    from seqlib.lm import evaluating

    model = small_lm(dropout=0.5)
    model.train()
    with pytest.raises(KeyError):
        with evaluating(model):
            assert not model.training and not torch.is_grad_enabled()
            raise KeyError("boom")
    assert model.training and torch.is_grad_enabled()


def test_map_state_keeps_structure():
    from seqlib.lm import map_state, select_state

    pair = (torch.arange(6.0).view(3, 2), torch.zeros(3, 2))
    assert map_state(torch.neg, None) is None
    assert isinstance(map_state(torch.neg, pair), tuple)
    torch.testing.assert_close(
        select_state(pair, [2])[0], torch.tensor([[4.0, 5.0]])
    )


def test_fit_reports_through_the_callback_and_prints_nothing(capsys):
    seen = []
    fit(
        small_lm(),
        periodic_text(),
        periodic_text(200, seed=1),
        TrainConfig(epochs=2, batch_size=4, num_steps=8),
        callback=lambda h: seen.append(len(h.epoch)),
    )
    assert seen == [1, 2]
    assert capsys.readouterr().out == ""
    fit(
        small_lm(),
        periodic_text(),
        None,
        TrainConfig(epochs=1, batch_size=4, num_steps=8, progress=True),
    )
    assert capsys.readouterr().out.startswith("epoch   1")


def test_fit_restores_mode_after_an_exception():
    model = small_lm()
    model.eval()

    def stop(history):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fit(
            model,
            periodic_text(),
            None,
            TrainConfig(epochs=2, batch_size=4, num_steps=8),
            callback=stop,
        )
    assert not model.training


@pytest.mark.parametrize("clip", [0.05, None])
def test_fit_equals_a_loop_with_the_teaching_clip(clip):
    """fit's torch clip_grad_norm_ gives the same parameters as the hand-written clip_gradients."""
    ids = periodic_text()
    config = TrainConfig(
        epochs=2,
        batch_size=4,
        num_steps=8,
        clip=clip,
        keep_best=False,
        lr=0.05,
    )
    model = small_lm()
    fit(model, ids, None, config)
    manual = small_lm()
    from seqlib.train import epoch_batches

    optimizer = torch.optim.AdamW(
        manual.parameters(), lr=config.lr, weight_decay=0.0
    )
    generator = torch.Generator().manual_seed(config.seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        for _ in range(config.epochs):
            state = None
            for X, Y in epoch_batches(ids, config, generator):
                state = detach(state)
                logits, state = manual(X, state)
                loss = F.cross_entropy(logits.flatten(0, 1), Y.flatten())
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if clip is not None:
                    clip_gradients(list(manual.parameters()), clip)
                optimizer.step()
    for p, q in zip(model.parameters(), manual.parameters(), strict=True):
        assert torch.equal(p, q)
