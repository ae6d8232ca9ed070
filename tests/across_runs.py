"""A draft at DRAFTING on a worker of its own, and messages sent to it as the API's callers send them: where the tests of
messages sent at once across runs start."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client
from temporalio.service import RPCError

from schemas.enums import Stage
from schemas.messages import StartRequest
from tests.drafts import session_of_its_own, start_request
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts

T = TypeVar("T")


@contextlib.asynccontextmanager
async def at_drafting(env, pool, queue_prefix: str) -> AsyncIterator[tuple[Client, StartRequest]]:
    """A draft at DRAFTING (aimed at a session of its own), on a worker of its own task queue, time skipping off: what the
    tests of messages sent at once to a draft whose runs continue as new start from (`short_history_env`)."""
    request, queue = start_request(target=session_of_its_own()), f"{queue_prefix}-{uuid.uuid4().hex[:8]}"
    async with create_worker(env.client, pool, task_queue=queue):
        with env.with_time_skipping_disabled():
            await drafts.start_submission(env.client, request, task_queue=queue)
            await approve(env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
            yield env.client, request


async def taken(send: Callable[[], Awaitable[T]]) -> T:
    """A message sent as the API's callers send it: again after the draft answered it had as many messages in flight as
    it takes (the API's 429 `draft_full`; found in CI on a loaded machine, where twenty or sixty at once found ten in
    flight). A message so refused was not admitted: sent again, it is still sent once."""
    for _ in range(100):
        try:
            return await send()
        except RPCError as full:
            if not drafts.draft_full(full):
                raise
        await asyncio.sleep(0.2)
    return await send()
