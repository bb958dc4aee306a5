"""Shared fixtures for the unit tests in tests/.

No unit test may touch the network: every test here runs with sockets blocked, so a test
that would silently download something fails loudly instead. (The notebooks under
chapters/ run in their own kernels; they load data from SEQLIB_DATA_DIR.)
"""

from __future__ import annotations

import socket

import pytest

# The torchvision stand-in is put on sys.path only by test_d2l_oracle.py; collecting it for
# doctests would import it as "torchvision" for every other test (torchmetrics would then try it).
collect_ignore = ["d2l_standin"]


class NetworkBlocked(ConnectionError):
    """Raised when a test tries to open a network connection."""


def _refuse(*args, **kwargs):
    raise NetworkBlocked(f"a test tried to reach the network: {args!r}")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Block outgoing connections and name lookups for the duration of each test."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    yield
