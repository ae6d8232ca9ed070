"""A draft's full history and its dossier's versions, read from the audit trail (the workflow keeps the latest only)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from schemas.enums import EventKind, Stage
from schemas.messages import DocumentRef, VoteCount
from schemas.state import DossierKey, filed_into
from schemas.views import DossierVersion, HistoryEntry, HistoryView, VersionsView
from workflows.deadlines import local_day

_COLUMNS = """seq, occurred_at, occurred_on, imported, event, stage, to_stage, outcome, actor, agency_code, role, official, reasons,
              documents, vote, loop, deadline, label, escalation_level, requested_deadline, approved, late_request, version, about_version,
              to_stage_deadline"""
# One page of a history at most; a caller pages on with `after`. An event carries its documents (up to 50, each with a
# name of up to 300 characters) and reasons, so a page is also cut once what its entries hold passes PAGE_BYTES (an
# estimate of their JSON: one entry is at most about 70 KB, so a page stays under about 1.1 MB).
PAGE = 1000
PAGE_BYTES = 1024 * 1024
# The dossier's versions a page holds: each carries the whole dossier (its latest document of each kind).
VERSIONS_PAGE = 20
_ENTRY_BYTES = 600  # an entry's fields but its texts and documents, as JSON, at most


def _estimated_bytes(row: asyncpg.Record) -> int:
    """As the texts are written at most: escaped for the board's HTML (a quote five bytes, found by a breaker: a page of
    reasons in quotes was 4 MB) or for JSON (a line break two)."""
    return _ENTRY_BYTES + sum(len(html.escape(text := row[column] or "").encode()) + text.count("\n")
                              for column in ("documents", "reasons", "label", "official"))


def _entry(row: asyncpg.Record) -> HistoryEntry:
    fields = dict(row)
    fields["at"] = fields.pop("occurred_at")
    fields["documents"] = tuple(DocumentRef.model_validate(d) for d in json.loads(fields["documents"]))
    fields["vote"] = VoteCount.model_validate_json(fields["vote"]) if fields["vote"] else None
    return HistoryEntry(**fields)


def _within_budget(rows: list[asyncpg.Record], limit: int, budget: int | None) -> list[asyncpg.Record]:
    """The first rows, in the order read: at most `limit` (and `PAGE`), and (given a `budget`) about that many bytes of
    them, one at least."""
    kept, spent = [], 0
    for row in rows[:min(limit, PAGE)]:
        spent += _estimated_bytes(row)
        if kept and budget is not None and spent > budget:
            break
        kept.append(row)
    return kept


async def history(pool: asyncpg.Pool, submission_id: str, *, after: int = 0, limit: int = PAGE, budget: int | None = None) -> HistoryView:
    """The events after `after`, in order: at most `limit` of them, and (given a `budget`) no more than about that many
    bytes of them (one at least); `next_after` says where the next page starts, when there is one."""
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM audit_events WHERE submission_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        submission_id, after, min(limit, PAGE) + 1,
    )
    kept = _within_budget(rows, limit, budget)
    entries = tuple(_entry(row) for row in kept)
    more = len(kept) < len(rows)
    return HistoryView(submission_id=submission_id, entries=entries, first_seq=entries[0].seq if entries else after + 1,
                       next_after=entries[-1].seq if more else None)


async def latest(pool: asyncpg.Pool, submission_id: str, *, before: int | None = None, limit: int = PAGE,
                 budget: int = PAGE_BYTES) -> tuple[HistoryView, int | None]:
    """The latest events (before the event numbered `before`, if given), in order: at most `limit` of them and about
    `budget` bytes (one at least); with the number to read the earlier ones before, when there are earlier ones (else
    None). A page shows a draft's recent steps first, however long its life."""
    rows = await pool.fetch(f"SELECT {_COLUMNS} FROM audit_events WHERE submission_id = $1 AND ($2::int IS NULL OR seq < $2) "
                            "ORDER BY seq DESC LIMIT $3", submission_id, before, min(limit, PAGE) + 1)
    kept = _within_budget(rows, limit, budget)
    entries = tuple(_entry(row) for row in reversed(kept))
    view = HistoryView(submission_id=submission_id, entries=entries, first_seq=entries[0].seq if entries else 1)
    return view, entries[0].seq if len(kept) < len(rows) else None


def after_stage_began(event: str, submission: str) -> str:
    """SQL: the audit event `event` (an alias) comes after the draft `submission` (an SQL expression) last changed stage."""
    return (f"{event}.seq > coalesce((SELECT max(c.seq) FROM audit_events c WHERE c.submission_id = {submission} "
            "AND c.to_stage IS NOT NULL AND c.to_stage <> c.stage), 0)")


async def since_stage_began(pool: asyncpg.Pool, submission_id: str, events: tuple[str, ...], *, limit: int = 50) -> tuple[HistoryEntry, ...]:
    """The draft's events of these kinds since it last changed stage, in order (the latest `limit`): what a page says of
    its current stage whatever page of its history it shows (found by a breaker: read from the page's own events, the
    header was an earlier page's, or lost past a page's bytes)."""
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM audit_events e WHERE submission_id = $1 AND event = ANY($2::text[]) AND {after_stage_began('e', '$1')} "
        "ORDER BY seq DESC LIMIT $3", submission_id, list(events), limit)
    return tuple(_entry(row) for row in reversed(rows))


async def events_recorded(pool: asyncpg.Pool, submission_id: str) -> int:
    """The number of the draft's latest event in the audit trail (0 before any)."""
    return await pool.fetchval("SELECT coalesce(max(seq), 0) FROM audit_events WHERE submission_id = $1", submission_id)


async def recorded(pool: asyncpg.Pool, submission_id: str) -> bool:
    return bool(await pool.fetchval("SELECT EXISTS (SELECT 1 FROM submissions WHERE submission_id = $1)", submission_id))


async def dossier_as_of(pool: asyncpg.Pool, submission_id: str, moment: datetime) -> tuple[DocumentRef, ...]:
    """The draft's dossier as it stood at `moment`: the latest document of each kind filed (recorded) by then, each
    compilation of comments apart, as `versions` folds them."""
    dossier: dict[DossierKey, DocumentRef] = {}
    for row in await pool.fetch("SELECT documents FROM audit_events WHERE submission_id = $1 AND version IS NOT NULL AND occurred_at <= $2 "
                                "ORDER BY seq", submission_id, moment):
        filed_into(dossier, tuple(DocumentRef.model_validate(raw) for raw in json.loads(row["documents"])))
    return tuple(dossier.values())


async def versions(pool: asyncpg.Pool, submission_id: str, *, after: int = 0, limit: int | None = None,
                   latest: int | None = None) -> VersionsView:
    """The dossier's versions numbered after `after` (at most `limit` of them; all without), or its `latest` ones (the
    last of them numbered as many as the dossier has had): each the latest document of each kind after the filing that
    made it (each compilation of comments apart, by its name, as `schemas.state.filed_into` keeps them, a draft of any
    generation: its documents were filed); `next_after` says where the next page starts, when there is one."""
    rows = await pool.fetch(
        "SELECT seq, occurred_at, occurred_on, documents, version FROM audit_events WHERE submission_id = $1 AND version IS NOT NULL ORDER BY seq",
        submission_id,
    )
    if latest is not None and rows:
        after = max(after, rows[-1]["version"] - latest)
    dossier: dict[DossierKey, DocumentRef] = {}
    found = []
    for row in rows:
        filed_into(dossier, tuple(DocumentRef.model_validate(raw) for raw in json.loads(row["documents"])))
        if row["version"] <= after:
            continue
        if limit is not None and len(found) == limit:
            return VersionsView(submission_id=submission_id, versions=tuple(found), next_after=found[-1].number)
        found.append(DossierVersion(number=row["version"], seq=row["seq"], at=row["occurred_at"], occurred_on=row["occurred_on"],
                                   documents=tuple(dossier.values())))
    return VersionsView(submission_id=submission_id, versions=tuple(found))


# The events a deadline raises by itself, as the draft records them.
ALARMS = frozenset({EventKind.WARNING, EventKind.DEADLINE_PASSED, EventKind.ESCALATION})


@dataclass(frozen=True)
class Overtaken:
    """The alarms (by `seq`) a step entered afterwards overtook, each with that step's day (Ha Noi)."""

    stage_ended: dict[int, date]  # `ended_before_raised`
    deadline_moved: dict[int, date]  # `moved_before_raised`


async def alarms_overtaken(pool: asyncpg.Pool, submission_id: str, entries: Sequence[HistoryEntry]) -> Overtaken:
    """`ended_before_raised` and `moved_before_raised` of the alarms among `entries` (a page of the trail), against the
    dated decisions ending their stages and the approved postponements after the first of them, wherever those stand: on
    a later page too (found by an inspector's audit: the API's history said nothing of it)."""
    alarms = [e for e in entries if e.event in ALARMS]
    if not alarms:
        return Overtaken({}, {})
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM audit_events WHERE submission_id = $1 AND seq > $2 AND occurred_on IS NOT NULL AND stage = ANY($3::text[]) "
        "AND (event = 'DECISION' AND to_stage IS NOT NULL AND to_stage <> stage OR event = 'POSTPONEMENT_DECIDED') ORDER BY seq LIMIT $4",
        submission_id, alarms[0].seq, sorted({a.stage.value for a in alarms}), PAGE)
    later = [*alarms, *(_entry(row) for row in rows)]
    return Overtaken(ended_before_raised(later), moved_before_raised(later))


def moved_before_raised(entries: Sequence[HistoryEntry]) -> dict[int, date]:
    """The alarms (by `seq`) raised while the draft did not yet know that their deadline had moved: a postponement at their
    stage, approved, entered afterwards, dated before the alarm's day, which moved the very deadline the alarm counted
    from; each with that approval's day (Ha Noi). Found by a Government Office's trial and an inspector's audit: a draft
    entered overdue, its postponement then entered as it happened, read as escalated to the Deputy Prime Minister for a
    deadline he had moved two weeks before."""
    moved: dict[tuple[Stage, date | None], list[tuple[int, date, date]]] = {}
    for e in entries:
        if e.event is EventKind.POSTPONEMENT_DECIDED and e.approved and e.occurred_on and e.requested_deadline:
            moved.setdefault((e.stage, e.deadline), []).append((e.seq, e.occurred_on, e.requested_deadline))
    # Raised on a day the date approved had not passed: by then the alarm's deadline was not the one in force.
    return {e.seq: day for e in entries if e.event in ALARMS for seq, day, to in moved.get((e.stage, e.deadline), ())
            if seq > e.seq and day < (raised := e.occurred_on or local_day(e.at)) and to >= raised}


def ended_before_raised(entries: Sequence[HistoryEntry]) -> dict[int, date]:
    """The alarms (by `seq`) raised while the draft did not yet know that their stage had ended: a decision leaving the
    stage, entered afterwards, dated (`occurred_on`) on or before the alarm's day; each with that decision's day (Ha
    Noi). Found by a Government Office's trial: a promulgation dated on time, entered after the draft had recorded its
    deadline passed and two escalations, read on the timeline as on time, then overdue, then escalated; said by the
    board's timeline and `legis history` alike (found by an inspector's audit: the history said nothing)."""
    ended: dict[Stage, list[tuple[int, date]]] = {}
    for e in entries:
        if e.event is EventKind.DECISION and e.occurred_on and e.to_stage not in (None, e.stage):
            ended.setdefault(e.stage, []).append((e.seq, e.occurred_on))
    # An alarm is raised as its day begins (`deadlines.passes_at`): a decision dated that very day came after it.
    return {e.seq: day for e in entries if e.event in ALARMS for seq, day in ended.get(e.stage, ())
            if seq > e.seq and day < (e.occurred_on or local_day(e.at))}
