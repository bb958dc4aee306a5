"""Assignments: build chapters 05 and 13 with otter-grader, grade three submissions each, no Docker.

Each chapter's assignment is built once (module-scoped fixture) and graded once as a folder
of three submissions: a correct one (full marks), the unchanged student notebook (zero) and
one with the typical mistake of the chapter (partial marks, with feedback that names the
mistake). Chapter 05 goes through the README's two commands exactly as written there
(``<!-- command: assignment -->`` and ``<!-- command: grade -->``), chapter 13 through the
Python API they call. Grading runs student code in fresh processes under a time limit with a
private TMPDIR.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("otter", reason="otter-grader is in requirements.txt")
# Measured: 84 s of CPU (two `otter assign` runs, six gradings, each a fresh kernel), 1.5-7 min
# of wall-clock time on a shared 2-core machine. CI runs it; `pytest -m "not slow"` skips it.
pytestmark = pytest.mark.slow

from seqlib import assignment  # noqa: E402
from seqlib.course import main as course_main  # noqa: E402

BOOK = Path(__file__).resolve().parents[1]

MY_RNN = """
class MyRNN(nn.Module):
    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.W_xh = nn.Parameter(sigma * torch.randn(num_inputs, num_hiddens))  # (D, H)
        self.W_hh = nn.Parameter(sigma * torch.randn(num_hiddens, num_hiddens))  # (H, H)
        self.b_h = nn.Parameter(torch.zeros(num_hiddens))  # (H,)

    def forward(self, X, state=None):  # (B, T, D)
        h = X.new_zeros(X.shape[0], self.num_hiddens) if state is None else state  # (B, H)
        outputs = []
        for t in range(X.shape[1]):
            h = torch.tanh(X[:, t] @ self.W_xh + h @ self.W_hh + self.b_h)  # (B, H)
            outputs.append(h)
        return torch.stack(outputs, dim=1), h  # (B, T, H), (B, H)
"""
GLOBAL_CLIP = """
def my_clip(params, max_norm):
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
    if norm > max_norm:
        for p in params:
            p.grad.mul_(max_norm / norm)
    return float(norm)
"""
PER_TENSOR_CLIP = """
def my_clip(params, max_norm):  # the mistake: one norm per tensor
    norm = float(torch.sqrt(sum((p.grad ** 2).sum() for p in params)))
    for p in params:
        torch.nn.utils.clip_grad_norm_([p], max_norm)
    return norm
"""
PERPLEXITY = """
def my_perplexity(logits, targets):  # (B, T, V), (B, T)
    nll = -F.log_softmax(logits.double(), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return float(torch.exp(nll.mean()))
"""
MEAN_OF_SEQUENCES = """
def my_perplexity(logits, targets):  # the mistake: the mean of per-sequence perplexities
    return float(torch.stack([torch.exp(F.cross_entropy(l, t)) for l, t in zip(logits, targets)]).mean())
"""

CHAPTERS = {  # chapter: (answer for the correct submission, answer with the typical mistake)
    "05": (MY_RNN + GLOBAL_CLIP, MY_RNN + PER_TENSOR_CLIP),
    "13": (PERPLEXITY, MEAN_OF_SEQUENCES),
}


def _submission(student: Path, answer: str | None, out: Path) -> None:
    """The student notebook with its (single) code answer cell filled in, or left as handed out."""
    nb = nbformat.read(student, as_version=4)
    cells = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and "otter_answer_cell" in c.metadata.get("tags", [])
    ]
    assert len(cells) == 1, (
        "one autograded question with one answer cell in these chapters"
    )
    if answer is not None:
        cells[0].source = answer
    nbformat.write(nb, out)


def _readme_command(name: str) -> str:
    spec = importlib.util.spec_from_file_location(
        "readme_commands", BOOK / ".ci" / "readme.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.command(name)


def _bash(command: str, cwd: Path) -> None:
    """Run a README block as a reader would, in ``cwd``, with this Python's environment first on PATH."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, (
        f"{command}\nexited {run.returncode}:\n{run.stdout}\n{run.stderr}"
    )


class _Built:  # what the README's command leaves, found as a reader finds it
    def __init__(self, folder: Path, chapter: str):
        (self.master,) = (folder / "master").glob(f"{chapter}_*.ipynb")
        (self.student,) = (folder / "dist" / "student").glob(
            f"{chapter}_*.ipynb"
        )
        (self.autograder,) = (folder / "dist" / "autograder").glob(
            "*.zip"
        )
        self.points = {"05": 8, "13": 4}[chapter]
        self.manual = ("hand-graded questions are in the master",)


@pytest.fixture(scope="module", params=sorted(CHAPTERS))
def graded(request, tmp_path_factory):
    """Build the chapter's assignment once, grade the three submissions once: (report, rows)."""
    chapter = request.param
    out = tmp_path_factory.mktemp(f"assignment{chapter}")
    if (
        chapter == "05"
    ):  # the README's commands, run in a folder that has the book's chapters
        (out / "chapters").symlink_to(BOOK / "chapters")
        _bash(_readme_command("assignment"), out)
        report = _Built(out / "assignments" / "ch05", chapter)
    else:
        report = assignment.build_assignment(
            chapter, out / "build", book=BOOK, seed=1
        )
    submissions = out / "submissions"
    submissions.mkdir()
    correct, mistake = CHAPTERS[chapter]
    for name, answer in (
        ("correct", correct),
        ("empty", None),
        ("mistake", mistake),
    ):
        _submission(report.student, answer, submissions / f"{name}.ipynb")
    if chapter == "05":
        _bash(_readme_command("grade"), out)
        with open(out / "grades.csv") as f:
            rows = [
                {
                    **row,
                    "points": float(row["points"]),
                    "possible": float(row["possible"]),
                }
                for row in csv.DictReader(f)
            ]
    else:
        rows = assignment.grade_folder(
            report.autograder,
            submissions,
            out / "grades.csv",
            timeout=300,
        )
    return (
        chapter,
        report,
        {row["submission"].removesuffix(".ipynb"): row for row in rows},
        out,
    )


def test_build_leaves_student_notebook_and_autograder(graded):
    chapter, report, _, _ = graded
    assert (
        report.master.is_file()
        and report.student.is_file()
        and report.autograder.suffix == ".zip"
    )
    assert report.points == (
        8 if chapter == "05" else 4
    )  # per graded name: 1 self-check + 3 hidden
    student = report.student.read_text()
    assert "BEGIN SOLUTION" not in student and "hidden: " not in student
    assert (
        "log_softmax(logits" not in student
        and "clip_grad_norm_(" not in student
    )
    with zipfile.ZipFile(
        report.autograder
    ) as z:  # the hidden cases live in the zip's test files
        tests = "".join(
            z.read(n).decode()
            for n in z.namelist()
            if n.startswith("tests/")
        )
    assert tests.count("hidden=True") == report.points // 4 * 3
    assert "seed=" in tests or "manual_seed(" in tests
    assert report.manual, (
        "exercises without a self-check are questions graded by hand"
    )


def test_hidden_cases_are_not_in_the_installed_package(graded):
    _, report, _, _ = graded
    with zipfile.ZipFile(report.autograder) as z:
        tests = "".join(
            z.read(n).decode()
            for n in z.namelist()
            if n.startswith("tests/")
        )
    seeds = [
        line.split("seed(")[1].split(")")[0]
        for line in tests.splitlines()
        if "manual_seed(" in line
    ]
    seeds += [
        line.split("seed=")[1].split(",")[0]
        for line in tests.splitlines()
        if "seed=" in line
    ]
    package = "".join(
        p.read_text() for p in (BOOK / "seqlib").rglob("*.py")
    )
    assert seeds and not any(seed in package for seed in seeds)


def test_grades_full_zero_and_partial_with_the_mistake_named(graded):
    chapter, report, rows, out = graded
    assert (
        rows["correct"]["points"]
        == rows["correct"]["possible"]
        == report.points
    ), rows["correct"]
    assert (
        rows["empty"]["points"] == 0
        and rows["empty"]["possible"] == report.points
    )
    assert 0 < rows["mistake"]["points"] < report.points, rows["mistake"]
    named = (
        "one global norm, not one per tensor"
        if chapter == "05"
        else "mean of per-sequence perplexities"
    )
    assert named in rows["mistake"]["feedback"]
    assert named not in rows["correct"]["feedback"]
    with open(out / "grades.csv") as f:
        table = list(csv.DictReader(f))
    assert [r["submission"] for r in table] == [
        "correct.ipynb",
        "empty.ipynb",
        "mistake.ipynb",
    ]
    assert {"points", "possible", "feedback", "error"} <= set(table[0])


def test_cli_refuses_a_chapter_it_cannot_find(tmp_path, capsys):
    assert (
        course_main(
            [
                "assignment",
                "99_nothing",
                str(tmp_path),
                "--book",
                str(BOOK),
            ]
        )
        == 2
    )
    assert "CHAPTER must name one notebook" in capsys.readouterr().err


def test_cli_refuses_an_empty_submissions_folder(tmp_path, capsys):
    fake = tmp_path / "autograder.zip"
    fake.write_bytes(b"")
    (tmp_path / "subs").mkdir()
    assert (
        course_main(
            [
                "grade",
                str(fake),
                str(tmp_path / "subs"),
                str(tmp_path / "g.csv"),
            ]
        )
        == 2
    )
    assert "holds no .ipynb submissions" in capsys.readouterr().err


def test_exercises_are_parsed_with_their_solutions():
    nb = nbformat.read(
        BOOK / "chapters" / "13_perplexity.ipynb", as_version=4
    )
    exercises = assignment.chapter_exercises(nb)
    labels = [e.label for e in exercises]
    assert "ex-perplexity-selfcheck" in labels and len(
        set(labels)
    ) == len(labels)
    selfcheck = exercises[labels.index("ex-perplexity-selfcheck")]
    assert any(
        "def my_perplexity" in c.source
        for c in selfcheck.solution
        if c.cell_type == "code"
    )
    assert "{solution" not in json.dumps([e.prompt for e in exercises])
