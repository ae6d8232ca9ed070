"""Worker interceptors that hold an activity back, for the tests and the benchmark: a public round open on a
time-skipping clock, an opinion's comments recorded late (as a slow or unreachable PostgreSQL would), a draft's rulebook
pinned late."""

from __future__ import annotations

import asyncio

from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor


class HoldActivity(Interceptor):
    """Holds the activity of `name` until `release` is set."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.release = asyncio.Event()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        name, release = self.name, self.release

        class Held(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput):
                if input.fn.__name__ == name:
                    await release.wait()
                return await super().execute_activity(input)

        return Held(next)


class HoldClose(HoldActivity):
    """Holds `close_public_round`: the round's window stays open while comments come in."""

    def __init__(self) -> None:
        super().__init__("close_public_round")


class HoldPin(HoldActivity):
    """Holds `pin_rules`: the draft takes messages it cannot yet check."""

    def __init__(self) -> None:
        super().__init__("pin_rules")


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

