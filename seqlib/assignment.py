"""Graded assignments from a chapter's exercises, with otter-grader; and grading a folder of them.

:func:`build_assignment` (``python -m seqlib.course assignment CHAPTER OUT_DIR``) writes an
otter-grader *master notebook* from a chapter's exercises and runs ``otter assign`` on it:

* every ``{exercise}`` is a question, its prompt the exercise's text and its solution the
  cells between ``{solution-start}`` and ``{solution-end}``, marked as the solution;
* an exercise whose solution calls a :mod:`seqlib.checks` self-check on a function or class
  is graded automatically: the public test is that self-check (students can run it as they
  work), and the hidden tests are *new* cases drawn when the assignment is built, written into
  the autograder's test files only (the installed seqlib holds no hidden case); the student
  notebook keeps the signature of each graded name and ``...`` for its body;
* an exercise without a self-check is a manually graded question; its solution goes into the
  master as text, so nothing that needs the rest of the chapter runs when grading.

It leaves ``OUT_DIR/dist/student/<chapter>.ipynb`` (hand it out) and
``OUT_DIR/dist/autograder/<chapter>-autograder_<timestamp>.zip`` (keep it). Before writing,
the builder runs the chapter's own solution against every test it made, in this process: a
test the solution fails stops the build.

:func:`grade_folder` (``python -m seqlib.course grade AUTOGRADER_ZIP SUBMISSIONS_DIR OUT.csv``)
grades every ``*.ipynb`` in a folder with otter's no-Docker runner, one fresh process per
submission under a time limit and a private ``TMPDIR``, and writes one CSV row each (points,
possible, per-question points, the failed tests' messages). ``otter grade`` itself needs Docker.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from seqlib.student import _blocks

__all__ = [
    "Exercise",
    "AssignmentReport",
    "chapter_exercises",
    "build_assignment",
    "grade_folder",
]

_CHECK_KINDS = {
    "check_perplexity": "perplexity",
    "check_rnn_cell": "rnn",
    "check_gru_cell": "gru",
    "check_lstm_cell": "lstm",
    "check_clip": "clip",
    "check_bleu": "bleu",
    "check_wer": "wer",
}


@dataclass
class Exercise:
    """One ``{exercise}`` of a chapter: its label, prompt, and solution (markdown and code)."""

    label: str
    prompt: str
    solution: (
        list  # nbformat cells (markdown pieces and code cells), in order
    )


@dataclass(frozen=True)
class AssignmentReport:
    """What :func:`build_assignment` wrote: the master, the student notebook, the autograder zip."""

    master: Path
    student: Path
    autograder: Path
    graded: dict  # question label -> [(graded name, self-check), ...]
    manual: tuple  # labels of the questions graded by hand
    points: int  # autograded points


def _exercise_text(fence: str) -> tuple[str, str]:
    """``(label, prompt)`` from an ```` ```{exercise} ```` fence's text."""
    lines = fence.strip("\n").splitlines()[
        1:-1
    ]  # drop the opening and closing fences
    label = next(
        (
            ln.split(":", 2)[2].strip()
            for ln in lines
            if ln.startswith(":label:")
        ),
        "",
    )
    body = "\n".join(
        ln for ln in lines if not re.match(r"^:[\w-]+:", ln)
    ).strip()
    # MyST roles do not render in Jupyter: keep their text
    body = re.sub(
        r"\{(?:ref|numref|eq|doc|term)\}`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`",
        lambda m: (m[1] or m[2]).strip(),
        body,
    )
    return label, re.sub(r"\{cite\}`([^`]*)`", r"[\1]", body)


def chapter_exercises(nb: nbformat.NotebookNode) -> list[Exercise]:
    r"""The exercises of a chapter notebook, in order, each with its solution's cells.

    >>> md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     md("```{exercise}\n:label: ex-add\n\nAdd one, as {ref}`ch-rnn` does.\n```\n\n"
    ...        "```{solution-start} ex-add\n:class: dropdown\n```"),
    ...     code("def add_one(x):\n    return x + 1"), md("It adds one.\n\n```{solution-end}\n```")])
    >>> [(e.label, e.prompt, [c.cell_type for c in e.solution]) for e in chapter_exercises(nb)]
    [('ex-add', 'Add one, as ch-rnn does.', ['code', 'markdown'])]
    """
    exercises, current, open_ = [], None, False
    for cell in nb.cells:
        if cell.cell_type == "code":
            if open_:
                current.solution.append(cell)
            continue
        if cell.cell_type != "markdown":
            continue
        for kind, _arg, text in _blocks(cell.source):
            if kind == "exercise":
                current = Exercise(*_exercise_text(text), solution=[])
                exercises.append(current)
            elif kind == "solution-start":
                open_ = current is not None
            elif kind == "solution-end":
                open_ = False
            elif open_ and text.strip():
                current.solution.append(
                    nbformat.v4.new_markdown_cell(text.strip("\n"))
                )
    return exercises


def _imports(nb: nbformat.NotebookNode) -> str:
    """Every top-level import of the chapter's code cells (not the Colab setup cell), once each."""
    seen: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "colab-setup" in cell.metadata.get(
            "tags", []
        ):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if (
                isinstance(node, (ast.Import, ast.ImportFrom))
                and ast.unparse(node) not in seen
            ):
                seen.append(ast.unparse(node))
    return "\n".join(seen)


def _check_calls(source: str) -> list[tuple[str, str, dict]]:
    """``(check, name, keyword literals)`` for each ``check_x(name, ...)`` call in the source."""
    tree, calls = ast.parse(source), []
    loops = {
        node.target.id: [
            e.id for e in node.iter.elts if isinstance(e, ast.Name)
        ]
        for node in ast.walk(tree)
        if isinstance(node, ast.For)
        and isinstance(node.target, ast.Name)
        and isinstance(node.iter, (ast.Tuple, ast.List))
    }  # for fn in (a, b): check(fn)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _CHECK_KINDS
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            kwargs = {
                k.arg: ast.literal_eval(k.value)
                for k in node.keywords
                if k.arg
            }
            for name in loops.get(node.args[0].id, [node.args[0].id]):
                calls.append((node.func.id, name, kwargs))
    return calls


def _header(lines: list[str], node) -> list[str]:
    """The ``def``/``class`` line(s) of ``node``, up to its colon (no decorators, no body)."""
    return lines[
        node.lineno - 1 : max(node.lineno, node.body[0].lineno - 1)
    ]


def _prompt(source: str, names: list[str]) -> str:
    """The signatures of the graded ``names`` (classes with their methods), bodies ``...``."""
    lines, out = source.splitlines(), []
    for node in ast.parse(source).body:
        if not (
            isinstance(node, (ast.FunctionDef, ast.ClassDef))
            and node.name in names
        ):
            continue
        out += _header(lines, node)
        methods = (
            [m for m in node.body if isinstance(m, ast.FunctionDef)]
            if isinstance(node, ast.ClassDef)
            else []
        )
        for m in methods:
            out += _header(lines, m) + [
                " " * (m.col_offset + 4) + "...",
                "",
            ]
        if not methods:
            out += ["    ...", ""]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- hidden tests: new cases drawn at build time, written into the autograder only ----------------

_WORDS = (
    "the a cat dog sat ran on under mat rug big small red quick slow fox jumps over lazy "
    "time traveller machine walked into room and then out again it was late"
).split()


def _test_source(name: str, test: str, body: str) -> str:
    return f"def test_{name}_{test}({name}):\n" + "".join(
        f"    {line}\n" for line in body.strip().splitlines()
    )


def _underflows(seed: int, B: int, T: int, V: int, scale: float) -> bool:
    """Whether softmax then log gives log(0) on the case these numbers draw (as the test does)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(
        B, T, V, generator=g, dtype=torch.float32
    )  # (B, T, V)
    targets = torch.randint(0, V, (B, T), generator=g)  # (B, T)
    nll = -torch.log_softmax(logits.double(), -1).gather(
        -1, targets[..., None]
    )  # (B, T, 1)
    # a probability that is 0 in float32, and a perplexity float32 can still hold (< e^88)
    return (
        bool(
            (logits.softmax(-1).gather(-1, targets[..., None]) == 0).any()
        )
        and float(nll.mean()) < 80
    )


def _hidden_tests(kind: str, name: str, kwargs: dict, rng) -> list[str]:
    """Three hidden test functions for the graded ``name``, their cases drawn from ``rng``."""

    def seed() -> int:
        return rng.randrange(1, 2**31)

    tests = []
    if kind == "perplexity":
        cases = [
            (
                rng.randint(3, 5),
                rng.randint(4, 9),
                rng.randint(5, 30),
                1.0,
                "float64",
                "several sequences",
            ),
            (
                1,
                rng.randint(10, 20),
                rng.randint(5, 30),
                1.0,
                "float64",
                "one sequence",
            ),
            (
                1,
                rng.randint(8, 16),
                rng.randint(4, 8),
                float(rng.randint(45, 65)),
                "float32",
                "large logits in float32",
            ),
        ]
        for k, (B, T, V, scale, dtype, what) in enumerate(cases, start=1):
            case_seed = seed()
            while dtype == "float32" and not _underflows(
                case_seed, B, T, V, scale
            ):
                case_seed = seed()  # the large-logit case must be one where softmax then log fails
            tests.append(
                _test_source(
                    name,
                    f"hidden_{k}",
                    f"""
import torch
from seqlib.checks import perplexity_case
g = torch.Generator().manual_seed({case_seed})
logits = {scale} * torch.randn({B}, {T}, {V}, generator=g, dtype=torch.{dtype})  # (B, T, V)
targets = torch.randint(0, {V}, ({B}, {T}), generator=g)  # (B, T)
perplexity_case({name}, logits, targets, description={f"hidden: {what}, shape {(B, T, V)}"!r}).raise_if_failed()
""",
                )
            )
    elif kind in ("rnn", "gru", "lstm"):
        extra = (
            f", reset_after={kwargs['reset_after']!r}"
            if kind == "gru" and "reset_after" in kwargs
            else ""
        )
        for k, (initial, what) in enumerate(
            (
                (False, "from a zero state"),
                (True, "from a given state"),
                (True, "a longer sequence from a given state"),
            ),
            start=1,
        ):
            B, T, D, H = (
                rng.randint(1, 4),
                rng.randint(2, 6) * k,
                rng.randint(2, 5),
                rng.randint(2, 6),
            )
            tests.append(
                _test_source(
                    name,
                    f"hidden_{k}",
                    f"""
from seqlib.checks import cell_case
cell_case({name}, {kind!r}, {B}, {T}, {D}, {H}, initial_state={initial}, seed={seed()},
          description={f"hidden: {what}, (B, T, D, H) = {(B, T, D, H)}"!r}{extra}).raise_if_failed()
""",
                )
            )
    elif kind == "clip":
        cases = [
            (
                [(rng.randint(2, 5), rng.randint(2, 5))],
                float(rng.randint(5, 20)),
                1.0,
                "large gradients",
            ),
            (
                [
                    (rng.randint(2, 4),),
                    (rng.randint(2, 4), 3),
                    (rng.randint(3, 7),),
                ],
                float(rng.randint(2, 6)),
                0.5,
                "several tensors",
            ),
            ([(rng.randint(3, 8),)], 0.01, 1.0, "small gradients"),
        ]
        for k, (shapes, scale, max_norm, what) in enumerate(
            cases, start=1
        ):
            tests.append(
                _test_source(
                    name,
                    f"hidden_{k}",
                    f"""
from seqlib.checks import clip_case
clip_case({name}, {shapes!r}, scale={scale}, max_norm={max_norm}, seed={seed()},
          description={f"hidden: {what}"!r}).raise_if_failed()
""",
                )
            )
    else:  # bleu, wer: sentences of random words
        metric = {"bleu": "corpus_bleu", "wer": "wer"}[kind]
        for k in range(1, 4):
            refs = [
                " ".join(
                    rng.choice(_WORDS) for _ in range(rng.randint(4, 9))
                )
                for _ in range(k + 1)
            ]
            hyps = [
                (
                    " ".join(w for w in r.split() if rng.random() > 0.25)
                    or "mat"
                )
                + rng.choice(["", " the"])
                for r in refs
            ]
            tests.append(
                _test_source(
                    name,
                    f"hidden_{k}",
                    f"""
import math
from seqlib import metrics
refs, hyps = {refs!r}, {hyps!r}
got, want = {name}(refs, hyps), metrics.{metric}(refs, hyps)
assert math.isclose(float(got), want, rel_tol=1e-6, abs_tol=1e-9), f"hidden: {k + 1} sentences: expected {{want:.6g}}, got {{got}}"
""",
                )
            )
    return tests


def _public_test(check: str, name: str, kwargs: dict) -> str:
    args = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    return _test_source(
        name,
        "selfcheck",
        f"""
from seqlib.checks import {check}
{check}({name}{args}).raise_if_failed()
""",
    )


# --- the master notebook -------------------------------------------------------------------------


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _test_cell(source: str, hidden: bool) -> nbformat.NotebookNode:
    config = f'""" # BEGIN TEST CONFIG\nhidden: {str(hidden).lower()}\npoints: 1\n""" # END TEST CONFIG\n'
    return nbformat.v4.new_code_cell(config + source)


def _as_text(cells: list) -> str:
    """A solution's cells as one markdown text (code in fenced blocks), for hand-graded questions."""
    return "\n\n".join(
        c.source
        if c.cell_type == "markdown"
        else f"```python\n{c.source}\n```"
        for c in cells
    )


def _run_solution(
    exercise: Exercise, namespace: dict
) -> list[tuple[str, str, dict]]:
    """Run an exercise's solution code; return the self-check calls whose check it passes."""
    from seqlib import checks

    calls = [
        c
        for cell in exercise.solution
        if cell.cell_type == "code"
        for c in _check_calls(cell.source)
    ]
    if not calls:
        return []
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in exercise.solution:
            if cell.cell_type == "code":
                try:
                    exec(
                        compile(
                            cell.source, f"<{exercise.label}>", "exec"
                        ),
                        namespace,
                    )  # noqa: S102
                except Exception as err:
                    raise ValueError(
                        f"{exercise.label}: its solution raised {type(err).__name__}: {err} "
                        "(a graded exercise must run on its own, after the chapter's imports)"
                    ) from err
        graded = []
        for check, name, kwargs in calls:
            if (
                getattr(checks, check)(namespace[name], **kwargs).passed
                and (check, name, kwargs) not in graded
            ):
                graded.append((check, name, kwargs))
    return graded


def _resolve_chapter(chapter: str | Path, book: Path) -> Path:
    path = Path(chapter)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    found = sorted((book / "chapters").glob(f"{chapter}*.ipynb"))
    if len(found) != 1:
        raise ValueError(
            f"CHAPTER must name one notebook of {book / 'chapters'} (e.g. 05 or 05_rnn_scratch "
            f"or a path), got {str(chapter)!r}, matching {len(found)}"
        )
    return found[0]


def build_assignment(
    chapter: str | Path,
    out_dir: str | Path,
    book: str | Path = ".",
    seed: int | None = None,
    timeout: float = 300,
) -> AssignmentReport:
    """Write ``OUT_DIR/<chapter>-master.ipynb`` from a chapter's exercises and run ``otter assign``.

    ``seed`` draws the hidden cases (a fresh random one when ``None``: each build hides new
    cases). Raises ``ValueError`` for a chapter without exercises or a solution that fails a
    test, ``RuntimeError`` when ``otter assign`` fails or leaves no student notebook or zip.
    """
    import random

    src = _resolve_chapter(chapter, Path(book))
    nb = nbformat.read(src, as_version=4)
    exercises = chapter_exercises(nb)
    if not exercises:
        raise ValueError(
            f"{src} has no {{exercise}} directives: nothing to assign"
        )
    rng = random.Random(secrets.randbits(32) if seed is None else seed)
    imports = _imports(nb)
    namespace: dict = {}
    exec(compile(imports, "<imports>", "exec"), namespace)  # noqa: S102
    title = next(
        (
            line[2:].strip()
            for c in nb.cells
            if c.cell_type == "markdown"
            for line in c.source.splitlines()
            if line.startswith("# ")
        ),
        src.stem,
    )
    config = {
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,
        "solutions_pdf": False,
        "template_pdf": False,
        "generate": {"pdf": False},
        "tests": {"ok_format": False},
        "suppress_no_tests_warning": True,
    }
    import yaml

    cells = [
        _raw(
            "# ASSIGNMENT CONFIG\n"
            + yaml.safe_dump(config, sort_keys=False)
        ),
        nbformat.v4.new_markdown_cell(
            f"# Assignment: {title}\n\nAnswer each question where you find `...`. Questions with "
            "tests are graded automatically: by the self-check you can run (`grader.check(...)`) "
            "and by hidden cases of the same kind. The others are read by your instructor."
        ),
        nbformat.v4.new_code_cell(imports),
    ]
    graded_report, manual, points = {}, [], 0
    for ex in exercises:
        qname = re.sub(r"\W", "_", ex.label or f"q{len(cells)}")
        graded = _run_solution(ex, namespace)
        cells.append(
            _raw(
                f"# BEGIN QUESTION\nname: {qname}\n"
                + ("" if graded else "manual: true\npoints: 1\n")
            )
        )
        cells.append(
            nbformat.v4.new_markdown_cell(f"**{ex.label}.** {ex.prompt}")
        )
        cells.append(_raw("# BEGIN SOLUTION"))
        if not graded:
            manual.append(qname)
            cells.append(
                nbformat.v4.new_markdown_cell(_as_text(ex.solution))
            )
            cells += [_raw("# END SOLUTION"), _raw("# END QUESTION")]
            continue
        names = [name for _, name, _ in graded]
        first = True
        for cell in ex.solution:
            if cell.cell_type != "code":
                continue
            prompt = (
                f'""" # BEGIN PROMPT\n{_prompt(cell.source, names)}""" # END PROMPT\n'
                if first
                else ""
            )
            cells.append(
                nbformat.v4.new_code_cell(
                    f"{prompt}# BEGIN SOLUTION NO PROMPT\n{cell.source}\n# END SOLUTION"
                )
            )
            first = False
        cells += [_raw("# END SOLUTION"), _raw("# BEGIN TESTS")]
        for check, name, kwargs in graded:
            tests = [(_public_test(check, name, kwargs), False)]
            tests += [
                (t, True)
                for t in _hidden_tests(
                    _CHECK_KINDS[check], name, kwargs, rng
                )
            ]
            for (
                source,
                hidden,
            ) in tests:  # the chapter's solution must pass every test it is graded by
                env: dict = {}
                exec(compile(source, "<test>", "exec"), env)  # noqa: S102
                test = next(
                    v for k, v in env.items() if k.startswith("test_")
                )
                try:
                    test(namespace[name])
                except AssertionError as err:
                    raise ValueError(
                        f"{ex.label}: the chapter's solution fails its own test: {err}"
                    ) from err
                cells.append(_test_cell(source, hidden))
                points += 1
        cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
        graded_report[qname] = [
            (name, check) for check, name, _ in graded
        ]
    master_nb = nbformat.v4.new_notebook(cells=cells)
    master_nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    out = Path(out_dir).resolve()
    (out / "master").mkdir(parents=True, exist_ok=True)
    master = (
        out / "master" / src.name
    )  # otter names the student notebook after it
    nbformat.write(master_nb, master)
    dist = out / "dist"
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "otter",
                "assign",
                "--no-run-tests",
                str(master),
                str(dist),
            ],
            check=False,
            cwd=out,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "TMPDIR": tmp},
        )
    zips = sorted(
        (dist / "autograder").glob("*-autograder_*.zip")
    )  # its name carries a timestamp
    student = dist / "student" / master.name
    if run.returncode != 0 or not zips or not student.is_file():
        raise RuntimeError(
            f"otter assign exited {run.returncode} for {master}; autograder zips {len(zips)}; "
            f"student notebook {'found' if student.is_file() else 'missing'}:\n{run.stderr[-2000:]}"
        )
    return AssignmentReport(
        master, student, zips[-1], graded_report, tuple(manual), points
    )


# --- grading a folder, without Docker --------------------------------------------------------------


def _grade_one(autograder: str, submission: str, out_json: str) -> None:
    """Grade one submission with otter's runner (in this process) and write a JSON summary."""
    from otter.run import main as otter_run

    with (
        tempfile.TemporaryDirectory() as results_dir,
        contextlib.redirect_stdout(io.StringIO()),
    ):
        results = otter_run(
            submission,
            autograder=autograder,
            output_dir=results_dir,
            no_logo=True,
        )
    questions, feedback = {}, []
    for qname, test_file in results.to_dict().items():
        questions[qname] = test_file["score"]
        for result in test_file["test_case_results"]:
            if not result["passed"]:
                feedback.append(
                    f"{qname}: {result['message'].splitlines()[-1]}"
                )
    error = results.catastrophic_error
    Path(out_json).write_text(
        json.dumps(
            {
                "total": results.total,
                "possible": results.possible,
                "questions": questions,
                "feedback": feedback,
                "error": None if error is None else repr(error),
            }
        )
    )


def grade_folder(
    autograder: str | Path,
    submissions: str | Path,
    out_csv: str | Path,
    timeout: float = 600,
) -> list[dict]:
    """Grade every ``*.ipynb`` in ``submissions`` with the otter ``autograder`` zip; write ``out_csv``.

    Each submission runs in a fresh Python process (otter's no-Docker runner) with its own
    ``TMPDIR``, stopped after ``timeout`` seconds (otter has no limit of its own; an endless
    loop scores 0 with the reason in the row). Columns: ``submission, points, possible``, one
    column per question, then ``feedback`` (the failed tests' messages) and ``error``. Returns
    the rows. Student code runs as you, unsandboxed: grade on a machine you can wipe.
    """
    autograder, folder = (
        Path(autograder).resolve(),
        Path(submissions).resolve(),
    )
    if not autograder.is_file():
        raise ValueError(f"AUTOGRADER_ZIP {autograder} is not a file")
    paths = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if not paths:
        raise ValueError(
            f"SUBMISSIONS_DIR {folder} holds no .ipynb submissions"
        )
    rows, questions = [], []
    for path in paths:
        row = {
            "submission": path.name,
            "points": 0,
            "possible": "",
            "feedback": "",
            "error": "",
        }
        with tempfile.TemporaryDirectory() as tmp:
            out_json = Path(tmp) / "grade.json"
            try:
                run = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "seqlib.assignment",
                        str(autograder),
                        str(path),
                        str(out_json),
                    ],
                    check=False,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    env={**os.environ, "TMPDIR": tmp},
                    cwd=tmp,
                )
                if run.returncode != 0 or not out_json.is_file():
                    row["error"] = (
                        f"grading exited {run.returncode}: {run.stderr.strip()[-500:]}"
                    )
                else:
                    result = json.loads(out_json.read_text())
                    row.update(
                        points=result["total"],
                        possible=result["possible"],
                        feedback=" | ".join(result["feedback"]),
                        error=result["error"] or "",
                    )
                    row.update(result["questions"])
                    questions += [
                        q
                        for q in result["questions"]
                        if q not in questions
                    ]
            except subprocess.TimeoutExpired:
                row["error"] = (
                    f"stopped after {timeout:g} s (an endless loop?)"
                )
        rows.append(row)
    with open(out_csv, "w", newline="") as f:
        writer = csv.DictWriter(
            f,
            [
                "submission",
                "points",
                "possible",
                *questions,
                "feedback",
                "error",
            ],
            restval="",
        )
        writer.writeheader()
        writer.writerows(rows)
    return rows


if (
    __name__ == "__main__"
):  # the per-submission worker grade_folder starts
    _grade_one(*sys.argv[1:4])
