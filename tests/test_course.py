"""The student edition: solutions removed, exercise outputs cleared, everything else kept.

The synthetic notebook below has the shapes chapters use: an exercise in its own cell with
starter code, and (as chapter 00 does) one markdown cell that closes a solution, states the
next exercise and opens its solution.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from seqlib import course
from seqlib.course import (
    hygiene_problems,
    student_notebook,
    write_student_edition,
)

ROOT = Path(__file__).resolve().parents[1]
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def stream(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def synthetic() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(course.KERNELSPEC)
    nb.cells = [
        md("(ch-toy)=\n# Toy\n\nSome prose with $x_t$."),
        code(
            "data = [1, 2, 3]\nprint(sum(data))",
            execution_count=1,
            outputs=[stream("6\n")],
        ),
        md(
            "## Exercises\n\n```{exercise}\n:label: ex-toy-mean\n\nMeasure the mean of `data`.\n```"
        ),
        code(
            "print(len(data))  # starter code",
            execution_count=2,
            outputs=[stream("3\n")],
        ),
        md("```{solution-start} ex-toy-mean\n:class: dropdown\n```"),
        code(
            "mean = sum(data) / len(data)\nprint(mean)",
            execution_count=3,
            outputs=[stream("2.0\n")],
        ),
        md("Because the mean is the sum over the count.\n"),
        md(
            "```{solution-end}\n```\n\n```{exercise}\n:label: ex-toy-max\n\nFind the largest item.\n```"
            "\n\n```{solution-start} ex-toy-max\n:class: dropdown\n```"
        ),
        code(
            "print(max(data))", execution_count=4, outputs=[stream("3\n")]
        ),
        md("```{solution-end}\n```\n\nThat closes the exercises."),
        code(
            "data",
            execution_count=5,
            outputs=[
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/plain": "[1, 2, 3]"},
                    execution_count=5,
                )
            ],
        ),
    ]
    return nb


def all_source(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def test_solutions_removed_exercises_kept():
    original = synthetic()
    before = nbformat.writes(original)
    student, report = student_notebook(original, "toy")
    text = all_source(student)
    assert nbformat.writes(original) == before, (
        "the input notebook must not be modified"
    )
    assert "solution-start" not in text and "solution-end" not in text
    assert "mean = sum(data)" not in text and "max(data)" not in text
    assert "Because the mean" not in text, (
        "markdown inside a solution is part of the solution"
    )
    assert (
        "Measure the mean of `data`." in text
        and "Find the largest item." in text
    )
    assert (
        ":label: ex-toy-max" in text
        and "That closes the exercises." in text
    )
    assert report.solutions_removed == 2
    assert (
        report.cells_removed == 4
    )  # two solution code cells, the solution prose, the opener
    assert report.outputs_cleared == 1
    nbformat.validate(student)


def test_outputs_kept_except_exercise_cells_and_counts_renumbered():
    student, _ = student_notebook(synthetic(), "toy")
    code_cells = [c for c in student.cells if c.cell_type == "code"]
    assert [c.source.splitlines()[0] for c in code_cells] == [
        "data = [1, 2, 3]",
        "print(len(data))  # starter code",
        "data",
    ]
    first, starter, last = code_cells
    assert first.outputs[0].text == "6\n" and first.execution_count == 1
    assert starter.outputs == [] and starter.execution_count is None
    assert last.outputs[0].data["text/plain"] == "[1, 2, 3]"
    assert (
        last.execution_count == 2 and last.outputs[0].execution_count == 2
    )
    assert student.metadata.kernelspec.name == "python3"
    # the only hygiene complaint is the cleared exercise cell's missing count
    problems = hygiene_problems(student)
    assert len(problems) == 1 and "[1, None, 2]" in problems[0]


def test_unmatched_solution_start_fails_loudly():
    nb = synthetic()
    nb.cells = nb.cells[:6]  # stops inside the first solution
    with pytest.raises(
        ValueError,
        match=r"toy: solution 'ex-toy-mean' opened in cell 5 has no matching",
    ):
        student_notebook(nb, "toy")


def test_solution_end_without_start_and_nested_start_fail():
    nb = synthetic()
    del nb.cells[4]  # the first solution-start
    with pytest.raises(
        ValueError, match="no ```{solution-start} before it"
    ):
        student_notebook(nb, "toy")
    nb = synthetic()
    nb.cells[7].source = nb.cells[7].source.replace(
        "```{solution-end}\n```", ""
    )
    with pytest.raises(ValueError, match="still open"):
        student_notebook(nb, "toy")


def test_directive_quoted_in_a_code_fence_is_text():
    example = "How a solution is written:\n\n````markdown\n```{solution-start} ex-x\n```\n````\n"
    nb = nbformat.v4.new_notebook(cells=[md(example)])
    student, report = student_notebook(nb, "page")
    assert (
        student.cells[0].source == example.strip("\n")
        and report.solutions_removed == 0
    )


def test_warns_when_a_kept_cell_needs_a_removed_solution():
    nb = synthetic()
    nb.cells[-1].source = "print(mean)"
    _, report = student_notebook(nb, "toy")
    assert len(report.warnings) == 1 and "['mean']" in report.warnings[0]
    assert "only a removed solution defines" in report.warnings[0]
    nb.cells[
        5
    ].source += "\ndata = [0]"  # the first solution rebinds `data`
    nb.cells[-1].source = "print(data)"
    _, report = student_notebook(nb, "toy")
    assert len(report.warnings) == 1 and "redefines" in report.warnings[0]
    _, report = student_notebook(synthetic(), "toy")
    assert report.warnings == ()


def test_colon_fences_are_understood():
    nb = synthetic()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("```", ":::")
    student, report = student_notebook(nb, "toy")
    assert (
        report.solutions_removed == 2
        and "max(data)" not in all_source(student)
    )


def count(notebooks, predicate) -> int:
    return sum(predicate(cell) for nb in notebooks for cell in nb.cells)


def test_student_edition_of_the_real_book(tmp_path, capsys):
    out = tmp_path / "student"
    assert course.main(["student", str(out), "--book", str(ROOT)]) == 0
    assert "student edition written" in capsys.readouterr().out
    config = yaml.safe_load((out / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["title"].endswith("(student edition)")
    entries = re.findall(r"file:\s*(\S+)", (out / "_toc.yml").read_text())
    for entry in entries + [
        yaml.safe_load((out / "_toc.yml").read_text())["root"]
    ]:
        assert any(
            (out / f"{entry}{ext}").is_file() for ext in (".ipynb", ".md")
        ), entry
    assert list(out.glob("*.bib")), "references.bib was not copied"

    originals = sorted((ROOT / "chapters").glob("*.ipynb"))
    assert originals
    for path in originals:
        before = nbformat.read(path, as_version=4)
        after = nbformat.read(out / "chapters" / path.name, as_version=4)
        text = all_source(after)
        assert (
            "{solution-start}" not in text
            and "{solution-end}" not in text
        ), path.name
        assert all_source(before).count("{exercise}") == text.count(
            "{exercise}"
        ), path.name
        assert after.metadata.kernelspec.name == "python3"
        counts = [
            c.execution_count
            for c in after.cells
            if c.cell_type == "code" and c.execution_count is not None
        ]
        assert counts == list(range(1, len(counts) + 1)), path.name
        assert not any(
            o.output_type == "error"
            for c in after.cells
            if c.cell_type == "code"
            for o in c.outputs
        )
        # every output outside the exercises is kept
        kept = {c.source for c in after.cells if c.cell_type == "code"}
        for cell in before.cells:
            if (
                cell.cell_type == "code"
                and cell.source in kept
                and cell.outputs
            ):
                twin = next(
                    c
                    for c in after.cells
                    if c.cell_type == "code" and c.source == cell.source
                )
                assert twin.outputs or twin.execution_count is None, (
                    f"{path.name}: outputs lost"
                )

    # writing again over an earlier edition replaces it; a foreign folder is refused
    assert course.main(["student", str(out), "--book", str(ROOT)]) == 0
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        write_student_edition(ROOT, foreign)
    with pytest.raises(ValueError, match="must not be the book"):
        write_student_edition(ROOT, ROOT)


def test_unmatched_solution_in_a_book_writes_nothing(tmp_path, capsys):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "_config.yml").write_text("title: Toy\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (book / "intro.md").write_text("# Toy\n")
    nb = synthetic()
    nb.cells = nb.cells[:6]
    nbformat.write(nb, book / "chapters" / "01_toy.ipynb")
    out = tmp_path / "out"
    assert course.main(["student", str(out), "--book", str(book)]) == 2
    assert (
        "chapters/01_toy.ipynb: solution 'ex-toy-mean'"
        in capsys.readouterr().err
    )
    assert not out.exists()
