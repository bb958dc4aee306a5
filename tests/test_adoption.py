"""What an instructor adopting the book relies on: licences, one setting for the repository and
version (and everything derived from it), a Binder environment, a citable version, a PDF
script in CI, code formatted to the page, and a student edition that stands alone."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

import seqlib
from seqlib import edition
from seqlib.student import (
    ANSWER_TAG,
    student_notebook,
    write_student_edition,
)

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def requirement_pins(text: str) -> dict[str, str]:
    """``{name: specifier}`` of a requirements file's package lines."""
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", line)
        if line and not line.startswith("-") and match:
            pins[match[1].lower()] = match[3].replace(" ", "")
    return pins


# --- licences ---------------------------------------------------------------------------


def test_licences_are_stated_everywhere():
    licence = (ROOT / "LICENSE").read_text()
    assert (
        "MIT License" in licence
        and "Permission is hereby granted" in licence
    )
    assert (
        "CC BY-SA 4.0" in licence
        and "LICENSES/CC-BY-SA-4.0.txt" in licence
    )
    text = (ROOT / "LICENSES" / "CC-BY-SA-4.0.txt").read_text()
    assert text.startswith("Attribution-ShareAlike 4.0 International")
    assert (
        "Section 8 -- Interpretation." in text
    )  # the whole legal code, not a summary
    assert "MIT" in PYPROJECT["project"]["license"]["text"]
    assert "CC-BY-SA-4.0" in PYPROJECT["project"]["license"]["text"]
    footer = yaml.safe_load((ROOT / "_config.yml").read_text())["html"][
        "extra_footer"
    ]
    assert (
        "CC BY-SA 4.0" in footer
        and "MIT" in footer
        and "d2l.ai" in footer
    )
    readme = (ROOT / "README.md").read_text()
    licence_section = readme.split("## Licence", 1)[1].split("\n## ", 1)[
        0
    ]
    assert "MIT" in licence_section and "CC BY-SA 4.0" in licence_section
    assert (
        "What is adapted from *Dive into Deep Learning*"
        in licence_section
    )
    assert "MIT-0" in licence_section


# --- one setting: repository URL and version -------------------------------------------


def test_every_derived_place_agrees_with_the_setting():
    """Colab cells, launch buttons, CITATION.cff, README BibTeX. Fix: python -m seqlib.course sync"""
    problems = edition.problems(ROOT)
    assert not problems, (
        "these disagree with pyproject.toml; run `python -m seqlib.course sync`:\n"
        + "\n".join(problems)
    )


def test_one_version():
    version = PYPROJECT["project"]["version"]
    assert seqlib.__version__ == version, (
        "seqlib/__init__.py's __version__ is not pyproject's"
    )
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert (
        citation["version"] == version
        and citation["cff-version"] == "1.2.0"
    )
    assert (
        citation["repository-code"] == edition.settings(ROOT).repository
    )
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(version)}\]", changelog, re.M), (
        "CHANGELOG has no entry for it"
    )


def test_colab_cell_pins_the_release_tag_and_is_hidden():
    s = edition.settings(ROOT)
    source = edition.colab_source(s.repository, s.tag)
    assert f'git+{s.repository}@v{s.version}"' in source
    assert "@main" not in source and "@master" not in source
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "%pip install seqlib", metadata={"tags": ["colab-setup"]}
            )
        ]
    )
    assert edition.sync_notebook(nb, s.repository, s.tag)
    assert (
        nb.cells[0].source == source
        and "remove-cell" in nb.cells[0].metadata.tags
    )
    assert not edition.sync_notebook(nb, s.repository, s.tag), (
        "a second sync changes nothing"
    )
    assert edition.notebook_problems(nb, s.repository, s.tag) == []
    nb.cells[0].source = source.replace(s.tag, "main")
    assert edition.notebook_problems(nb, s.repository, s.tag)


def test_colab_cell_is_as_ruff_formats_it(tmp_path):
    """`ruff format` must leave the synced cell alone, or the formatter and the sync would fight."""
    ruff = shutil.which("ruff") or str(
        Path(sys.executable).with_name("ruff")
    )
    if not Path(ruff).exists() and not shutil.which("ruff"):
        pytest.skip("ruff is not installed")
    s = edition.settings(ROOT)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                edition.colab_source(s.repository, s.tag)
            )
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, tmp_path / "cell.ipynb")
    result = subprocess.run(
        [
            ruff,
            "format",
            "--check",
            "--config",
            str(ROOT / "pyproject.toml"),
            str(tmp_path / "cell.ipynb"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sync_config_keeps_comments_and_sets_url_and_branch():
    text = 'title: x\nrepository:\n  url: https://a/b  # here\n  path_to_book: ""\n  branch: main\nhtml: {}\n'
    out = edition.sync_config(text, "https://github.com/me/fork", "v9.9")
    assert yaml.safe_load(out)["repository"] == {
        "url": "https://github.com/me/fork",
        "path_to_book": "",
        "branch": "v9.9",
    }
    assert (
        "# here" in out
        and out.startswith("title: x\n")
        and out.endswith("html: {}\n")
    )


def test_a_bad_setting_is_refused_by_name(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nversion = "1.0"\n[tool.seqlib-book]\nrepository = "github.com/x/y/"\n'
        'student-repository = "https://github.com/x/z"\n'
    )
    with pytest.raises(
        ValueError,
        match=r"\[tool.seqlib-book\] repository must be an https URL",
    ):
        edition.settings(tmp_path)


def test_launch_buttons_open_the_release_with_jupyterlab():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    s = edition.settings(ROOT)
    assert (
        config["repository"]["url"] == s.repository
        and config["repository"]["branch"] == s.tag
    )
    assert (
        config["launch_buttons"]["binderhub_url"]
        and config["launch_buttons"]["colab_url"]
    )


# --- Binder ------------------------------------------------------------------------------


def test_binder_installs_cpu_torch_and_only_what_chapters_need():
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert re.search(
        r"^--(extra-)?index-url https://download\.pytorch\.org/whl/cpu\s*$",
        text,
        re.M,
    )
    binder, book = (
        requirement_pins(text),
        requirement_pins((ROOT / "requirements.txt").read_text()),
    )
    assert binder["torch"] == book["torch"] + "+cpu", (
        "Binder's torch is not requirements.txt's, CPU-only"
    )
    tooling = {
        "pytest",
        "nbval",
        "pytest-xdist",
        "hypothesis",
        "playwright",
        "ruff",
        "otter-grader",
        "jupyter-book",
        "sphinx-exercise",
        "sphinx-togglebutton",
        "sphinx-mathjax-offline",
    }
    assert not tooling & set(binder), (
        f"Binder installs tooling: {sorted(tooling & set(binder))}"
    )
    for extra in PYPROJECT["project"]["optional-dependencies"]["book"]:
        name = extra.lower()
        assert name in binder, (
            f"Binder lacks {extra}, which the chapters import"
        )
        if book.get(name, "").startswith("=="):
            assert binder[name] == book[name], (
                f"{name}: Binder pins {binder[name]}, requirements {book[name]}"
            )
    assert re.search(r"^\.\s*$", text, re.M), (
        "Binder must install seqlib from the checkout"
    )
    assert (
        ROOT / "binder" / "runtime.txt"
    ).read_text().strip() == "python-3.11"


# --- formatting, PDF, CI ------------------------------------------------------------------


def test_ci_checks_formatting_and_builds_the_pdf():
    run = (ROOT / ".ci" / "run").read_text()
    assert "ruff format --check seqlib tests bench chapters" in run
    assert re.search(r"^readme pdf$", run, re.M) and re.search(
        r"^readme student$", run, re.M
    )
    assert 60 <= PYPROJECT["tool"]["ruff"]["line-length"] <= 77
    pdf = (ROOT / ".ci" / "pdf.sh").read_text()
    assert "--builder pdflatex" in pdf and "apt-get install" in pdf
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert (
        "_static/latex/bbm.sty"
        in config["sphinx"]["config"]["latex_additional_files"]
    )
    assert (ROOT / "_static" / "latex" / "bbm.sty").is_file()


def test_contributing_says_how_to_add_a_chapter():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for needed in (
        "python -m seqlib.course execute",
        "python -m seqlib.course check",
        "% inputs:",
        "colab-setup",
        "seed-sensitive",
        "python -m seqlib.course sync",
    ):
        assert needed in text, needed


# --- the student edition ------------------------------------------------------------------


def toy() -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(
        cells=[
            md("# Toy"),
            md(
                "```{exercise}\n:label: ex-a\n\nDo A.\n```\n\n```{solution-start} ex-a\n:class: dropdown\n```"
            ),
            code("print('A')"),
            md(
                "```{solution-end}\n```\n\n```{exercise}\n:label: ex-b\n\nDo B.\n```\n\n"
                "```{solution-start} ex-b\n```\n\nB is done so.\n\n```{solution-end}\n```\n\nThe end."
            ),
        ]
    )


def test_an_empty_answer_cell_follows_each_exercise():
    student, report = student_notebook(toy(), "toy", answer_cells=True)
    kinds = [
        (
            "answer"
            if ANSWER_TAG in c.metadata.get("tags", [])
            else c.cell_type
        )
        for c in student.cells
    ]
    assert kinds == [
        "markdown",
        "markdown",
        "answer",
        "markdown",
        "answer",
        "markdown",
    ], kinds
    assert (
        "Do B." in student.cells[3].source
        and student.cells[5].source == "The end."
    )
    assert all(
        c.source == "" and c.outputs == []
        for c in student.cells
        if c.cell_type == "code"
    )
    assert report.solutions_removed == 2
    nbformat.validate(student)
    plain, _ = student_notebook(toy(), "toy")
    assert not any(c.cell_type == "code" for c in plain.cells), (
        "answer cells only when asked for"
    )


@pytest.fixture(scope="module")
def edition_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("adoption") / "student-edition"
    write_student_edition(ROOT, out)
    return out


def test_student_edition_stands_alone(edition_dir):
    out = edition_dir
    assert (out / "_static" / "custom.css").read_text() == (
        ROOT / "_static" / "custom.css"
    ).read_text()
    assert (out / "seqlib" / "__init__.py").is_file() and (
        out / "pyproject.toml"
    ).is_file()
    assert not list(out.rglob("__pycache__"))
    assert (out / "LICENSE").is_file() and (
        out / "LICENSES" / "CC-BY-SA-4.0.txt"
    ).is_file()
    requirements = (out / "requirements.txt").read_text()
    pins = requirement_pins(requirements)
    assert re.search(r"^-e \.\s*$", requirements, re.M), (
        "seqlib must come from the edition's own copy"
    )
    assert not {
        "pytest",
        "nbval",
        "hypothesis",
        "playwright",
        "ruff",
    } & set(pins)
    assert (
        "jupyterlab" in pins
        and pins["torch"]
        == requirement_pins((ROOT / "requirements.txt").read_text())[
            "torch"
        ]
    )
    readme = (out / "README.md").read_text()
    assert (
        "pip install -r requirements.txt" in readme
        and "jupyter lab chapters/" in readme
    )
    assert "download.pytorch.org/whl/cpu" in readme
    # its seqlib is the book's version
    init = (out / "seqlib" / "__init__.py").read_text()
    assert f'__version__ = "{seqlib.__version__}"' in init


def test_student_edition_launches_from_the_student_repository(
    edition_dir, tmp_path
):
    s = edition.settings(ROOT)
    config = yaml.safe_load((edition_dir / "_config.yml").read_text())
    assert (
        config["repository"]["url"]
        == s.student_repository
        != s.repository
    )
    assert config["repository"]["branch"] == s.tag
    for path in sorted((edition_dir / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert (
            edition.notebook_problems(nb, s.student_repository, s.tag)
            == []
        ), path.name
        exercises = sum(
            c.source.count("{exercise}")
            for c in nb.cells
            if c.cell_type == "markdown"
        )
        answers = sum(
            ANSWER_TAG in c.metadata.get("tags", []) for c in nb.cells
        )
        solutions = sum(
            c.source.count("{solution-start}")
            for c in nbformat.read(
                ROOT / "chapters" / path.name, as_version=4
            ).cells
        )
        assert answers == solutions and exercises >= answers, path.name
    given = "https://example.org/course/student-book"
    other = tmp_path / "given"
    write_student_edition(ROOT, other, given)
    assert (
        yaml.safe_load((other / "_config.yml").read_text())["repository"][
            "url"
        ]
        == given
    )
    assert (
        f"git+{given}@{s.tag}"
        in (other / "chapters" / "05_rnn_scratch.ipynb").read_text()
    )


def test_student_edition_folder_is_ignored_by_git():
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    result = subprocess.run(
        ["git", "check-ignore", "-q", "student-edition/chapters/x.ipynb"],
        cwd=ROOT,
    )
    assert result.returncode == 0, "student-edition/ is not in .gitignore"
