"""Every chapter is fit to commit and is part of the book.

nbval (run by plain `pytest`) re-executes each notebook and compares every stored output;
these checks catch what nbval does not: a notebook saved out of order, an error output
committed, a foreign kernel, or a chapter missing from the table of contents.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from seqlib.course import hygiene_problems, toc_entries
from seqlib.prose import prose_number_problems

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files() -> set[str]:
    return set(toc_entries(ROOT)[1:])


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks in chapters/"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_notebook_saved_from_clean_run(path):
    problems = hygiene_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_prose_states_only_printed_numbers(path):
    found = prose_number_problems(nbformat.read(path, as_version=4))
    assert not found, (
        f"{path.name}: {len(found)} numbers not printed:\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_notebook_name_and_toc(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), (
        f"{path.name} is not NN_slug.ipynb"
    )
    assert f"chapters/{path.stem}" in toc_files(), (
        f"{path.name} is not in _toc.yml"
    )


def test_toc_points_at_existing_files():
    for entry in toc_files():
        hits = [
            p
            for p in (
                ROOT / f"{entry}.ipynb",
                ROOT / f"{entry}.md",
                ROOT / entry,
            )
            if p.is_file()
        ]
        assert hits, f"_toc.yml names {entry}, which does not exist"


def test_hygiene_check_catches_bad_notebooks():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3"}
    nb.cells = [
        nbformat.v4.new_code_cell("1", execution_count=2),
        nbformat.v4.new_code_cell("2", execution_count=1),
    ]
    assert any("execution counts" in p for p in hygiene_problems(nb))
    nb.cells[0].execution_count, nb.cells[1].execution_count = 1, 2
    assert hygiene_problems(nb) == []
    nb.cells[1].outputs = [
        nbformat.v4.new_output(
            "error", ename="E", evalue="x", traceback=[]
        )
    ]
    assert any("error output" in p for p in hygiene_problems(nb))
    nb.cells[1].outputs = []
    nb.metadata["kernelspec"] = {"name": "conda-env"}
    assert any("kernelspec" in p for p in hygiene_problems(nb))
