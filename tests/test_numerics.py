"""The pinned code path: the same floats on every x86-64 CPU, and an honest tolerance elsewhere.

A CPU without AVX-512 is simulated here by capping the instruction sets PyTorch's libraries may
use (the way .ci/run runs the chapters a second time); a different thread count by
OMP_NUM_THREADS. Training the same small model in each setting must give bit-identical weights.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch

import seqlib
from seqlib import numerics
from seqlib.numerics import texts_agree

CAPPED_TO_AVX2 = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OMP_NUM_THREADS": "1",
}
HAS_AVX512 = "avx512f" in (
    Path("/proc/cpuinfo").read_text()
    if Path("/proc/cpuinfo").exists()
    else ""
)

# Trains a GRU and an LSTM language-model head for a few Adam steps and prints a digest of the
# weights and of a long sum (a long reduction is split per thread when threads > 1).
TRAIN = """
import hashlib, seqlib, torch
torch.manual_seed(0)
x = torch.randn(16, 24, 8)                                   # (B, T, D)
gru, lstm = torch.nn.GRU(8, 64, batch_first=True), torch.nn.LSTM(8, 64, batch_first=True)
head = torch.nn.Linear(64, 11)
params = [*gru.parameters(), *lstm.parameters(), *head.parameters()]
opt = torch.optim.Adam(params, lr=1e-2)
y = torch.randint(0, 11, (16 * 24,), generator=torch.Generator().manual_seed(1))
for _ in range(15):
    logits = head(gru(x)[0] + lstm(x)[0])                    # (B, T, V)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 11), y)
    opt.zero_grad(); loss.backward(); opt.step()
digest = hashlib.sha1(b"".join(p.detach().numpy().tobytes() for p in params))
digest.update(torch.randn(200_000).sum().numpy().tobytes())
print(digest.hexdigest())
"""


def clean_environment(**env) -> dict[str, str]:
    """This process's environment without what the pin (imported here already) or a cap set."""
    unset = {
        *CAPPED_TO_AVX2,
        *numerics.PINNED_ENVIRONMENT,
        numerics.OPT_OUT,
    }
    return {k: v for k, v in os.environ.items() if k not in unset} | env


def train_digest(**env) -> str:
    done = subprocess.run(
        [sys.executable, "-c", TRAIN],
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_pins_the_code_path():
    path = numerics.code_path()
    assert (
        path["pinned"]
        and path["onednn"] is False
        and path["threads"] == numerics.THREADS
    )
    if numerics._is_x86_64():
        assert path["aten_capability"] in ("AVX2", "DEFAULT")
        assert os.environ["MKL_CBWR"] == "AVX2,STRICT"


def test_same_weights_on_an_avx2_cpu_and_at_any_thread_count():
    native = train_digest()
    assert train_digest(**CAPPED_TO_AVX2) == native, (
        "an AVX2-only CPU would train other weights"
    )
    assert train_digest(OMP_NUM_THREADS="2") == native, (
        "two threads would train other weights"
    )
    assert train_digest(OMP_NUM_THREADS="1") == native


@pytest.mark.skipif(
    not HAS_AVX512,
    reason="shows what the pin prevents; needs an AVX-512 CPU",
)
def test_without_the_pin_this_cpu_trains_other_weights():
    # The reason the pin exists: PyTorch's own choice of kernels on this AVX-512 CPU.
    assert train_digest(SEQLIB_NUMERICS="native") != train_digest()


@pytest.mark.skipif(
    not HAS_AVX512,
    reason="needs a CPU on which PyTorch would pick AVX-512",
)
def test_warns_when_torch_computed_before_seqlib_was_imported():
    script = "import torch; torch.ones(3).sum(); import seqlib"
    done = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", script],
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        done.returncode != 0
        and "import seqlib before computing anything" in done.stderr
    )


def test_opt_out_value_is_checked(monkeypatch):
    monkeypatch.setenv("SEQLIB_NUMERICS", "fast")
    with pytest.raises(
        ValueError, match="SEQLIB_NUMERICS must be 'native' or 'pinned'"
    ):
        numerics.pin()
    monkeypatch.setenv("SEQLIB_NUMERICS", "native")
    assert numerics.pin() is False
    monkeypatch.setenv("SEQLIB_NUMERICS", "pinned")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert numerics.pin() is True
    assert torch.get_num_threads() == numerics.THREADS
    assert seqlib.numerics is numerics


@pytest.mark.parametrize(
    "stored, now, rtol, agree",
    [
        (
            "test perplexity 4.321",
            "test perplexity 4.322",
            0.0,
            True,
        ),  # one unit in the last place
        ("test perplexity 4.321", "test perplexity 4.330", 0.001, False),
        ("test perplexity 4.321", "test perplexity 4.330", 0.01, True),
        (
            "precision 0.710, recall 0.375",
            "precision 0.691, recall 0.361",
            0.05,
            True,
        ),
        (
            "precision 0.710, recall 0.375",
            "precision 0.691, recall 0.361",
            0.02,
            False,
        ),
        ("gradient 4.1e-06", "gradient 4.3e-06", 0.01, False),
        ("gradient 4.1e-06", "gradient 4.2e-06", 0.01, True),
        ("steps: 330", "steps: 330", 0.0, True),
        ("A beats B", "B beats A", 0.5, False),
        ("1 2 3", "1 2", 0.5, False),
        ("loss -0.50", "loss -0.51", 0.0, True),
        (
            "perplexity 47,400",
            "perplexity 46,500",
            0.05,
            True,
        ),  # one number, not 47 and 400
        ("perplexity 47,400", "perplexity 41,500", 0.05, False),
        (
            "seeds 1,2,3",
            "seeds 1,2,4",
            0.0,
            True,
        ),  # no thousands groups: three small numbers
    ],
)
def test_texts_agree(stored, now, rtol, agree):
    assert (texts_agree(stored, now, rtol) is None) == agree


def test_texts_agree_refuses_negative_tolerance():
    with pytest.raises(ValueError, match="rtol and atol must be >= 0"):
        texts_agree("1", "1", rtol=-0.1)
