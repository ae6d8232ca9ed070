"""The tests' ports (tests/ports.py): each test process takes them from its own slice, below the ephemeral range."""

from __future__ import annotations

import socket
from pathlib import Path

from tests import ports
from tests.ports import FIRST_PORT, PORTS_PER_PROCESS, free_port

# Linux's ephemeral port range, which the kernel hands out for port 0.
EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")


def test_ports_come_from_this_process_slice_and_differ(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw2")
    taken = [free_port() for _ in range(20)]
    assert len(set(taken)) == 20
    assert all(FIRST_PORT + 2 * PORTS_PER_PROCESS <= p < FIRST_PORT + 3 * PORTS_PER_PROCESS for p in taken)
    if EPHEMERAL.exists():
        assert max(taken) < int(EPHEMERAL.read_text().split()[0])


def test_a_port_in_use_is_passed_over(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    upcoming = FIRST_PORT + PORTS_PER_PROCESS + ports._turn[0] % PORTS_PER_PROCESS
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", upcoming))
        holder.listen()
        assert free_port() != upcoming
