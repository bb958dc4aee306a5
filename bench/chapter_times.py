"""Run time of every chapter in the table of contents, as a Markdown table.

    python bench/chapter_times.py                 # every notebook _toc.yml lists
    python bench/chapter_times.py chapters/05_rnn_scratch.ipynb   # just these

Each chapter runs top to bottom on a fresh ``python3`` kernel in its own folder, exactly as
``python -m seqlib.course execute`` runs it, but in memory: nothing is written back. The
table goes into instructors.md; the load average printed with it says how busy the machine
was (other work on the CPU makes every number larger). Set SEQLIB_DATA_DIR to run offline.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

from seqlib.course import run_notebook, toc_entries

ROOT = Path(__file__).resolve().parents[1]


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks ``_toc.yml`` lists, in reading order."""
    return [
        root / f"{e}.ipynb"
        for e in toc_entries(root)
        if (root / f"{e}.ipynb").is_file()
    ]


def title(nb: nbformat.NotebookNode) -> str:
    """The chapter's first ``# `` heading."""
    markdown = (c.source for c in nb.cells if c.cell_type == "markdown")
    headings = (
        line[2:].strip()
        for text in markdown
        for line in text.splitlines()
        if line.startswith("# ")
    )
    return next(headings, "?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="default: every chapter in _toc.yml",
    )
    parser.add_argument(
        "--timeout", type=int, default=600, help="seconds per cell"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault(
        "MPLBACKEND", "Agg"
    )  # the kernels inherit it: no windows

    paths = args.notebooks or toc_notebooks()
    print(
        f"{os.cpu_count()} CPUs, load average before: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        file=sys.stderr,
    )
    print("| chapter | title | seconds |")
    print("|---|---|---:|")
    total = 0.0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        seconds = run_notebook(nb, path.parent, args.timeout)
        total += seconds
        print(
            f"| {path.stem[:2]} | {title(nb)} | {seconds:.0f} |",
            flush=True,
        )
    print(f"| | all {len(paths)} chapters | {total:.0f} |")
    print(
        "load average after: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
