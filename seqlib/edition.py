"""Where the book lives and which version it is: one setting, and everything derived from it.

The repository URL and the version are set in ONE place, ``pyproject.toml``::

    [project]
    version = "0.1.0"                  # the book's and seqlib's version; its git tag is v0.1.0

    [tool.seqlib-book]
    repository = "https://github.com/OWNER/NAME"            # the book, with solutions
    student-repository = "https://github.com/OWNER/NAME-student"  # the student edition

Everything that names them is derived by ``python -m seqlib.course sync`` and checked by
:func:`problems` (the test suite fails when any of them disagrees with the setting):

* the Colab cell of every chapter (tag ``colab-setup``): it installs
  ``seqlib[book] @ git+<repository>@v<version>``, the release tag, never a moving branch, and
  carries the ``remove-cell`` tag so the rendered page does not show it;
* ``_config.yml``: ``repository.url`` and ``repository.branch`` (the tag), from which Jupyter
  Book makes the Colab and Binder launch buttons, so a reader opens the version they read;
* ``CITATION.cff`` (written whole) and the BibTeX entry in the README's *How to cite*.

A fork changes the two lines above, runs the sync, and pushes the tag ``v<version>``.

>>> s = BookSettings("https://github.com/o/book", "https://github.com/o/book-student", "0.1.0")
>>> s.tag
'v0.1.0'
>>> print(colab_source(s.repository, s.tag).splitlines()[-1].strip())
%pip install -q "seqlib[book] @ git+https://github.com/o/book@v0.1.0"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = [
    "BookSettings",
    "settings",
    "colab_source",
    "sync",
    "problems",
    "citation_cff",
]

ROOT = Path(__file__).resolve().parents[1]
COLAB_TAG = "colab-setup"
HIDE_TAG = "remove-cell"  # Jupyter Book leaves the cell out of the page; Colab still runs it


@dataclass(frozen=True)
class BookSettings:
    """The book's repository, its student edition's repository and its version."""

    repository: str  # e.g. https://github.com/OWNER/NAME, no trailing slash or .git
    student_repository: str
    version: str  # PEP 440, e.g. 0.1.0

    @property
    def tag(self) -> str:
        """The git tag of this version: ``v`` + version (never moved once pushed)."""
        return f"v{self.version}"


def settings(root: str | Path = ROOT) -> BookSettings:
    """Read :class:`BookSettings` from ``root/pyproject.toml``; ValueError names a missing key."""
    path = Path(root) / "pyproject.toml"
    data = tomllib.loads(path.read_text())
    book = data.get("tool", {}).get("seqlib-book", {})
    values = {}
    for key in ("repository", "student-repository"):
        url = book.get(key)
        if (
            not isinstance(url, str)
            or not re.fullmatch(r"https://[^\s@\"']+[^/\s]", url)
            or url.endswith(".git")
        ):
            raise ValueError(
                f"{path}: [tool.seqlib-book] {key} must be an https URL without a "
                f"trailing slash or .git, got {url!r}"
            )
        values[key] = url
    version = data.get("project", {}).get("version")
    if not isinstance(version, str) or not version:
        raise ValueError(
            f"{path}: [project] version must be set, got {version!r}"
        )
    return BookSettings(
        values["repository"], values["student-repository"], version
    )


def colab_source(repository: str, tag: str) -> str:
    """The source of a chapter's Colab cell: install seqlib at ``tag`` on Colab, else nothing."""
    # Written as `ruff format` leaves it (line-length 74), so formatting never fights the sync.
    return (
        "# On Colab, install seqlib (and the book's requirements) at the book's version;\n"
        "# elsewhere this does nothing.\n"
        "import importlib.util\n"
        "import sys\n"
        "\n"
        'on_colab = "google.colab" in sys.modules\n'
        'if on_colab and importlib.util.find_spec("seqlib") is None:\n'
        f'    %pip install -q "seqlib[book] @ git+{repository}@{tag}"'
    )


def _colab_cells(
    nb: nbformat.NotebookNode,
) -> list[nbformat.NotebookNode]:
    return [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and COLAB_TAG in c.metadata.get("tags", [])
    ]


def sync_notebook(
    nb: nbformat.NotebookNode, repository: str, tag: str
) -> bool:
    """Make ``nb``'s Colab cell install ``repository`` at ``tag`` and hide it; True if changed.

    The cell has no output off Colab, so changing its source changes no stored output.
    Raises ValueError when the notebook has no cell tagged ``colab-setup``, or several.
    """
    cells = _colab_cells(nb)
    if len(cells) != 1:
        raise ValueError(
            f"expected one code cell tagged {COLAB_TAG!r}, found {len(cells)}"
        )
    cell, changed = cells[0], False
    source = colab_source(repository, tag)
    if cell.source != source:
        cell.source, changed = source, True
    tags = cell.metadata.setdefault("tags", [])
    if HIDE_TAG not in tags:
        tags.append(HIDE_TAG)
        changed = True
    return changed


def notebook_problems(
    nb: nbformat.NotebookNode, repository: str, tag: str
) -> list[str]:
    """How ``nb``'s Colab cell disagrees with the setting (empty when it agrees)."""
    cells = _colab_cells(nb)
    if len(cells) != 1:
        return [
            f"has {len(cells)} code cells tagged {COLAB_TAG!r}, not one"
        ]
    out = []
    if cells[0].source != colab_source(repository, tag):
        out.append(
            f"its Colab cell does not install seqlib from {repository}@{tag}"
        )
    if HIDE_TAG not in cells[0].metadata.get("tags", []):
        out.append(
            f"its Colab cell lacks the {HIDE_TAG!r} tag (it would show on the page)"
        )
    return out


_REPO_BLOCK = re.compile(r"(?ms)^repository:\n((?:[ \t]+.*\n?)+)")


def _config_values(text: str) -> dict[str, str]:
    block = _REPO_BLOCK.search(text)
    if not block:
        return {}
    return dict(
        re.findall(
            r"(?m)^[ \t]+(url|branch):[ \t]*\"?([^\"\s#]*)\"?", block[1]
        )
    )


def sync_config(text: str, repository: str, tag: str) -> str:
    """``_config.yml``'s text with ``repository.url`` and ``repository.branch`` set (comments kept)."""
    block = _REPO_BLOCK.search(text)
    if not block:
        raise ValueError(
            "_config.yml has no top-level `repository:` block"
        )
    body = block[1]
    for key, value in (("url", repository), ("branch", tag)):
        if re.search(rf"(?m)^[ \t]+{key}:", body):
            body = re.sub(
                rf"(?m)^([ \t]+{key}:)[ \t]*[^\s#]*",
                rf"\g<1> {value}",
                body,
                count=1,
            )
        else:
            body = body.rstrip("\n") + f"\n  {key}: {value}\n"
    return text[: block.start(1)] + body + text[block.end(1) :]


def citation_cff(s: BookSettings) -> str:
    """The whole ``CITATION.cff`` (Citation File Format 1.2.0) for these settings."""
    return f"""\
# Written by `python -m seqlib.course sync` from pyproject.toml ([project] version,
# [tool.seqlib-book] repository): edit those, not this file.
cff-version: 1.2.0
message: "If you use this book or seqlib, please cite this version, and Dive into Deep Learning."
type: software
title: "Sequence Models, Measured: an executable textbook on recurrent networks and their metrics"
authors:
  - name: "The seqlib authors"
version: "{s.version}"
repository-code: "{s.repository}"
url: "{s.repository}/tree/{s.tag}"
license:
  - MIT
  - CC-BY-SA-4.0
keywords: [recurrent neural networks, language models, perplexity, evaluation metrics, textbook]
references:
  - type: book
    title: "Dive into Deep Learning"
    authors:
      - family-names: Zhang
        given-names: Aston
      - family-names: Lipton
        given-names: Zachary C.
      - family-names: Li
        given-names: Mu
      - family-names: Smola
        given-names: Alexander J.
    publisher:
      name: "Cambridge University Press"
    year: 2023
    url: "https://d2l.ai"
"""


def bibtex(s: BookSettings) -> str:
    """The BibTeX entry the README shows under *How to cite*."""
    return (
        "@misc{seqmodelsmeasured2026,\n"
        "  title   = {Sequence Models, Measured: an executable textbook on recurrent networks and their metrics},\n"
        "  author  = {{The seqlib authors}},\n"
        "  year    = {2026},\n"
        f"  version = {{{s.version}}},\n"
        f"  url     = {{{s.repository}/tree/{s.tag}}}\n"
        "}"
    )


_BIBTEX_BLOCK = re.compile(r"(?s)(```bibtex\n)(.*?)(\n```)")


def _readme_bibtex(text: str) -> str | None:
    block = _BIBTEX_BLOCK.search(text)
    return block[2] if block else None


def _chapters(root: Path) -> list[Path]:
    return sorted(
        p
        for p in (root / "chapters").glob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def problems(root: str | Path = ROOT) -> list[str]:
    """Every place that disagrees with the setting in ``pyproject.toml`` (empty when all agree)."""
    root = Path(root)
    s = settings(root)
    out = []
    for path in _chapters(root):
        for problem in notebook_problems(
            nbformat.read(path, as_version=4), s.repository, s.tag
        ):
            out.append(f"{path.relative_to(root)}: {problem}")
    config = _config_values((root / "_config.yml").read_text())
    if config != {"url": s.repository, "branch": s.tag}:
        out.append(
            f"_config.yml: repository url/branch are {config}, not {s.repository} / {s.tag}"
        )
    cff = root / "CITATION.cff"
    if not cff.is_file() or cff.read_text() != citation_cff(s):
        out.append(
            "CITATION.cff: missing or not the one the setting gives"
        )
    if _readme_bibtex((root / "README.md").read_text()) != bibtex(s):
        out.append(
            "README.md: the BibTeX entry under 'How to cite' is not the one the setting gives"
        )
    return out


def sync(root: str | Path = ROOT) -> list[str]:
    """Write the setting into every place derived from it; return the files changed."""
    root = Path(root)
    s = settings(root)
    changed = []
    for path in _chapters(root):
        nb = nbformat.read(path, as_version=4)
        try:
            if sync_notebook(nb, s.repository, s.tag):
                nbformat.write(nb, path)
                changed.append(str(path.relative_to(root)))
        except ValueError as error:
            raise ValueError(
                f"{path.relative_to(root)}: {error}"
            ) from None
    updates = {
        "_config.yml": sync_config(
            (root / "_config.yml").read_text(), s.repository, s.tag
        ),
        "CITATION.cff": citation_cff(s),
    }
    readme = (root / "README.md").read_text()
    if _readme_bibtex(readme) is None:
        raise ValueError(
            "README.md has no ```bibtex block under 'How to cite'"
        )
    updates["README.md"] = _BIBTEX_BLOCK.sub(
        lambda m: m[1] + bibtex(s) + m[3], readme, count=1
    )
    for name, text in updates.items():
        path = root / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            changed.append(name)
    return changed
