"""The registry of drafts (`submissions`, one row per draft as its audit trail last left it), read for operators."""

from __future__ import annotations

import asyncpg

from schemas.enums import BODY_CODES, MERGED_COMMITTEES, NA_COMMITTEES, TERMINAL_STAGES, Actor
from schemas.records import RegistryRow
from schemas.text import folded

# A draft still on its path, as SQL over `submissions`: not at a final stage, nor ended outside its rules (terminated,
# timed out: workers/ended_drafts.py). The registry, the reports, the calendar's broadcasts and the board read this one;
# parenthesised, so that it can be negated or joined with OR.
FINAL_STAGES = "(" + ", ".join(f"'{stage}'" for stage in sorted(stage.value for stage in TERMINAL_STAGES)) + ")"
OPEN = f"(stage NOT IN {FINAL_STAGES} AND ended IS NULL)"


async def drafts_to_tell(db: asyncpg.Connection | asyncpg.Pool, *, led_by: str | None = None) -> tuple[list[str], frozenset[str]]:
    """The drafts a message to every running draft goes to (`legis calendar`, `legis remap-agency`), of the lead ministry
    `led_by` if given: those the registry counts running, and those a start claimed (`submission_ids`, before its draft
    read the calendar) that the registry does not list yet, between their first task and their first audit write; and,
    of these, the ones Temporal may not know (a start claimed that never ran). One statement, so one snapshot: a draft
    registered meanwhile is in one list or the other (found by a breaker of concurrency: a change stored between a
    draft's reading of the calendar and its first registry row never reached it, and then, read in two statements, one
    registered between the two)."""
    rows = await db.fetch(
        f"SELECT submission_id, false AS starting FROM submissions WHERE ($1::text IS NULL OR lead_ministry = $1) AND {OPEN} "
        "UNION ALL SELECT c.submission_id, true FROM submission_ids c WHERE ($1::text IS NULL OR c.lead_ministry = $1) AND NOT EXISTS "
        "(SELECT 1 FROM submissions s WHERE s.submission_id = c.submission_id) ORDER BY 1", led_by)
    return [r["submission_id"] for r in rows], frozenset(r["submission_id"] for r in rows if r["starting"])


async def running_drafts_aimed_at(db: asyncpg.Connection | asyncpg.Pool, session: str) -> list[asyncpg.Record]:
    """(submission_id, classified) of the drafts not yet in a final state (nor ended outside their rules) the registry last
    saw aimed at session `session` (its code)."""
    return await db.fetch(f"SELECT submission_id, classified FROM submissions WHERE target_session = $1 AND {OPEN} ORDER BY submission_id", session)


def approved_standing(row: str) -> str:
    """SQL: whether the registry row `row` (an alias of `submissions`) records as its cut-off a date approved at the
    draft's stage within the cut-off counted back from its sitting: the draft recorded that counted cut-off beside it
    (`cutoff_counted`). A row written before it was recorded (`counted_recorded` false) is asked of the audit trail as
    before: an approval of that date at the stage recorded since the draft entered it."""
    return (f"({row}.cutoff_counted IS NOT NULL OR NOT {row}.counted_recorded AND {row}.stage = {row}.cutoff_stage AND "
            f"{row}.stage_deadline = {row}.cutoff AND EXISTS (SELECT 1 FROM audit_events a WHERE a.submission_id = "
            f"{row}.submission_id AND a.event = 'POSTPONEMENT_DECIDED' AND a.approved AND a.stage = {row}.stage AND "
            f"a.requested_deadline = {row}.cutoff AND a.occurred_at >= {row}.stage_since))")


async def cutoffs_counted_from(db: asyncpg.Connection | asyncpg.Pool, session: str) -> list[asyncpg.Record]:
    """(submission_id, process_version, cutoff, cutoff_stage, cutoff_sitting, target_session, stage, stage_deadline, classified,
    approved_standing, cutoff_counted) of the running drafts whose next cut-off, as the registry last recorded it, counts
    back from `session` (a session's code, or a Standing Committee meeting's) or, for a session, from the meeting before
    it (drafts aimed at it), the earliest first. `approved_standing`: the cut-off recorded is a date approved at the
    draft's stage within the one counted back from the sitting, `cutoff_counted` (none for a row written before it was
    recorded): the date stands wherever the sitting goes, the counted one moves with it."""
    return await db.fetch(
        "SELECT submission_id, process_version, cutoff, cutoff_stage, cutoff_sitting, target_session, stage, stage_deadline, classified, cutoff_counted, "
        f"{approved_standing('s')} AS approved_standing FROM submissions s WHERE cutoff IS NOT NULL "
        f"AND (cutoff_sitting = $1 OR target_session = $1) AND {OPEN} ORDER BY cutoff, submission_id", session)


_COLUMNS = """submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, stage_since, stage_deadline,
              responsible, classified, ended"""


def title_pattern(words: str) -> str:
    """The LIKE pattern of a title search over `title_folded`: the words folded (`schemas.text.folded`: "dat dai" finds
    "Luật Đất đai"), LIKE's own characters taken as they are."""
    escaped = folded(words).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def page(
    db: asyncpg.Connection | asyncpg.Pool, *, after: str | None, size: int, q: str | None = None, stages=None, ministries=None,
    session: str | None = None, responsible: str | None = None, overdue: bool | None = None, own_agency: str | None = None,
    deadlines_withheld: bool = False,
) -> tuple[list[RegistryRow], str | None, int]:
    """A page of drafts in submission-ID order (stable while drafts move), the ID to continue after (if any) and how many
    drafts match in all.

    Whose a classified draft is, who acts on it and the session it aims at are themselves classified: filtering on them
    finds only the caller's own classified drafts; a classified draft's title is not in the registry, so a title search
    never finds one. Titles are searched without their diacritics or letter case (`title_pattern`). With
    `deadlines_withheld` (a reader outside a classified draft's path: `api.permissions`), whether one is overdue is
    classified too: the `overdue` filter finds none of another ministry's.
    """
    pattern = None if q is None else title_pattern(q)
    matching = f"""FROM submissions
            WHERE ($1::text IS NULL OR title_folded LIKE $1)
              AND ($2::text[] IS NULL OR stage = ANY($2)) AND ($3::text[] IS NULL OR lead_ministry = ANY($3))
              AND ($4::text IS NULL OR target_session = $4) AND ($5::text[] IS NULL OR (responsible = ANY($5) AND ended IS NULL))
              AND ($6::boolean IS NULL OR $6 = (stage_deadline IS NOT NULL AND stage_deadline < (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                   AND {OPEN}))
              AND (NOT classified OR ($3::text[] IS NULL AND $4::text IS NULL AND $5::text[] IS NULL AND ($6::boolean IS NULL OR NOT $8))
                   OR lead_ministry = $7)"""
    # A draft ended outside its rules waits for no one (found by an integrator's trial: a terminated draft stayed in
    # `responsible=MOJ`, every message to it refused).
    # The deciding bodies are in the registry as actors (MOJ, GOVERNMENT): a filter naming one by its agency code (BTP, CP)
    # finds them too (found by an integrator's trial: `responsible=BTP` found nothing).
    # The committees the same (found by an integrator's: `responsible=NA_COMMITTEE` missed a draft its committee examines).
    acting = None if responsible is None else [responsible, *(actor.value for actor, code in BODY_CODES.items() if code == responsible),
                                               *((*NA_COMMITTEES, *MERGED_COMMITTEES) if responsible == Actor.NA_COMMITTEE.value else ())]
    filters = (pattern, [s.value for s in stages] if stages else None, ministries or None, session, acting, overdue, own_agency,
               deadlines_withheld)
    rows = await db.fetch(f"SELECT {_COLUMNS} {matching} AND ($9::text IS NULL OR submission_id > $9) ORDER BY submission_id LIMIT $10",
                          *filters, after, size + 1)
    total = await db.fetchval(f"SELECT count(*) {matching}", *filters)
    found = [RegistryRow(**dict(row)) for row in rows[:size]]
    return found, found[-1].submission_id if len(rows) > size else None, total


async def classification(db: asyncpg.Connection | asyncpg.Pool, submission_id: str) -> tuple[bool, str] | None:
    """Whether a registered draft is classified, and its lead ministry; None for a draft not (yet) registered."""
    row = await db.fetchrow("SELECT classified, lead_ministry FROM submissions WHERE submission_id = $1", submission_id)
    return (row["classified"], row["lead_ministry"]) if row else None
