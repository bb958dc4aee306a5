r"""Data: verified downloads, the Time Machine corpus, and synthetic series.

Every file the book uses is identified by its SHA-1. :func:`download` returns a local path
to a copy whose SHA-1 has just been checked; it only touches the network when no verified
copy exists. The cache folder is ``$SEQLIB_DATA_DIR`` when that variable is set, otherwise
a per-user cache folder (``$XDG_CACHE_HOME/seqlib`` or ``~/.cache/seqlib``).

Working offline: put the file (same name, same SHA-1) in the cache folder, or point
``SEQLIB_DATA_DIR`` at a folder that holds it. Nothing is downloaded then.

>>> text = time_machine()            # doctest: +SKIP
>>> len(text)                        # doctest: +SKIP
173428
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import torch

from seqlib import validate

__all__ = [
    "DATA_URL",
    "TIME_MACHINE",
    "DataFile",
    "DownloadError",
    "cache_dir",
    "download",
    "sha1_of",
    "preprocess",
    "read_time_machine",
    "time_machine",
    "sine_series",
]

#: Where D2L keeps its data files (served over https as well).
DATA_URL = "https://d2l-data.s3-accelerate.amazonaws.com/"


@dataclass(frozen=True)
class DataFile:
    """A file the book needs: its name in the cache, where to get it, and its SHA-1."""

    name: str
    url: str
    sha1: str
    size: int  # bytes; only for messages, the SHA-1 is what is checked


#: H. G. Wells, *The Time Machine* (1898): the exact file D2L downloads.
TIME_MACHINE = DataFile(
    name="timemachine.txt",
    url=DATA_URL + "timemachine.txt",
    sha1="090b5e7e70c295757f55df93cb0a180b9691891a",
    size=178_979,
)


class DownloadError(RuntimeError):
    """Raised when no verified copy exists and the file cannot be fetched."""


def cache_dir() -> Path:
    """The folder where verified copies live: ``$SEQLIB_DATA_DIR``, else a per-user cache."""
    env = os.environ.get("SEQLIB_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "seqlib"


def sha1_of(path: str | os.PathLike) -> str:
    """SHA-1 hex digest of a file, read in 1 MiB blocks."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"path must be a str or os.PathLike, got {type(path).__name__}"
        )
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(
    url: str,
    sha1: str,
    name: str | None = None,
    folder: str | os.PathLike | None = None,
    timeout: float = 30.0,
) -> Path:
    """Return the path of a local copy of ``url`` whose SHA-1 equals ``sha1``.

    1. If ``folder/name`` exists and its SHA-1 matches, return it (no network).
    2. Otherwise (missing, truncated or corrupt) fetch ``url`` over https with ``timeout``
       seconds, write it to a temporary file in ``folder``, check the SHA-1 and only then
       rename it into place, so a crash never leaves a half-written file under the real name.
    3. If the fetch fails or the fetched bytes have the wrong SHA-1, raise
       :class:`DownloadError` naming the file, the SHA-1 expected and where to put a copy.

    A corrupt cached copy is never returned; it is replaced by a good download or, if none
    can be had, left alone and reported in the error.
    """
    if not re.fullmatch(r"[0-9a-f]{40}", sha1 or ""):
        raise ValueError(
            f"sha1 must be 40 lowercase hex digits, got {sha1!r}"
        )
    if not url.startswith("https://"):
        raise ValueError(
            f"only https downloads are allowed, got url {url!r}"
        )
    name = name or url.rstrip("/").rsplit("/", 1)[-1]
    folder = Path(folder) if folder is not None else cache_dir()
    target = folder / name

    problem = "no copy"
    if target.exists():
        found = sha1_of(target)
        if found == sha1:
            return target
        problem = f"a copy with the wrong SHA-1 {found} ({target.stat().st_size} bytes)"

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{name}.", suffix=".part", dir=folder
        )
    except OSError as err:
        raise DownloadError(
            _offline_message(name, url, sha1, target, problem, err)
        ) from err
    tmp = Path(tmp_name)
    try:
        with (
            os.fdopen(fd, "wb") as out,
            urllib.request.urlopen(url, timeout=timeout) as resp,
        ):
            for block in iter(lambda: resp.read(1 << 16), b""):
                out.write(block)
        got = sha1_of(tmp)
        if got != sha1:
            raise DownloadError(
                f"downloaded {url} but its SHA-1 is {got}, expected {sha1}; "
                f"the file on the server changed or the transfer was corrupted. "
                f"Put a good copy of {name!r} at {target}."
            )
        os.replace(tmp, target)  # atomic on the same filesystem
        return target
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        raise DownloadError(
            _offline_message(name, url, sha1, target, problem, err)
        ) from err
    finally:
        tmp.unlink(missing_ok=True)


def _offline_message(name, url, sha1, target, problem, err) -> str:
    return (
        f"cannot get {name!r} (SHA-1 {sha1}): found {problem} at {target}, "
        f"and downloading {url} failed ({err}). To work offline, copy the file to "
        f"{target} or set SEQLIB_DATA_DIR to a folder that holds it."
    )


def preprocess(raw: str) -> str:
    """D2L's preprocessing: every run of non-letters becomes one space, then lowercase.

    >>> preprocess("It's 1898--The Time!")
    'it s the time '
    """
    if not isinstance(raw, str):
        raise TypeError(
            f"raw must be a str (the text), got {type(raw).__name__}"
        )
    return re.sub("[^A-Za-z]+", " ", raw).lower()


def read_time_machine(folder: str | os.PathLike | None = None) -> str:
    """The raw text of *The Time Machine* (178,979 bytes, verified by SHA-1)."""
    path = download(
        TIME_MACHINE.url, TIME_MACHINE.sha1, TIME_MACHINE.name, folder
    )
    return path.read_text(encoding="utf-8")


def time_machine(folder: str | os.PathLike | None = None) -> str:
    """*The Time Machine* after D2L's preprocessing: 173,428 characters, 26 letters and space."""
    return preprocess(read_time_machine(folder))


def sine_series(
    T: int = 1000,
    noise: float = 0.2,
    freq: float = 0.01,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""D2L's synthetic series :math:`x_t = \sin(0.01\,t) + 0.2\,\epsilon_t`, :math:`\epsilon_t \sim N(0, 1)`.

    Returns ``(time, x)``, both of shape ``(T,)``; ``time`` is ``1..T`` as in D2L.

    >>> t, x = sine_series(T=5, generator=torch.Generator().manual_seed(0))
    >>> tuple(x.shape)
    (5,)
    """
    if T <= 0:
        raise ValueError(f"T must be a positive number of steps, got {T}")
    validate.real(noise, "noise", low=0)
    time = torch.arange(1, T + 1, dtype=torch.float32)  # (T,)
    x = torch.sin(freq * time) + noise * torch.randn(
        T, generator=generator
    )  # (T,)
    return time, x
