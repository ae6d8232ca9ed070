"""Found by a breaker of the duplicate-answer fix (`idempotency.delivered_again`, `DraftLawWorkflow._as_first_told`): an
`open_consultation` update Temporal delivers again to the next run (the run that completed it continued as new before its
caller had the answer; tests/test_told_duplicate_across_runs.py) was turned from `duplicate` into "applied" before
`open_consultation` read it, which then took a start's path and read `self._starting[round_id]`, never filled in this run:
KeyError, the draft's workflow task failing on every attempt, its callers timing out. Seen once in three runs. Sent at
once to a draft whose runs continue as new every 40 events, the updates also met Temporal's "unexpected workflow task
failure" (a task lost as the run continued as new), which the client now sends again under the same ID (`client.send`)."""

from __future__ import annotations

import asyncio

from schemas.enums import Stage
from tests.across_runs import at_drafting, taken
from tests.drafts import cancellation, consultation
from workflows import client as drafts

S = Stage
AT_ONCE = 20
WAVES = 14  # 280 rounds: within the 300 a draft opens in its life (`rounds_bound`)


async def test_a_round_opened_once_is_answered_across_runs(short_history_env, pool):
    async with at_drafting(short_history_env, pool, "rounds-once") as (client, request):
        sid = request.submission_id
        for wave in range(WAVES):
            ids = [f"R{wave}-{i}" for i in range(AT_ONCE)]
            # Each round opened once; every call must be answered, "applied", within a minute.
            receipts = await asyncio.wait_for(asyncio.gather(*(taken(lambda r=r: drafts.open_consultation(client, sid, consultation(request, r))) for r in ids)), 60)
            assert not [r for r in receipts if r.duplicate], f"wave {wave}: rounds opened once answered as duplicates"
            await asyncio.wait_for(asyncio.gather(*(taken(lambda r=r: drafts.cancel_consultation(client, sid, cancellation(request, r))) for r in ids)), 60)
