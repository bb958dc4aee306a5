"""Test configuration for the chapters (nbval) and the tolerance mode.

By default nbval compares every stored text output of a chapter with what the code prints now,
character for character: seqlib pins the numerical code path (seqlib.numerics), so on any
x86-64 CPU with AVX2 or AVX-512 the book's numbers reproduce bit for bit.

On a processor the pin cannot cover (ARM, e.g. Apple silicon; another BLAS library), numbers
that come from training differ in the last digits. There, run

    pytest --seqlib-rtol 0.05 chapters/

and an output that differs from the stored one still passes when its text is the same and each
number is within the relative tolerance (seqlib.numerics.texts_agree). Two cell tags mark
outputs that another code path changes the way another training seed would, so that no
tolerance on the numbers is meaningful; in this mode those cells run but their output is not
compared (on x86-64 they are compared exactly, like every other cell):

- ``trained-text``: text *generated* by a trained model (a greedy or sampled continuation);
- ``seed-sensitive``: numbers that depend on the exact path of a training run beyond what a
  relative tolerance can bound: a run that diverges on purpose (training without clipping),
  differences and spreads between trained models (a 0.4% gap can be 0.9% on another path), a
  count that moves with the decision boundary. The conclusions drawn from them are shown over
  several seeds in the chapter, which is what carries over to another processor. Figures (image/png) are never compared by nbval; the numbers behind each
figure are printed by the cell that draws it, and those are compared.
"""
from __future__ import annotations

import pytest

NOT_COMPARED_TAGS = {"trained-text", "seed-sensitive"}  # see the module docstring


def pytest_addoption(parser):
    group = parser.getgroup("seqlib")
    group.addoption("--seqlib-rtol", type=float, default=None, metavar="RTOL",
                    help="compare the chapters' numbers within this relative tolerance instead "
                         "of exactly (for processors seqlib cannot pin, e.g. ARM)")
    group.addoption("--seqlib-atol", type=float, default=0.0, metavar="ATOL",
                    help="absolute tolerance added to --seqlib-rtol (default 0)")


def pytest_configure(config):
    rtol = config.getoption("--seqlib-rtol")
    if rtol is None:
        return
    if not 0 <= rtol < 1:
        raise pytest.UsageError(f"--seqlib-rtol must be in [0, 1), got {rtol}")
    from nbval.plugin import IPyNbCell, transform_streams_for_comparison

    from seqlib.numerics import texts_agree

    atol = config.getoption("--seqlib-atol")
    exact = IPyNbCell.compare_outputs

    def texts(outputs):
        """The text of each output, keyed like nbval keys them (stream name or MIME type)."""
        found = {}
        for output in transform_streams_for_comparison(outputs):
            if output.get("output_type") == "stream":  # nbval keys a stream by its name
                for name, text in output.items():
                    if name != "output_type":
                        found.setdefault(f"stream:{name}", []).append(text)
                continue
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    found.setdefault(mime, []).append(value)
        return found

    def compare_within_tolerance(self, test, ref, skip_compare=None):
        if exact(self, test, ref, skip_compare):
            return True
        if NOT_COMPARED_TAGS & set(self.cell.metadata.get("tags", [])):
            self.comparison_traceback = []
            return True
        ref_texts, test_texts = texts(ref), texts(test)
        problems = [f"{key}: not printed now" for key in ref_texts.keys() - test_texts.keys()]
        problems += [f"{key}: printed now, not stored" for key in test_texts.keys() - ref_texts.keys()]
        for key in ref_texts.keys() & test_texts.keys():
            if len(ref_texts[key]) != len(test_texts[key]):
                problems.append(f"{key}: {len(ref_texts[key])} outputs stored, {len(test_texts[key])} now")
                continue
            for stored, now in zip(ref_texts[key], test_texts[key], strict=True):
                why = texts_agree(self.sanitize(stored), self.sanitize(now), rtol, atol)
                if why:
                    problems.append(f"{key}: {why}")
        if problems:
            self.comparison_traceback.append(f"not within --seqlib-rtol {rtol}: " + "; ".join(problems))
            return False
        self.comparison_traceback = []
        return True

    IPyNbCell.compare_outputs = compare_within_tolerance
