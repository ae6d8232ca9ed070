"""Where the throughput benchmark's processes run. A deployment runs the Temporal server on hosts of its own, apart from
the workers; on this 2-core machine the benchmark puts it on a core of its own, apart from the client and worker (this
process) and PostgreSQL ("separate"), or lets every process run on every core ("shared"). Linux only (`sched_setaffinity`);
elsewhere every layout is shared."""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import StrEnum

import psutil

# The cores this process may use when it starts, before it moves itself to some of them.
CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


class Layout(StrEnum):
    SEPARATE = "separate"
    SHARED = "shared"


def arrange(layout: Layout, server: Iterable[psutil.Process], ours: Iterable[psutil.Process]) -> str:
    """Put every thread of the `server` processes on the upper half of the cores this process started with (`CPUS`) and every thread of `ours`
    on the lower half (SEPARATE), or all of them on all of those cores (SHARED). Threads started later inherit the mask
    of the thread that starts them, and PostgreSQL's new backends that of the postmaster. Returns the layout in words,
    which the benchmark prints."""
    cpus = CPUS
    if layout is Layout.SHARED or len(cpus) < 2:
        for process in [*server, *ours]:
            _pin(process.pid, cpus)
        return f"every process on every core ({len(cpus) or os.cpu_count()})"
    lower, upper = cpus[:len(cpus) // 2], cpus[len(cpus) // 2:]
    for process in server:
        _pin(process.pid, upper)
    for process in ours:
        _pin(process.pid, lower)
    return f"the Temporal server on CPU {_named(upper)}; the client, the worker and PostgreSQL on CPU {_named(lower)}"


def _pin(pid: int, cpus: list[int]) -> None:
    if not cpus:
        return
    try:
        threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except FileNotFoundError:  # ended meanwhile
        return
    for tid in threads:
        try:
            os.sched_setaffinity(tid, cpus)
        except ProcessLookupError:
            continue


def _named(cpus: list[int]) -> str:
    return ", ".join(str(cpu) for cpu in cpus)
