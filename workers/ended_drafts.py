"""Drafts whose workflow ended outside their own rules (terminated by hand, timed out, failed, cancelled), marked in
the registry, which otherwise knows only what each draft last wrote: an ended draft would stay "on track" on the
board, in the reports and in the overdue gauge for ever. Likewise a public round whose own workflow so ended is closed to
the public (its round would never close it, nor answer what the public sends it).

Beside each worker (`workers.worker.operations`), every minute: Temporal's visibility store is asked for the draft
workflows closed so since the last look (all of them at the first), and each one's latest run is described, since a
reset leaves its old run terminated and a new one running; and whether any draft marked ended runs again (reset however
long after). A draft that writes again clears its mark too (activities/audit.py); a draft whose registry stage is final
is never marked. Every worker does this; the updates are idempotent.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from schemas.records import ExecutionEnd
from store.registry import FINAL_STAGES
from workflows.client import END_OF, quoted
from workflows.consultation import WORKFLOW_TYPE as ROUND_TYPE
from workflows.draft_law import WORKFLOW_ID_PREFIX, WORKFLOW_TYPE

log = structlog.get_logger(__name__)

# The same ends (`workflows.client.END_OF`) as a visibility query names them.
QUERY_NAMES = {ExecutionEnd.TERMINATED: "Terminated", ExecutionEnd.TIMED_OUT: "TimedOut", ExecutionEnd.FAILED: "Failed",
               ExecutionEnd.CANCELED: "Canceled"}
# Visibility is written a moment after a workflow closes: each look goes back this far before the last one began.
OVERLAP = timedelta(minutes=5)
# Drafts marked ended asked about in one visibility query (whether any runs again), and in a look at most: the latest
# ended; an older one reset is unmarked by its next audit write.
MARKED_PER_QUERY = 100
MARKED_ASKED = 1000


async def mark_ended(client: Client, pool: asyncpg.Pool, *, since: datetime | None = None) -> int:
    """Mark in the registry each draft whose latest run ended outside its own rules (closed after `since`, if given);
    returns how many rows changed. A draft found running again (reset) is unmarked, as it is when it next writes."""
    query = f"WorkflowType = '{WORKFLOW_TYPE}' AND ExecutionStatus IN ({', '.join(repr(name) for name in QUERY_NAMES.values())})"
    if since is not None:
        query += f" AND CloseTime > '{since.isoformat()}'"
    changed = 0
    seen: set[str] = set()
    async for closed in client.list_workflows(query):
        if closed.id in seen or not closed.id.startswith(WORKFLOW_ID_PREFIX):
            continue
        seen.add(closed.id)
        changed += await _mark(client, pool, closed.id)
    # A draft reset after it ended runs again under a new run; its old run closed long before the last look.
    marked = [row["workflow_id"] for row in await pool.fetch(
        f"SELECT workflow_id FROM submissions WHERE ended IS NOT NULL ORDER BY ended_at DESC NULLS LAST LIMIT {MARKED_ASKED}")]
    for first in range(0, len(marked), MARKED_PER_QUERY):
        ids = ", ".join(f"'{quoted(workflow_id)}'" for workflow_id in marked[first:first + MARKED_PER_QUERY])
        async for running in client.list_workflows(f"WorkflowType = '{WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND WorkflowId IN ({ids})"):
            if running.id not in seen:
                seen.add(running.id)
                changed += await _mark(client, pool, running.id)
    return changed


async def _mark(client: Client, pool: asyncpg.Pool, workflow_id: str) -> int:
    try:
        latest = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as missing:
        if missing.status is RPCStatusCode.NOT_FOUND:  # past the namespace's retention: the registry keeps what it had
            return 0
        raise
    end = END_OF.get(latest.status)
    ended = end.value if end is not None else None
    # A draft closed by its own rules stays as its final stage says, whatever a later run (a start it refused) did.
    status = await pool.execute(
        f"UPDATE submissions SET ended = $2, ended_at = $3 WHERE workflow_id = $1 AND ended IS DISTINCT FROM $2 AND stage NOT IN {FINAL_STAGES}",
        workflow_id, ended, latest.close_time if ended else None)
    if status != "UPDATE 0":
        log.info("registry: draft ended outside its rules" if ended else "registry: ended draft running again",
                 workflow_id=workflow_id, ended=ended)
        return 1
    return 0


# How a round may end that leaves its public registration open: a round cancelled closes it itself.
_ROUND_ENDS = (ExecutionEnd.TERMINATED, ExecutionEnd.TIMED_OUT, ExecutionEnd.FAILED)


async def close_ended_rounds(client: Client, pool: asyncpg.Pool, *, since: datetime | None = None) -> int:
    """Close to the public each public round whose latest run was terminated, timed out or failed (closed after `since`,
    if given; a round cancelled closes itself): found by a public trial, a round terminated by hand read open and thanked
    the public for comments no one could answer. Returns how many rounds it closed."""
    ends = ", ".join(repr(QUERY_NAMES[end]) for end in _ROUND_ENDS)
    query = f"WorkflowType = '{ROUND_TYPE}' AND ExecutionStatus IN ({ends})" + (f" AND CloseTime > '{since.isoformat()}'" if since else "")
    closed = 0
    async for ended in client.list_workflows(query):
        try:
            latest = await client.get_workflow_handle(ended.id).describe()
        except RPCError as missing:
            if missing.status is RPCStatusCode.NOT_FOUND:
                continue
            raise
        if END_OF.get(latest.status) not in _ROUND_ENDS:  # running again (reset), or ended otherwise since
            continue
        # A round's workflow ID names its draft and round (`workflows.rounds.round_workflow_id`, either generation's). The
        # public's page took comments until this look closed it: it reads closed no earlier than the last it took (found by
        # a public trial: "closed" a few seconds before a comment it had thanked).
        status = await pool.execute(
            "UPDATE public_rounds r SET closed_at = greatest($2, (SELECT max(c.received_at) FROM public_comments c "
            "WHERE c.submission_id = r.submission_id AND c.round_id = r.round_id)) WHERE closed_at IS NULL AND "
            "$1 IN ('consultation-' || submission_id || ':' || round_id, 'consultation-' || submission_id || '-' || round_id)",
            ended.id, latest.close_time)
        if status != "UPDATE 0":
            log.info("public round closed: its workflow ended outside its rules", round_workflow_id=ended.id, ended=latest.status.name)
            closed += 1
    return closed


async def watch_ended(client: Client, pool: asyncpg.Pool, *, every_seconds: float = 60.0) -> None:
    """`mark_ended` and `close_ended_rounds` until cancelled; a look that fails (Temporal or PostgreSQL away) is logged
    and tried again."""
    since: datetime | None = None
    while True:
        began = datetime.now().astimezone()
        try:
            await mark_ended(client, pool, since=since)
            await close_ended_rounds(client, pool, since=since)
        except (RPCError, OSError, asyncpg.PostgresError) as unavailable:
            log.warning("registry: ended drafts not checked", error=type(unavailable).__name__)
        else:
            since = began - OVERLAP
        await asyncio.sleep(every_seconds)
