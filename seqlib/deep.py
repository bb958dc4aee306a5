r"""Deep (stacked) and bidirectional recurrent networks, built from the scratch cells.

**Stacked** (D2L §10.3): layer :math:`l` reads the outputs of layer :math:`l-1`,

.. math::

    H_t^{(0)} = X_t, \qquad
    H_t^{(l)} = \phi(H_t^{(l-1)} W_{xh}^{(l)} + H_{t-1}^{(l)} W_{hh}^{(l)} + b_h^{(l)}),
    \qquad l = 1, \dots, L,

so :math:`W_{xh}^{(1)}` is ``(num_inputs, H)`` = ``(D, H)`` and every later
:math:`W_{xh}^{(l)}` is ``(H, H)`` (D2L writes :math:`h \times h` for all layers, wrong for
:math:`l = 1`). The outputs are the top layer's :math:`H_t^{(L)}`.

**Bidirectional** (D2L §10.4): one cell reads left to right, another right to left, and the
output at step :math:`t` concatenates both,
:math:`H_t = [\overrightarrow H_t, \overleftarrow H_t]`, ``(B, 2H)``. :math:`\overleftarrow H_t`
depends on :math:`x_t, \dots, x_T`: a bidirectional model sees the future, so it cannot be a
language model (:class:`~seqlib.lm.RNNLM` refuses it).

Both keep the batch-first contract of :mod:`seqlib.models` and :mod:`seqlib.lm`:
``forward(X (B, T, num_inputs), state=None) -> (outputs, state)``. The state of a stack is
``(B, L, H)`` (``(B, H)`` when ``num_layers == 1``, as for :class:`~seqlib.lm.RNNLM`'s torch
cells), that of a bidirectional layer ``(B, 2, H)`` (forward direction first, as torch's
``h_n``); an LSTM's is a pair of those. :func:`load_from_torch` copies the weights of a
multi-layer or bidirectional ``torch.nn.RNN/GRU/LSTM`` in; the two then compute the same
function (``tests/test_deep.py``, float64).

>>> stack = StackedRNNScratch(num_inputs=5, num_hiddens=8, num_layers=3)
>>> outputs, state = stack(torch.randn(2, 4, 5))
>>> tuple(outputs.shape), tuple(state.shape)
((2, 4, 8), (2, 3, 8))
"""

from __future__ import annotations

import torch
from torch import nn

from seqlib import validate
from seqlib.lm import map_state
from seqlib.models import GRUScratch, LSTMScratch, RNNScratch
from seqlib.models import load_from_torch as _load_cell

__all__ = [
    "CELLS",
    "BiRNNScratch",
    "StackedRNNScratch",
    "load_from_torch",
]

CELLS = {
    "rnn": RNNScratch,
    "gru": GRUScratch,
    "lstm": LSTMScratch,
}  # cell name -> scratch class
_TORCH = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


def _make_cell(
    cell: str, num_inputs: int, num_hiddens: int, sigma: float
) -> nn.Module:
    return CELLS[cell](num_inputs, num_hiddens, sigma=sigma)


def _layer_state(state, k: int):
    """Layer (or direction) ``k`` of a ``(B, L, H)`` state or pair: ``(B, H)`` or a pair."""
    return None if state is None else map_state(lambda s: s[:, k], state)


def _stack_states(states: list):
    """Per-layer states ``(B, H)`` (or pairs) -> ``(B, L, H)`` (or a pair of those)."""
    if isinstance(states[0], tuple):
        return tuple(
            torch.stack(parts, dim=1)
            for parts in zip(*states, strict=True)
        )  # (B, L, H)
    return torch.stack(states, dim=1)  # (B, L, H)


def _check_state(
    model: nn.Module, state, batch_size: int, depth: int, squeeze: bool
) -> None:
    want = (
        (batch_size, model.num_hiddens)
        if squeeze
        else (batch_size, depth, model.num_hiddens)
    )
    parts = state if model.cell == "lstm" else (state,)
    if model.cell == "lstm" and (
        not isinstance(state, (tuple, list)) or len(state) != 2
    ):
        raise ValueError(
            f"{type(model).__name__} with cell='lstm' expects state to be a pair "
            f"(h, c), got {type(state).__name__}"
        )
    for s in parts:
        if not isinstance(s, torch.Tensor) or tuple(s.shape) != want:
            got = (
                tuple(s.shape)
                if isinstance(s, torch.Tensor)
                else type(s).__name__
            )
            raise ValueError(
                f"{type(model).__name__} expects state of shape {want}, got {got}"
            )


class StackedRNNScratch(nn.Module):
    r"""``num_layers`` scratch cells, each reading the outputs of the one below (D2L's name).

    Args (D2L's names and defaults): ``num_inputs`` D, ``num_hiddens`` H (every layer),
    ``num_layers`` L, ``sigma`` the weights' init scale; ``cell`` is ``"rnn"`` (D2L's
    ``StackedRNNScratch``, tanh layers), ``"gru"`` or ``"lstm"``. Layer 1 is built with
    ``num_inputs`` D, the others with H: ``W_xh`` ``(D, H)`` then ``(H, H)``.

    ``forward(X (B, T, D), state=None) -> (outputs (B, T, H), state)``: outputs of the top
    layer; the state holds every layer's last state, ``(B, L, H)`` (``(B, H)`` if L = 1),
    or for an LSTM a pair of those. ``state=None`` starts every layer from zeros.

    >>> stack = StackedRNNScratch(4, 6, num_layers=2, cell="lstm")
    >>> [tuple(layer.W_xi.shape) for layer in stack.layers]
    [(4, 6), (6, 6)]
    >>> _, (h, c) = stack(torch.randn(3, 5, 4))
    >>> tuple(h.shape), tuple(c.shape)
    ((3, 2, 6), (3, 2, 6))
    """

    def __init__(
        self,
        num_inputs: int,
        num_hiddens: int,
        num_layers: int,
        sigma: float = 0.01,
        cell: str = "rnn",
    ):
        super().__init__()
        validate.integer(num_inputs, "num_inputs", minimum=1)
        validate.integer(num_hiddens, "num_hiddens", minimum=1)
        validate.integer(num_layers, "num_layers", minimum=1)
        validate.real(sigma, "sigma", low=0)
        validate.choice(cell, "cell", tuple(CELLS))
        self.num_inputs, self.num_hiddens, self.num_layers = (
            num_inputs,
            num_hiddens,
            num_layers,
        )
        self.sigma, self.cell = sigma, cell
        self.layers = nn.ModuleList(
            _make_cell(
                cell,
                num_inputs if i == 0 else num_hiddens,
                num_hiddens,
                sigma,
            )
            for i in range(num_layers)
        )

    def begin_state(self, batch_size: int, device=None, dtype=None):
        """A zero state: ``(batch_size, L, H)`` (``(batch_size, H)`` if L = 1), a pair for an LSTM."""
        states = [
            layer.begin_state(batch_size, device, dtype)
            for layer in self.layers
        ]
        return (
            states[0] if self.num_layers == 1 else _stack_states(states)
        )

    def forward(self, X: torch.Tensor, state=None):
        self.layers[0]._check_inputs(X)  # (B, T, D), T >= 1
        if state is not None:
            _check_state(
                self,
                state,
                X.shape[0],
                self.num_layers,
                self.num_layers == 1,
            )
        outputs, finals = X, []  # (B, T, D): H^(0) = X
        for k, layer in enumerate(self.layers):
            layer_state = (
                state if self.num_layers == 1 else _layer_state(state, k)
            )
            outputs, final = layer(
                outputs, layer_state
            )  # (B, T, H), (B, H)
            finals.append(final)
        return outputs, finals[
            0
        ] if self.num_layers == 1 else _stack_states(
            finals
        )  # (B, T, H), (B, L, H)


class BiRNNScratch(nn.Module):
    r"""A bidirectional layer: a forward cell on ``X``, a backward cell on ``X`` reversed in time.

    .. math::

        \overrightarrow H_t = \text{cell}_f(x_t, \overrightarrow H_{t-1}), \qquad
        \overleftarrow H_t = \text{cell}_b(x_t, \overleftarrow H_{t+1}), \qquad
        H_t = [\overrightarrow H_t, \overleftarrow H_t] \in \mathbb{R}^{B \times 2H}

    Args as :class:`StackedRNNScratch` (D2L's ``BiRNNScratch(num_inputs, num_hiddens,
    sigma)``, plus ``cell``). Unlike D2L, which sets ``num_hiddens *= 2``, ``num_hiddens``
    stays H, the size of each direction (torch's ``hidden_size``); ``output_size`` is 2H.

    ``forward(X (B, T, D), state=None) -> (outputs (B, T, 2H), state (B, 2, H))``:
    ``state[:, 0]`` is the forward cell's state after :math:`x_T`, ``state[:, 1]`` the
    backward cell's after :math:`x_1` (torch's ``h_n``, batch first); an LSTM's is a pair.
    A given ``state`` starts the forward cell at :math:`t = 1` and the backward cell at
    :math:`t = T`. Carrying it to the next chunk of a text makes sense only for the forward half.

    >>> bi = BiRNNScratch(3, 4)
    >>> outputs, state = bi(torch.randn(2, 5, 3))
    >>> tuple(outputs.shape), tuple(state.shape), bi.output_size
    ((2, 5, 8), (2, 2, 4), 8)
    """

    bidirectional = True  # RNNLM reads this and refuses the layer

    def __init__(
        self,
        num_inputs: int,
        num_hiddens: int,
        sigma: float = 0.01,
        cell: str = "rnn",
    ):
        super().__init__()
        validate.integer(num_inputs, "num_inputs", minimum=1)
        validate.integer(num_hiddens, "num_hiddens", minimum=1)
        validate.real(sigma, "sigma", low=0)
        validate.choice(cell, "cell", tuple(CELLS))
        self.num_inputs, self.num_hiddens, self.sigma, self.cell = (
            num_inputs,
            num_hiddens,
            sigma,
            cell,
        )
        self.output_size = 2 * num_hiddens
        self.f_rnn = _make_cell(
            cell, num_inputs, num_hiddens, sigma
        )  # left to right
        self.b_rnn = _make_cell(
            cell, num_inputs, num_hiddens, sigma
        )  # right to left

    def begin_state(self, batch_size: int, device=None, dtype=None):
        """A zero state ``(batch_size, 2, H)``, a pair of them for an LSTM."""
        states = [
            rnn.begin_state(batch_size, device, dtype)
            for rnn in (self.f_rnn, self.b_rnn)
        ]
        return _stack_states(states)

    def forward(self, X: torch.Tensor, state=None):
        self.f_rnn._check_inputs(X)  # (B, T, D), T >= 1
        if state is not None:
            _check_state(self, state, X.shape[0], 2, False)
        f_outputs, f_final = self.f_rnn(
            X, _layer_state(state, 0)
        )  # (B, T, H)
        b_outputs, b_final = self.b_rnn(
            X.flip(1), _layer_state(state, 1)
        )  # (B, T, H): x_T first
        outputs = torch.cat(
            [f_outputs, b_outputs.flip(1)], dim=-1
        )  # (B, T, 2H): step t beside step t
        return outputs, _stack_states(
            [f_final, b_final]
        )  # (B, T, 2H), (B, 2, H)


def _torch_layer(
    module: nn.RNNBase, layer: int, suffix: str
) -> nn.RNNBase:
    """A one-layer torch module holding ``module``'s weights of one layer and direction."""
    size = (
        module.input_size
        if layer == 0
        else module.hidden_size * (2 if module.bidirectional else 1)
    )
    kwargs = (
        {"nonlinearity": module.nonlinearity}
        if isinstance(module, nn.RNN)
        else {}
    )
    one = type(module)(
        size, module.hidden_size, batch_first=True, **kwargs
    )
    one.to(
        dtype=module.weight_ih_l0.dtype
    )  # float64 weights stay float64
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(one, f"{name}_l0").copy_(
                getattr(module, f"{name}_l{layer}{suffix}")
            )
    return one


def load_from_torch(model: nn.Module, module: nn.Module) -> nn.Module:
    """Copy the weights of a ``torch.nn.RNN/GRU/LSTM`` into a scratch model; returns it.

    ``model`` is a :class:`StackedRNNScratch` (``module`` with the same ``num_layers``,
    unidirectional), a :class:`BiRNNScratch` (``module`` one-layer, ``bidirectional=True``)
    or a one-layer scratch cell (:func:`seqlib.models.load_from_torch`). Raises ``TypeError``
    when the kinds differ and ``ValueError`` when the sizes or the shape of the stack do.

    >>> gru = torch.nn.GRU(3, 4, num_layers=2, batch_first=True)
    >>> stack = load_from_torch(StackedRNNScratch(3, 4, 2, cell="gru"), gru)
    >>> X = torch.randn(2, 5, 3)
    >>> torch.allclose(stack(X)[0], gru(X)[0], atol=1e-6)
    True
    """
    if not isinstance(model, (StackedRNNScratch, BiRNNScratch)):
        if not isinstance(model, nn.Module):
            raise TypeError(
                f"model must be a StackedRNNScratch, a BiRNNScratch or a scratch cell "
                f"(RNNScratch, GRUScratch, LSTMScratch), got {type(model).__name__}"
            )
        return _load_cell(model, module)
    if not isinstance(module, nn.RNNBase):
        raise TypeError(
            f"module must be a torch.nn.RNN, GRU or LSTM, got {type(module).__name__}"
        )
    if type(module) is not _TORCH[model.cell]:
        raise TypeError(
            f"a scratch model with cell={model.cell!r} pairs with "
            f"torch.nn.{_TORCH[model.cell].__name__}, got {type(module).__name__}"
        )
    if (
        not module.bias
        or getattr(module, "proj_size", 0)
        or getattr(module, "nonlinearity", "tanh") != "tanh"
    ):
        raise ValueError(
            "module must have biases, tanh and no projection to match a scratch model"
        )
    if (module.input_size, module.hidden_size) != (
        model.num_inputs,
        model.num_hiddens,
    ):
        raise ValueError(
            f"sizes differ: module ({module.input_size}, {module.hidden_size}), "
            f"model ({model.num_inputs}, {model.num_hiddens})"
        )
    if isinstance(model, StackedRNNScratch):
        if module.bidirectional or module.num_layers != model.num_layers:
            raise ValueError(
                f"module must be unidirectional with num_layers={model.num_layers}, got "
                f"num_layers={module.num_layers}, bidirectional={module.bidirectional}"
            )
        for k, cell in enumerate(model.layers):
            _load_cell(cell, _torch_layer(module, k, ""))
    else:
        if not module.bidirectional or module.num_layers != 1:
            raise ValueError(
                "a BiRNNScratch pairs with a one-layer module built with bidirectional=True, "
                f"got num_layers={module.num_layers}, bidirectional={module.bidirectional}"
            )
        _load_cell(model.f_rnn, _torch_layer(module, 0, ""))
        _load_cell(model.b_rnn, _torch_layer(module, 0, "_reverse"))
    return model
