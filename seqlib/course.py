"""Tools for the people who write and teach the book.

``python -m seqlib.course execute chapters/05_rnn_scratch.ipynb [...]``
    Run each notebook top to bottom on a fresh ``python3`` kernel and save it with its
    outputs: execution counts 1..n, the ``python3`` kernelspec, nothing left from an earlier
    session. This is how every committed notebook is produced; nbval then proves that the
    stored outputs are what the code produces.

``python -m seqlib.course check chapters/*.ipynb``
    Report notebooks that were not saved from a clean in-order run, that hold an error
    output, or that name a kernel other than ``python3`` (the same checks the test suite runs).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

KERNEL = "python3"
KERNELSPEC = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}


def hygiene_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What makes a notebook unfit to commit: counts not 1..n, error outputs, wrong kernel."""
    problems = []
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"execution counts are {counts[:8]}..., not 1..{len(code)}: "
                        "re-run it top to bottom on a fresh kernel and save")
    for i, cell in enumerate(code, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            problems.append(f"code cell {i} holds an error output")
    name = nb.metadata.get("kernelspec", {}).get("name")
    if name != KERNEL:
        problems.append(f"kernelspec name is {name!r}, not {KERNEL!r}")
    return problems


def execute(path: str | Path, timeout: int = 600) -> float:
    """Execute a notebook in place on a fresh kernel, in its own folder; return the seconds taken."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # start from nothing: no stale outputs or counts
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name=KERNEL,
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:  # drop per-run noise that would make diffs churn
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqlib.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="run notebooks on a fresh kernel and save them")
    run.add_argument("notebooks", nargs="+")
    run.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    chk = sub.add_parser("check", help="report notebooks unfit to commit")
    chk.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)

    if args.command == "execute":
        for nb_path in args.notebooks:
            seconds = execute(nb_path, args.timeout)
            print(f"{nb_path}: executed in {seconds:.1f} s")
        return 0
    bad = 0
    for nb_path in args.notebooks:
        for problem in hygiene_problems(nbformat.read(nb_path, as_version=4)):
            print(f"{nb_path}: {problem}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
