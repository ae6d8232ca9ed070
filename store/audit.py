"""A draft's full history and its dossier's versions, read from the audit trail (the workflow keeps the latest only)."""

from __future__ import annotations

import json

import asyncpg

from schemas.messages import DocumentRef, VoteCount
from schemas.views import DossierVersion, HistoryEntry, HistoryView, VersionsView

_COLUMNS = """seq, occurred_at, occurred_on, imported, event, stage, to_stage, outcome, actor, agency_code, role, official, reasons,
              documents, vote, loop, deadline, label, escalation_level, requested_deadline, approved, late_request, version, about_version,
              to_stage_deadline"""
# One page of a history at most; a caller pages on with `after`.
PAGE = 1000


def _entry(row: asyncpg.Record) -> HistoryEntry:
    fields = dict(row)
    fields["at"] = fields.pop("occurred_at")
    fields["documents"] = tuple(DocumentRef.model_validate(d) for d in json.loads(fields["documents"]))
    fields["vote"] = VoteCount.model_validate_json(fields["vote"]) if fields["vote"] else None
    return HistoryEntry(**fields)


async def history(pool: asyncpg.Pool, submission_id: str, *, after: int = 0, limit: int = PAGE) -> HistoryView:
    """The events after `after`, in order, at most `limit` of them."""
    rows = await pool.fetch(
        f"SELECT {_COLUMNS} FROM audit_events WHERE submission_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        submission_id, after, min(limit, PAGE),
    )
    entries = tuple(_entry(row) for row in rows)
    return HistoryView(submission_id=submission_id, entries=entries, first_seq=entries[0].seq if entries else after + 1)


async def recorded(pool: asyncpg.Pool, submission_id: str) -> bool:
    return bool(await pool.fetchval("SELECT EXISTS (SELECT 1 FROM submissions WHERE submission_id = $1)", submission_id))


async def versions(pool: asyncpg.Pool, submission_id: str) -> VersionsView:
    """Every version of the dossier: the latest document of each kind after each filing that changed one."""
    rows = await pool.fetch(
        "SELECT seq, occurred_at, occurred_on, documents, version FROM audit_events WHERE submission_id = $1 AND version IS NOT NULL ORDER BY seq",
        submission_id,
    )
    dossier: dict[str, DocumentRef] = {}
    found = []
    for row in rows:
        for raw in json.loads(row["documents"]):
            document = DocumentRef.model_validate(raw)
            dossier[document.kind.value] = document
        found.append(DossierVersion(number=row["version"], seq=row["seq"], at=row["occurred_at"], occurred_on=row["occurred_on"],
                                   documents=tuple(dossier.values())))
    return VersionsView(submission_id=submission_id, versions=tuple(found))
