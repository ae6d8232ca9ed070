"""Worker interceptors that hold an activity back, for the tests and the benchmark: a public round open on a
time-skipping clock, an opinion's comments recorded late (as a slow or unreachable PostgreSQL would), a draft's rulebook
pinned late."""

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


class HoldOpinionRecords(Interceptor):
    """Holds `record_opinion_comments` of each consultee named in `held` until its event is set."""

    def __init__(self) -> None:
        self.held: dict[str, asyncio.Event] = {}

    def hold(self, consultee: str) -> asyncio.Event:
        self.held[consultee] = asyncio.Event()
        return self.held[consultee]

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        held = self.held

        class Held(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput):
                opinion = getattr(input.args[0], "opinion", None) if input.args else None
                if opinion is not None and opinion.consultee in held:
                    await held[opinion.consultee].wait()
                return await super().execute_activity(input)

        return Held(next)


class HoldPin(Interceptor):
    """Holds `pin_rules` until `release` is set: the draft takes messages it cannot yet check."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        release = self.release

        class Held(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput):
                if input.fn.__name__ == "pin_rules":
                    await release.wait()
                return await super().execute_activity(input)

        return Held(next)
