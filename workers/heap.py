"""A worker process's heap: what it holds for its whole life is kept out of Python's cycle collector.

A worker imports the project, the SDK and pydantic, reads the rulebooks and builds its type adapters once, then runs
drafts for months. With Python's defaults every hundredth collection walked the whole heap, its 160,000 lasting objects
included (about 150 ms each): 1.7 to 3 ms per draft lifecycle (`BENCHMARKS.md`, "Throughput", 2026-12-01). Frozen,
they are never walked again.

The young generation keeps Python's threshold (700 allocations). Collecting it every 10,000 allocations instead, as
this module did from 2026-12-01, saved a few tenths of a millisecond per lifecycle and let the reference cycles of
drafts evicted from the cache pile up between collections: with 10,000 drafts waiting and 500 cached the worker held
351 MB, against a target of 250 (`BENCHMARKS.md`, "Worker memory", 2026-12-04).
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Call once the worker is built, before it polls: collects once and freezes everything alive (imported modules,
    rulebooks, type adapters: never garbage, never walked again). Objects made afterwards (cached drafts, their
    sandboxes) are collected as before."""
    gc.collect()
    gc.freeze()
