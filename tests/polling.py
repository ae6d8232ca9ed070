"""Waiting for what the system does asynchronously (audit writes, visibility, deliveries), with a bound."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


async def eventually(probe: Callable[[], Awaitable[Any]], ok: Callable[[Any], bool], seconds: float = 60) -> Any:
    """Poll `probe` until `ok` holds for its value; fail with the last value after `seconds`."""
    value = None
    for _ in range(int(seconds * 10)):
        value = await probe()
        if ok(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"condition not met within {seconds}s; last value {value!r}")
