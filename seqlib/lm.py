r"""A recurrent language model: tokens -> (one-hot or embedding) -> recurrent cell -> logits.

.. math::

    x_t = \text{onehot}(w_t) \text{ or } E[w_t], \qquad (h_1..h_T) = \text{cell}(x_1..x_T),
    \qquad \text{logits}_t = h_t W_{hq} + b_q, \qquad p(w_{t+1} \mid w_{\le t}) = \text{softmax}(\text{logits}_t)

:class:`RNNLM` takes any cell with the batch-first contract of :mod:`seqlib.models`
(``RNNScratch``, ``GRUScratch``, ``LSTMScratch``) or a ``torch.nn.RNN/GRU/LSTM`` built with
``batch_first=True``. Its state is always batch first, whatever the cell:

================================================  ==========================================
cell                                              state
================================================  ==========================================
RNNScratch, GRUScratch, one-layer torch RNN/GRU   ``h`` ``(B, H)``
LSTMScratch, one-layer torch LSTM                 ``(h, c)``, each ``(B, H)``
torch RNN/GRU with ``num_layers = L > 1``         ``h`` ``(B, L, H)`` (LSTM: a pair of those)
``seqlib.deep.StackedRNNScratch`` with L > 1      ``h`` ``(B, L, H)`` (LSTM: a pair of those)
================================================  ==========================================

so that code around the model (truncated BPTT, beam search, which reorders states along
the batch) never needs to know which cell is inside. torch's own ``(L, B, H)`` layout is
converted at the boundary, inside :meth:`RNNLM.forward`.

>>> from seqlib.models import RNNScratch
>>> lm = RNNLM(RNNScratch(num_inputs=28, num_hiddens=32), vocab_size=28)
>>> logits, state = lm(torch.randint(0, 28, (2, 5)))
>>> tuple(logits.shape), tuple(state.shape)
((2, 5, 28), (2, 32))
"""

from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F
from torch import nn

from seqlib import validate

__all__ = ["RNNLM", "map_state", "select_state", "evaluating"]


def map_state(fn, state):
    """Apply ``fn`` to every tensor of a recurrent state: a tensor, a tuple/list of them, or None.

    The one place that knows a state's shape: an LSTM's is a pair ``(h, c)``, a GRU's and a
    vanilla RNN's a single tensor. :func:`select_state`, :func:`seqlib.train.detach` and the
    layout conversion for ``torch.nn`` cells are all ``map_state`` of a tensor function.

    >>> map_state(lambda t: t * 2, (torch.ones(1), torch.zeros(1)))
    (tensor([2.]), tensor([0.]))
    """
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return type(state)(map_state(fn, s) for s in state)
    return fn(state)


def select_state(state, rows):
    """Rows ``rows`` (an index tensor, list or slice) of a batch-first state or pair of states.

    Because every :class:`RNNLM` state is batch first, picking, repeating or reordering
    sequences is indexing along dimension 0, whatever the cell (beam search relies on it).

    ``state=None`` (no state yet) gives ``None``. Raises ``TypeError`` for a ``state`` that is
    not a tensor or a tuple/list of tensors, or ``rows`` that is not an index tensor, a list of
    ints or a slice.

    >>> h, c = select_state((torch.zeros(3, 4), torch.ones(3, 4)), torch.tensor([2, 2]))
    >>> tuple(h.shape), tuple(c.shape)
    ((2, 4), (2, 4))
    """
    parts = state if isinstance(state, (tuple, list)) else [state]
    if state is not None and not all(
        isinstance(s, torch.Tensor) for s in parts
    ):
        raise TypeError(
            f"state must be a tensor, a tuple/list of tensors (an LSTM's (h, c)) or None, "
            f"got {type(state).__name__}"
        )
    is_ints = isinstance(rows, list) and all(
        isinstance(r, int) and not isinstance(r, bool) for r in rows
    )
    if not (isinstance(rows, (torch.Tensor, slice)) or is_ints):
        raise TypeError(
            f"rows must be an index tensor, a list of ints or a slice, got {type(rows).__name__}"
        )
    return map_state(lambda s: s[rows], state)  # (len(rows), ...)


@contextlib.contextmanager
def evaluating(model: nn.Module):
    """Run a block with ``model`` in eval mode (no dropout) and without autograd; restore its mode after.

    The mode is restored in a ``finally``, so an exception inside the block leaves the model
    as it was.

    >>> m = torch.nn.Dropout(0.5); m.train()
    Dropout(p=0.5, inplace=False)
    >>> with evaluating(m):
    ...     m.training, torch.is_grad_enabled()
    (False, False)
    >>> m.training
    True
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


def _freed_saved_tensors(
    state, max_nodes: int = 8
) -> RuntimeError | None:
    """PyTorch's error when ``state``'s graph was already freed by a backward pass, else ``None``.

    A state carried from the previous minibatch without :func:`seqlib.train.detach` still
    points into that minibatch's graph, which its ``backward()`` freed; reading a node's saved
    tensors (the attributes ``_saved_*``) then raises "Trying to backward through the graph a
    second time". Probes at most ``max_nodes`` nodes nearest the state (breadth first, one
    attribute read each), so it is cheap, and on a live graph it finds nothing.
    """
    parts = state if isinstance(state, (tuple, list)) else [state]
    nodes = [
        t.grad_fn
        for t in parts
        if isinstance(t, torch.Tensor) and t.grad_fn is not None
    ]
    seen = 0
    while nodes and seen < max_nodes:
        node, nodes = nodes[0], nodes[1:]
        seen += 1
        saved = [
            a
            for a in dir(node)
            if a.startswith("_saved_") or a == "saved_tensors"
        ]  # built-in, custom
        for attr in saved:
            try:
                getattr(node, attr)
            except RuntimeError as err:
                return err
            except Exception:  # noqa: BLE001, S112 -- an attribute torch cannot convert: no evidence
                continue
        nodes += [n for n, _ in node.next_functions if n is not None]
    return None


def refuse_freed_state(state) -> None:
    """Raise seqlib's detach advice when ``state`` holds a graph freed by an earlier backward.

    Called at the start of every seqlib cell's and :class:`RNNLM`'s ``forward``, so that
    forgetting ``state = seqlib.train.detach(state)`` between minibatches is named before any
    compute, instead of ending in PyTorch's advice to pass ``retain_graph=True`` (which would
    backpropagate through every earlier minibatch).

    >>> refuse_freed_state(torch.zeros(2, 3))  # no graph: nothing to say
    """
    from seqlib.bptt import SECOND_BACKWARD, explain_second_backward

    if state is None or not torch.is_grad_enabled():
        return
    err = _freed_saved_tensors(state)
    if err is not None and (
        SECOND_BACKWARD in str(err) or "freed" in str(err)
    ):
        raise explain_second_backward(err) from err


def _cell_sizes(cell: nn.Module) -> tuple[int, int, int]:
    """(num_inputs, num_hiddens, num_layers) of a scratch cell or a torch recurrent module."""
    if isinstance(cell, nn.RNNBase):
        if not cell.batch_first:
            raise ValueError(
                f"torch.nn.{type(cell).__name__} must be built with batch_first=True"
            )
        if cell.bidirectional:
            raise ValueError(
                "a language model reads left to right: bidirectional cells "
                "would see the tokens they are asked to predict"
            )
        if getattr(cell, "proj_size", 0):
            raise ValueError("LSTMs with proj_size > 0 are not supported")
        return cell.input_size, cell.hidden_size, cell.num_layers
    if getattr(cell, "bidirectional", False):  # seqlib.deep.BiRNNScratch
        raise ValueError(
            "a language model reads left to right: bidirectional cells "
            "would see the tokens they are asked to predict"
        )
    if all(
        hasattr(cell, a)
        for a in ("num_inputs", "num_hiddens", "begin_state")
    ):
        # a scratch cell, or a seqlib.deep.StackedRNNScratch (state (B, L, H) when L > 1)
        return (
            cell.num_inputs,
            cell.num_hiddens,
            getattr(cell, "num_layers", 1),
        )
    raise TypeError(
        "cell must be a seqlib scratch cell (with num_inputs, num_hiddens, "
        f"begin_state) or a torch.nn.RNN/GRU/LSTM, got {type(cell).__name__}"
    )


class RNNLM(nn.Module):
    r"""Language model over ``vocab_size`` tokens around a recurrent ``cell``.

    Args:
        cell: a scratch cell or a ``torch.nn.RNN/GRU/LSTM(batch_first=True)``.
        vocab_size: V, the number of token ids (inputs and outputs are ids in ``[0, V)``).
        embed_dim: ``None`` feeds one-hot vectors (as D2L does; the cell's ``num_inputs``
            must then equal V), an int learns an ``nn.Embedding(V, embed_dim)`` instead
            (the cell's ``num_inputs`` must equal ``embed_dim``).
        dropout: probability of zeroing a unit of the cell's outputs before the output layer
            and, with an embedding, of the embedded inputs (in training mode only).

    ``forward(tokens (B, T) int64, state=None) -> (logits (B, T, V), state)``; ``logits[:, t]``
    scores the token that follows ``tokens[:, t]``. ``state=None`` starts from zeros.

    >>> from seqlib.models import LSTMScratch
    >>> lm = RNNLM(LSTMScratch(8, 16), vocab_size=10, embed_dim=8, dropout=0.1)
    >>> logits, (h, c) = lm(torch.tensor([[1, 2, 3]]))
    >>> tuple(logits.shape), tuple(h.shape)
    ((1, 3, 10), (1, 16))
    """

    def __init__(
        self,
        cell: nn.Module,
        vocab_size: int,
        embed_dim: int | None = None,
        dropout: float = 0.0,
    ):
        super().__init__()
        validate.integer(vocab_size, "vocab_size", minimum=1)
        validate.integer(embed_dim, "embed_dim", minimum=1, optional=True)
        validate.real(dropout, "dropout", low=0, high=1, high_open=True)
        num_inputs, num_hiddens, num_layers = _cell_sizes(cell)
        expected = vocab_size if embed_dim is None else embed_dim
        if num_inputs != expected:
            feeds = (
                "one-hot vectors of size vocab_size"
                if embed_dim is None
                else "embeddings of size embed_dim"
            )
            raise ValueError(
                f"the cell takes inputs of size {num_inputs}, but the model feeds it "
                f"{feeds} = {expected}; build the cell with num_inputs={expected}"
            )
        self.cell, self.vocab_size, self.embed_dim = (
            cell,
            vocab_size,
            embed_dim,
        )
        self.num_hiddens, self.num_layers = num_hiddens, num_layers
        self.embedding = (
            None
            if embed_dim is None
            else nn.Embedding(vocab_size, embed_dim)
        )
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(
            num_hiddens, vocab_size
        )  # W_hq (H, V) and b_q, as one layer

    def begin_state(self, batch_size: int):
        """A zero state for ``batch_size`` rows, in the batch-first layout of the table above."""
        weight = self.output.weight
        if not isinstance(self.cell, nn.RNNBase):
            return self.cell.begin_state(
                batch_size, device=weight.device, dtype=weight.dtype
            )
        shape = (
            (batch_size, self.num_hiddens)
            if self.num_layers == 1
            else (batch_size, self.num_layers, self.num_hiddens)
        )
        h = torch.zeros(
            shape, device=weight.device, dtype=weight.dtype
        )  # (B, H) or (B, L, H)
        return (h, h.clone()) if isinstance(self.cell, nn.LSTM) else h

    def _check_tokens(self, tokens: torch.Tensor) -> None:
        if not isinstance(tokens, torch.Tensor):
            raise TypeError(
                f"tokens must be a LongTensor (B, T), got {type(tokens).__name__}"
            )
        if tokens.dtype != torch.long:
            raise ValueError(
                f"tokens must be int64 token ids, got dtype {tokens.dtype}"
            )
        if (
            tokens.dim() != 2
            or tokens.shape[1] == 0
            or tokens.shape[0] == 0
        ):
            raise ValueError(
                f"tokens must be (B, T) with B, T >= 1, got {tuple(tokens.shape)}"
            )
        low, high = int(tokens.min()), int(tokens.max())
        if low < 0 or high >= self.vocab_size:
            raise ValueError(
                f"token ids must be in [0, {self.vocab_size}), got ids from "
                f"{low} to {high}"
            )

    def _run_torch_cell(self, X: torch.Tensor, state):
        """Run a torch module, converting its (L, B, H) state layout to ours and back."""

        def to_torch(s):  # (B, H) or (B, L, H) -> (L, B, H)
            return (
                s.unsqueeze(0)
                if self.num_layers == 1
                else s.transpose(0, 1).contiguous()
            )

        def from_torch(s):  # (L, B, H) -> (B, H) or (B, L, H)
            return (
                s.squeeze(0)
                if self.num_layers == 1
                else s.transpose(0, 1)
            )

        if state is not None:
            state = map_state(to_torch, state)
        outputs, state = self.cell(X, state)  # (B, T, H)
        state = map_state(from_torch, state)
        return outputs, state

    def forward(self, tokens: torch.Tensor, state=None):
        self._check_tokens(tokens)
        refuse_freed_state(
            state
        )  # an undetached state from the previous minibatch
        if self.embedding is None:
            X = F.one_hot(tokens, self.vocab_size).to(
                self.output.weight.dtype
            )  # (B, T, V)
        else:
            X = self.dropout(self.embedding(tokens))  # (B, T, E)
        if isinstance(self.cell, nn.RNNBase):
            outputs, state = self._run_torch_cell(X, state)  # (B, T, H)
        else:
            outputs, state = self.cell(X, state)  # (B, T, H)
        logits = self.output(self.dropout(outputs))  # (B, T, V)
        return logits, state
