"""Stacked and bidirectional scratch RNNs against torch's multi-layer and bidirectional modules (float64)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from seqlib.deep import BiRNNScratch, StackedRNNScratch, load_from_torch
from seqlib.lm import RNNLM
from seqlib.models import GRUScratch

B, T, D, H = 3, 6, 5, 4
TORCH = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def assert_close(a, b):
    torch.testing.assert_close(a, b, atol=1e-10, rtol=0)


def loss_of(outputs, state):
    """A fixed random linear function of everything returned, so every gradient is exercised."""
    g = torch.Generator().manual_seed(2)
    parts = [outputs, *(state if isinstance(state, tuple) else (state,))]
    return sum(
        (p * torch.randn(p.shape, dtype=p.dtype, generator=g)).sum()
        for p in parts
    )


def to_torch_layout(state):  # (B, L, H) -> (L, B, H)
    return (
        tuple(s.transpose(0, 1).contiguous() for s in state)
        if isinstance(state, tuple)
        else state.transpose(0, 1).contiguous()
    )


def from_torch_layout(state):  # (L, B, H) -> (B, L, H)
    return (
        tuple(s.transpose(0, 1) for s in state)
        if isinstance(state, tuple)
        else state.transpose(0, 1)
    )


def inputs(depth, lstm):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(
        B, T, D, dtype=torch.float64, generator=g, requires_grad=True
    )
    h = torch.randn(
        B, depth, H, dtype=torch.float64, generator=g, requires_grad=True
    )
    c = torch.randn(
        B, depth, H, dtype=torch.float64, generator=g, requires_grad=True
    )
    return X, ((h, c) if lstm else h)


def leaves(state):
    return state if isinstance(state, tuple) else (state,)


def check_equal(model, module, depth, with_state):
    lstm = isinstance(module, nn.LSTM)
    X1, s1 = inputs(depth, lstm)
    X2, s2 = inputs(depth, lstm)
    out_t, fin_t = module(X1, to_torch_layout(s1) if with_state else None)
    fin_t = from_torch_layout(fin_t)
    loss_of(out_t, fin_t).backward()
    out_s, fin_s = model(X2, s2 if with_state else None)
    loss_of(out_s, fin_s).backward()
    assert_close(out_s, out_t)
    assert_close(fin_s, fin_t)
    assert_close(X2.grad, X1.grad)
    if with_state:
        for a, b in zip(leaves(s2), leaves(s1), strict=True):
            assert_close(a.grad, b.grad)
    for cell, layer, suffix in cells_of(
        model
    ):  # every parameter's gradient
        for k, g in enumerate(GATES[type(module)]):
            rows = slice(
                k * H, (k + 1) * H
            )  # this gate's block of torch's stacked rows
            grad = {
                name: getattr(module, f"{name}_l{layer}{suffix}").grad[
                    rows
                ]
                for name in (
                    "weight_ih",
                    "weight_hh",
                    "bias_ih",
                    "bias_hh",
                )
            }
            assert_close(
                getattr(cell, f"W_x{g}").grad, grad["weight_ih"].t()
            )
            assert_close(
                getattr(cell, f"W_h{g}").grad, grad["weight_hh"].t()
            )
            assert_close(getattr(cell, f"b_{g}").grad, grad["bias_ih"])
            if isinstance(module, nn.GRU) and g == "h":
                assert_close(
                    cell.b_hh.grad, grad["bias_hh"]
                )  # inside r * (...)


GATES = {
    nn.RNN: ["h"],
    nn.GRU: ["r", "z", "h"],
    nn.LSTM: ["i", "f", "c", "o"],
}


def cells_of(model):
    """(scratch cell, torch layer index, torch suffix) for every cell of a stack or a bi-layer."""
    if isinstance(model, StackedRNNScratch):
        return [(cell, k, "") for k, cell in enumerate(model.layers)]
    return [(model.f_rnn, 0, ""), (model.b_rnn, 0, "_reverse")]


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_stacked_equals_torch_multilayer(cell, num_layers):
    torch.manual_seed(0)
    module = TORCH[cell](
        D, H, num_layers=num_layers, batch_first=True
    ).double()
    model = load_from_torch(
        StackedRNNScratch(D, H, num_layers, cell=cell).double(), module
    )
    if num_layers == 1:  # state (B, H), as RNNLM's one-layer cells
        X = torch.randn(B, T, D, dtype=torch.float64)
        out, fin = model(X)
        out_t, fin_t = module(X)
        assert_close(out, out_t)
        assert_close(
            fin,
            tuple(s[0] for s in fin_t) if cell == "lstm" else fin_t[0],
        )
        return
    check_equal(model, module, num_layers, with_state=False)
    module.zero_grad()
    check_equal(
        load_from_torch(
            StackedRNNScratch(D, H, num_layers, cell=cell).double(),
            module,
        ),
        module,
        num_layers,
        with_state=True,
    )


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("with_state", [False, True])
def test_bidirectional_equals_torch_bidirectional(cell, with_state):
    torch.manual_seed(0)
    module = TORCH[cell](
        D, H, batch_first=True, bidirectional=True
    ).double()
    model = load_from_torch(
        BiRNNScratch(D, H, cell=cell).double(), module
    )
    check_equal(model, module, 2, with_state)


def test_gru_candidate_bias_gradient_matches():
    torch.manual_seed(0)
    module = nn.GRU(D, H, num_layers=2, batch_first=True).double()
    model = load_from_torch(
        StackedRNNScratch(D, H, 2, cell="gru").double(), module
    )
    X = torch.randn(B, T, D, dtype=torch.float64)
    out_t, fin_t = module(X)
    loss_of(out_t, from_torch_layout(fin_t)).backward()
    loss_of(*model(X)).backward()
    for k, layer in enumerate(model.layers):
        assert_close(
            layer.b_hh.grad,
            getattr(module, f"bias_hh_l{k}").grad[2 * H :],
        )


def test_backward_direction_reads_the_future_forward_does_not():
    torch.manual_seed(0)
    bi = BiRNNScratch(D, H, sigma=0.5, cell="gru")
    X = torch.randn(1, T, D)
    X2 = X.clone()
    X2[:, -1] += 1.0  # change only the last input
    a, b = bi(X)[0], bi(X2)[0]  # (1, T, 2H)
    assert torch.equal(
        a[:, :-1, :H], b[:, :-1, :H]
    )  # forward half before T: unchanged
    assert not torch.allclose(
        a[:, 0, H:], b[:, 0, H:]
    )  # backward half at t = 1 sees x_T


def test_carrying_stack_state_equals_one_long_call():
    torch.manual_seed(0)
    stack = StackedRNNScratch(D, H, 2, sigma=0.5, cell="gru")
    X = torch.randn(B, T, D)
    out, fin = stack(X)
    out1, mid = stack(X[:, :2])
    out2, fin2 = stack(X[:, 2:], mid)
    torch.testing.assert_close(torch.cat([out1, out2], 1), out)
    torch.testing.assert_close(fin2, fin)


def test_parameter_shapes_follow_the_corrected_equations():
    stack = StackedRNNScratch(28, 32, 3)  # D2L's sizes
    assert [tuple(layer.W_xh.shape) for layer in stack.layers] == [
        (28, 32),
        (32, 32),
        (32, 32),
    ]
    assert all(
        tuple(layer.W_hh.shape) == (32, 32) for layer in stack.layers
    )
    assert isinstance(
        StackedRNNScratch(2, 3, 2, cell="gru").layers[1], GRUScratch
    )
    assert tuple(StackedRNNScratch(2, 3, 2).begin_state(4).shape) == (
        4,
        2,
        3,
    )
    h, c = BiRNNScratch(2, 3, cell="lstm").begin_state(4)
    assert tuple(h.shape) == tuple(c.shape) == (4, 2, 3)


def test_rnnlm_takes_a_stack_and_refuses_a_bidirectional_layer():
    torch.manual_seed(0)
    lm = RNNLM(StackedRNNScratch(8, H, 2, cell="lstm"), 7, embed_dim=8)
    logits, (h, _) = lm(torch.randint(0, 7, (B, T)))
    assert logits.shape == (B, T, 7) and h.shape == (B, 2, H)
    assert tuple(lm.begin_state(B)[0].shape) == (B, 2, H)
    with pytest.raises(ValueError, match="bidirectional"):
        RNNLM(BiRNNScratch(7, H), 7)


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda: StackedRNNScratch(D, H, 0), "num_layers"),
        (
            lambda: StackedRNNScratch(D, H, 2, cell="tanh"),
            "cell must be one of",
        ),
        (lambda: BiRNNScratch(D, 0), "num_hiddens"),
        (
            lambda: StackedRNNScratch(D, H, 2)(
                torch.randn(B, T, D), torch.zeros(B, H)
            ),
            r"\(3, 2, 4\)",
        ),
        (
            lambda: StackedRNNScratch(D, H, 2, cell="lstm")(
                torch.randn(B, T, D), torch.zeros(B, 2, H)
            ),
            "pair",
        ),
        (
            lambda: StackedRNNScratch(D, H, 2)(torch.randn(B, T, D + 1)),
            "expects X",
        ),
        (
            lambda: BiRNNScratch(D, H)(
                torch.randn(B, T, D), torch.zeros(B, 1, H)
            ),
            r"\(3, 2, 4\)",
        ),
        (
            lambda: load_from_torch(
                StackedRNNScratch(D, H, 2), nn.GRU(D, H, 2)
            ),
            "pairs with",
        ),
        (
            lambda: load_from_torch(
                StackedRNNScratch(D, H, 2), nn.RNN(D, H, 3)
            ),
            "num_layers=2",
        ),
        (
            lambda: load_from_torch(
                StackedRNNScratch(D, H, 2), nn.RNN(D, H + 1, 2)
            ),
            "sizes differ",
        ),
        (
            lambda: load_from_torch(BiRNNScratch(D, H), nn.RNN(D, H)),
            "bidirectional=True",
        ),
        (
            lambda: load_from_torch(
                StackedRNNScratch(D, H, 2),
                nn.RNN(D, H, 2, nonlinearity="relu"),
            ),
            "tanh",
        ),
    ],
)
def test_errors(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        bad()
