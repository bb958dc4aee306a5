"""seqlib.data: verified downloads, the offline path, and D2L's preprocessing."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import urllib.request
from pathlib import Path

import pytest
import torch

from seqlib import data

SHARED = Path(os.environ.get("SEQLIB_DATA_DIR", ""))
HAVE_TIME_MACHINE = (
    bool(os.environ.get("SEQLIB_DATA_DIR"))
    and (SHARED / data.TIME_MACHINE.name).exists()
)
URL = "https://example.org/files/hello.txt"
PAYLOAD = b"hello, sequences\n" * 100
SHA1 = hashlib.sha1(PAYLOAD).hexdigest()


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def server(monkeypatch):
    """Stand in for the network: record each request, answer with `server.payload`."""

    class Server:
        payload = PAYLOAD
        calls: list = []

    def urlopen(url, timeout=None):
        Server.calls.append((url, timeout))
        return FakeResponse(Server.payload)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    Server.calls = []
    return Server


def test_network_really_is_blocked():
    with pytest.raises(OSError, match="network"):
        socket.create_connection(("example.org", 443), timeout=1)
    with pytest.raises(OSError, match="network"):
        urllib.request.urlopen("https://example.org", timeout=1)


def test_download_fetches_verifies_and_caches(tmp_path, server):
    path = data.download(URL, SHA1, folder=tmp_path, timeout=7)
    assert path == tmp_path / "hello.txt" and path.read_bytes() == PAYLOAD
    assert server.calls == [(URL, 7)]
    # second call: the verified copy is used, no request
    assert data.download(URL, SHA1, folder=tmp_path) == path
    assert len(server.calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == [
        "hello.txt"
    ]  # no temp files left


@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_damaged_copy_is_replaced_not_used(tmp_path, server, damage):
    good = data.download(URL, SHA1, folder=tmp_path)
    raw = good.read_bytes()
    good.write_bytes(raw[:10] if damage == "truncate" else b"X" + raw[1:])
    again = data.download(URL, SHA1, folder=tmp_path)
    assert again.read_bytes() == PAYLOAD and len(server.calls) == 2


def test_wrong_bytes_from_server_are_rejected_and_nothing_is_written(
    tmp_path, server
):
    server.payload = b"a different file"
    with pytest.raises(data.DownloadError, match="SHA-1"):
        data.download(URL, SHA1, folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_offline_error_names_file_sha1_and_place(tmp_path):
    # the autouse fixture blocks sockets, so this is a real "offline" failure
    with pytest.raises(data.DownloadError) as info:
        data.download(URL, SHA1, folder=tmp_path, timeout=1)
    message = str(info.value)
    assert (
        "hello.txt" in message
        and SHA1 in message
        and str(tmp_path) in message
    )
    assert "SEQLIB_DATA_DIR" in message
    assert (
        list(tmp_path.iterdir()) == []
    )  # no half-written file under the real name


def test_corrupt_copy_offline_is_reported_not_returned(tmp_path):
    (tmp_path / "hello.txt").write_bytes(b"garbage")
    with pytest.raises(data.DownloadError, match="wrong SHA-1"):
        data.download(URL, SHA1, folder=tmp_path, timeout=1)


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SEQLIB_DATA_DIR", str(tmp_path / "d"))
    assert data.cache_dir() == tmp_path / "d"
    monkeypatch.delenv("SEQLIB_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.cache_dir() == tmp_path / "xdg" / "seqlib"


@pytest.mark.parametrize(
    "url, sha1",
    [
        ("http://example.org/x.txt", SHA1),  # not https
        (URL, "1234"),  # not a sha1
        (URL, SHA1.upper()),  # must be lowercase hex
    ],
)
def test_download_validates_arguments(tmp_path, url, sha1):
    with pytest.raises(ValueError):
        data.download(url, sha1, folder=tmp_path)


def test_preprocess_matches_d2l():
    assert (
        data.preprocess("It's 1898--The TIME Machine!\n")
        == "it s the time machine "
    )
    assert data.preprocess("") == ""


@pytest.mark.skipif(
    not HAVE_TIME_MACHINE,
    reason="set SEQLIB_DATA_DIR to a folder holding timemachine.txt",
)
def test_time_machine_offline_from_data_dir():
    text = data.time_machine()
    assert len(text) == 173_428
    assert set(text) == set("abcdefghijklmnopqrstuvwxyz ")
    assert text.startswith("the time machine by h g wells ")


def test_sine_series_shapes_and_determinism():
    t, x = data.sine_series(
        T=1000, generator=torch.Generator().manual_seed(0)
    )
    assert t.shape == x.shape == (1000,) and t[0] == 1 and t[-1] == 1000
    _, x2 = data.sine_series(
        T=1000, generator=torch.Generator().manual_seed(0)
    )
    assert torch.equal(x, x2)
    with pytest.raises(ValueError, match="T must be"):
        data.sine_series(T=0)
    with pytest.raises(ValueError, match="noise"):
        data.sine_series(noise=-1)
