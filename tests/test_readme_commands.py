"""Every command the README shows is run exactly as written, taken from the README itself.

Each shell block of README.md carries a ``<!-- command: NAME -->`` marker (`.ci/readme.py`
finds them). Blocks that need the whole book, the network-free CI machine or minutes of time
(install, build, test suite, browser check, PDF, student edition) are run by `.ci/run`, which
executes ``readme NAME`` (a shell function around ``python3 .ci/readme.py NAME``); the rest are run here. A block without a
marker, or with a marker that nothing runs, fails :func:`test_every_readme_block_is_run`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "readme_commands", ROOT / ".ci" / "readme.py"
)
readme = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme)

RUN_HERE = {"lab", "data-dir", "cpu-torch", "author", "sync"}


def run_by_ci() -> set[str]:
    return set(
        re.findall(
            r"^\s*readme ([\w-]+)\s*$",
            (ROOT / ".ci" / "run").read_text(),
            re.M,
        )
    )


def bash(
    body: str, cwd: Path, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    """Run a README block with bash, stopping at the first failing line."""
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_every_readme_block_is_run():
    found = readme.blocks()
    assert found, "README.md has no shell blocks?"
    unmarked = [line for name, _, line in found if name is None]
    assert not unmarked, (
        f"README.md lines {unmarked}: a ```bash block without a "
        "<!-- command: NAME --> line before it (so neither CI nor a test runs it)"
    )
    names = [name for name, _, _ in found]
    assert len(names) == len(set(names)), (
        f"a marker name is used twice: {names}"
    )
    ci = run_by_ci()
    orphans = sorted(set(names) - ci - RUN_HERE)
    assert not orphans, (
        f"README blocks {orphans} are run neither by .ci/run nor by this file"
    )
    missing = sorted((ci | RUN_HERE) - set(names))
    assert not missing, (
        f".ci/run or this file runs README blocks {missing} that the README lacks"
    )


def test_extraction_is_exact():
    text = "a\n<!-- command: x -->\n```bash\necho 1   # note\necho 2\n```\n```python\nprint()\n```\n"
    assert readme.blocks(text) == [("x", "echo 1   # note\necho 2\n", 3)]
    assert readme.command("x", text) == "echo 1   # note\necho 2\n"
    with pytest.raises(KeyError):
        readme.command("y", text)


def test_data_dir_command(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path)}
    result = bash(
        readme.command("data-dir") + 'echo "$SEQLIB_DATA_DIR"\n',
        tmp_path,
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "seqlib-data")


def test_cpu_torch_command_pins_what_requirements_pin(tmp_path):
    """No network here: `pip` is a stand-in that records its arguments; the pin must agree."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "pip").write_text(
        f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\n'
    )
    (shim / "pip").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}:{os.environ['PATH']}"}
    result = bash(readme.command("cpu-torch"), ROOT, env)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    pin = re.search(
        r"^torch==(\S+)", (ROOT / "requirements.txt").read_text(), re.M
    )[1]
    assert calls == [
        f"install torch=={pin} --index-url https://download.pytorch.org/whl/cpu",
        "install -r requirements.txt",
    ]


def free_port() -> int:
    with (
        socket.socket() as s
    ):  # bind only: no connection, so the network block allows it
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """GET a loopback URL in a subprocess (this process's sockets are blocked by conftest)."""
    code = (
        "import sys, urllib.request\n"
        "try:\n"
        "    r = urllib.request.urlopen(sys.argv[1], timeout=10)\n"
        "    print(r.status); sys.stdout.write(r.read().decode())\n"
        "except Exception as e:\n"
        "    print(getattr(e, 'code', 0)); print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, url],
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    status, _, body = out.partition("\n")
    return int(status or 0), body


def test_jupyter_lab_serves_the_chapter(tmp_path):
    """The README's `jupyter lab CHAPTER`, started headless on a free loopback port."""
    argv = shlex.split(readme.command("lab"), comments=True)
    assert argv[:2] == ["jupyter", "lab"], argv
    chapter = next(a for a in argv[2:] if a.endswith(".ipynb"))
    jupyter = Path(sys.executable).with_name("jupyter")
    argv[0] = str(jupyter) if jupyter.exists() else argv[0]
    port, token = free_port(), "seqlib-readme-test"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }
    server = subprocess.Popen(
        argv
        + [
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
        ]
        + (
            ["--allow-root"] if os.geteuid() == 0 else []
        ),  # CI containers run as root
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            if fetch(f"{base}/api/status?token={token}")[0] == 200:
                break
            time.sleep(0.5)
        assert server.poll() is None, (
            f"jupyter lab exited: {server.stderr.read()[-2000:]}"
        )
        # Given a file, Jupyter serves from the file's folder and opens it there.
        served = Path(chapter).name
        status, page = fetch(f"{base}/lab/tree/{served}?token={token}")
        assert status == 200 and "JupyterLab" in page, (
            status,
            page[:300],
        )
        status, body = fetch(
            f"{base}/api/contents/{served}?token={token}"
        )
        assert status == 200, (status, body[:300])
        model = json.loads(body)
        assert (
            model["type"] == "notebook" and model["content"]["cells"]
        ), "the chapter was not served"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def test_author_commands(tmp_path):
    """`execute` then `check` on a copy of chapter 00, in a scratch folder laid out as the book."""
    (tmp_path / "chapters").mkdir()
    shutil.copy2(
        ROOT / "chapters" / "00_how_to_use.ipynb", tmp_path / "chapters"
    )
    result = bash(readme.command("author"), tmp_path, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "executed in" in result.stdout
    nb = nbformat.read(
        tmp_path / "chapters" / "00_how_to_use.ipynb", as_version=4
    )
    assert nb.metadata["mystnb"]["execution_mode"] == "off"


def test_sync_command_in_a_fork(tmp_path):
    """A fork changes the setting, runs the README's sync, and everything agrees again."""
    for name in (
        "pyproject.toml",
        "_config.yml",
        "README.md",
        "CITATION.cff",
    ):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "chapters").mkdir()
    shutil.copy2(
        ROOT / "chapters" / "01_sequences.ipynb", tmp_path / "chapters"
    )
    fork = "https://github.com/someone/my-fork"
    text = (tmp_path / "pyproject.toml").read_text()
    text = re.sub(
        r'(?m)^repository = ".*"$', f'repository = "{fork}"', text
    )
    (tmp_path / "pyproject.toml").write_text(text)
    result = bash(readme.command("sync"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    check = bash("python -m seqlib.course sync --check", tmp_path)
    assert check.returncode == 0, check.stdout
    assert (
        f"git+{fork}@v"
        in (tmp_path / "chapters" / "01_sequences.ipynb").read_text()
    )
    assert fork in (tmp_path / "CITATION.cff").read_text()
    assert fork in (tmp_path / "README.md").read_text()
