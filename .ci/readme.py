"""The commands the README shows, extracted so CI and the tests run them exactly as written.

Every ```bash block in README.md is preceded by a marker line naming it, e.g.

    <!-- command: build -->
    ```bash
    pip install -r requirements.txt && jupyter-book build .
    ```

`python3 .ci/readme.py NAME` prints block NAME's commands (comments after `#` on a line are
the reader's, and harmless to the shell); .ci/run executes them in its own shell with
`readme NAME` (which evals this script's output), and tests/test_readme_commands.py runs the others and
fails on a block without a marker or a marker that neither runs. Standard library only: CI
calls it before any virtual environment exists.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = re.compile(r"^<!-- command: (?P<name>[\w-]+) -->\s*$")
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
SHELL = {"bash", "sh", "shell", "console"}


def blocks(text: str | None = None) -> list[tuple[str | None, str, int]]:
    """``(name or None, body, line number)`` for every shell block of the README, in order."""
    lines = (README.read_text() if text is None else text).splitlines()
    out, i, previous = [], 0, ""
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            if lines[i].strip():
                previous = lines[i]
            i += 1
            continue
        fence, info, start = opening["fence"], opening["info"].strip(), i
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if info.split()[:1] and info.split()[0] in SHELL:
            marker = MARKER.match(previous)
            out.append((marker["name"] if marker else None, "\n".join(body) + "\n", start + 1))
        previous = ""
    return out


def command(name: str, text: str | None = None) -> str:
    """The body of block ``name``; KeyError if the README has no such block (or has two)."""
    found = [body for block, body, _ in blocks(text) if block == name]
    if len(found) != 1:
        raise KeyError(f"README.md has {len(found)} blocks marked <!-- command: {name} -->, not 1")
    return found[0]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 .ci/readme.py NAME")
    try:
        sys.stdout.write(command(sys.argv[1]))
    except KeyError as error:
        sys.exit(str(error))
