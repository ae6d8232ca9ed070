"""A worker interceptor that holds a public round open on a time-skipping clock, for the tests and the benchmark."""

from __future__ import annotations

import asyncio

from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor


class HoldClose(Interceptor):
    """Holds `close_public_round` until `release` is set: the round's window stays open while comments come in."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        release = self.release

        class Held(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput):
                if input.fn.__name__ == "close_public_round":
                    await release.wait()
                return await super().execute_activity(input)

        return Held(next)
