r"""Gradient clipping by global norm, written out: the teaching version of ``clip_grad_norm_``.

Exploding gradients in a recurrent net (the BPTT chapter) are tamed by rescaling *all*
gradients together so that their global L2 norm is at most :math:`\theta`.
:func:`seqlib.train.fit` uses ``torch.nn.utils.clip_grad_norm_``; :func:`clip_gradients` is
the same computation in a few readable lines, and the tests check the two agree number for
number.
"""

from __future__ import annotations

import torch

from seqlib import validate

__all__ = ["grad_norm", "clip_gradients"]


def grad_norm(params) -> torch.Tensor:
    r"""Global L2 norm :math:`\sqrt{\sum_p \lVert g_p \rVert^2}` of all gradients, as torch computes it."""
    grads = [
        p.grad
        for p in validate.parameters(params, "params")
        if p.grad is not None
    ]
    if not grads:
        return torch.tensor(0.0)
    per_tensor = torch.stack(
        [torch.linalg.vector_norm(g) for g in grads]
    )  # (num_params,)
    return torch.linalg.vector_norm(
        per_tensor
    )  # norm of the norms = norm of everything


def clip_gradients(params, max_norm: float) -> float:
    r"""Rescale gradients in place so their global L2 norm is at most ``max_norm``; return the norm before.

    .. math::  g \leftarrow g \cdot \min\!\left(1, \frac{\theta}{\lVert g \rVert + 10^{-6}}\right)

    The direction of the update is kept, only its length is capped. This is the teaching
    version; :func:`fit` calls ``torch.nn.utils.clip_grad_norm_``, to which it is equal,
    number for number (tested), including the ``1e-6``.

    >>> p = torch.nn.Parameter(torch.zeros(2)); p.grad = torch.tensor([3.0, 4.0])
    >>> clip_gradients([p], max_norm=1.0), p.grad
    (5.0, tensor([0.6000, 0.8000]))
    """
    validate.real(max_norm, "max_norm", low=0, low_open=True)
    params = validate.parameters(params, "params")
    total = grad_norm(params)  # 0-d tensor
    scale = max_norm / (
        total + 1e-6
    )  # < 1 exactly when the norm exceeds max_norm
    if scale < 1:
        for p in params:
            if p.grad is not None:
                p.grad.mul_(scale)
    return float(total)
