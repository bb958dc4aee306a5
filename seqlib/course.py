"""Tools for the people who write and teach the book.

``python -m seqlib.course execute chapters/05_rnn_scratch.ipynb [...]``
    Run each notebook top to bottom on a fresh ``python3`` kernel and save it with its
    outputs: execution counts 1..n, the ``python3`` kernelspec, nothing left from an earlier
    session. This is how every committed notebook is produced; nbval then proves that the
    stored outputs are what the code produces.

``python -m seqlib.course check chapters/*.ipynb``
    Report notebooks that were not saved from a clean in-order run, that hold an error
    output, or that name a kernel other than ``python3``, and every number their prose states
    that no code cell prints at that precision and that is not an input
    (:func:`seqlib.prose.prose_number_problems`; mark an input with a MyST comment line
    ``% inputs: ...`` in its markdown cell). The test suite runs the same checks; the exit
    status is 1 when anything is reported.

``python -m seqlib.course student OUT_DIR [--build]``
    Write the student edition of the book into OUT_DIR: the same pages and chapters with every
    solution removed (from a ``{solution-start}`` directive to its ``{solution-end}``, markdown
    and code alike) and the outputs of exercise cells cleared. Every other stored output is
    kept and the copy's ``_config.yml`` turns build-time execution off, so building it runs no
    code. ``--build`` then runs ``jupyter-book build OUT_DIR``.

``python -m seqlib.course assignment CHAPTER OUT_DIR [--seed N]``
    Write an otter-grader assignment from a chapter's exercises and run ``otter assign``: the
    student notebook lands in ``OUT_DIR/dist/student/``, the autograder zip in
    ``OUT_DIR/dist/autograder/`` (:mod:`seqlib.assignment`; hidden cases are drawn anew).

``python -m seqlib.course grade AUTOGRADER_ZIP SUBMISSIONS_DIR OUT.csv [--timeout S]``
    Grade every notebook in SUBMISSIONS_DIR with the autograder, without Docker, one process
    and time limit per submission, into one CSV row each.

``python -m seqlib.course sync``
    Write the book's one setting (``pyproject.toml``: ``[project] version`` and
    ``[tool.seqlib-book] repository``) into every place derived from it: each chapter's Colab
    cell (install at the release tag, hidden from the page), ``_config.yml``'s launch buttons,
    ``CITATION.cff`` and the README's BibTeX (:mod:`seqlib.edition`). ``--check`` only reports.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from seqlib.prose import prose_number_problems
from seqlib.student import (
    StudentReport,
    student_notebook,
    write_student_edition,
)  # noqa: F401 (the CLI's, re-exported)

KERNEL = "python3"
KERNELSPEC = {
    "name": KERNEL,
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}


def hygiene_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What makes a notebook unfit to commit: counts not 1..n, error outputs, wrong kernel."""
    problems = []
    code = [
        c for c in nb.cells if c.cell_type == "code" and c.source.strip()
    ]
    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(
            f"execution counts are {counts[:8]}..., not 1..{len(code)}: "
            "re-run it top to bottom on a fresh kernel and save"
        )
    for i, cell in enumerate(code, start=1):
        if any(
            o.get("output_type") == "error"
            for o in cell.get("outputs", [])
        ):
            problems.append(f"code cell {i} holds an error output")
    name = nb.metadata.get("kernelspec", {}).get("name")
    if name != KERNEL:
        problems.append(f"kernelspec name is {name!r}, not {KERNEL!r}")
    return problems


def toc_entries(root: str | Path = ".") -> list[str]:
    """The pages ``_toc.yml`` lists (the root first), in reading order, without extensions."""
    import yaml

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text()) or {}
    entries = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                entries.append(item["file"])
            for key in ("parts", "chapters", "sections"):
                walk(item.get(key))

    walk(toc.get("parts") or toc.get("chapters"))
    return entries


def run_notebook(
    nb: nbformat.NotebookNode, folder: str | Path, timeout: int = 600
) -> float:
    """Execute ``nb`` in memory on a fresh kernel with ``folder`` as its working directory.

    Clears old outputs and counts first; returns the seconds taken. Nothing is written.
    """
    from nbclient import NotebookClient

    for (
        cell
    ) in nb.cells:  # start from nothing: no stale outputs or counts
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    # A non-interactive MPLBACKEND (e.g. Agg) in the environment would stop the kernel from
    # storing figures inline; the reader and nbval must see the same outputs, so drop it.
    os.environ.pop("MPLBACKEND", None)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(Path(folder).resolve())}},
    ).execute()
    return time.perf_counter() - start


def execute(path: str | Path, timeout: int = 600) -> float:
    """Execute a notebook in place on a fresh kernel, in its own folder; return the seconds taken."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    seconds = run_notebook(nb, path.parent, timeout)
    for (
        cell
    ) in nb.cells:  # drop per-run noise that would make diffs churn
        cell.metadata.pop("execution", None)
    # These outputs come from a clean run: the book renders them instead of re-executing
    # (myst-nb's "auto" mode re-runs any notebook in which some code cell has no output).
    nb.metadata.setdefault("mystnb", {})["execution_mode"] = "off"
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m seqlib.course",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser(
        "execute", help="run notebooks on a fresh kernel and save them"
    )
    run_cmd.add_argument("notebooks", nargs="+")
    run_cmd.add_argument(
        "--timeout", type=int, default=600, help="seconds per cell"
    )
    chk = sub.add_parser(
        "check",
        help="report notebooks unfit to commit, and prose numbers no cell prints",
    )
    chk.add_argument("notebooks", nargs="+")
    asg = sub.add_parser(
        "assignment",
        help="write an otter-grader assignment from a chapter's exercises",
    )
    asg.add_argument(
        "chapter",
        help="05, 05_rnn_scratch or chapters/05_rnn_scratch.ipynb",
    )
    asg.add_argument(
        "out_dir", help="folder for the master notebook and otter's dist/"
    )
    asg.add_argument(
        "--book",
        default=".",
        help="the book's folder (default: the current one)",
    )
    asg.add_argument(
        "--seed",
        type=int,
        help="draw the hidden cases from this seed (default: a fresh one)",
    )
    grd = sub.add_parser(
        "grade",
        help="grade a folder of submissions into a CSV, without Docker",
    )
    grd.add_argument(
        "autograder", help="the autograder zip `assignment` wrote"
    )
    grd.add_argument(
        "submissions",
        help="a folder of .ipynb submissions, one per student",
    )
    grd.add_argument("out_csv", help="the CSV to write")
    grd.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds per submission",
    )
    syn = sub.add_parser(
        "sync",
        help="write the repository URL and version into notebooks, config, citation",
    )
    syn.add_argument(
        "--book",
        default=".",
        help="the book's folder (default: the current one)",
    )
    syn.add_argument(
        "--check",
        action="store_true",
        help="only report what disagrees (exit 1 if anything)",
    )
    stu = sub.add_parser(
        "student",
        help="write (and build) the student edition of the book",
    )
    stu.add_argument(
        "out_dir",
        help="folder to write the edition into (new, empty or an earlier edition)",
    )
    stu.add_argument(
        "--book",
        default=".",
        help="the book's folder (default: the current one)",
    )
    stu.add_argument(
        "--build",
        action="store_true",
        help="then run `jupyter-book build OUT_DIR`",
    )
    stu.add_argument(
        "--repository-url",
        help="where you publish the edition (for its launch buttons)",
    )
    args = parser.parse_args(argv)

    if args.command == "execute":
        for nb_path in args.notebooks:
            seconds = execute(nb_path, args.timeout)
            print(f"{nb_path}: executed in {seconds:.1f} s")
        return 0
    if args.command in ("assignment", "grade"):
        from seqlib import assignment

        try:
            if args.command == "grade":
                rows = assignment.grade_folder(
                    args.autograder,
                    args.submissions,
                    args.out_csv,
                    args.timeout,
                )
                for row in rows:
                    print(
                        f"{row['submission']}: {row['points']}/{row['possible']} {row['error']}".rstrip()
                    )
                print(f"grades written to {args.out_csv}")
                return 0
            report = assignment.build_assignment(
                args.chapter, args.out_dir, args.book, args.seed
            )
        except (ValueError, RuntimeError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(
            f"master notebook: {report.master}\nstudent notebook: {report.student}\n"
            f"autograder: {report.autograder}\n{report.points} autograded points in "
            f"{len(report.graded)} question(s); graded by hand: {', '.join(report.manual) or 'none'}"
        )
        return 0
    if args.command == "sync":
        from seqlib import edition

        if args.check:
            found = edition.problems(args.book)
            print(
                "\n".join(found)
                or "everything agrees with pyproject.toml"
            )
            return 1 if found else 0
        changed = edition.sync(args.book)
        print(
            "\n".join(f"synced {name}" for name in changed)
            or "nothing to change"
        )
        return 0
    if args.command == "student":
        try:
            reports = write_student_edition(
                args.book, args.out_dir, args.repository_url
            )
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        for rel, report in reports.items():
            print(
                f"{rel}: {report.solutions_removed} solutions removed, "
                f"{report.outputs_cleared} exercise outputs cleared"
            )
            for warning in report.warnings:
                print(f"warning: {warning}", file=sys.stderr)
        print(f"student edition written to {args.out_dir}")
        if args.build:
            jb = Path(sys.executable).with_name("jupyter-book")
            return subprocess.run(
                [
                    str(jb) if jb.exists() else "jupyter-book",
                    "build",
                    args.out_dir,
                ]
            ).returncode
        return 0
    bad = 0
    for nb_path in args.notebooks:
        nb = nbformat.read(nb_path, as_version=4)
        for problem in hygiene_problems(nb) + prose_number_problems(nb):
            print(f"{nb_path}: {problem}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
