"""seqlib: the small library behind *Sequence Models, Measured*.

Every chapter of the book imports it. One concept per module:

- :mod:`seqlib.data`      verified downloads, the Time Machine, synthetic series
- :mod:`seqlib.text`      tokenizers and :class:`~seqlib.text.Vocab`
- :mod:`seqlib.batching`  splits, random windows and sequential streams
- :mod:`seqlib.models`    RNN / GRU / LSTM from scratch
- :mod:`seqlib.bptt`      the RNN recurrence with a hand-written BPTT backward
- :mod:`seqlib.lm`        :class:`~seqlib.lm.RNNLM`, a language model around any cell
- :mod:`seqlib.deep`      stacked and bidirectional RNNs from the scratch cells
- :mod:`seqlib.train`     truncated BPTT training (torch's clipping, a pure lr schedule, callbacks)
- :mod:`seqlib.evaluation` exact perplexity of a text, from pooled NLL statistics
- :mod:`seqlib.compression` a language model as a compressor: range coding
- :mod:`seqlib.dynamic_eval` dynamic evaluation: SGD and Krause et al.'s RMS update
- :mod:`seqlib.clipping`  gradient clipping by global norm, written out (the teaching version)
- :mod:`seqlib.decode`    greedy, sampling and beam search
- :mod:`seqlib.ngram`     n-gram baselines
- :mod:`seqlib.translation` an offline translation task (numbers written out), vocabularies, padding
- :mod:`seqlib.encoder_decoder` the encoder-decoder interface and the masked cross-entropy
- :mod:`seqlib.metrics`   the metric zoo
- :mod:`seqlib.plot`      the plotting helpers chapters share
- :mod:`seqlib.checks`    self-checks students run on their own implementations
- :mod:`seqlib.course`    tools for authors and instructors (execute, check, student edition)
- :mod:`seqlib.student`   the student edition: solutions removed, exercise outputs cleared
- :mod:`seqlib.assignment` otter-grader assignments from a chapter's exercises; grading a folder
- :mod:`seqlib.edition`   the one setting (repository URL, version) and what derives from it
- :mod:`seqlib.validate`  argument validation and conversion, used by every public function
- :mod:`seqlib.numerics`  the numerical code path, pinned so every x86-64 CPU gets the same floats
"""

from __future__ import annotations

import random

from seqlib import numerics

# Before anything computes: PyTorch picks its kernels at its first operation, and the book's
# stored numbers hold bit for bit only on the pinned path (AVX2, MKL strict CNR, one thread;
# seqlib.numerics explains why, and SEQLIB_NUMERICS=native opts out).
numerics.pin()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from seqlib import validate  # noqa: E402

__version__ = "0.1.0"
__all__ = ["set_seed", "__version__"]


def set_seed(seed: int) -> torch.Generator:
    """Seed Python's, NumPy's and torch's global generators; return a fresh torch generator.

    Call it at the top of every notebook so that a re-run reproduces every stored number.

    >>> a = (set_seed(0), torch.rand(2))[1]
    >>> b = (set_seed(0), torch.rand(2))[1]
    >>> torch.equal(a, b)
    True
    """
    validate.integer(seed, "seed", minimum=0)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)
