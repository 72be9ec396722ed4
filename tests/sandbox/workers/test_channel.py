"""The worker's side of the frame protocol (runtime.Channel) and its RSS reading."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator

import pytest

from pyarc.sandbox.workers import runtime
from pyarc.sandbox.workers.runtime import HEADER, Channel


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return HEADER.pack(len(body)) + body


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, Channel]]:
    """The pool's end of a socket pair and the worker's Channel on the other end."""
    parent, child = socket.socketpair()
    channel = Channel(child.detach())
    try:
        yield parent, channel
    finally:
        parent.close()
        channel.sock.close()


def test_frames_that_arrive_together_are_read_one_at_a_time(pair) -> None:
    parent, channel = pair
    parent.sendall(frame({"id": "a"}) + frame({"id": "b"}))
    assert channel.receive() == {"id": "a"}
    assert channel.receive() == {"id": "b"}


def test_a_frame_split_across_sends_and_a_large_frame_are_read_whole(pair) -> None:
    parent, channel = pair
    big = {"id": "big", "event": "x" * 300_000}
    data = frame({"id": "split"})
    parent.sendall(data[:2])
    parent.sendall(data[2:7])
    parent.sendall(data[7:])
    assert channel.receive() == {"id": "split"}
    writer = threading.Thread(target=parent.sendall, args=(frame(big),))
    writer.start()
    assert channel.receive() == big
    writer.join()


def test_a_closed_socket_mid_frame_ends_the_channel(pair) -> None:
    parent, channel = pair
    parent.sendall(frame({"id": "cut"})[:6])
    parent.close()
    assert channel.receive() is None


def test_resident_bytes_is_this_processes_rss() -> None:
    with open("/proc/self/statm", "rb") as f:
        pages = int(f.read().split()[1])
    rss = runtime.resident_bytes()
    page = os.sysconf("SC_PAGE_SIZE")
    assert rss % page == 0
    # the same order of magnitude as a read a moment before (the process is not growing fast)
    assert pages * page / 2 < rss < pages * page * 2
