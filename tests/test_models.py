"""Scratch RNN/GRU/LSTM cells against torch's modules (float64), BPTT against autograd, RNNLM."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from seqlib.bptt import TanhRecurrence, rnn_loop, tanh_recurrence
from seqlib.models import (
    RNNLM,
    GRUScratch,
    LSTMScratch,
    RNNScratch,
    load_from_torch,
    to_torch,
)

ATOL = 1e-6
B, T, D, H = 3, 7, 5, 4
GATES = {
    nn.RNN: ["h"],
    nn.GRU: ["r", "z", "h"],
    nn.LSTM: ["i", "f", "c", "o"],
}


def assert_close(a, b):
    torch.testing.assert_close(a, b, atol=ATOL, rtol=0)


def linear_loss(outputs, state, generator):
    """A random linear function of everything the cell returns, so every gradient is exercised."""
    parts = [outputs, *(state if isinstance(state, tuple) else (state,))]
    return sum(
        (
            p * torch.randn(p.shape, dtype=p.dtype, generator=generator)
        ).sum()
        for p in parts
    )


def torch_state(state):  # (B, H) -> torch's (1, B, H)
    return (
        tuple(s.unsqueeze(0) for s in state)
        if isinstance(state, tuple)
        else state.unsqueeze(0)
    )


def from_torch_state(state):
    return (
        tuple(s.squeeze(0) for s in state)
        if isinstance(state, tuple)
        else state.squeeze(0)
    )


def make_pair(torch_class, cell_class, **kwargs):
    torch.manual_seed(0)
    module = torch_class(D, H, batch_first=True).double()
    cell = load_from_torch(cell_class(D, H, **kwargs).double(), module)
    return module, cell


def random_inputs(lstm: bool):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(
        B, T, D, dtype=torch.float64, generator=g, requires_grad=True
    )
    h0 = torch.randn(
        B, H, dtype=torch.float64, generator=g, requires_grad=True
    )
    c0 = torch.randn(
        B, H, dtype=torch.float64, generator=g, requires_grad=True
    )
    return X, ((h0, c0) if lstm else h0)


def run(model, X, state, to=lambda s: s, back=lambda s: s):
    outputs, final = model(X, to(state))
    final = back(final)
    linear_loss(
        outputs, final, torch.Generator().manual_seed(2)
    ).backward()
    return outputs, final


@pytest.mark.parametrize(
    "torch_class, cell_class, kwargs",
    [
        (nn.RNN, RNNScratch, {}),
        (nn.RNN, RNNScratch, {"fused": False}),
        (nn.GRU, GRUScratch, {"reset_after": True}),
        (nn.LSTM, LSTMScratch, {}),
    ],
)
def test_scratch_cell_equals_torch_module(
    torch_class, cell_class, kwargs
):
    module, cell = make_pair(torch_class, cell_class, **kwargs)
    lstm = torch_class is nn.LSTM
    X1, s1 = random_inputs(lstm)
    X2, s2 = random_inputs(lstm)
    out_torch, final_torch = run(
        module, X1, s1, torch_state, from_torch_state
    )
    out_cell, final_cell = run(cell, X2, s2)
    assert_close(out_cell, out_torch)
    assert_close(final_cell, final_torch)
    assert_close(X2.grad, X1.grad)  # gradients w.r.t. the inputs ...
    for a, b in zip(
        s2 if lstm else (s2,), s1 if lstm else (s1,), strict=True
    ):
        assert_close(a.grad, b.grad)  # ... and the initial state
    for k, g in enumerate(GATES[torch_class]):  # ... and every parameter
        rows = slice(k * H, (k + 1) * H)
        assert_close(
            getattr(cell, f"W_x{g}").grad,
            module.weight_ih_l0.grad[rows].t(),
        )
        assert_close(
            getattr(cell, f"W_h{g}").grad,
            module.weight_hh_l0.grad[rows].t(),
        )
        assert_close(
            getattr(cell, f"b_{g}").grad, module.bias_ih_l0.grad[rows]
        )
        if cell_class is GRUScratch and g == "h":
            assert_close(cell.b_hh.grad, module.bias_hh_l0.grad[rows])


def textbook_gru(cell, X, h):
    """D2L's GRU, written independently: the reset gate multiplies h before the matmul."""
    outputs = []
    for t in range(X.shape[1]):
        x = X[:, t]
        R = torch.sigmoid(x @ cell.W_xr + h @ cell.W_hr + cell.b_r)
        Z = torch.sigmoid(x @ cell.W_xz + h @ cell.W_hz + cell.b_z)
        H_tilde = torch.tanh(
            x @ cell.W_xh + (R * h) @ cell.W_hh + cell.b_h
        )
        h = Z * h + (1 - Z) * H_tilde
        outputs.append(h)
    return torch.stack(outputs, 1), h


def test_textbook_gru_equals_reference():
    torch.manual_seed(0)
    cell = GRUScratch(D, H, sigma=0.5, reset_after=False).double()
    assert not hasattr(cell, "b_hh")
    with torch.no_grad():
        for p in cell.parameters():
            p.add_(torch.randn_like(p) * 0.1)  # non-zero biases too
    X1, h1 = random_inputs(False)
    X2, h2 = random_inputs(False)
    out_ref, final_ref = run(
        lambda X, s: textbook_gru(cell, X, s), X1, h1
    )
    grads_ref = [p.grad.clone() for p in cell.parameters()]
    cell.zero_grad()
    out, final = run(cell, X2, h2)
    assert_close(out, out_ref)
    assert_close(final, final_ref)
    assert_close(X2.grad, X1.grad)
    assert_close(h2.grad, h1.grad)
    for p, g in zip(cell.parameters(), grads_ref, strict=True):
        assert_close(p.grad, g)


def test_the_two_gru_conventions_differ():
    torch.manual_seed(0)
    after = GRUScratch(D, H, sigma=0.5, reset_after=True)
    before = GRUScratch(D, H, reset_after=False)
    before.load_state_dict(
        {k: v for k, v in after.state_dict().items() if k != "b_hh"}
    )
    X = torch.randn(B, T, D)
    assert not torch.allclose(after(X)[0], before(X)[0], atol=1e-4)


@pytest.mark.parametrize(
    "cell_class", [RNNScratch, GRUScratch, LSTMScratch]
)
def test_to_torch_round_trip(cell_class):
    torch.manual_seed(0)
    cell = cell_class(D, H, sigma=0.3).double()
    module = to_torch(cell)
    X, state = random_inputs(cell_class is LSTMScratch)
    out_cell, final_cell = cell(X, state)
    out_torch, final_torch = module(X, torch_state(state))
    assert_close(out_cell, out_torch)
    assert_close(final_cell, from_torch_state(final_torch))
    back = load_from_torch(cell_class(D, H), module)
    for (name, a), (_, b) in zip(
        cell.state_dict().items(), back.state_dict().items(), strict=True
    ):
        assert_close(a, b.double())


@pytest.mark.parametrize(
    "cell",
    [
        RNNScratch(D, H, sigma=0.5),
        RNNScratch(D, H, sigma=0.5, fused=False),
        GRUScratch(D, H, sigma=0.5),
        GRUScratch(D, H, sigma=0.5, reset_after=False),
        LSTMScratch(D, H, sigma=0.5),
    ],
)
def test_carrying_state_across_calls_equals_one_long_call(cell):
    X = torch.randn(B, T, D)
    out_long, final_long = cell(X)
    out1, state = cell(X[:, :3])
    out2, final = cell(X[:, 3:], state)
    assert_close(torch.cat([out1, out2], 1), out_long)
    assert_close(final, final_long)


def test_hand_written_bptt_equals_autograd_loop_and_passes_gradcheck():
    g = torch.Generator().manual_seed(0)
    A = torch.randn(
        B, T, H, dtype=torch.float64, generator=g, requires_grad=True
    )
    h0 = torch.randn(
        B, H, dtype=torch.float64, generator=g, requires_grad=True
    )
    W = (
        0.5 * torch.randn(H, H, dtype=torch.float64, generator=g)
    ).requires_grad_()
    dH = torch.randn(B, T, H, dtype=torch.float64, generator=g)
    grads = []
    for recurrence in (rnn_loop, tanh_recurrence):
        outputs = recurrence(A, h0, W)
        grads.append(
            (outputs, *torch.autograd.grad(outputs, (A, h0, W), dH))
        )
    for a, b in zip(*grads, strict=True):
        torch.testing.assert_close(a, b, atol=1e-12, rtol=0)
    assert torch.autograd.gradcheck(TanhRecurrence.apply, (A, h0, W))


def test_fused_and_loop_rnn_give_identical_training_gradients():
    torch.manual_seed(0)
    fused = RNNScratch(D, H, sigma=0.5)
    loop = RNNScratch(D, H, sigma=0.5, fused=False)
    loop.load_state_dict(fused.state_dict())
    X = torch.randn(B, T, D)
    for cell in (fused, loop):
        outputs, h = cell(X)
        (outputs.square().sum() + h.sum()).backward()
    for p, q in zip(fused.parameters(), loop.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, atol=1e-6, rtol=1e-5)


def test_cell_parameters_follow_d2l():
    cell = LSTMScratch(D, H)
    names = {n: tuple(p.shape) for n, p in cell.named_parameters()}
    assert (
        names["W_xi"] == (D, H)
        and names["W_hc"] == (H, H)
        and names["b_o"] == (H,)
    )
    assert set(names) == {
        f"{k}{g}" for g in "ifoc" for k in ("W_x", "W_h", "b_")
    }
    assert [n for n, _ in RNNScratch(D, H).named_parameters()] == [
        "W_xh",
        "W_hh",
        "b_h",
    ]
    assert float(RNNScratch(D, H).b_h.detach().abs().sum()) == 0.0
    h, c = cell.begin_state(2)
    assert h.shape == c.shape == (2, H)


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda: RNNScratch(0, 3), "num_inputs"),
        (lambda: GRUScratch(3, 2.5), "num_hiddens"),
        (lambda: LSTMScratch(3, 3, sigma=-1), "sigma"),
        (
            lambda: RNNScratch(D, H)(torch.randn(B, T, D + 1)),
            r"\(B, T, 5\)",
        ),
        (lambda: RNNScratch(D, H)(torch.randn(T, D)), "expects X"),
        (lambda: RNNScratch(D, H)(torch.randn(B, 0, D)), "T = 0"),
        (
            lambda: GRUScratch(D, H)(
                torch.randn(B, T, D), torch.zeros(1, B, H)
            ),
            "state of shape",
        ),
        (
            lambda: LSTMScratch(D, H)(
                torch.randn(B, T, D), torch.zeros(B, H)
            ),
            "pair",
        ),
        (
            lambda: load_from_torch(RNNScratch(D, H), nn.GRU(D, H)),
            "pairs with",
        ),
        (
            lambda: load_from_torch(RNNScratch(D, H), nn.RNN(D, H + 1)),
            "sizes differ",
        ),
        (
            lambda: load_from_torch(
                RNNScratch(D, H), nn.RNN(D, H, num_layers=2)
            ),
            "one-layer",
        ),
        (
            lambda: to_torch(GRUScratch(D, H, reset_after=False)),
            "reset_after",
        ),
    ],
)
def test_cell_errors(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        bad()


# RNNLM ---------------------------------------------------------------------------------------
V = 6


def lm_pairs():
    torch.manual_seed(0)
    for torch_class, cell_class in (
        (nn.RNN, RNNScratch),
        (nn.GRU, GRUScratch),
        (nn.LSTM, LSTMScratch),
    ):
        module = torch_class(V, H, batch_first=True).double()
        scratch = RNNLM(
            load_from_torch(cell_class(V, H).double(), module), V
        ).double()
        with_torch = RNNLM(module, V).double()
        with_torch.output.load_state_dict(scratch.output.state_dict())
        yield scratch, with_torch


@pytest.mark.parametrize("scratch, with_torch", list(lm_pairs()))
def test_rnnlm_same_numbers_with_scratch_and_torch_cells(
    scratch, with_torch
):
    tokens = torch.randint(
        0, V, (B, T), generator=torch.Generator().manual_seed(3)
    )
    logits_a, state_a = scratch(tokens[:, :4])
    logits_b, state_b = with_torch(tokens[:, :4])
    assert logits_a.shape == (B, 4, V)
    assert_close(logits_a, logits_b)
    assert_close(
        state_a, state_b
    )  # both batch first: (B, H) or ((B, H), (B, H))
    assert_close(
        scratch(tokens[:, 4:], state_a)[0],
        with_torch(tokens[:, 4:], state_b)[0],
    )
    begin = with_torch.begin_state(B)
    assert_close(begin, scratch.begin_state(B))


@pytest.mark.parametrize("torch_class", [nn.RNN, nn.GRU, nn.LSTM])
def test_rnnlm_multilayer_torch_state_is_batch_first(torch_class):
    torch.manual_seed(0)
    lm = RNNLM(
        torch_class(8, H, num_layers=2, batch_first=True), V, embed_dim=8
    )
    tokens = torch.randint(0, V, (B, T))
    logits, state = lm(tokens)
    for s in state if isinstance(state, tuple) else (state,):
        assert s.shape == (B, 2, H)
    first, mid = lm(tokens[:, :3])
    assert_close(torch.cat([first, lm(tokens[:, 3:], mid)[0]], 1), logits)


def test_rnnlm_embedding_and_dropout():
    torch.manual_seed(0)
    lm = RNNLM(GRUScratch(8, H), V, embed_dim=8, dropout=0.5)
    tokens = torch.randint(0, V, (B, T))
    lm.eval()
    assert torch.equal(
        lm(tokens)[0], lm(tokens)[0]
    )  # no dropout in eval mode
    lm.train()
    assert not torch.equal(lm(tokens)[0], lm(tokens)[0])


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda: RNNLM(RNNScratch(5, H), V), "num_inputs=6"),
        (lambda: RNNLM(RNNScratch(V, H), V, embed_dim=8), "num_inputs=8"),
        (lambda: RNNLM(nn.RNN(V, H), V), "batch_first"),
        (
            lambda: RNNLM(
                nn.GRU(V, H, batch_first=True, bidirectional=True), V
            ),
            "bidirectional",
        ),
        (lambda: RNNLM(nn.Linear(V, H), V), "scratch cell"),
        (lambda: RNNLM(RNNScratch(V, H), 0), "vocab_size"),
        (lambda: RNNLM(RNNScratch(V, H), V, dropout=1.0), "dropout"),
        (
            lambda: RNNLM(RNNScratch(V, H), V)(torch.tensor([[0, 6]])),
            r"\[0, 6\)",
        ),
        (
            lambda: RNNLM(RNNScratch(V, H), V)(torch.tensor([[-1, 2]])),
            "from -1",
        ),
        (
            lambda: RNNLM(RNNScratch(V, H), V)(torch.tensor([0, 1])),
            r"\(B, T\)",
        ),
        (lambda: RNNLM(RNNScratch(V, H), V)(torch.zeros(1, 2)), "int64"),
        (lambda: RNNLM(RNNScratch(V, H), V)([[0, 1]]), "LongTensor"),
    ],
)
def test_rnnlm_errors(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        bad()


@pytest.mark.parametrize(
    "make",
    [
        lambda: RNNScratch(3, 4),
        lambda: RNNScratch(3, 4, fused=False),
        lambda: GRUScratch(3, 4),
        lambda: LSTMScratch(3, 4),
        lambda: RNNLM(nn.GRU(3, 4, batch_first=True), 3, embed_dim=3),
    ],
    ids=["rnn-fused", "rnn-loop", "gru", "lstm", "torch-gru-in-rnnlm"],
)
def test_a_live_graph_in_the_state_is_not_mistaken_for_a_freed_one(make):
    model = make()
    x = (
        torch.randint(0, 3, (2, 5))
        if isinstance(model, RNNLM)
        else torch.randn(2, 5, 3)
    )
    out1, state = model(x)
    out2, state = model(
        x, state
    )  # undetached but live: full BPTT over both, legitimate
    (out1.sum() + out2.sum()).backward(retain_graph=True)
    out3, _ = model(
        x, state
    )  # the graph was retained: still no complaint
    out3.sum().backward()
    with torch.no_grad():  # and nothing is probed without autograd
        model(x, state)


def test_the_freed_graph_probe_raises_seqlib_advice_before_any_compute():
    from seqlib.lm import refuse_freed_state

    h = torch.randn(2, 4, requires_grad=True)
    state = (torch.tanh(h) * 2, torch.sigmoid(h))
    refuse_freed_state(state)  # live: nothing
    (state[0].sum() + state[1].sum()).backward()
    with pytest.raises(
        RuntimeError, match="detach the state between minibatches"
    ) as info:
        refuse_freed_state(state)
    assert "retain_graph=True would backpropagate" in str(info.value)
    refuse_freed_state(tuple(s.detach() for s in state))  # detached: fine
