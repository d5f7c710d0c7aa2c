"""Slow clients cannot starve the others: the real server, real sockets.

An attacker at 127.0.0.1 holds connections open; a visitor at 127.0.0.2 (another address of
the loopback) must still get its answer within 2 s. Waitress's defaults (100 connections,
120 s idle timeout, no per-address cap) fail both tests below."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from searchweb import ServeSettings
from serving_helpers import get, served
from web_helpers import build_web_index

ATTACKER, VISITOR = "127.0.0.1", "127.0.0.2"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_web_index(tmp_path_factory.mktemp("slow"))


@contextlib.contextmanager
def open_connections(port: int, count: int, first_bytes: bytes = b""):
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection((ATTACKER, port), timeout=5)
            if first_bytes:
                sock.sendall(first_bytes)
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def answered_within(port: int, seconds: float) -> int:
    status, _, _ = get(port, "/api/search?q=educateur", {"Host": "127.0.0.1"},
                       source=VISITOR, timeout=seconds)
    return status


def test_150_idle_connections_do_not_block_a_visitor(index_dir):
    with served(index_dir) as (_, port, _):
        with open_connections(port, 150):
            time.sleep(0.3)  # let the server accept (and refuse) them all
            assert answered_within(port, 2.0) == 200


def test_connections_dripping_header_bytes_do_not_block_a_visitor(index_dir):
    stop = threading.Event()
    with served(index_dir) as (_, port, _):
        with open_connections(port, 150, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n") as sockets:
            def drip():
                while not stop.wait(0.2):
                    for sock in sockets:
                        with contextlib.suppress(OSError):
                            sock.send(b"X")
            dripper = threading.Thread(target=drip, daemon=True)
            dripper.start()
            try:
                time.sleep(0.5)
                assert answered_within(port, 2.0) == 200
            finally:
                stop.set()
                dripper.join()


def test_idle_connections_are_closed_after_the_channel_timeout(index_dir):
    settings = ServeSettings(port=0, threads=2, channel_timeout=2)
    with served(index_dir, settings) as (_, port, _):
        with open_connections(port, 1) as (sock,):
            sock.settimeout(10)
            started = time.monotonic()
            assert sock.recv(1) == b""  # closed by the server, not by us
            assert time.monotonic() - started < 10


def test_the_trusted_proxy_is_not_capped(index_dir):
    # Every visitor arrives from the proxy's address: capping it would cap the whole site.
    settings = ServeSettings(port=0, threads=2, trusted_proxy=ATTACKER, connections_per_client=5)
    with served(index_dir, settings) as (_, port, _):
        with open_connections(port, 20) as sockets:
            for sock in sockets:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answers = [sock.recv(12) for sock in sockets]
    assert answers == [b"HTTP/1.1 200"] * 20
