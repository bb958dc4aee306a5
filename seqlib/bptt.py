r"""Backpropagation through time for the vanilla RNN, written out by hand.

A vanilla RNN spends almost all of its time in the recurrence

.. math::

    h_t = \tanh(a_t + h_{t-1} W_{hh}), \qquad a_t = x_t W_{xh} + b_h,

because the input part :math:`a_t` of every step can be computed up front, with one matmul
over all ``B*T`` positions. This module holds two implementations of the recurrence alone,
given ``A = (a_1, ..., a_T)`` of shape ``(B, T, H)``, the initial state ``h0`` ``(B, H)`` and
``W_hh`` ``(H, H)``:

* :func:`rnn_loop`: the plain loop; autograd records every step and differentiates it.
* :func:`tanh_recurrence`: the same forward, but with the backward pass written out
  (:class:`TanhRecurrence`). It is what :class:`seqlib.models.RNNScratch` uses by default.

The backward pass (BPTT). Let :math:`L` be the loss and write :math:`z_t = a_t + h_{t-1} W_{hh}`,
so :math:`h_t = \tanh(z_t)`. The gradient reaching :math:`h_t` has two sources: the loss
read ``h_t`` directly (``dH[:, t]``, given to us by autograd), and step :math:`t+1` used it.
Going backwards in time, with :math:`g_{T+1} = 0`:

.. math::

    \frac{\partial L}{\partial h_t} &= \text{dH}_t + g_{t+1}, \\
    \frac{\partial L}{\partial z_t} &= \frac{\partial L}{\partial h_t} \odot (1 - h_t^2)
        \quad (\tanh' = 1 - \tanh^2), \\
    g_t &= \frac{\partial L}{\partial z_t} W_{hh}^\top
        \quad \text{(what flows on to } h_{t-1}\text{)}.

Then :math:`\partial L/\partial a_t = \partial L/\partial z_t`,
:math:`\partial L/\partial h_0 = g_1`, and, because the same :math:`W_{hh}` is used at every
step, its gradient is the sum over steps
:math:`\sum_t h_{t-1}^\top \, \partial L/\partial z_t`. That sum is one matmul of the
stacked previous states ``(T*B, H)`` with the stacked ``dZ`` ``(T*B, H)``, done once after
the loop instead of ``T`` small matmuls inside it. Only ``g_t`` must be computed step by step.

Why bother: autograd's version of the loop records a graph of ``~3T`` small operations,
keeps every intermediate, and replays it backwards one node at a time; ours runs two tight
loops that write into preallocated ``(T, B, H)`` buffers, with no bookkeeping. That is what
lets a from-scratch RNN train about as fast as ``torch.nn.RNN`` (``bench/rnn_speed.py``).

>>> A, h0 = torch.randn(2, 5, 3), torch.zeros(2, 3)
>>> W = torch.randn(3, 3) * 0.5
>>> torch.allclose(tanh_recurrence(A, h0, W), rnn_loop(A, h0, W), atol=1e-6)  # float32 rounding
True
"""

from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

__all__ = [
    "rnn_loop",
    "tanh_recurrence",
    "TanhRecurrence",
    "SECOND_BACKWARD",
    "explain_second_backward",
]

SECOND_BACKWARD = (
    "backward through the graph a second time"  # in PyTorch's own message
)


def explain_second_backward(err: RuntimeError) -> RuntimeError:
    """PyTorch's "backward through the graph a second time" error, explained for recurrent state.

    Its advice, ``retain_graph=True``, makes the usual cause worse: a state carried from the
    previous minibatch without :func:`seqlib.train.detach` keeps that minibatch's graph, and
    every step backpropagates through all earlier ones. Returns the ``RuntimeError`` to raise
    ``from err`` (callers check ``SECOND_BACKWARD in str(err)`` first).

    >>> explain_second_backward(RuntimeError("Trying to backward through the graph a second time"))
    RuntimeError('the recurrent state still holds the graph of an earlier minibatch: detach the state between minibatches (truncated BPTT), e.g. state = seqlib.train.detach(state) before each forward pass; retain_graph=True would backpropagate through every earlier minibatch instead')
    """
    return RuntimeError(
        "the recurrent state still holds the graph of an earlier minibatch: detach the "
        "state between minibatches (truncated BPTT), e.g. state = seqlib.train.detach(state) "
        "before each forward pass; retain_graph=True would backpropagate through every "
        "earlier minibatch instead"
    )


def _check(A: torch.Tensor, h0: torch.Tensor, W_hh: torch.Tensor) -> None:
    for value, name in ((A, "A"), (h0, "h0"), (W_hh, "W_hh")):
        if not isinstance(value, torch.Tensor):
            raise TypeError(
                f"{name} must be a tensor, got {type(value).__name__}"
            )
    if A.dim() != 3:
        raise ValueError(
            f"A must be (B, T, H), got shape {tuple(A.shape)}"
        )
    B, T, H = A.shape
    if T == 0:
        raise ValueError("A must have at least one time step, got T = 0")
    if tuple(h0.shape) != (B, H):
        raise ValueError(
            f"h0 must be (B, H) = {(B, H)}, got {tuple(h0.shape)}"
        )
    if tuple(W_hh.shape) != (H, H):
        raise ValueError(
            f"W_hh must be (H, H) = {(H, H)}, got {tuple(W_hh.shape)}"
        )


def rnn_loop(
    A: torch.Tensor, h0: torch.Tensor, W_hh: torch.Tensor
) -> torch.Tensor:
    r"""The recurrence :math:`h_t = \tanh(a_t + h_{t-1} W_{hh})` as a plain loop (autograd's BPTT).

    Args: ``A`` ``(B, T, H)`` input pre-activations, ``h0`` ``(B, H)``, ``W_hh`` ``(H, H)``.
    Returns the states ``(h_1, ..., h_T)`` as ``(B, T, H)``; the last one is the final state.

    >>> rnn_loop(torch.zeros(1, 2, 1), torch.ones(1, 1), torch.eye(1)).squeeze()
    tensor([0.7616, 0.6420])
    """
    _check(A, h0, W_hh)
    h = h0  # (B, H)
    states = []
    for t in range(A.shape[1]):
        h = torch.tanh(A[:, t] + h @ W_hh)  # (B, H)
        states.append(h)
    return torch.stack(states, dim=1)  # (B, T, H)


class TanhRecurrence(torch.autograd.Function):
    """:func:`rnn_loop` with a hand-written backward pass (see the module docstring)."""

    @staticmethod
    def forward(
        ctx, A: torch.Tensor, h0: torch.Tensor, W_hh: torch.Tensor
    ) -> torch.Tensor:
        # Inside forward autograd is off: the loop runs without recording anything.
        # The states are stored time-major, (T, B, H), so that each step writes one contiguous
        # (B, H) block in place; the caller gets the batch-first view (B, T, H) of them.
        batch_size, num_steps, num_hiddens = A.shape
        H_all = A.new_empty(
            num_steps, batch_size, num_hiddens
        )  # (T, B, H)
        h = h0  # (B, H)
        for t in range(num_steps):
            torch.addmm(
                A[:, t], h, W_hh, out=H_all[t]
            )  # (B, H): z_t = a_t + h_{t-1} W_hh
            h = H_all[t].tanh_()  # (B, H): h_t = tanh(z_t), in place
        ctx.save_for_backward(H_all, h0, W_hh)
        return H_all.transpose(0, 1)  # (B, T, H)

    @staticmethod
    @once_differentiable
    def backward(ctx, dH: torch.Tensor):
        try:
            H_all, h0, W_hh = (
                ctx.saved_tensors
            )  # (T, B, H), (B, H), (H, H)
        except RuntimeError as err:  # freed by an earlier backward: an undetached carried state
            raise explain_second_backward(err) from err
        dH = dH.transpose(
            0, 1
        )  # (T, B, H): dL/dh_t from the loss, time-major like H_all
        # dZ starts as tanh'(z_t) = 1 - h_t^2 for all steps at once; going back in time, each
        # step multiplies in the gradient reaching h_t, turning it into dL/dz_t.
        dZ = 1 - H_all * H_all  # (T, B, H)
        g = torch.zeros_like(
            h0
        )  # (B, H): gradient arriving at h_t from step t+1 (none at T)
        W_hh_T = W_hh.t()  # (H, H)
        for t in reversed(range(H_all.shape[0])):
            dZ[t] *= dH[t] + g  # (B, H): dL/dz_t = (dL/dh_t) * tanh'(z_t)
            g = dZ[t] @ W_hh_T  # (B, H): flows on to h_{t-1}
        # sum_t h_{t-1}^T dz_t as one matmul over all (T-1)*B (step, batch) positions, plus the
        # first step's term, whose h_0 is not in H_all.
        num_hiddens = H_all.shape[-1]
        dW_hh = (
            H_all[:-1].reshape(-1, num_hiddens).t()
            @ dZ[1:].reshape(-1, num_hiddens)
            + h0.t() @ dZ[0]
        )  # (H, H)
        return (
            dZ.transpose(0, 1),
            g,
            dW_hh,
        )  # dL/dA (B, T, H), dL/dh0 (B, H), dL/dW_hh (H, H)


def tanh_recurrence(
    A: torch.Tensor, h0: torch.Tensor, W_hh: torch.Tensor
) -> torch.Tensor:
    r"""The recurrence :math:`h_t = \tanh(a_t + h_{t-1} W_{hh})` with hand-written BPTT.

    Same contract and same numbers as :func:`rnn_loop` (tested, including ``gradcheck``),
    but faster to train (``bench/rnn_speed.py`` measures by how much). Higher-order
    gradients (a backward of the backward) are not supported.

    >>> A = torch.randn(2, 4, 3, requires_grad=True)
    >>> tanh_recurrence(A, torch.zeros(2, 3), torch.eye(3)).sum().backward()
    >>> tuple(A.grad.shape)
    (2, 4, 3)
    """
    _check(A, h0, W_hh)
    return TanhRecurrence.apply(A, h0, W_hh)
