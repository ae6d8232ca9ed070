"""The audit trail and the submission registry in PostgreSQL, written idempotently."""

from __future__ import annotations

import json

import asyncpg
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.group_commit import GroupCommit
from schemas.records import RecordEventInput, RecordEventsInput, RegistryCutoffs, RegistryRow
from schemas.text import folded
from schemas.views import HistoryEntry
from store import dead_letters
from store.dead_letters import Kind, Reason

log = structlog.get_logger(__name__)
# The type of the non-retryable failure a workflow takes as "kept as a dead letter, go on" (workflows/draft_law.py).
DEAD_LETTERED = "DeadLettered"

# One statement appends the event and advances the registry: atomic without a transaction block, and one round
# trip per event.
# - An event is written once, known by its number in the run that wrote it (`run_seq`) and what it says (its moment,
#   kind, stages, outcome and agency: events of one moment differ by these, as a round's silent consultees do). A retry
#   of the same run's write, or another run's write of the same event (a reset run replays its parent's events before
#   the reset point, each at its recorded time, wherever the parent placed them), finds it. A row written before runs
#   were recorded (no `run_id`) is the event of its number if it says the same.
# - It goes at its own number when that is free and no event numbered before it in a run already stands after it;
#   otherwise (the number taken by an abandoned branch of a reset, or by the run's own event placed there; a gap left by
#   a dead letter behind a reset run's events) after the last one: the audit trail never skips an event of any run, and
#   keeps each run's events in order. A dead letter written again ($42) fills its own gap. (The events after its number
#   are read by the primary key, behind OFFSET 0: none when appending, where a plan by `run_seq` would read them all.)
# - The registry only moves forward; a draft that writes is running (a draft reset after it ended: see workers/ended_drafts.py).
_SAME = "(occurred_at, event, stage, to_stage, outcome, agency_code) IS NOT DISTINCT FROM ($4, $5, $6, $7, $8, $10)"
# - An update a reset run applies again (Temporal reapplies the updates accepted after the reset point, as the README's
#   repairs do) records its events at the moments of the reset run: the same event is the one of the same number recorded
#   by the same update (its Temporal update ID, `update_id`) saying the same, who acted and why included (found by a
#   breaker: every such decision was written twice; a new message a client sent under a reused update ID is another).
_REAPPLIED = ("(update_id = $46 AND (event, stage, to_stage, outcome, actor, agency_code, role, official, reasons) "
              "IS NOT DISTINCT FROM ($5, $6, $7, $8, $9, $10, $11, $12, $13))")
# Named at its head, where PostgreSQL's activity views (which keep a statement's first kilobyte) show it.
AUDIT_WRITE = "/* legis audit write */"
_RECORD = f"""{AUDIT_WRITE}
WITH prior AS (
    SELECT run_id, occurred_at, event, stage, to_stage, outcome, agency_code FROM audit_events WHERE submission_id = $1 AND seq = $2
), placed AS (
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM prior)
                     AND ($42 OR NOT EXISTS (SELECT 1 FROM (SELECT run_seq FROM audit_events WHERE submission_id = $1 AND seq > $2
                                                            OFFSET 0) after_it WHERE run_seq < $2))
                THEN $2
                ELSE (SELECT max(seq) + 1 FROM audit_events WHERE submission_id = $1) END AS seq
    WHERE NOT EXISTS (SELECT 1 FROM prior WHERE run_id IS NULL AND {_SAME})
      AND NOT EXISTS (SELECT 1 FROM audit_events WHERE submission_id = $1 AND run_seq = $2 AND (run_id = $36 OR {_SAME} OR {_REAPPLIED}))
), event AS (
    INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome,
                              actor, agency_code, role, official, reasons, documents, vote, loop,
                              deadline, label, escalation_level, requested_deadline, approved, late_request,
                              version, about_version, occurred_on, imported, run_id, run_seq, to_stage_deadline, update_id)
    SELECT $1, placed.seq, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16,
           $17, $18, $19, $20, $21, $22, $23, $24, $34, $35, $36, $2, $43, $46
    FROM placed
    RETURNING seq
), registry AS (
    INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session,
                             stage, stage_since, stage_deadline, classified, last_seq, responsible, updated_at,
                             cutoff, cutoff_stage, cutoff_sitting, committee_meeting, cutoffs_recorded, title_folded, cutoff_counted,
                             counted_recorded, adopted_at)
    SELECT $1, $3, $25, $26, $27, $28, $29, $30, $31, $32, coalesce((SELECT seq FROM event), $2), $33, now(), $37, $38, $39, $40, $41, $44,
           $45, $41, $47
    ON CONFLICT (submission_id) DO UPDATE SET
        workflow_id = EXCLUDED.workflow_id, title = EXCLUDED.title, title_folded = EXCLUDED.title_folded, lead_ministry = EXCLUDED.lead_ministry,
        process_version = EXCLUDED.process_version, target_session = EXCLUDED.target_session,
        stage = EXCLUDED.stage, stage_since = EXCLUDED.stage_since, stage_deadline = EXCLUDED.stage_deadline,
        classified = EXCLUDED.classified, last_seq = EXCLUDED.last_seq, responsible = EXCLUDED.responsible,
        cutoff = EXCLUDED.cutoff, cutoff_stage = EXCLUDED.cutoff_stage, cutoff_sitting = EXCLUDED.cutoff_sitting,
        committee_meeting = EXCLUDED.committee_meeting, cutoffs_recorded = EXCLUDED.cutoffs_recorded,
        cutoff_counted = EXCLUDED.cutoff_counted, counted_recorded = EXCLUDED.counted_recorded, adopted_at = EXCLUDED.adopted_at,
        updated_at = now(), ended = NULL, ended_at = NULL
    WHERE submissions.last_seq < EXCLUDED.last_seq
)
SELECT count(*) FROM event
"""


class AuditActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._group = GroupCommit(pool, _RECORD)

    @activity.defn
    async def record_event(self, request: RecordEventInput) -> bool:
        """Append one event and advance the registry; returns False when the event was already recorded."""
        entry, row = request.entry, request.registry
        try:
            written = await self._pool.fetchval(_RECORD, *_arguments(entry, row, activity.info().workflow_run_id, request.cutoffs)) == 1
        except Exception as failure:
            if not dead_letters.refused_for_its_data(failure):
                raise
            written = None
        if written is None:
            # Outside the handler, so that no traceback chains the database's detail (it quotes the refused row).
            await self._write_one_by_one((entry,), row, request.cutoffs)
            return False
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
        """Append several events in order, and advance the registry to the last; one pipelined batch, atomic (asyncpg's
        `executemany` runs it as one implicit transaction, so no BEGIN and COMMIT round trips are spent on it), shared
        with the batches of other drafts that arrive meanwhile (`GroupCommit`). Returns how many events were given (those
        already recorded are left as they were)."""
        row = request.registry
        run_id = activity.info().workflow_run_id
        refused = False
        try:
            rows = [_arguments(entry, row, run_id, request.cutoffs, update_id=update_id)
                    for entry, update_id in zip(request.entries, request.updates(), strict=True)]
            if not await self._group.write(rows):
                await self._alone(rows)
        except Exception as failure:
            if not dead_letters.refused_for_its_data(failure):
                raise
            refused = True
        if refused:
            # The batch's transaction was rolled back whole: find the events refused, write the others. Outside the
            # handler, so that no traceback chains the database's detail (it quotes the refused row).
            await self._write_one_by_one(request.entries, row, request.cutoffs, request.updates())
            return len(request.entries)
        log.info("audit events recorded", submission_id=row.submission_id, first_seq=request.entries[0].seq,
                 last_seq=request.entries[-1].seq, attempt=activity.info().attempt)
        return len(request.entries)

    async def _alone(self, rows: list[tuple]) -> None:
        """The batch written by itself. A unique violation means a write of the same draft committed while this one placed
        its events: an earlier attempt of this activity, cancelled at its timeout while PostgreSQL did not answer, whose
        statement PostgreSQL ran once it answered (found by CI: the retry failed, logged with its traceback). Run again,
        the statement finds those events written and leaves them, or places these after them."""
        try:
            await self._pool.executemany(_RECORD, rows)
        except asyncpg.UniqueViolationError:
            await self._pool.executemany(_RECORD, rows)

    async def _write_one_by_one(self, entries: tuple[HistoryEntry, ...], row: RegistryRow, cutoffs: RegistryCutoffs | None,
                                updates: tuple[str | None, ...] | None = None) -> None:
        """Write each event on its own (one statement, atomic) and keep each one the database refuses for its data
        as a dead letter; then fail without retry, naming them, if any was refused. The events after a refused one
        are written at their own numbers, so the refused one's number is a gap until `legis dead-letters retry`
        writes it in its place."""
        info = activity.info()
        refused = []
        for entry, update_id in zip(entries, updates or (None,) * len(entries), strict=True):
            try:
                await self._pool.fetchval(_RECORD, *_arguments(entry, row, info.workflow_run_id, cutoffs, update_id=update_id))
            except Exception as failure:
                if not dead_letters.refused_for_its_data(failure):
                    raise
                refused.append(await self._dead_letter(entry, row, cutoffs, failure, update_id))
        if refused:
            raise ApplicationError(
                f"audit events {', '.join(f'#{seq} (dead letter {letter})' for seq, letter in refused)} refused by the database for their "
                "data; kept as dead letters, see `legis dead-letters show`", [{"seq": seq, "dead_letter_id": letter} for seq, letter in refused],
                type=DEAD_LETTERED, non_retryable=True) from None

    async def _dead_letter(self, entry: HistoryEntry, row: RegistryRow, cutoffs: RegistryCutoffs | None,
                           failure: BaseException, update_id: str | None) -> tuple[int, int]:
        info = activity.info()
        reason = Reason.of(failure, classified=row.classified)
        payload = RecordEventInput(entry=entry, registry=row, cutoffs=cutoffs, update_id=update_id).model_dump_json()
        letter, new = await dead_letters.record(
            self._pool, Kind.AUDIT, f"{info.workflow_run_id}:{entry.seq}", submission_id=row.submission_id, seq=entry.seq,
            event=entry.event.value, payload=payload, reason=reason, classified=row.classified, workflow_id=row.workflow_id,
            run_id=info.workflow_run_id)
        if new:
            count_dead_letter(Kind.AUDIT)
        log.error("audit event kept as a dead letter: the database refuses it for its data", dead_letter_id=letter,
                  submission_id=row.submission_id, seq=entry.seq, audit_event=entry.event.value, **reason.fields(failure))
        return entry.seq, letter


def count_dead_letter(kind: Kind) -> None:
    """`legis_dead_letters_total{kind}` (the runtime adds `_total`), through the worker runtime's meter as the workflow's counters are."""
    activity.metric_meter().create_counter("legis_dead_letters", "messages kept as dead letters, refused for their data").add(
        1, {"kind": kind.value})


async def retry(db: asyncpg.Connection, letter: dead_letters.DeadLetter) -> bool:
    """Write a dead-lettered audit event again, as its run would have: at its own number when that is free (the gap it
    left), else after the last (the same rule as any write). Returns False when the event was in the trail already."""
    request = RecordEventInput.model_validate_json(letter.payload or "")
    try:
        return await db.fetchval(_RECORD, *_arguments(request.entry, request.registry, letter.run_id, request.cutoffs, fills_gap=True,
                                                      update_id=request.update_id)) == 1
    except asyncpg.UniqueViolationError:
        # The same letter retried at once by another operator, whose write took the number first (found by a breaker of
        # concurrency): a gap's number is taken by no other event, so it is this one, in the trail once.
        return False


def _arguments(entry: HistoryEntry, row: RegistryRow, run_id: str | None, cutoffs: RegistryCutoffs | None, *, fills_gap: bool = False,
               update_id: str | None = None) -> tuple:
    recorded = cutoffs or RegistryCutoffs()
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
        run_id,
        recorded.cutoff,
        recorded.cutoff_stage.value if recorded.cutoff_stage else None,
        recorded.cutoff_sitting,
        recorded.committee_meeting,
        cutoffs is not None,
        fills_gap,
        entry.to_stage_deadline,
        None if row.title is None else folded(row.title),
        recorded.counted,
        update_id,
        recorded.adopted_at,
    )
