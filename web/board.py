"""The operators' board: sessions ahead with their drafts' marks, the list of drafts with filters, a draft's timeline.

Every page needs a signed-in token (`web.auth`); a classified draft is shown only to its lead ministry, the one reader
the API lets read its details, and to nobody else in any form.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from api import permissions
from api.deps import InAnyCase, TitleWords, database, known_parameters
from schemas.calendar import SessionCode
from schemas.enums import Actor, EventKind, LawKind, Stage
from schemas.messages import AgencyCode
from schemas.records import RegistryRow
from schemas.text import PG_INT_MAX
from schemas.views import HistoryEntry, OpenPoint, StatusView
from store import audit, board
from web.auth import signed_in, to_sign_in
from web.marks import Mark, Standing, standing_of_row
from web.refusals import PageRoute
from web.render import page
from workflows import client as drafts
from workflows.deadlines import local_day

router = APIRouter(include_in_schema=False, route_class=PageRoute)
# Drafts listed under one sitting at most (the worst marks first); the rest are a link to the filtered list.
SHOWN_PER_SITTING = 50
SEVERITY = {Mark.ON_TRACK: 0, Mark.NOT_RECORDED: 1, Mark.AT_RISK: 2, Mark.MISSED: 3}
# A filter's "All" is the parameter sent empty; any other value is checked as the API checks it.
All = BeforeValidator(lambda value: value or None)


def own_agency(who) -> str | None:
    """The agency whose classified drafts this reader may see: a lead ministry's own, nobody else's."""
    return who.agency_code if permissions.leads(who) else None


def today() -> datetime:
    return datetime.now(UTC)


def with_timing(response: Response, started: float) -> Response:
    """The page's server time, its rendering included, for the benchmark and the browser's developer tools."""
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


@dataclass(frozen=True)
class Marked:
    """A draft under one sitting: its mark, the sitting its cut-off counts back from where that is not this one, and
    whether that cut-off is a date approved at its stage within the one counted back from its sitting (then named so)."""

    submission_id: str
    standing: Standing
    counted_from: str | None
    approved: bool = False


def drafts_by_sitting(sittings: list[board.Sitting], rows: list, today: date) -> dict[str, list[Marked]]:
    """Each sitting's drafts, the worst marks first (`rows`: `store.board.drafts_aimed_at`'s). A draft sits under its
    session and, while it still comes before the Standing Committee, under the meeting it recorded (the one before its
    session, as the draft pairs them); its mark is the same in both places, and its cut-off, counted back from one of
    the two, names that sitting under the other (under the meeting, a session's cut-off may fall after the meeting)."""
    under: dict[str, list] = {}
    for row in rows:
        if row["at_session"]:  # an ordinance not referred to the Assembly is on no session's agenda (`store.board`)
            under.setdefault(row["target_session"], []).append(row)
        if row["committee_meeting"]:
            under.setdefault(row["committee_meeting"], []).append(row)
    marks = {row["submission_id"]: standing_of_row(row, today) for row in rows}
    listed = {}
    for sitting in sittings:
        # An approved date names the sitting it stands within wherever it is shown (found by a Government Office's trial:
        # under a meeting, it read "counted back from 16-3").
        marked = [Marked(row["submission_id"], marks[row["submission_id"]],
                         row["cutoff_sitting"] if row["cutoff_sitting"] not in (None, sitting.code) or row["approved_standing"] else None,
                         bool(row["approved_standing"]))
                  for row in under.get(sitting.code, ())]
        marked.sort(key=lambda m: (-SEVERITY[m.standing.mark], m.standing.cutoff or today))
        listed[sitting.code] = marked
    return listed


@router.get("/board", dependencies=[Depends(known_parameters())])
async def sessions_ahead(request: Request) -> Response:
    """Each sitting ahead (regular or extraordinary session, Standing Committee meeting) with the drafts aimed at it."""
    started = time.perf_counter()
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    day = local_day(today())
    pool = request.app.state.pool
    sittings = await database(board.sittings_ahead(pool, day))
    sessions = [s for s in sittings if s.kind != "STANDING_COMMITTEE"]
    meetings = [s for s in sittings if s.kind == "STANDING_COMMITTEE"]
    rows = await database(board.drafts_aimed_at(pool, [s.code for s in sessions], [m.code for m in meetings], own_agency=own_agency(who)))
    marked_by_sitting = drafts_by_sitting(sittings, rows, day)
    # Only the drafts shown are read whole.
    shown_ids = {marked.submission_id for listed in marked_by_sitting.values() for marked in listed[:SHOWN_PER_SITTING]}
    registry = await database(board.rows(pool, sorted(shown_ids), own_agency=own_agency(who)))
    # Its own classified drafts by their titles, as the other pages show them (found by a new user: by their IDs here).
    registry = {row.submission_id: row for row in await with_titles(request, list(registry.values()))}
    # What waits for the Standing Committee's own decision (a law's opinion, an ordinance, a revision between sessions),
    # under its next meeting: the drafts aimed at a meeting are those whose limits count back from it (found by a National
    # Assembly Office official's trial: the next meeting showed none of the three drafts the Committee's inbox held).
    deciding = await with_titles(request, await database(board.inbox(pool, [Actor.UBTVQH.value], own_agency=own_agency(who)))) if meetings else []
    # An ordinance is adopted at its meeting (`adopted_at`), not before: listed there (found by an official's trial:
    # under the next meeting, where its adoption is refused, `at_the_meeting`); a law's opinion, and the rest, at the next.
    ahead = {m.code for m in meetings}
    adopted_at = {row["submission_id"]: row["adopted_at"] for row in rows if row["adopted_at"] in ahead}
    deciding_at: dict[str, list] = {}
    for row in deciding:
        deciding_at.setdefault(adopted_at.get(row.submission_id, meetings[0].code if meetings else ""), []).append(row)
    blocks = []
    for sitting in sittings:
        listed = marked_by_sitting[sitting.code]
        shown = [(registry[m.submission_id], m.standing, m.counted_from, m.approved) for m in listed[:SHOWN_PER_SITTING] if m.submission_id in registry]
        blocks.append({"sitting": sitting, "drafts": shown, "counts": Counter(m.standing.mark for m in listed), "total": len(listed),
                       "deciding": deciding_at.get(sitting.code, [])[:SHOWN_PER_SITTING], "deciding_total": len(deciding_at.get(sitting.code, []))})
    # The drafts aimed at no sitting ahead, in no block above (found by a new user: a draft deferred to a session not on the calendar).
    elsewhere, elsewhere_total = await database(board.aimed_at_no_sitting_ahead(
        pool, [s.code for s in sessions], [m.code for m in meetings], own_agency=own_agency(who), limit=SHOWN_PER_SITTING))
    return with_timing(page(request, "sessions.html", blocks=blocks, today=day, Mark=Mark, elsewhere=await with_titles(request, elsewhere),
                            elsewhere_total=elsewhere_total), started)


@router.get("/board/drafts", dependencies=[Depends(known_parameters("q", "ministry", "stage", "session", "state", "offset"))])
async def draft_list(request: Request,
                     q: Annotated[TitleWords | None, All, Query()] = None,
                     ministry: Annotated[AgencyCode | None, All, Query()] = None,
                     stage: Annotated[Stage | None, All, InAnyCase, Query()] = None,
                     session: Annotated[SessionCode | None, All, Query()] = None,
                     state: Annotated[board.DraftState | None, All, InAnyCase, Query()] = None,
                     offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    """Drafts by title, ministry, stage, session and state, the nearest deadline first, with the Vietnamese stage name.
    The filters are checked as the API's list checks them: a ministry, stage or session it refuses is refused here, never
    ignored."""
    started = time.perf_counter()
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    chosen = board.DraftFilter(q=q.strip() if q else None, ministry=ministry or None, stage=stage, session=session, state=state)
    day = local_day(today())
    rows, total = await database(board.drafts(request.app.state.pool, chosen, day, own_agency=own_agency(who), offset=offset))
    rows = await with_titles(request, rows)
    unseen_overdue = unseen_open = 0  # said under the overdue filter; and under the filters a classified draft's row would answer
    if chosen.state == "OVERDUE" and not (chosen.q or chosen.ministry or chosen.session):
        _, unseen_overdue = await database(board.classified_unseen(request.app.state.pool, own_agency=own_agency(who), today=day, stage=chosen.stage))
    elif chosen.state != "FINAL" and not (chosen.q or chosen.ministry or chosen.session):
        # Counted, never shown (found by a Government Office's trial: the list said 47 drafts where the Web UI, the CLI and the
        # API, which name a classified draft by its ID and stage, said 52).
        unseen_open, _ = await database(board.classified_unseen(request.app.state.pool, own_agency=own_agency(who), today=day, stage=chosen.stage))
    ministries, sessions = await database(board.choices(request.app.state.pool, own_agency=own_agency(who)))
    return with_timing(page(request, "drafts.html", rows=rows, total=total, chosen=chosen, ministries=ministries, sessions=sessions,
                            stages=[s for s in Stage], today=day, offset=offset, page_rows=board.PAGE_ROWS, unseen_overdue=unseen_overdue,
                            unseen_open=unseen_open), started)


# What the page's header says of the current stage, read from its events since the stage began.
HEADER_EVENTS = (EventKind.POSTPONEMENT_REQUESTED.value, EventKind.POSTPONEMENT_DECIDED.value, EventKind.ESCALATION.value)


def pending_postponement(entries: tuple[HistoryEntry, ...]) -> HistoryEntry | None:
    """Among the current stage's events (`store.audit.since_stage_began`), the request to move its deadline that waits for
    its decision, if any (found by a trial: shown only in the timeline's lines)."""
    asked = [e for e in entries if e.event in (EventKind.POSTPONEMENT_REQUESTED, EventKind.POSTPONEMENT_DECIDED)]
    return asked[-1] if asked and asked[-1].event is EventKind.POSTPONEMENT_REQUESTED else None


def approved_postponement(entries: tuple[HistoryEntry, ...], row: RegistryRow) -> HistoryEntry | None:
    """Among the current stage's events, the approval that set the deadline in force, if it still stands (found by a
    Government Office's trial: `legis status` said "postponed with the approval of PM", the page nothing)."""
    # The latest approval, whatever was refused after it (found by a re-check: a second request refused hid the first's
    # approver, which still set the deadline in force).
    approved = [e for e in entries if e.event is EventKind.POSTPONEMENT_DECIDED and e.approved and e.actor]
    last = approved[-1] if approved else None
    return last if last is not None and last.requested_deadline == row.stage_deadline else None


def _overdue(row: RegistryRow) -> bool:
    """As the page's deadline says it (`marks.html`'s `deadline`)."""
    return (row.stage_deadline is not None and row.stage_deadline < local_day(today()) and not row.stage.is_terminal
            and not row.ended)


def escalation_reached(entries: tuple[HistoryEntry, ...]) -> HistoryEntry | None:
    """Among the current stage's events, the latest escalation (the rung it is on while overdue), if any (found by a trial:
    only the timeline said it)."""
    return next((e for e in reversed(entries) if e.event is EventKind.ESCALATION), None)


def in_order_of_happening(entries: tuple[HistoryEntry, ...]) -> list[HistoryEntry]:
    """A timeline's order: by the Ha Noi day each event happened (a step entered afterwards, or imported with a draft
    entered under way, by its `occurred_on`), then as recorded. Found by a fresh-user trial: a draft entered under way
    showed "Draft opened" today first, then its steps of months ago."""
    return sorted(entries, key=lambda e: (e.occurred_on or local_day(e.at), e.seq))


# How long a page waits for a draft's own answer (a query through Temporal) before it goes on without it.
ASK_SECONDS = 2.0


# At most so many classified drafts of a page are asked for their titles, all at once (a ministry has few).
MAX_TITLES_ASKED = 20


async def with_titles(request: Request, rows: list[RegistryRow]) -> list[RegistryRow]:
    """`rows` with the titles of the classified drafts among them asked of the drafts (the registry holds none; a reader
    shown one is its lead ministry): at most `MAX_TITLES_ASKED`, each within `ASK_SECONDS`, the others by their ID."""
    unnamed = [row.submission_id for row in rows if row.classified and row.title is None][:MAX_TITLES_ASKED]
    titles = dict(zip(unnamed, await asyncio.gather(*(_title_from_the_draft(request, sid) for sid in unnamed)), strict=True))
    return [row.model_copy(update={"title": titles[row.submission_id]}) if titles.get(row.submission_id) else row for row in rows]


async def _title_from_the_draft(request: Request, submission_id: str) -> str | None:
    view = await asked_status(request, submission_id)
    return view.title if view else None


async def asked_status(request: Request, submission_id: str) -> StatusView | None:
    """The draft's status query, or None when it does not answer within `ASK_SECONDS` (the page then goes on as the
    registry gives it: the submission ID for a title, nothing of what only the draft says)."""
    try:
        return await asyncio.wait_for(drafts.status(request.app.state.client, submission_id), ASK_SECONDS)
    except Exception:  # any failure to ask (a worker down or behind, a draft ended) leaves the page as the registry gives it
        return None


async def _open_points(request: Request, row: RegistryRow) -> tuple[OpenPoint, ...] | None:
    """The draft's points of disagreement awaiting a ruling, asked of the draft when its audit trail counts one open,
    whatever the stage (`store.board.points_open`; found by a breaker: a point the draft kept when it was returned was on
    no page); none else; None when it does not answer (`asked_status`)."""
    if row.ended or not await database(board.points_open(request.app.state.pool, row.submission_id)):
        return ()
    view = await asked_status(request, row.submission_id)
    return view.open_points if view else None


async def _reconsider_by(request: Request, row: RegistryRow) -> date | None:
    """An ordinance's at PROMULGATION: the last day the President may ask the Standing Committee to reconsider it, asked of
    the draft (`PendingDecision.reconsider_by`; found by a National Assembly Office's trial: said by `legis status` and the
    President's inbox, not by the page the Office reads); None for a law, or when the draft does not answer."""
    if row.stage is not Stage.PROMULGATION or row.ended:
        return None
    kinds = await database(board.law_kinds(request.app.state.pool, [row.submission_id]))
    if kinds.get(row.submission_id, LawKind.ORDINANCE) is not LawKind.ORDINANCE:
        return None
    view = await asked_status(request, row.submission_id)
    return view.pending.reconsider_by if view and view.pending and view.stage is row.stage else None


def finished_after_a_slip(entries: Sequence[HistoryEntry]) -> set[int]:
    """The decisions among `entries` that ended a stage at which the draft slipped to a later session, its cut-off missed:
    finished late, as `legis report` counts them, whatever the later session's cut-off gave (found by a National Assembly
    Office's trial: shown "on time")."""
    slipped, ended = set(), set()
    for entry in sorted(entries, key=lambda e: e.seq):
        if entry.event is EventKind.SESSION_SLIPPED:
            slipped.add(entry.stage)
        elif entry.to_stage is not None and entry.to_stage is not entry.stage:
            if entry.event is EventKind.DECISION and entry.stage in slipped:
                ended.add(entry.seq)
            slipped.discard(entry.stage)
    return ended


@router.get("/board/drafts/{submission_id}", dependencies=[Depends(known_parameters("before"))])
async def draft_page(request: Request, submission_id: str, before: Annotated[int | None, Query(ge=1, le=PG_INT_MAX)] = None) -> Response:
    """A draft's path as a timeline: stages entered and finished (on time or late), deadlines, postponements, consultation
    rounds, votes; the dossier's versions; a link to its workflow in the Temporal Web UI. The latest events and versions, a
    bounded page of them (`before`: the events before that number, as the page's "Earlier events" link gives it)."""
    started = time.perf_counter()
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    pool = request.app.state.pool
    row = await database(board.one(pool, submission_id, own_agency=own_agency(who)))
    if row is None:
        return page(request, "missing.html", status_code=404)
    [row] = await with_titles(request, [row])
    history, earlier = await database(audit.latest(pool, submission_id, before=before))
    recorded = await database(audit.events_recorded(pool, submission_id)) if earlier or before else None
    current = await database(audit.since_stage_began(pool, submission_id, HEADER_EVENTS))
    versions = await database(audit.versions(pool, submission_id, latest=audit.VERSIONS_PAGE))
    filed = versions.versions[-1].number if versions.versions else 0
    mark_of = await database(board.marked(pool, row.submission_id, own_agency=own_agency(who)))
    st = standing_of_row(mark_of, local_day(today())) if mark_of else None
    # The cut-off at the current stage may be an approved postponement's date that stands within the sitting's cut-off
    # (the session moved later since): said so, as `legis status` says it, not as counted back from the sitting.
    postponed = (st is not None and st.cutoff is not None and st.cutoff_stage is row.stage and st.cutoff == row.stage_deadline
                 and await database(board.approved_standing(pool, row.submission_id)))
    ui = getattr(request.app.state, "temporal_ui", None)
    return with_timing(page(request, "draft.html", row=row, reconsider_by=await _reconsider_by(request, row), entries=in_order_of_happening(history.entries), earlier=earlier,
                            slipped=finished_after_a_slip(history.entries),
                            overtaken=await database(audit.alarms_overtaken(pool, row.submission_id, history.entries)),
                            asked=None if row.ended else pending_postponement(current), approved=approved_postponement(current, row),
                            escalated=escalation_reached(current) if _overdue(row) else None, before=before, recorded=recorded,
                            points=await _open_points(request, row),
                            versions=versions.versions, versions_filed=filed,
                            today=local_day(today()),
                            st=st, counted_from=mark_of["cutoff_sitting"] if mark_of else None, postponed=postponed,
                            temporal_link=f"{ui}/workflows/{row.workflow_id}" if ui else None), started)
