"""The student edition of the book: solutions removed, exercise outputs cleared, nothing re-run.

:func:`student_notebook` makes one chapter's edition; :func:`write_student_edition` copies the
whole book with every chapter and page stripped (``python -m seqlib.course student OUT_DIR``).
Solutions run from a ``{solution-start}`` directive to its ``{solution-end}``; fences are
found with markdown-it-py, the parser Jupyter Book uses.
"""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = ["StudentReport", "student_notebook", "write_student_edition"]


_DIRECTIVE = re.compile(r"^\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")
_KINDS = {
    "solution-start": "solution-start",
    "solution-end": "solution-end",
    "exercise": "exercise",
    "exercise-start": "exercise",
}


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """Split Markdown into ``(kind, argument, text)`` pieces, kind one of ``"text"``,
    ``"solution-start"``, ``"solution-end"``, ``"exercise"`` or ``"fence"`` (any other fenced
    block: a directive written inside it is an example, not a directive).

    The fences are found by markdown-it-py (CommonMark, plus MyST's ``:::`` colon fences), the
    parser Jupyter Book itself uses, so nesting (a 4-backtick fence around a 3-backtick one),
    unclosed fences and backticks in the info string follow the specification. Fences inside
    block quotes are quoted examples and stay text. The pieces' texts concatenate to ``text``.
    """
    from markdown_it import MarkdownIt  # installed with Jupyter Book
    from mdit_py_plugins.colon_fence import colon_fence_plugin

    lines = text.splitlines(keepends=True)
    pieces: list[tuple[str, str, str]] = []
    done, quoted = 0, 0  # lines already in pieces; depth of block quotes
    for token in (
        MarkdownIt("commonmark").use(colon_fence_plugin).parse(text)
    ):
        quoted += {"blockquote_open": 1, "blockquote_close": -1}.get(
            token.type, 0
        )
        if token.type not in ("fence", "colon_fence") or quoted:
            continue
        start, end = token.map
        if start > done:
            pieces.append(("text", "", "".join(lines[done:start])))
        directive = _DIRECTIVE.match(token.info.strip())
        kind = (
            _KINDS.get(directive["name"], "fence")
            if directive
            else "fence"
        )
        pieces.append(
            (
                kind,
                directive["arg"].strip() if directive else "",
                "".join(lines[start:end]),
            )
        )
        done = end
    if done < len(lines):
        pieces.append(("text", "", "".join(lines[done:])))
    return pieces


@dataclass(frozen=True)
class StudentReport:
    """What making the student edition of one notebook removed and cleared."""

    solutions_removed: int
    cells_removed: int
    outputs_cleared: int
    warnings: tuple[
        str, ...
    ]  # kept cells that use a name a removed solution (re)defines


def _names(source: str, kind: type) -> set[str]:
    """Names a cell binds (``kind=ast.Store``) or reads (``ast.Load``); empty if not Python."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics, shell escapes
        return set()
    names = {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, kind)
    }
    if kind is ast.Store:
        for node in ast.walk(tree):
            if isinstance(
                node,
                (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef),
            ):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update(
                    (a.asname or a.name).split(".")[0] for a in node.names
                )
    return names


ANSWER_TAG = "answer"


def _answer_cell() -> nbformat.NotebookNode:
    """An empty code cell, tagged ``answer``, where a removed solution was."""
    return nbformat.v4.new_code_cell("", metadata={"tags": [ANSWER_TAG]})


def student_notebook(
    nb: nbformat.NotebookNode,
    name: str = "notebook",
    answer_cells: bool = False,
) -> tuple[nbformat.NotebookNode, StudentReport]:
    """The student edition of one chapter: solutions removed, exercise outputs cleared.

    A solution runs from a ``{solution-start}`` directive to the next ``{solution-end}``
    directive, inclusive, across cells: markdown around the two directives in the same cells
    is kept, the cells in between are dropped. Code cells that follow an ``{exercise}``
    directive before the next markdown cell (starter code) keep their source and lose their
    outputs. Kept outputs stay; execution counts are renumbered 1..k over the cells that keep
    outputs. With ``answer_cells``, an empty code cell tagged ``answer`` takes the place of each
    removed solution (a markdown cell with text on both sides of a solution is split there). Raises ValueError, naming the cell, for a solution-start with no solution-end
    (or the reverse). ``nb`` is not modified.
    """
    nb = nbformat.from_dict(nb)  # a deep copy
    cells, solution_open, exercise_open = [], None, False
    removed_cells = solutions = cleared = 0
    removed_names: set[str] = (
        set()
    )  # bound by removed solution code, not rebound since
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
                if exercise_open and (
                    cell.outputs or cell.execution_count is not None
                ):
                    cell.outputs, cell.execution_count = [], None
                    cleared += 1
                used = _names(cell.source, ast.Load) & removed_names
                if used - kept_names:
                    warnings.append(
                        f"{name}: code cell {number} uses {sorted(used - kept_names)}, "
                        "which only a removed solution defines: a student's run fails there"
                    )
                if used & kept_names:
                    warnings.append(
                        f"{name}: code cell {number} uses {sorted(used & kept_names)}, "
                        "which a removed solution redefines: a student's output may differ"
                    )
                removed_names -= _names(cell.source, ast.Store)
                kept_names |= _names(cell.source, ast.Store)
            cells.append(cell)
            continue
        kept = []
        exercise_open = False
        for kind, arg, text in _blocks(cell.source):
            if kind == "solution-start":
                if solution_open:
                    raise ValueError(
                        f"{name}: cell {number} opens solution {arg!r} while solution "
                        f"{solution_open[0]!r} (cell {solution_open[1]}) is still open:"
                        " its ```{solution-end} is missing"
                    )
                solution_open, exercise_open = (arg or "?", number), False
                solutions += 1
                if answer_cells:
                    kept.append(None)  # the answer cell goes here
            elif kind == "solution-end":
                if not solution_open:
                    raise ValueError(
                        f"{name}: cell {number} has a ```{{solution-end}} with no "
                        "```{solution-start} before it"
                    )
                solution_open = None
            elif not solution_open:
                kept.append(text)
                exercise_open = exercise_open or kind == "exercise"
        groups, current = (
            [],
            [],
        )  # the kept text, split where answer cells go
        for piece in kept:
            if piece is None:
                groups.append(current)
                current = []
            else:
                current.append(piece)
        groups.append(current)
        first = True
        for i, group in enumerate(groups):
            source = "".join(group).strip("\n")
            if source.strip():
                if first:
                    cell.source, first = source, False
                    cells.append(cell)
                else:
                    cells.append(nbformat.v4.new_markdown_cell(source))
            if i < len(groups) - 1:
                cells.append(_answer_cell())
        if first:
            removed_cells += 1
    if solution_open:
        raise ValueError(
            f"{name}: solution {solution_open[0]!r} opened in cell {solution_open[1]} "
            "has no matching ```{solution-end}"
        )
    count = 0
    for cell in cells:
        if cell.cell_type == "code" and cell.execution_count is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = count
    nb.cells = cells
    return nb, StudentReport(
        solutions, removed_cells, cleared, tuple(warnings)
    )


def _student_config(
    text: str, repository_url: str, tag: str | None
) -> str:
    """The edition's ``_config.yml``: no build-time execution, a title that says what it is,
    launch buttons on the edition's own repository (at the release tag, when there is one)."""
    import yaml

    config = yaml.safe_load(text) or {}
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = (
        "off"  # keep stored outputs, run nothing
    )
    repository = config.setdefault("repository", {})
    repository["url"] = repository_url
    if tag:
        repository["branch"] = tag
    header = "# Written by `python -m seqlib.course student`: edit the book's own _config.yml instead.\n"
    return header + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True
    )


_MARKER = ".seqlib-student-edition"
# Tools for testing and grading the book, not for working through it.
_TOOLING = {
    "pytest",
    "ruff",
    "nbval",
    "pytest-xdist",
    "hypothesis",
    "playwright",
    "otter-grader",
}


def _student_requirements(text: str) -> str:
    """The book's requirements.txt without its test and grading tools: what a student needs."""
    kept = []
    for line in text.splitlines():
        name = re.match(r"\s*([A-Za-z0-9_.\-]+)", line)
        if (
            name
            and not line.lstrip().startswith(("#", "-"))
            and name[1].lower() in _TOOLING
        ):
            continue
        kept.append(line)
    header = (
        "# The student edition's requirements (written by `python -m seqlib.course student`):\n"
        "# seqlib from this folder (`-e .`, the book's version; it holds no solutions),\n"
        "# the libraries the chapters compare against, JupyterLab, and Jupyter Book.\n"
    )
    return header + "\n".join(kept) + "\n"


def _student_readme(title: str, version: str, repository_url: str) -> str:
    return f"""# {title} — student edition

The chapters of *{title}* (version {version}) with the exercises' solutions removed: each
exercise is followed by an empty cell to answer in. This folder holds everything needed to
work through it: the chapters (`chapters/`), the library they import (`seqlib/`, the book's
version, with no solutions in it) and the requirements.

## Install and open a chapter

On Python 3.11:

```bash
python3.11 -m venv .venv && source .venv/bin/activate
pip install -r requirements.txt
jupyter lab chapters/05_rnn_scratch.ipynb
```

On Linux, `pip` installs PyTorch's CUDA build (several GB); it runs the chapters, on the CPU.
For the CPU-only wheel (about 200 MB), install it first from PyTorch's CPU index:
`pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu`.

Without installing anything: each chapter's *launch* button opens it on Colab or Binder from
{repository_url}; on Colab, the chapter's first cell installs seqlib from there.

## Licence

Code (seqlib, the code cells) under the MIT licence, text under CC BY-SA 4.0 (see `LICENSE`).
"""


def write_student_edition(
    book: str | Path, out: str | Path, repository_url: str | None = None
) -> dict[str, StudentReport]:
    """Write the student edition of the book in ``book`` into the folder ``out``.

    Copies ``_config.yml`` (execution off; launch buttons on ``repository_url``, by default the
    book's ``[tool.seqlib-book] student-repository`` setting), ``_toc.yml``, ``_static/``, the
    top-level ``.md`` pages (their solutions removed too), ``*.bib`` and ``chapters/`` with every
    notebook made by :func:`student_notebook` (an empty answer cell after each exercise; the
    Colab cell installs seqlib from ``repository_url`` at the release tag). So that the edition
    stands alone, it also gets ``seqlib/`` and ``pyproject.toml`` (the package holds no
    solutions), a ``requirements.txt`` without test tools, a README that says how to install
    it, the licences and the Binder environment. ``out`` must be empty, new, or an earlier
    edition (replaced). Returns one report per notebook; raises ValueError before writing
    anything if a notebook has an unmatched solution directive.
    """
    from seqlib import edition

    book, out = Path(book).resolve(), Path(out).resolve()
    for required in ("_config.yml", "_toc.yml"):
        if not (book / required).is_file():
            raise ValueError(
                f"{book} is not a book folder: it has no {required}"
            )
    if (
        out == book
        or book.is_relative_to(out)
        or out.is_relative_to(book / "chapters")
    ):
        raise ValueError(
            f"OUT_DIR {out} must not be the book, contain it, or lie in its chapters/"
        )
    settings = (
        edition.settings(book)
        if (book / "pyproject.toml").is_file()
        else None
    )
    repository_url = repository_url or (
        settings.student_repository if settings else None
    )
    tag = settings.tag if settings else None
    notebooks = sorted(
        p
        for p in (book / "chapters").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
    editions = {}
    for (
        path
    ) in notebooks:  # everything is checked before anything is written
        rel = path.relative_to(book).as_posix()
        nb, report = student_notebook(
            nbformat.read(path, as_version=4), rel, answer_cells=True
        )
        if (
            repository_url
            and tag
            and any(
                edition.COLAB_TAG in c.metadata.get("tags", [])
                for c in nb.cells
            )
        ):
            edition.sync_notebook(nb, repository_url, tag)
        editions[rel] = nb, report
    pages = {
        p.name: _student_page(p.read_text(), p.name)
        for p in sorted(book.glob("*.md"))
        if p.name not in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md")
    }
    if out.exists() and any(out.iterdir()):
        if not (out / _MARKER).is_file():
            raise ValueError(
                f"{out} is not empty and holds no earlier student edition; "
                "choose a new or empty folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text(
        "written by python -m seqlib.course student\n"
    )
    config_text = (book / "_config.yml").read_text()
    (out / "_config.yml").write_text(
        _student_config(config_text, repository_url, tag)
    )
    shutil.copy2(book / "_toc.yml", out / "_toc.yml")
    for bib in book.glob("*.bib"):
        shutil.copy2(bib, out / bib.name)
    for page, text in pages.items():
        (out / page).write_text(text)
    skip = shutil.ignore_patterns(
        ".ipynb_checkpoints", "__pycache__", "*.egg-info"
    )
    shutil.copytree(
        book / "chapters",
        out / "chapters",
        ignore=shutil.ignore_patterns(
            "*.ipynb", ".ipynb_checkpoints", "__pycache__"
        ),
    )
    for rel, (nb, _) in editions.items():
        nbformat.write(nb, out / rel)
    for page in (out / "chapters").rglob("*.md"):
        page.write_text(
            _student_page(
                page.read_text(), page.relative_to(out).as_posix()
            )
        )
    # What makes it stand alone: the book's styling, seqlib, requirements, licences, Binder.
    for folder in ("_static", "seqlib", "binder", "LICENSES"):
        if (book / folder).is_dir():
            shutil.copytree(book / folder, out / folder, ignore=skip)
    for name in ("pyproject.toml", "LICENSE"):
        if (book / name).is_file():
            shutil.copy2(book / name, out / name)
    if (book / "requirements.txt").is_file():
        (out / "requirements.txt").write_text(
            _student_requirements((book / "requirements.txt").read_text())
        )
    import yaml

    title = (yaml.safe_load(config_text) or {}).get("title", "the book")
    (out / "README.md").write_text(
        _student_readme(
            title,
            settings.version if settings else "?",
            repository_url or "the edition's repository",
        )
    )
    return {rel: report for rel, (_, report) in editions.items()}


def _student_page(text: str, name: str) -> str:
    """A Markdown page with its solution blocks (start to end) left out."""
    page = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(text)]
    )
    stripped, _ = student_notebook(page, name)
    return stripped.cells[0].source + "\n" if stripped.cells else ""
