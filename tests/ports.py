"""Ports for the servers the tests start, each test process from a slice of its own."""

from __future__ import annotations

import os
import random
import socket

# Below the kernel's ephemeral range (32768 and up), which it hands out for port 0 and outgoing connections; one slice
# per pytest-xdist worker (at most four), so that a port probed free and released cannot be taken meanwhile by another
# test process, or by a connection, before the program it was chosen for binds it.
FIRST_PORT = 20000
PORTS_PER_PROCESS = 1500
_turn = [random.randrange(PORTS_PER_PROCESS)]


def free_port() -> int:
    """A port free on 127.0.0.1 now, from this test process's slice, never the same twice running in one process (until
    the slice wraps). Raises RuntimeError when the whole slice is taken."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    first = FIRST_PORT + int(worker or 0) * PORTS_PER_PROCESS
    for _ in range(PORTS_PER_PROCESS):
        port = first + _turn[0] % PORTS_PER_PROCESS
        _turn[0] += 1
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {first}-{first + PORTS_PER_PROCESS - 1}")
