r"""Recurrent cells from scratch (RNN, GRU, LSTM) and the character language model around them.

The three cells follow D2L's parameter names and its layout: every input matrix is
``(num_inputs, H)``, every recurrent matrix ``(H, H)``, so a step reads ``x_t @ W_x? + h @ W_h?``.
Weights start as ``randn * sigma`` and biases at zero, as in D2L. Unlike D2L, everything is
batch first: ``forward(X (B, T, num_inputs), state=None) -> (outputs (B, T, H), state)``, with
``state`` ``(B, H)`` for the RNN and GRU and the pair ``(h, c)`` for the LSTM.

Each cell computes the input half of every gate for all ``T`` steps with one matmul before
its loop; only the recurrent half has to wait for the previous step. The cells equal
``torch.nn.RNN/GRU/LSTM`` to float64 precision (``tests/test_models.py``);
:func:`load_from_torch` and :func:`to_torch` copy weights between the two (see
:mod:`seqlib.lm` for :class:`RNNLM`, also importable from here).

>>> cell = RNNScratch(num_inputs=5, num_hiddens=8)
>>> outputs, state = cell(torch.randn(2, 3, 5))
>>> tuple(outputs.shape), tuple(state.shape)
((2, 3, 8), (2, 8))
"""

from __future__ import annotations

import torch
from torch import nn

from seqlib import validate

from seqlib.bptt import rnn_loop, tanh_recurrence
from seqlib.lm import (
    RNNLM,
    refuse_freed_state,
)  # the language model around a cell lives in its own module

__all__ = [
    "RNNScratch",
    "GRUScratch",
    "LSTMScratch",
    "RNNLM",
    "load_from_torch",
    "to_torch",
]


def _gate(num_inputs: int, num_hiddens: int, sigma: float):
    """One gate's parameters, as D2L's ``triple()``: ``W_x? (D, H)``, ``W_h? (H, H)``, ``b_? (H,)``."""
    return (
        nn.Parameter(
            torch.randn(num_inputs, num_hiddens) * sigma
        ),  # (D, H)
        nn.Parameter(
            torch.randn(num_hiddens, num_hiddens) * sigma
        ),  # (H, H)
        nn.Parameter(torch.zeros(num_hiddens)),
    )  # (H,)


class _ScratchCell(nn.Module):
    """What the three cells share: sizes, input and state checks, a zero initial state."""

    def __init__(self, num_inputs: int, num_hiddens: int, sigma: float):
        super().__init__()
        validate.integer(num_inputs, "num_inputs", minimum=1)
        validate.integer(num_hiddens, "num_hiddens", minimum=1)
        validate.real(sigma, "sigma", low=0)
        self.num_inputs, self.num_hiddens, self.sigma = (
            num_inputs,
            num_hiddens,
            sigma,
        )

    def begin_state(
        self, batch_size: int, device=None, dtype=None
    ) -> torch.Tensor:
        """A zero state ``(batch_size, H)`` with the parameters' dtype and device."""
        weight = next(self.parameters())
        return torch.zeros(
            batch_size,
            self.num_hiddens,
            device=device or weight.device,
            dtype=dtype or weight.dtype,
        )  # (B, H)

    def _check_inputs(self, X: torch.Tensor) -> None:
        if (
            not isinstance(X, torch.Tensor)
            or X.dim() != 3
            or X.shape[-1] != self.num_inputs
        ):
            got = (
                tuple(X.shape)
                if isinstance(X, torch.Tensor)
                else type(X).__name__
            )
            raise ValueError(
                f"{type(self).__name__} expects X of shape (B, T, "
                f"{self.num_inputs}), got {got}"
            )
        if X.shape[1] == 0:
            raise ValueError(
                f"{type(self).__name__} expects at least one time step, got T = 0"
            )

    def _check_state(
        self, h: torch.Tensor, batch_size: int, what: str = "state"
    ) -> None:
        if not isinstance(h, torch.Tensor) or tuple(h.shape) != (
            batch_size,
            self.num_hiddens,
        ):
            got = (
                tuple(h.shape)
                if isinstance(h, torch.Tensor)
                else type(h).__name__
            )
            raise ValueError(
                f"{type(self).__name__} expects {what} of shape (B, H) = "
                f"{(batch_size, self.num_hiddens)}, got {got}"
            )


class RNNScratch(_ScratchCell):
    r"""Vanilla (Elman) RNN: :math:`h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)`.

    Parameters ``W_xh`` ``(num_inputs, H)``, ``W_hh`` ``(H, H)``, ``b_h`` ``(H,)``.
    ``fused=True`` (default) runs the recurrence with the hand-written BPTT backward of
    :func:`seqlib.bptt.tanh_recurrence`; ``fused=False`` with the plain autograd loop
    :func:`seqlib.bptt.rnn_loop`. Both give the same numbers; the first is faster to train.
    Equals ``torch.nn.RNN(num_inputs, H, batch_first=True)`` (its two biases add up to ``b_h``).

    >>> outputs, h = RNNScratch(3, 4)(torch.randn(2, 5, 3))
    >>> torch.equal(outputs[:, -1], h)
    True
    """

    def __init__(
        self,
        num_inputs: int,
        num_hiddens: int,
        sigma: float = 0.01,
        fused: bool = True,
    ):
        super().__init__(num_inputs, num_hiddens, sigma)
        self.fused = fused
        self.W_xh, self.W_hh, self.b_h = _gate(
            num_inputs, num_hiddens, sigma
        )

    def forward(self, X: torch.Tensor, state: torch.Tensor | None = None):
        self._check_inputs(X)
        refuse_freed_state(
            state
        )  # an undetached state from the previous minibatch
        h0 = (
            self.begin_state(X.shape[0]) if state is None else state
        )  # (B, H)
        self._check_state(h0, X.shape[0])
        A = (
            X @ self.W_xh + self.b_h
        )  # (B, T, H): the input part of every step, one matmul
        recurrence = tanh_recurrence if self.fused else rnn_loop
        outputs = recurrence(A, h0, self.W_hh)  # (B, T, H)
        return outputs, outputs[:, -1]  # (B, T, H), (B, H)


class GRUScratch(_ScratchCell):
    r"""Gated recurrent unit (Cho et al., 2014), in either of its two published forms.

    .. math::

        r_t &= \sigma(x_t W_{xr} + h_{t-1} W_{hr} + b_r) \quad\text{(reset gate)} \\
        z_t &= \sigma(x_t W_{xz} + h_{t-1} W_{hz} + b_z) \quad\text{(update gate)} \\
        \tilde h_t &= \tanh(x_t W_{xh} + b_h + r_t \odot (h_{t-1} W_{hh} + b_{hh}))
            \quad\text{(reset\_after=True: torch.nn.GRU, cuDNN)} \\
        \tilde h_t &= \tanh(x_t W_{xh} + (r_t \odot h_{t-1}) W_{hh} + b_h)
            \quad\text{(reset\_after=False: the textbook GRU, D2L)} \\
        h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t

    With ``reset_after=True`` the reset gate multiplies the recurrent product *after* the
    matmul, as ``torch.nn.GRU`` does; that form has one more bias, ``b_hh`` ``(H,)`` (zero at
    start), inside the product, so that torch's weights copy over exactly. With
    ``reset_after=False`` it multiplies the state *before* the matmul; there is no ``b_hh``.
    The two are different functions of the same weights. The reset-after form is the one
    cuDNN and torch chose because all three recurrent products ``h @ W_h?`` then depend on
    ``h`` alone and can be done as one matmul.

    >>> outputs, h = GRUScratch(3, 4, reset_after=False)(torch.randn(2, 5, 3))
    >>> tuple(h.shape)
    (2, 4)
    """

    def __init__(
        self,
        num_inputs: int,
        num_hiddens: int,
        sigma: float = 0.01,
        reset_after: bool = True,
    ):
        super().__init__(num_inputs, num_hiddens, sigma)
        self.reset_after = reset_after
        self.W_xr, self.W_hr, self.b_r = _gate(
            num_inputs, num_hiddens, sigma
        )  # reset gate
        self.W_xz, self.W_hz, self.b_z = _gate(
            num_inputs, num_hiddens, sigma
        )  # update gate
        self.W_xh, self.W_hh, self.b_h = _gate(
            num_inputs, num_hiddens, sigma
        )  # candidate state
        if reset_after:
            self.b_hh = nn.Parameter(torch.zeros(num_hiddens))  # (H,)

    def forward(self, X: torch.Tensor, state: torch.Tensor | None = None):
        self._check_inputs(X)
        refuse_freed_state(
            state
        )  # an undetached state from the previous minibatch
        h = (
            self.begin_state(X.shape[0]) if state is None else state
        )  # (B, H)
        self._check_state(h, X.shape[0])
        XR = (
            X @ self.W_xr + self.b_r
        )  # (B, T, H): input parts of all steps, up front
        XZ = X @ self.W_xz + self.b_z  # (B, T, H)
        XH = X @ self.W_xh + self.b_h  # (B, T, H)
        outputs = []
        for t in range(X.shape[1]):
            r = torch.sigmoid(XR[:, t] + h @ self.W_hr)  # (B, H)
            z = torch.sigmoid(XZ[:, t] + h @ self.W_hz)  # (B, H)
            if self.reset_after:
                h_tilde = torch.tanh(
                    XH[:, t] + r * (h @ self.W_hh + self.b_hh)
                )  # (B, H)
            else:
                h_tilde = torch.tanh(
                    XH[:, t] + (r * h) @ self.W_hh
                )  # (B, H)
            h = z * h + (1 - z) * h_tilde  # (B, H)
            outputs.append(h)
        return torch.stack(outputs, dim=1), h  # (B, T, H), (B, H)


class LSTMScratch(_ScratchCell):
    r"""Long short-term memory (Hochreiter & Schmidhuber, 1997, with the forget gate of Gers et al.).

    .. math::

        i_t &= \sigma(x_t W_{xi} + h_{t-1} W_{hi} + b_i), \quad
        f_t = \sigma(x_t W_{xf} + h_{t-1} W_{hf} + b_f), \quad
        o_t = \sigma(x_t W_{xo} + h_{t-1} W_{ho} + b_o) \\
        \tilde c_t &= \tanh(x_t W_{xc} + h_{t-1} W_{hc} + b_c), \quad
        c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t, \quad h_t = o_t \odot \tanh(c_t)

    The state is the pair ``(h, c)``, each ``(B, H)``; the outputs are the ``h_t``.
    Equals ``torch.nn.LSTM`` (whose gate order is i, f, c~ ("g"), o; its two biases add up).

    >>> outputs, (h, c) = LSTMScratch(3, 4)(torch.randn(2, 5, 3))
    >>> tuple(outputs.shape), tuple(c.shape)
    ((2, 5, 4), (2, 4))
    """

    def __init__(
        self, num_inputs: int, num_hiddens: int, sigma: float = 0.01
    ):
        super().__init__(num_inputs, num_hiddens, sigma)
        self.W_xi, self.W_hi, self.b_i = _gate(
            num_inputs, num_hiddens, sigma
        )  # input gate
        self.W_xf, self.W_hf, self.b_f = _gate(
            num_inputs, num_hiddens, sigma
        )  # forget gate
        self.W_xo, self.W_ho, self.b_o = _gate(
            num_inputs, num_hiddens, sigma
        )  # output gate
        self.W_xc, self.W_hc, self.b_c = _gate(
            num_inputs, num_hiddens, sigma
        )  # candidate memory

    def begin_state(self, batch_size: int, device=None, dtype=None):
        """A zero state ``(h, c)``, each ``(batch_size, H)``."""
        return (
            super().begin_state(batch_size, device, dtype),
            super().begin_state(batch_size, device, dtype),
        )

    def forward(
        self,
        X: torch.Tensor,
        state: tuple[torch.Tensor, torch.Tensor] | None = None,
    ):
        self._check_inputs(X)
        refuse_freed_state(
            state
        )  # an undetached state from the previous minibatch
        if state is None:
            state = self.begin_state(X.shape[0])
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise ValueError(
                "LSTMScratch expects state to be a pair (h, c), got "
                f"{type(state).__name__}"
            )
        h, c = state  # (B, H), (B, H)
        self._check_state(h, X.shape[0], "h")
        self._check_state(c, X.shape[0], "c")
        XI = (
            X @ self.W_xi + self.b_i
        )  # (B, T, H): input parts of all steps, up front
        XF = X @ self.W_xf + self.b_f  # (B, T, H)
        XO = X @ self.W_xo + self.b_o  # (B, T, H)
        XC = X @ self.W_xc + self.b_c  # (B, T, H)
        outputs = []
        for t in range(X.shape[1]):
            i = torch.sigmoid(
                XI[:, t] + h @ self.W_hi
            )  # (B, H): input gate
            f = torch.sigmoid(
                XF[:, t] + h @ self.W_hf
            )  # (B, H): forget gate
            o = torch.sigmoid(
                XO[:, t] + h @ self.W_ho
            )  # (B, H): output gate
            c_tilde = torch.tanh(
                XC[:, t] + h @ self.W_hc
            )  # (B, H): candidate memory
            c = f * c + i * c_tilde  # (B, H)
            h = o * torch.tanh(c)  # (B, H)
            outputs.append(h)
        return torch.stack(outputs, dim=1), (
            h,
            c,
        )  # (B, T, H), ((B, H), (B, H))


# Weight copying between the scratch cells and torch's modules --------------------------------
# torch keeps weight_ih (G*H, D) and weight_hh (G*H, H) with the G gates stacked in rows, and
# two biases (bias_ih, bias_hh) that only ever appear summed, except GRU's candidate bias.
_TORCH_GATES = {  # gate order in torch's stacked matrices, named with our suffixes
    RNNScratch: (nn.RNN, ["h"]),
    GRUScratch: (nn.GRU, ["r", "z", "h"]),
    LSTMScratch: (nn.LSTM, ["i", "f", "c", "o"]),
}


def _check_pair(cell: nn.Module, module: nn.Module | None = None):
    kind = _TORCH_GATES.get(type(cell))
    if kind is None:
        raise TypeError(
            f"cell must be RNNScratch, GRUScratch or LSTMScratch, got {type(cell).__name__}"
        )
    torch_class, gates = kind
    if isinstance(cell, GRUScratch) and not cell.reset_after:
        raise ValueError(
            "torch.nn.GRU is the reset_after=True GRU; a reset_after=False cell "
            "computes a different function and cannot be copied to or from it"
        )
    if module is not None:
        if type(module) is not torch_class:
            raise TypeError(
                f"{type(cell).__name__} pairs with torch.nn.{torch_class.__name__}, "
                f"got {type(module).__name__}"
            )
        if (
            module.num_layers != 1
            or module.bidirectional
            or not module.bias
            or getattr(module, "proj_size", 0)
            or getattr(module, "nonlinearity", "tanh") != "tanh"
        ):
            raise ValueError(
                "only a one-layer, unidirectional torch module with biases "
                "(and tanh, no projection) matches a scratch cell"
            )
        if (module.input_size, module.hidden_size) != (
            cell.num_inputs,
            cell.num_hiddens,
        ):
            raise ValueError(
                f"sizes differ: torch module ({module.input_size}, {module.hidden_size}), "
                f"cell ({cell.num_inputs}, {cell.num_hiddens})"
            )
    return torch_class, gates


@torch.no_grad()
def load_from_torch(cell: nn.Module, module: nn.Module) -> nn.Module:
    """Copy the weights of a one-layer ``torch.nn.RNN/GRU/LSTM`` into a scratch cell; returns it.

    >>> torch_rnn = torch.nn.RNN(3, 4, batch_first=True)
    >>> cell = load_from_torch(RNNScratch(3, 4), torch_rnn)
    >>> X = torch.randn(2, 5, 3)
    >>> torch.allclose(cell(X)[0], torch_rnn(X)[0], atol=1e-6)
    True
    """
    _, gates = _check_pair(cell, module)
    H = cell.num_hiddens
    for k, g in enumerate(gates):
        rows = slice(
            k * H, (k + 1) * H
        )  # this gate's block of torch's stacked rows
        getattr(cell, f"W_x{g}").copy_(module.weight_ih_l0[rows].t())
        getattr(cell, f"W_h{g}").copy_(module.weight_hh_l0[rows].t())
        bias_ih, bias_hh = (
            module.bias_ih_l0[rows],
            module.bias_hh_l0[rows],
        )
        if (
            isinstance(cell, GRUScratch) and g == "h"
        ):  # candidate: b_hh sits inside r * (...)
            cell.b_h.copy_(bias_ih)
            cell.b_hh.copy_(bias_hh)
        else:
            getattr(cell, f"b_{g}").copy_(bias_ih + bias_hh)
    return cell


@torch.no_grad()
def to_torch(cell: nn.Module) -> nn.Module:
    """A ``torch.nn.RNN/GRU/LSTM(batch_first=True)`` computing exactly what ``cell`` computes.

    >>> torch_gru = to_torch(GRUScratch(3, 4))
    >>> type(torch_gru).__name__, torch_gru.batch_first
    ('GRU', True)
    """
    torch_class, gates = _check_pair(cell)
    H = cell.num_hiddens
    module = torch_class(cell.num_inputs, H, batch_first=True)
    weight = next(cell.parameters())
    module.to(dtype=weight.dtype, device=weight.device)
    for k, g in enumerate(gates):
        rows = slice(k * H, (k + 1) * H)
        module.weight_ih_l0[rows] = getattr(cell, f"W_x{g}").t()
        module.weight_hh_l0[rows] = getattr(cell, f"W_h{g}").t()
        module.bias_ih_l0[rows] = getattr(cell, f"b_{g}")
        gru_candidate = isinstance(cell, GRUScratch) and g == "h"
        module.bias_hh_l0[rows] = cell.b_hh if gru_candidate else 0.0
    return module
