"""The audit trail and the submission registry in PostgreSQL, written idempotently."""

from __future__ import annotations

import json

import asyncpg
import structlog
from temporalio import activity

from schemas.records import RecordEventInput, RecordEventsInput, RegistryRow
from schemas.views import HistoryEntry

log = structlog.get_logger(__name__)

# One statement appends the event and advances the registry: atomic without a transaction block, and one round
# trip per event. A retried write lands once: the same run's, or another run's writing the same event (a reset run
# replays the events before its reset point, each at its recorded time). An event whose number a reset run gives
# again for something else (the abandoned branch wrote that number) is appended after the last one: the audit
# trail never skips an event of any run. The registry only moves forward.
_RECORD = """
WITH prior AS (
    SELECT run_id, occurred_at, event, stage FROM audit_events WHERE submission_id = $1 AND seq = $2
), placed AS (
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM prior) THEN $2
                ELSE (SELECT max(seq) + 1 FROM audit_events WHERE submission_id = $1) END AS seq
    WHERE NOT EXISTS (SELECT 1 FROM prior WHERE run_id IS NULL OR run_id = $36 OR (occurred_at, event, stage) = ($4, $5, $6))
      AND NOT EXISTS (SELECT 1 FROM audit_events WHERE submission_id = $1 AND run_id = $36 AND run_seq = $2)
), event AS (
    INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome,
                              actor, agency_code, role, official, reasons, documents, vote, loop,
                              deadline, label, escalation_level, requested_deadline, approved, late_request,
                              version, about_version, occurred_on, imported, run_id, run_seq)
    SELECT $1, placed.seq, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16,
           $17, $18, $19, $20, $21, $22, $23, $24, $34, $35, $36, $2
    FROM placed
    RETURNING seq
), registry AS (
    INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session,
                             stage, stage_since, stage_deadline, classified, last_seq, responsible, updated_at)
    SELECT $1, $3, $25, $26, $27, $28, $29, $30, $31, $32, coalesce((SELECT seq FROM event), $2), $33, now()
    ON CONFLICT (submission_id) DO UPDATE SET
        workflow_id = EXCLUDED.workflow_id, title = EXCLUDED.title, lead_ministry = EXCLUDED.lead_ministry,
        process_version = EXCLUDED.process_version, target_session = EXCLUDED.target_session,
        stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since, stage_deadline = EXCLUDED.stage_deadline,
        classified = EXCLUDED.classified, last_seq = EXCLUDED.last_seq, responsible = EXCLUDED.responsible,
        updated_at = now()
    WHERE submissions.last_seq < EXCLUDED.last_seq
)
SELECT count(*) FROM event
"""


class AuditActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn
    async def record_event(self, request: RecordEventInput) -> bool:
        """Append one event and advance the registry; returns False when the event was already recorded."""
        entry, row = request.entry, request.registry
        written = await self._pool.fetchval(_RECORD, *_arguments(entry, row), activity.info().workflow_run_id) == 1
        log.info(
            "audit event recorded" if written else "audit event already recorded",
            submission_id=row.submission_id,
            seq=entry.seq,
            audit_event=entry.event.value,
            stage=entry.stage.value,
            attempt=activity.info().attempt,
        )
        return written

    @activity.defn
    async def record_events(self, request: RecordEventsInput) -> int:
        """Append several events in order, and advance the registry to the last; one pipelined batch, in one transaction.
        Returns how many events were given (those already recorded are left as they were)."""
        row = request.registry
        async with self._pool.acquire() as connection, connection.transaction():
            run_id = activity.info().workflow_run_id
            await connection.executemany(_RECORD, [(*_arguments(entry, row), run_id) for entry in request.entries])
        log.info("audit events recorded", submission_id=row.submission_id, first_seq=request.entries[0].seq,
                 last_seq=request.entries[-1].seq, attempt=activity.info().attempt)
        return len(request.entries)


def _arguments(entry: HistoryEntry, row: RegistryRow) -> tuple:
    return (
        row.submission_id,
        entry.seq,
        row.workflow_id,
        entry.at,
        entry.event.value,
        entry.stage.value,
        entry.to_stage.value if entry.to_stage else None,
        entry.outcome.value if entry.outcome else None,
        entry.actor.value if entry.actor else None,
        entry.agency_code,
        entry.role.value if entry.role else None,
        entry.official,
        entry.reasons,
        json.dumps([doc.model_dump(mode="json") for doc in entry.documents]),
        entry.vote.model_dump_json() if entry.vote else None,
        entry.loop,
        entry.deadline,
        entry.label,
        entry.escalation_level.value if entry.escalation_level else None,
        entry.requested_deadline,
        entry.approved,
        entry.late_request,
        entry.version,
        entry.about_version,
        row.title,
        row.lead_ministry,
        row.process_version.value,
        row.target_session,
        row.stage.value,
        row.stage_since,
        row.stage_deadline,
        row.classified,
        row.responsible,
        entry.occurred_on,
        entry.imported,
    )
