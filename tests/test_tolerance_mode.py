"""The tolerance mode (`pytest --seqlib-rtol`) that the README offers for processors the pin
cannot cover: it must pass a notebook whose numbers moved a little, and fail one whose words
or numbers changed more than the tolerance. Each case runs nbval on a one-cell notebook whose
stored output is edited to stand for "what the book's machine printed".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_nbval(
    tmp_path: Path, code: str, stored: str, *options: str, tags=()
) -> int:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell(
        code,
        execution_count=1,
        outputs=[
            nbformat.v4.new_output("stream", name="stdout", text=stored)
        ],
    )
    cell.metadata["tags"] = list(tags)
    nb.cells = [cell]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    # -p conftest loads the book's root conftest.py (this repository's cwd) as a plugin.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "conftest",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--rootdir",
        str(tmp_path),
        str(path),
        *options,
    ]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300
    ).returncode


CODE = "print(f'test perplexity {4.321 * 1.02:.3f}, words: {\"the time\"}')"  # prints 4.407


@pytest.mark.parametrize(
    "stored, options, tags, passes",
    [
        (
            "test perplexity 4.407, words: the time\n",
            (),
            (),
            True,
        ),  # identical: exact mode passes
        (
            "test perplexity 4.321, words: the time\n",
            (),
            (),
            False,
        ),  # moved 2%: exact mode fails
        (
            "test perplexity 4.321, words: the time\n",
            ("--seqlib-rtol", "0.05"),
            (),
            True,
        ),
        (
            "test perplexity 4.321, words: the time\n",
            ("--seqlib-rtol", "0.01"),
            (),
            False,
        ),
        (
            "test perplexity 4.407, words: a time\n",
            ("--seqlib-rtol", "0.05"),
            (),
            False,
        ),  # words differ
        (
            "test perplexity 4.321, words: a time\n",
            ("--seqlib-rtol", "0.05"),
            ("trained-text",),
            True,
        ),
        (
            "test perplexity 4.321, words: a time\n",
            (),
            ("trained-text",),
            False,
        ),  # exact mode: compared
        (
            "test perplexity 3.1, words: a time\n",
            ("--seqlib-rtol", "0.05"),
            ("seed-sensitive",),
            True,
        ),
        (
            "test perplexity 3.1, words: the time\n",
            (),
            ("seed-sensitive",),
            False,
        ),
    ],
)
def test_tolerance_mode(tmp_path, stored, options, tags, passes):
    assert (
        run_nbval(tmp_path, CODE, stored, *options, tags=tags) == 0
    ) == passes
