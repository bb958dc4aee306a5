r"""The numerical code path: the same floats on every student's x86-64 CPU.

Floating-point addition is not associative, so two correct programs that add the same numbers
in a different order get results that differ in the last bits; after a few hundred training
steps those bits become different weights, different sampled text and a different third digit
of a perplexity. PyTorch chooses the order at run time from the CPU it finds:

- ATen, PyTorch's own kernels (element-wise maths, reductions, softmax), has an AVX-512 and an
  AVX2 version of each vectorized loop and takes the widest the CPU has;
- Intel MKL, which does PyTorch's matrix products, picks its own AVX-512 or AVX2 code path
  (on Intel and AMD CPUs differently);
- oneDNN, which runs ``nn.LSTM`` on the CPU, JIT-compiles kernels for the CPU it finds;
- with several threads, a long reduction is split into one partial sum per thread.

So the same notebook trained on an AVX-512 desktop and on an AVX2 laptop prints different
numbers, and the book's stored outputs (which nbval compares) would be true on one kind of CPU
only. :func:`pin` fixes every one of those choices to what *every* x86-64 CPU of the last
decade can run, and ``import seqlib`` calls it:

=========================  ====================  ===============================================
what                       pinned to             how
=========================  ====================  ===============================================
ATen's kernels             AVX2                  ``ATEN_CPU_CAPABILITY=avx2``
MKL's matrix products      AVX2, strict CNR      ``MKL_CBWR=AVX2,STRICT`` (conditional numerical
                                                 reproducibility, independent of thread count)
oneDNN                     not used              ``torch.backends.mkldnn.enabled = False``:
                                                 oneDNN has no reproducibility mode; ``nn.LSTM``
                                                 then runs on ATen + MKL like ``nn.GRU``
threads                    1                     ``torch.set_num_threads(1)``: the book's models
                                                 are small, one thread is about as fast on them
=========================  ====================  ===============================================

The environment variables are read by PyTorch when it runs its first operation, so seqlib must
be imported before any tensor is computed (importing ``torch`` first is fine: it computes
nothing). :func:`pin` warns if it came too late. A reader who wants PyTorch's fastest path
instead, at the price of numbers that differ from the book's in the last digits, sets
``SEQLIB_NUMERICS=native`` before starting Python; seqlib then changes nothing.

What this cannot pin: other processor families (ARM, e.g. Apple silicon, where there is no
MKL) and other BLAS libraries compute in yet another order. There, numbers that come from
training agree with the book's within a tolerance, not bit for bit: see the README's
*Reproducibility* section and ``pytest --seqlib-rtol``.

>>> import torch
>>> code_path()["threads"] == torch.get_num_threads()
True
"""

from __future__ import annotations

import os
import platform
import re
import warnings

#: Environment variables that pin the code path (read by PyTorch at its first operation).
PINNED_ENVIRONMENT: dict[str, str] = {
    "ATEN_CPU_CAPABILITY": "avx2",  # ATen's vectorized loops: the AVX2 build, never AVX-512
    "MKL_CBWR": "AVX2,STRICT",  # MKL: AVX2 code path, same result at any thread count
}
THREADS = 1  # one thread: no per-thread partial sums; as fast as two on the book's small models
OPT_OUT = (
    "SEQLIB_NUMERICS"  # set to "native" to leave PyTorch's choices alone
)


def _is_x86_64() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64")


def pin() -> bool:
    """Pin PyTorch's numerical code path (see the module docstring); return True if pinned.

    Idempotent. Does nothing (and returns False) when ``SEQLIB_NUMERICS=native`` is set. On a
    processor that is not x86-64 only the thread count and oneDNN are pinned. Warns, naming
    what to do, if PyTorch had already chosen a wider code path because it computed something
    before seqlib was imported.
    """
    setting = os.environ.get(OPT_OUT, "").strip().lower()
    if setting == "native":
        return False
    if setting not in ("", "pinned"):
        raise ValueError(
            f"{OPT_OUT} must be 'native' or 'pinned' (or unset), got {setting!r}"
        )
    if _is_x86_64():
        os.environ.update(PINNED_ENVIRONMENT)
    import torch  # after the environment is set: PyTorch reads it at its first operation

    torch.backends.mkldnn.enabled = False
    torch.set_num_threads(THREADS)
    capability = torch.backends.cpu.get_cpu_capability()
    if _is_x86_64() and capability not in ("AVX2", "DEFAULT"):
        warnings.warn(
            f"PyTorch already runs its {capability} kernels: it computed something before "
            "seqlib was imported, so this session's numbers may differ from the book's in the "
            "last digits. Restart the kernel and import seqlib before computing anything.",
            RuntimeWarning,
            stacklevel=3,
        )
    return True


def code_path() -> dict[str, object]:
    """What PyTorch runs on now: ATen's kernel level, MKL's branch, oneDNN, threads.

    Use it to compare two machines whose numbers differ; the values depend on the machine when
    seqlib is not pinning (``SEQLIB_NUMERICS=native``), so do not print it in a stored output.
    """
    import torch

    return {
        "pinned": os.environ.get(OPT_OUT, "").strip().lower() != "native",
        "machine": platform.machine(),
        "aten_capability": torch.backends.cpu.get_cpu_capability(),
        "mkl_cbwr": os.environ.get("MKL_CBWR", "(MKL's own choice)"),
        "onednn": torch.backends.mkldnn.enabled,
        "threads": torch.get_num_threads(),
    }


# --- agreement within a tolerance, for processors the pin cannot cover ----------------------

# a number, with thousands separators read as one number (47,400), or a plain one (4.1e-06)
_NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
)


def _decimals(token: str) -> int:
    mantissa, _, exponent = token.lower().partition("e")
    places = len(mantissa.partition(".")[2])
    return places - int(exponent or 0)


def texts_agree(
    reference: str, test: str, rtol: float, atol: float = 0.0
) -> str | None:
    """Whether two printed outputs say the same thing up to a relative tolerance on numbers.

    Both texts are split into numbers and the text between them. The text between must be
    identical and the numbers pairwise close: ``|a - b| <= rtol * max(|a|, |b|) + atol + u``,
    where ``u`` is one unit in the last printed place of the less precise of the two (a value
    printed as 0.71 may have been 0.705 or 0.7149). Returns None when they agree, else a
    sentence saying where they first differ. Raises ValueError for a negative tolerance.

    This is how the book's numbers are compared on a processor whose code path the pin cannot
    fix (``pytest --seqlib-rtol``): numbers that come from training move a little, words don't.

    >>> texts_agree("test perplexity 4.321", "test perplexity 4.322", rtol=0.01) is None
    True
    >>> texts_agree("A wins: 4.32", "B wins: 4.32", rtol=0.01)
    "the text differs: 'A wins: ' vs 'B wins: '"
    """
    if rtol < 0 or atol < 0:
        raise ValueError(
            f"rtol and atol must be >= 0, got rtol={rtol!r}, atol={atol!r}"
        )
    ref_numbers, test_numbers = (
        _NUMBER.findall(reference),
        _NUMBER.findall(test),
    )
    ref_words, test_words = _NUMBER.split(reference), _NUMBER.split(test)
    if len(ref_numbers) != len(test_numbers):
        return f"{len(ref_numbers)} numbers in the stored output, {len(test_numbers)} now"
    for ref_word, test_word in zip(ref_words, test_words, strict=True):
        if ref_word != test_word:
            return f"the text differs: {ref_word!r} vs {test_word!r}"
    for ref_token, test_token in zip(
        ref_numbers, test_numbers, strict=True
    ):
        a, b = (
            float(ref_token.replace(",", "")),
            float(test_token.replace(",", "")),
        )
        unit = 10.0 ** -min(_decimals(ref_token), _decimals(test_token))
        slack = (
            rtol * max(abs(a), abs(b)) + atol + unit * (1 + 1e-9)
        )  # 1e-9: 0.51 - 0.50 > 0.01
        if not abs(a - b) <= slack:
            return f"{ref_token} (stored) and {test_token} (now) differ by more than rtol={rtol}"
    return None
