"""A worker process's heap: what it holds for its whole life is kept out of Python's cycle collector.

A worker imports the project, the SDK and pydantic, reads the rulebooks and builds its type adapters once, then runs
drafts for months. With Python's defaults (a collection of the youngest objects every 700 allocations), the throughput
benchmark's worker collected about once per draft lifecycle, and every hundredth collection walked the whole heap, its
160,000 lasting objects included: 1.7 to 3 ms per lifecycle in all, 0.3 ms once settled (`BENCHMARKS.md`, "Throughput").
"""

from __future__ import annotations

import gc

# Allocations between two collections of the youngest objects (Python's default is 700). Most of a decision's objects
# (messages, copies of the state, payloads) are freed by their reference counts before a collection ever sees them.
YOUNG_COLLECTION_AFTER = 10_000


def settle() -> None:
    """Call once the worker is built, before it polls: collects once, freezes everything alive (imported modules,
    rulebooks, type adapters: never garbage, never walked again), and collects less often from then on.
    Objects made afterwards (cached drafts, their sandboxes) are collected as before."""
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_COLLECTION_AFTER), middle, old)
