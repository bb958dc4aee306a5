"""seqlib.compression: the range coder round-trips, its size is the NLL, dynamic coding decodes."""

import bz2
import math
import zlib

import pytest
import torch

from seqlib.compression import (
    Code,
    DecodeError,
    DynamicEval,
    conditional_bits,
    decode,
    encode,
    gradient_rms,
    nll_bits,
)
from seqlib.models import RNNLM, GRUScratch


def make_model(seed=0, vocab_size=7, cell="lstm"):
    torch.manual_seed(seed)
    if cell == "lstm":
        return RNNLM(
            torch.nn.LSTM(8, 16, batch_first=True),
            vocab_size,
            embed_dim=8,
        )
    return RNNLM(GRUScratch(8, 16), vocab_size, embed_dim=8)


@pytest.fixture
def text():
    g = torch.Generator().manual_seed(1)
    return torch.randint(0, 7, (300,), generator=g), torch.randint(
        0, 7, (40,), generator=g
    )


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("with_context", [True, False])
def test_static_round_trip_and_size(text, cell, with_context):
    ids, context = text
    context = context if with_context else None
    model = make_model(cell=cell)
    code = encode(model, ids, context)
    assert decode(model, code, context).tolist() == ids.tolist()
    assert code.num_symbols == len(ids)
    # the file is the NLL in bits, within the coder's flush (two 32-bit words)
    assert 0 <= code.num_bits - code.nll_bits < 64 + 1
    assert code.nll_bits == pytest.approx(
        nll_bits(model, ids, context), rel=1e-9
    )


@pytest.mark.parametrize("update", ["sgd", "rms"])
@pytest.mark.parametrize("with_context", [True, False])
def test_dynamic_round_trip_matches_batched_nll(
    text, with_context, update
):
    ids, context = text
    context = context if with_context else None
    model = make_model(seed=3)
    static = nll_bits(model, ids, context)
    adapt = (
        DynamicEval(model, lr=0.3, segment=16, decay=0.02)
        if update == "sgd"
        else DynamicEval(  # Krause et al.'s segments of 5, no clipping
            model,
            lr=1e-3,
            segment=5,
            decay=0.01,
            clip=None,
            rms=gradient_rms(model, ids, batch_size=4, num_steps=5),
        )
    )
    code = encode(model, ids, context, adapt)
    changed = any(
        not torch.equal(p, p0)
        for p, p0 in zip(adapt.params, adapt.start, strict=True)
    )
    assert changed  # the encoder adapted the model in place
    adapt.reset()
    batched = nll_bits(model, ids, context, adapt)
    adapt.reset()
    assert decode(model, code, context, adapt).tolist() == ids.tolist()
    assert code.nll_bits == pytest.approx(batched, rel=1e-6)
    assert code.nll_bits != pytest.approx(
        static, rel=1e-6
    )  # a different number from static
    adapt.reset()
    assert nll_bits(model, ids, context) == pytest.approx(
        static, rel=1e-12
    )  # reset restores


def test_decoding_without_the_same_updates_fails(text):
    ids, context = text
    model = make_model(seed=4)
    adapt = DynamicEval(model, lr=1.0, segment=8)
    code = encode(model, ids, context, adapt)
    adapt.reset()
    try:  # static decoder, dynamic file: wrong text, or a DecodeError
        assert decode(model, code, context).tolist() != ids.tolist()
    except DecodeError as err:  # where the words stop making sense
        assert 0 < err.position < len(ids)
        assert len(err.decoded) == err.position


def test_uniform_model_costs_log2_v_per_token():
    model = make_model(vocab_size=5)
    with torch.no_grad():
        for p in model.output.parameters():
            p.zero_()
    ids = torch.arange(200) % 5
    code = encode(model, ids, context=torch.tensor([0]))
    assert code.nll_bits == pytest.approx(200 * math.log2(5))
    assert (
        decode(model, code, context=torch.tensor([0])).tolist()
        == ids.tolist()
    )


def test_conditional_bits_uses_context():
    context, text = (
        b"the time traveller " * 200,
        b"the time traveller " * 5,
    )
    for compress in (
        lambda b: zlib.compress(b, 9),
        lambda b: bz2.compress(b, 9),
    ):
        assert conditional_bits(
            compress, context, text
        ) < conditional_bits(compress, b"", text)


def test_bad_input():
    model = make_model()
    with pytest.raises(ValueError, match="ids"):
        encode(model, torch.tensor([0, 9]))
    with pytest.raises(ValueError, match="context"):
        encode(
            model,
            torch.tensor([0, 1]),
            context=torch.tensor([], dtype=torch.long),
        )
    with pytest.raises(TypeError, match="adapt"):
        encode(model, torch.tensor([0, 1]), adapt="sgd")
    with pytest.raises(ValueError, match="adapt"):
        encode(
            model,
            torch.tensor([0, 1]),
            adapt=DynamicEval(make_model(), lr=0.1),
        )
    with pytest.raises(TypeError, match="code"):
        decode(model, b"\x00")
    with pytest.raises(ValueError, match="segment"):
        DynamicEval(model, lr=0.1, segment=0)
    with pytest.raises(ValueError, match="lr"):
        DynamicEval(model, lr=-1.0)
    with pytest.raises(TypeError, match="context"):
        conditional_bits(zlib.compress, "text", b"x")
    assert isinstance(encode(model, torch.tensor([1])), Code)


def second_step(model, adapt):
    """Two steps on one segment and its reverse: the parameters before the second step and its gradients.

    After the first step theta differs from theta_0, so the decay term is not zero; the
    gradients of the second step come from an independent copy of the model.
    """
    import copy

    import torch.nn.functional as F

    seg = torch.tensor([1, 2, 3, 4, 5, 6, 0, 1])  # (8,)
    adapt.loss_and_step(seg[:-1], seg[1:], None)  # theta_1 != theta_0
    before = [p.detach().clone() for p in adapt.params]
    twin = copy.deepcopy(model).eval()
    logits, _ = twin(seg[:-1].flip(0).view(1, -1))  # (1, 7, V)
    F.cross_entropy(logits[0].double(), seg[1:].flip(0)).backward()
    grads = [p.grad for p in twin.parameters() if p.requires_grad]
    adapt.loss_and_step(seg[:-1].flip(0), seg[1:].flip(0), None)
    return before, grads


def test_dynamic_step_is_the_formula_with_pre_step_parameters():
    """theta <- theta - lr clip(grad) + decay (theta0 - theta), theta pre-step."""
    model = make_model(seed=5)
    lr, decay = 0.2, 0.3
    adapt = DynamicEval(model, lr=lr, segment=8, decay=decay, clip=1e9)
    before, grads = second_step(model, adapt)
    for p, b, g, p0 in zip(adapt.params, before, grads, adapt.start):
        expected = b - lr * g + decay * (p0 - b)
        torch.testing.assert_close(p.detach(), expected)


def test_gradient_rms_is_the_root_mean_square_of_batch_gradients():
    """By hand: 4 streams, 3 tokens a step, state carried, no dropout."""
    import torch.nn.functional as F

    model = make_model(seed=6)
    model.dropout.p = 0.5  # must be switched off while measuring
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(0, 7, (61,), generator=g)
    rms = gradient_rms(model, ids, batch_size=4, num_steps=3)
    assert model.training  # the mode is restored
    X, Y = ids[:60].view(4, 15), ids[1:61].view(4, 15)
    squares, state = None, None
    model.eval()
    for t in range(0, 15, 3):
        state = (
            None if state is None else tuple(s.detach() for s in state)
        )
        logits, state = model(X[:, t : t + 3], state)
        loss = F.cross_entropy(
            logits.flatten(0, 1), Y[:, t : t + 3].flatten()
        )
        grads = torch.autograd.grad(loss, list(model.parameters()))
        step = [gr.double() ** 2 for gr in grads]
        squares = (
            step
            if squares is None
            else [a + b for a, b in zip(squares, step, strict=True)]
        )
    for r, sq in zip(rms, squares, strict=True):
        torch.testing.assert_close(r, (sq / 5).sqrt().float())


def test_rms_step_is_krauses_formula():
    """theta <- theta - lr g / (r + eps) + decay min(r / mean r, 1 / decay) (theta0 - theta)."""
    model = make_model(seed=7)
    g = torch.Generator().manual_seed(3)
    rms = gradient_rms(
        model, torch.randint(0, 7, (200,), generator=g), 4, 5
    )
    lr, decay, eps = 1e-3, 0.05, 2e-5
    adapt = DynamicEval(
        model, lr=lr, segment=8, decay=decay, clip=None, rms=rms, eps=eps
    )
    before, grads = second_step(model, adapt)
    mean_rms = sum(float(r.mean()) for r in rms) / len(rms)
    for p, b, gr, p0, r in zip(
        adapt.params, before, grads, adapt.start, rms, strict=True
    ):
        rate = decay * torch.clamp(r / mean_rms, max=1 / decay)
        expected = b - lr * gr / (r + eps) + rate * (p0 - b)
        torch.testing.assert_close(p.detach(), expected)


def test_rms_decay_rate_is_clipped_at_one():
    """lambda r / mean(r) is capped at 1: a weight is pulled back to theta_0, never past it."""
    model = make_model(seed=9)
    rms = [torch.ones_like(p) for p in model.parameters()]
    rms[1] = 100 * rms[1]  # one tensor with large training gradients
    mean_rms = (len(rms) - 1 + 100) / len(
        rms
    )  # mean over tensors of their means
    decay = 0.5
    adapt = DynamicEval(
        model, lr=1e-3, segment=8, decay=decay, clip=None, rms=rms
    )
    assert 100 / mean_rms * decay > 1  # the cap applies to tensor 1 ...
    torch.testing.assert_close(
        adapt.decay_rates[1], torch.ones_like(rms[1])
    )
    for i in (0, 2):  # ... and not to the others
        torch.testing.assert_close(
            adapt.decay_rates[i],
            torch.full_like(rms[i], decay / mean_rms),
        )
    before, grads = second_step(model, adapt)
    p0 = adapt.start[
        1
    ]  # rate 1: the pull cancels all drift, only the new step is left
    torch.testing.assert_close(
        adapt.params[1].detach(), p0 - 1e-3 * grads[1] / (100 + adapt.eps)
    )


def test_rms_bad_input():
    model = make_model()
    rms = [torch.ones_like(p) for p in model.parameters()]
    with pytest.raises(ValueError, match="rms must be a list of"):
        DynamicEval(model, lr=1e-4, rms=rms[:-1])
    with pytest.raises(
        ValueError, match=r"rms\[0\] must be a tensor of shape"
    ):
        DynamicEval(model, lr=1e-4, rms=[rms[1]] + rms[1:])
    with pytest.raises(ValueError, match=r"rms\[0\] must be finite"):
        DynamicEval(model, lr=1e-4, rms=[-rms[0]] + rms[1:])
    with pytest.raises(ValueError, match="zero everywhere"):
        DynamicEval(model, lr=1e-4, rms=[0 * r for r in rms])
    with pytest.raises(ValueError, match="train_ids"):
        gradient_rms(model, torch.tensor([1, 2, 3]), batch_size=4)
    with pytest.raises(ValueError, match="clip"):
        DynamicEval(model, lr=0.1, clip=0.0)
