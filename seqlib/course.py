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
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from seqlib.prose import prose_number_problems

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


def run_notebook(nb: nbformat.NotebookNode, folder: str | Path, timeout: int = 600) -> float:
    """Execute ``nb`` in memory on a fresh kernel with ``folder`` as its working directory.

    Clears old outputs and counts first; returns the seconds taken. Nothing is written.
    """
    from nbclient import NotebookClient

    for cell in nb.cells:  # start from nothing: no stale outputs or counts
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    # A non-interactive MPLBACKEND (e.g. Agg) in the environment would stop the kernel from
    # storing figures inline; the reader and nbval must see the same outputs, so drop it.
    os.environ.pop("MPLBACKEND", None)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name=KERNEL,
                   resources={"metadata": {"path": str(Path(folder).resolve())}}).execute()
    return time.perf_counter() - start


def execute(path: str | Path, timeout: int = 600) -> float:
    """Execute a notebook in place on a fresh kernel, in its own folder; return the seconds taken."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    seconds = run_notebook(nb, path.parent, timeout)
    for cell in nb.cells:  # drop per-run noise that would make diffs churn
        cell.metadata.pop("execution", None)
    # These outputs come from a clean run: the book renders them instead of re-executing
    # (myst-nb's "auto" mode re-runs any notebook in which some code cell has no output).
    nb.metadata.setdefault("mystnb", {})["execution_mode"] = "off"
    nbformat.write(nb, path)
    return seconds


# --- the student edition ----------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """Split Markdown into ``(kind, argument, text)`` pieces, kind one of ``"text"``,
    ``"solution-start"``, ``"solution-end"``, ``"exercise"`` or ``"fence"`` (any other fenced
    block: a directive written inside it is an example, not a directive)."""
    lines = text.splitlines(keepends=True)
    pieces: list[tuple[str, str, str]] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            pieces.append(("text", "", lines[i]))
            i += 1
            continue
        fence = opening["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), len(lines) - 1)
        directive = _DIRECTIVE.match(opening["info"])
        name = directive["name"] if directive else ""
        kind = {"solution-start": "solution-start", "solution-end": "solution-end",
                "exercise": "exercise", "exercise-start": "exercise"}.get(name, "fence")
        pieces.append((kind, directive["arg"].strip() if directive else "", "".join(lines[i:end + 1])))
        i = end + 1
    return pieces


@dataclass(frozen=True)
class StudentReport:
    """What making the student edition of one notebook removed and cleared."""

    solutions_removed: int
    cells_removed: int
    outputs_cleared: int
    warnings: tuple[str, ...]  # kept cells that use a name a removed solution (re)defines


def _names(source: str, kind: type) -> set[str]:
    """Names a cell binds (``kind=ast.Store``) or reads (``ast.Load``); empty if not Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics, shell escapes
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, kind)}
    if kind is ast.Store:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def student_notebook(nb: nbformat.NotebookNode, name: str = "notebook"
                     ) -> tuple[nbformat.NotebookNode, StudentReport]:
    """The student edition of one chapter: solutions removed, exercise outputs cleared.

    A solution runs from a ``{solution-start}`` directive to the next ``{solution-end}``
    directive, inclusive, across cells: markdown around the two directives in the same cells
    is kept, the cells in between are dropped. Code cells that follow an ``{exercise}``
    directive before the next markdown cell (starter code) keep their source and lose their
    outputs. Kept outputs stay; execution counts are renumbered 1..k over the cells that keep
    outputs. Raises ValueError, naming the cell, for a solution-start with no solution-end
    (or the reverse). ``nb`` is not modified.
    """
    nb = nbformat.from_dict(nb)  # a deep copy
    cells, solution_open, exercise_open = [], None, False
    removed_cells = solutions = cleared = 0
    removed_names: set[str] = set()  # bound by removed solution code, not rebound since
    kept_names: set[str] = set()  # bound by kept code
    warnings: list[str] = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "markdown":
            if solution_open:
                removed_cells += 1
                if cell.cell_type == "code":
                    removed_names |= _names(cell.source, ast.Store)
                continue
            if cell.cell_type == "code":
                if exercise_open and (cell.outputs or cell.execution_count is not None):
                    cell.outputs, cell.execution_count = [], None
                    cleared += 1
                used = _names(cell.source, ast.Load) & removed_names
                if used - kept_names:
                    warnings.append(f"{name}: code cell {number} uses {sorted(used - kept_names)}, "
                                    "which only a removed solution defines: a student's run fails there")
                if used & kept_names:
                    warnings.append(f"{name}: code cell {number} uses {sorted(used & kept_names)}, "
                                    "which a removed solution redefines: a student's output may differ")
                removed_names -= _names(cell.source, ast.Store)
                kept_names |= _names(cell.source, ast.Store)
            cells.append(cell)
            continue
        kept = []
        exercise_open = False
        for kind, arg, text in _blocks(cell.source):
            if kind == "solution-start":
                if solution_open:
                    raise ValueError(f"{name}: cell {number} opens solution {arg!r} while solution "
                                     f"{solution_open[0]!r} (cell {solution_open[1]}) is still open:"
                                     " its ```{solution-end} is missing")
                solution_open, exercise_open = (arg or "?", number), False
                solutions += 1
            elif kind == "solution-end":
                if not solution_open:
                    raise ValueError(f"{name}: cell {number} has a ```{{solution-end}} with no "
                                     "```{solution-start} before it")
                solution_open = None
            elif not solution_open:
                kept.append(text)
                exercise_open = exercise_open or kind == "exercise"
        source = "".join(kept).strip("\n")
        if source.strip():
            cell.source = source
            cells.append(cell)
        else:
            removed_cells += 1
    if solution_open:
        raise ValueError(f"{name}: solution {solution_open[0]!r} opened in cell {solution_open[1]} "
                         "has no matching ```{solution-end}")
    count = 0
    for cell in cells:
        if cell.cell_type == "code" and cell.execution_count is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
    nb.cells = cells
    return nb, StudentReport(solutions, removed_cells, cleared, tuple(warnings))


def _student_config(text: str, repository_url: str | None) -> str:
    """The edition's ``_config.yml``: no build-time execution, a title that says what it is."""
    import yaml

    config = yaml.safe_load(text) or {}
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"  # keep stored outputs, run nothing
    if repository_url:
        config.setdefault("repository", {})["url"] = repository_url
    header = "# Written by `python -m seqlib.course student`: edit the book's own _config.yml instead.\n"
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


_MARKER = ".seqlib-student-edition"


def write_student_edition(book: str | Path, out: str | Path, repository_url: str | None = None
                          ) -> dict[str, StudentReport]:
    """Write the student edition of the book in ``book`` into the folder ``out``.

    Copies ``_config.yml`` (execution off), ``_toc.yml``, the top-level ``.md`` pages (their
    solutions removed too), ``*.bib`` and ``chapters/`` with every notebook made by
    :func:`student_notebook`. ``out`` must be empty, new, or an earlier edition (replaced).
    Returns one report per notebook; raises ValueError before writing anything if a notebook
    has an unmatched solution directive.
    """
    book, out = Path(book).resolve(), Path(out).resolve()
    for required in ("_config.yml", "_toc.yml"):
        if not (book / required).is_file():
            raise ValueError(f"{book} is not a book folder: it has no {required}")
    if out == book or book.is_relative_to(out) or out.is_relative_to(book / "chapters"):
        raise ValueError(f"OUT_DIR {out} must not be the book, contain it, or lie in its chapters/")
    notebooks = sorted(p for p in (book / "chapters").rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    editions = {}
    for path in notebooks:  # everything is checked before anything is written
        rel = path.relative_to(book).as_posix()
        editions[rel] = student_notebook(nbformat.read(path, as_version=4), rel)
    pages = {p.name: _student_page(p.read_text(), p.name) for p in sorted(book.glob("*.md"))
             if p.name != "README.md"}
    if out.exists() and any(out.iterdir()):
        if not (out / _MARKER).is_file():
            raise ValueError(f"{out} is not empty and holds no earlier student edition; "
                             "choose a new or empty folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("written by python -m seqlib.course student\n")
    (out / "_config.yml").write_text(_student_config((book / "_config.yml").read_text(), repository_url))
    shutil.copy2(book / "_toc.yml", out / "_toc.yml")
    for bib in book.glob("*.bib"):
        shutil.copy2(bib, out / bib.name)
    for page, text in pages.items():
        (out / page).write_text(text)
    shutil.copytree(book / "chapters", out / "chapters",
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__"))
    for rel, (nb, _) in editions.items():
        nbformat.write(nb, out / rel)
    for page in (out / "chapters").rglob("*.md"):
        page.write_text(_student_page(page.read_text(), page.relative_to(out).as_posix()))
    return {rel: report for rel, (_, report) in editions.items()}


def _student_page(text: str, name: str) -> str:
    """A Markdown page with its solution blocks (start to end) left out."""
    page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    stripped, _ = student_notebook(page, name)
    return stripped.cells[0].source + "\n" if stripped.cells else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqlib.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_cmd = sub.add_parser("execute", help="run notebooks on a fresh kernel and save them")
    run_cmd.add_argument("notebooks", nargs="+")
    run_cmd.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    chk = sub.add_parser("check", help="report notebooks unfit to commit, and prose numbers no cell prints")
    chk.add_argument("notebooks", nargs="+")
    stu = sub.add_parser("student", help="write (and build) the student edition of the book")
    stu.add_argument("out_dir", help="folder to write the edition into (new, empty or an earlier edition)")
    stu.add_argument("--book", default=".", help="the book's folder (default: the current one)")
    stu.add_argument("--build", action="store_true", help="then run `jupyter-book build OUT_DIR`")
    stu.add_argument("--repository-url", help="where you publish the edition (for its launch buttons)")
    args = parser.parse_args(argv)

    if args.command == "execute":
        for nb_path in args.notebooks:
            seconds = execute(nb_path, args.timeout)
            print(f"{nb_path}: executed in {seconds:.1f} s")
        return 0
    if args.command == "student":
        try:
            reports = write_student_edition(args.book, args.out_dir, args.repository_url)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        for rel, report in reports.items():
            print(f"{rel}: {report.solutions_removed} solutions removed, "
                  f"{report.outputs_cleared} exercise outputs cleared")
            for warning in report.warnings:
                print(f"warning: {warning}", file=sys.stderr)
        print(f"student edition written to {args.out_dir}")
        if args.build:
            jb = Path(sys.executable).with_name("jupyter-book")
            return subprocess.run([str(jb) if jb.exists() else "jupyter-book", "build", args.out_dir]).returncode
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
