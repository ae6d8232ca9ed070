"""An agency's inbox: the drafts waiting for its decision, oldest deadline first, each with a form that sends the
decision through the same checks as the API (the token's own role and agency, then the draft's validators), and shows
a refusal in plain words with its rule. Where the stage is decided by a vote, the form takes the counts (and the parts
voted down); where the draft may be carried over, the session that takes it up, from the sessions announced after its
own. At the Assembly's sessions a form says from which day the Assembly can decide (at a sitting of the session the
draft aims at, from its opening: `workflows.sittings.check_sitting`). A refused form comes back with what was typed in it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi_problem.error import Problem
from pydantic import ValidationError

from activities import calendar
from api import permissions
from api.deps import database, known_form_fields, known_parameters, temporal
from api.problems import answered_as
from api.routes.events import told_as_read
from schemas.calendar import TargetSession
from schemas.consultation import ConsultationView
from schemas.enums import PASSED_STAGES, SITTING_STAGES, Actor, CallerRole, ConsultationKind, EscalationLevel, LawKind, ProcessVersion, Stage
from schemas.messages import MAX_PARTS_NOT_PASSED, MAX_REASON, SUBMISSION_ID, Acting, Decision, PostponementDecision, Ruling
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import Rulebook, editions_of
from schemas.text import NFD_GROWTH, typed_whole_number
from schemas.views import Receipt, StatusView
from store import board
from web.auth import SENT_COOKIE, signed_in, to_sign_in
from web.board import ASK_SECONDS, own_agency, today, with_titles
from web.disputes import COORDINATING_AGENCY, awaiting_ruling
from web.marks import rulebook
from web.refusals import PageRoute, explain, of_problem, problems_of
from web.render import noted, page
from workflows import client as drafts
from workflows import round_client
from workflows.deadlines import local_day
from workflows.draft_views import depends_on_the_draft

router = APIRouter(include_in_schema=False, route_class=PageRoute)
MAX_DOCUMENT_LINES = 50
# The draft a decision was last sent for from this browser, confirmed on the inbox for this long.
SENT_SECONDS = 600


def agencies_of(who) -> list[str]:
    """The registry names who must act by the lead ministry's code, or by the deciding body."""
    return [who.agency_code] + ([who.role.actor.value] if who.role.actor is not None else [])


def parse_documents(text: str) -> list[dict[str, str]]:
    """One document a line: `KIND | name | sha256` (the API's `documents`, by name and hash).

    Raises Refused (INVALID) `document_line`, naming the line's place (`documents.0`), for a line that is not three
    parts: its kind would be refused for what is the whole line."""
    found = []
    for line in _lines(text, MAX_DOCUMENT_LINES):
        if line.count("|") < 2:
            raise Refused(f"documents.{len(found)}", "document_line", f"{line[:60]!r} is not KIND | name | sha256", RefusalKind.INVALID)
        kind, _, rest = line.partition("|")
        name, _, sha256 = rest.rpartition("|")
        found.append({"kind": kind.strip(), "name": name.strip(), "sha256": sha256.strip().lower()})
    return found


def whole_number(text: str) -> int | str:
    """A number as a form sent it (`schemas.text.typed_whole_number`), or the text as typed, which the message's
    validators refuse by name; its range is the message's to refuse, as the API's."""
    number = typed_whole_number(text)
    return text if number is None else number


def vote_of(total: str, in_favour: str, against: str, abstaining: str, parts: str) -> dict:
    """The form's vote (biểu quyết) as the API's `vote`: counts, and the parts voted down one a line."""
    return {"total_deputies": whole_number(total), "in_favour": whole_number(in_favour), "against": whole_number(against),
            "abstaining": whole_number(abstaining),
            "parts_not_passed": _lines(parts, MAX_PARTS_NOT_PASSED)}


def _lines(text: str, most: int) -> list[str]:
    """A text area's lines, blank ones left out, at most one more than `most`: the message's own limit then refuses a list
    over it, where one cut to the limit would be taken short unseen (found by a breaker: 120 parts a blank line apart were
    recorded as the first 100)."""
    return [line.strip() for line in text.splitlines() if line.strip()][:most + 1]


# Drafts of a page whose session is not on the calendar, whose status the page asks for the session's day: at most so
# many, all at once, for at most so many seconds (a draft whose worker is down or behind does not answer).
MAX_ASKED = 20


async def _announced(request: Request) -> list[TargetSession]:
    async with request.app.state.pool.acquire() as connection:
        return await calendar.sessions(connection)


def _aimed(rows: list, sessions: list[TargetSession], asked: dict[str, StatusView]) -> dict[str, TargetSession]:
    """The session each draft aims at, with its day: the calendar's, else (a session not announced, or taken off the
    calendar) the draft's own, as its status `asked` says; a draft not asked, or that did not answer in time, is left out
    (its form offers every session, and the draft checks what is sent)."""
    by_code = {s.code: s for s in sessions}
    found = {row.submission_id: by_code[row.target_session] for row in rows if row.target_session in by_code}
    found.update({row.submission_id: asked[row.submission_id].target_session for row in rows
                  if row.target_session not in by_code and row.submission_id in asked})
    return found


async def _asked(request: Request, submission_ids: list[str]) -> dict[str, StatusView]:
    """The status of each draft of `submission_ids` (the first `MAX_ASKED`, all at once, each within `ASK_SECONDS`); a draft
    that does not answer in time is left out."""
    asking = list(dict.fromkeys(submission_ids))[:MAX_ASKED]
    answers = await asyncio.gather(*(asyncio.wait_for(drafts.status(request.app.state.client, sid), ASK_SECONDS) for sid in asking),
                                   return_exceptions=True)
    return {sid: answer for sid, answer in zip(asking, answers, strict=True) if isinstance(answer, StatusView)}


def asks_the_draft(row, rule, reader: str, kind: LawKind | None) -> bool:
    """Whether the inbox asks the draft's status for its row: where the rulebook and the draft's kind (`kind`, its start's
    claim) do not tell which outcomes the draft offers (`rules.depends_on_the_draft`: only an ordinance is sent back or
    referred by the President, each once), for its lead ministry, which compiles its consultation rounds (a round not
    compiled holds its approval); and at the Standing Committee's opinion, for the meeting at which it adopts an ordinance
    (`pending.at_meeting`)."""
    depends = rule is not None and any(depends_on_the_draft(row.stage, o) for o in rule.outcomes) and kind in (None, LawKind.ORDINANCE)
    return row.lead_ministry == reader or row.stage is Stage.STANDING_COMMITTEE_OPINION or depends


def stage_outcomes(row, rule, status: StatusView | None) -> list[str]:
    """The outcomes a row's form offers: those the draft's status offers; without it, the rulebook's but those the draft
    alone may offer (`depends_on_the_draft`), which the form then leaves to the API and the CLI (found by a breaker: a law
    past the twentieth draft asked was offered the President's return of an ordinance)."""
    if rule is None:
        return []
    if status is not None and status.pending is not None and status.stage is row.stage:
        return [o.value for o in status.pending.outcomes]
    return [o.value for o in rule.outcomes if not depends_on_the_draft(row.stage, o)]


def _rounds(status: StatusView, now: datetime, closed: set[tuple[str, str]]) -> list[tuple]:
    """A draft's rounds awaiting compilation, each with whether it still takes opinions: compiled once its window has closed,
    or once every consultee answered (`closed`, `_closed_early`)."""
    return [(r, r.closes_at is not None and r.closes_at > now and (status.submission_id, r.round_id) not in closed)
            for r in status.open_consultations]


async def _closed_early(request: Request, statuses: list[StatusView], now: datetime) -> set[tuple[str, str]]:
    """Of the drafts' rounds still within their window, those closed already, every consultee having answered: asked of
    each round (the draft knows its window, not its answers; found by a ministry's trial: told to wait two weeks for a round
    it could compile), the first `MAX_ASKED`, all at once, each within `ASK_SECONDS`; one that does not answer is taken as open."""
    asking = [(s.submission_id, r.round_id) for s in statuses for r in s.open_consultations if r.closes_at is not None and r.closes_at > now]
    answers = await asyncio.gather(*(asyncio.wait_for(round_client.consultation(request.app.state.client, sid, round_id), ASK_SECONDS)
                                     for sid, round_id in asking[:MAX_ASKED]), return_exceptions=True)
    return {key for key, answer in zip(asking, answers, strict=False) if isinstance(answer, ConsultationView) and answer.closed}


# The stages at which a consultation round is opened under any rulebook (its windows' `stages`).
ROUND_STAGES = sorted({stage.value for version in ProcessVersion for kind in ConsultationKind
                       if (window := rulebook(version).window(kind)) is not None for stage in window.stages})


def later_than(sessions: list[TargetSession], aimed: TargetSession | None) -> list[TargetSession]:
    """The sessions a draft aimed at `aimed` may be carried over to: those opening after it, as the draft checks a
    carry-over (`carry_to`), or all of them when its session is not known here."""
    return [s for s in sessions if aimed is None or s.opens_on > aimed.opens_on]


async def _inbox(request: Request, who, *, refusal: dict | None = None, sent: str | None = None, status_code: int = 200) -> Response:
    if refusal:
        noted(request, refusal["problems"])
    rows = await with_titles(request, await database(board.inbox(request.app.state.pool, agencies_of(who), own_agency=own_agency(who))))
    # A classified draft's registry row names the Assembly's committees as a body, not which one examines it: counted apart
    # for a committee, whose own it may not be (found by an official's trial: every committee read one waiting for it).
    committee = who.role.actor is Actor.NA_COMMITTEE
    unseen, _ = await database(board.classified_unseen(request.app.state.pool, own_agency=own_agency(who), today=local_day(today()),
                                                       agencies=[who.agency_code] if committee else agencies_of(who)))
    committees_unseen = (await database(board.classified_unseen(request.app.state.pool, own_agency=own_agency(who), today=local_day(today()),
                                                                agencies=[Actor.NA_COMMITTEE.value])))[0] if committee else 0
    rules = {row.submission_id: next((r for r in rulebook(row.process_version).stages if r.stage is row.stage), None) for row in rows}
    carrying = {sid for sid, rule in rules.items() if rule is not None and "CARRY_OVER" in rule.outcomes}
    sitting = [row for row in rows if row.stage in SITTING_STAGES or row.submission_id in carrying]
    sessions = await database(_announced(request)) if sitting else []
    day, now = local_day(today()), datetime.now(UTC)
    promulgating = [row.submission_id for row in rows if row.stage is Stage.PROMULGATION]
    kinds = await database(board.law_kinds(request.app.state.pool, promulgating)) if promulgating else {}
    # A law at PROMULGATION is not offered the President's return of an ordinance (found by a re-check: offered, then refused);
    # a lead ministry reads which of its rounds await its compilation (found by a ministry's trial: refused at approval only);
    # a draft aiming at a session the calendar does not hold says its day. One ask of each draft, all at once: a draft whose
    # worker is down costs the page one wait.
    unannounced = {row.submission_id for row in sitting if row.target_session not in {s.code for s in sessions}}
    # And the drafts it leads that wait for another body (the Government's policy decision), whose rounds it still compiles
    # (found by a breaker: a round opened at POLICY_PROPOSAL was said only at the refusal of the Government's approval).
    elsewhere = (await database(board.led_while_others_decide(request.app.state.pool, who.agency_code, ROUND_STAGES))
                 if who.role.actor is Actor.LEAD_MINISTRY else [])
    # Asked apart, each set within its own bound (found by a breaker: after twenty drafts of its own, none of these was).
    asked, asked_elsewhere = await asyncio.gather(
        _asked(request, [row.submission_id for row in rows if row.submission_id in unannounced
                         or asks_the_draft(row, rules[row.submission_id], who.agency_code, kinds.get(row.submission_id))]),
        _asked(request, [row.submission_id for row in elsewhere]))
    closed = await _closed_early(request, [s for s in (*asked.values(), *asked_elsewhere.values()) if s.lead_ministry == who.agency_code], now)
    consulting = [(row.model_copy(update={"title": row.title or status.title}), _rounds(status, now, closed)) for row in elsewhere
                  if (status := asked_elsewhere.get(row.submission_id)) is not None and status.open_consultations]
    aiming = _aimed(sitting, sessions, asked)
    forms = {}
    for row in rows:
        rule, aimed = rules[row.submission_id], aiming.get(row.submission_id)
        # The rulebook's withdrawal besides the stage's outcomes, to who may withdraw (found by a ministry's trial: no form offered it).
        withdrawing = [d for d in rulebook(row.process_version).withdrawal if d.actor is who.role.actor] if rule and row.stage not in PASSED_STAGES else []
        roles = sorted({role.value for d in (*(rule.deciders if rule else ()), *withdrawing) if d.actor is who.role.actor for role in d.roles})
        status = asked.get(row.submission_id)
        outcomes = stage_outcomes(row, rule, status) + (["WITHDRAW"] if withdrawing else []) if rule else []
        # The roles that may withdraw, said beside WITHDRAW (found by a breaker: offered with a deputy's role, refused).
        forms[row.submission_id] = {"outcomes": outcomes, "roles": roles,
                                    "withdrawing": sorted({role.value for d in withdrawing for role in d.roles}),
                                    "return_to": [s.value for s in rule.return_to] if rule else [],
                                    "carry_to": later_than(sessions, aimed) if row.submission_id in carrying else [],
                                    # Its phases said while it has days to sit (found by a National Assembly Office's trial:
                                    # the form said from which day, not which days it takes).
                                    "opens": aimed if row.stage in SITTING_STAGES and aimed and (aimed.opens_on > day or aimed.phases
                                                                                                  and aimed.phases[-1].ends_on >= day) else None,
                                    "rounds": _rounds(status, now, closed) if status and row.lead_ministry == who.agency_code else [],
                                    # Said before the form is sent (found by a committee's trial: refused `at_the_meeting` after).
                                    "meeting": status.pending.at_meeting if status and status.pending and status.stage is row.stage else None,
                                    "reconsider_by": status.pending.reconsider_by if status and status.pending and status.stage is row.stage else None}
    if refusal is not None:
        refusal = {**refusal, "problems": explain(request, refusal["problems"])}
    pending = await database(board.postponements_asked(request.app.state.pool, own_agency=own_agency(who)))
    asked_with_roles = await _asked_of(request, who, pending)
    asked, approvers = [a for a, _ in asked_with_roles], {a.row.submission_id: roles for a, roles in asked_with_roles}
    office = _OFFICES.get(who.agency_code) or _RAISED_BY_ROLE.get(who.role)
    raised, raised_unseen = (await database(board.raised_to(request.app.state.pool, office, own_agency=own_agency(who), today=day))
                             if office else ([], 0))
    disputes = await awaiting_ruling(request, who)
    return page(request, "inbox.html", status_code=status_code, rows=rows, forms=forms, refusal=refusal, sent=sent, consulting=consulting,
                can_decide=who.role.actor is not None, unseen=unseen, committees_unseen=committees_unseen, max_reasons=MAX_REASON, asked=asked, approvers=approvers,
                asked_unseen=await _asked_unseen(request, who), raised=raised, raised_unseen=raised_unseen, points=disputes.shown,
                points_unseen=disputes.unseen, points_more=disputes.more, points_asked=disputes.asked,
                coordinating=who.agency_code == COORDINATING_AGENCY, today=day,
                # A draft waiting for the reader with a postponement asked says so (found by a trial: the Ministry of Justice's
                # inbox showed an overdue draft's deadline, not the request awaiting its decision).
                pending={a.row.submission_id: a for a in pending})


# The offices that follow drafts, by their agency code: what drafts raise to them is in their inbox.
_OFFICES = {"VPCP": EscalationLevel.VPCP, "VPQH": EscalationLevel.VPQH}
# And those to whom a draft escalates by their role (found by a Government Office's trial: the Deputy Prime Minister's inbox
# showed nothing of the drafts escalated to him).
_RAISED_BY_ROLE = {CallerRole.DEPUTY_PM: EscalationLevel.DEPUTY_PM, CallerRole.UBTVQH: EscalationLevel.UBTVQH}


async def _asked_of(request: Request, who, asked: list[board.PostponementAsked]) -> list[tuple[board.PostponementAsked, tuple[str, ...]]]:
    """The postponements awaiting the reader's decision, among those `asked`: those of a stage whose rulebook names its actor
    among who may approve moving the deadline (found by a trial: a request waiting for the Deputy Prime Minister was in no
    inbox), each with the roles of that actor that approve it."""
    if who.role.actor is None:
        return []
    roles = await _approving_roles(request, who, [(a.row.submission_id, a.row.process_version, a.row.stage) for a in asked])
    deciding = [(a, held) for a, held in zip(asked, roles, strict=True) if held]
    titled = await with_titles(request, [a.row for a, _ in deciding])
    return [(dataclasses.replace(a, row=row), held) for (a, held), row in zip(deciding, titled, strict=True)]


async def _decides(request: Request, who, drafts_at: list[tuple[str, ProcessVersion, Stage]]) -> list[bool]:
    """Whether the reader's actor approves a postponement of each draft at its stage, by the rulebook edition the draft
    pinned (`_approving_roles`)."""
    return [bool(roles) for roles in await _approving_roles(request, who, drafts_at)]


async def _approving_roles(request: Request, who, drafts_at: list[tuple[str, ProcessVersion, Stage]]) -> list[tuple[str, ...]]:
    """The roles of the reader's actor that approve a postponement of each draft at its stage (none: it does not), by the
    rulebook edition the draft pinned: read from the editions where they agree, asked of the draft (its
    `rulebook_version`) where they do not (found by a breaker: edition 2025.8 took the Deputy Prime Minister off the
    submission date, and the inbox, reading the newest, left out the requests of drafts that pinned 2025.7, which still
    take his decision, and then offered his form no role he holds). A draft that does not answer in `ASK_SECONDS` is judged
    by the newest edition."""
    def roles(book: Rulebook, stage: Stage) -> tuple[str, ...]:
        return tuple(sorted({role.value for d in book.rule(stage).postponement_authority if d.actor is who.role.actor for role in d.roles}))

    said = [{roles(book, stage) for book in editions_of(version) if any(r.stage is stage for r in book.stages)} for _, version, stage in drafts_at]
    unsure = [sid for (sid, _, _), answers in zip(drafts_at, said, strict=True) if len(answers) > 1]
    versions = await asyncio.gather(*(asyncio.wait_for(drafts.status(request.app.state.client, sid), ASK_SECONDS) for sid in unsure),
                                    return_exceptions=True)
    pinned = {sid: view.rulebook_version for sid, view in zip(unsure, versions, strict=True) if not isinstance(view, BaseException)}
    found = []
    for (sid, version, stage), answers in zip(drafts_at, said, strict=True):
        if len(answers) == 1:
            found.append(answers.pop())
            continue
        book = next((b for b in editions_of(version) if b.version == pinned.get(sid)), rulebook(version))
        found.append(roles(book, stage))
    return found


async def _asked_unseen(request: Request, who) -> list[str]:
    """The submission IDs of the classified drafts the reader may not see whose postponement awaits its decision: named,
    nothing more, to who decides it, as a point of disagreement's draft is to who rules on it (found by a Government
    Office's trial: the Prime Minister read that one waited, and had to try every classified draft to find which)."""
    if who.role.actor is None:
        return []
    asked = await database(board.classified_asked_unseen(request.app.state.pool, own_agency=own_agency(who)))
    return [sid for (sid, _, _), decides in zip(asked, await _decides(request, who, asked), strict=True) if decides]


@router.get("/board/inbox", dependencies=[Depends(known_parameters("sent"))])
async def inbox(request: Request, sent: Annotated[str | None, Query(pattern=SUBMISSION_ID)] = None) -> Response:
    """The drafts waiting for the reader's agency, each with its decision form; `sent`, the draft a decision was just sent
    for, confirmed only in the browser that sent it (its cookie): a link that makes one up confirms nothing (found by a
    breaker: "Decision sent for" any text a link wrote)."""
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    # The cookie names the draft and what was sent: a decision, a postponement's decision, a ruling (found by a breaker:
    # "Decision sent" was said after a ruling).
    sent_for, _, what = request.cookies.get(SENT_COOKIE, "").partition(" ")
    return await _inbox(request, who, sent=(sent, what if what in _SENT else "decision") if sent is not None and sent_for == sent else None)


@router.post("/board/inbox/{submission_id}", dependencies=[Depends(known_form_fields)])
async def decide(request: Request, submission_id: str,
                 stage: Annotated[str, Form(max_length=40)] = "", outcome: Annotated[str, Form(max_length=40)] = "",
                 role: Annotated[str, Form(max_length=40)] = "", official: Annotated[str, Form(max_length=200 * NFD_GROWTH)] = "",
                 reasons: Annotated[str, Form(max_length=MAX_REASON * NFD_GROWTH * 2)] = "", documents: Annotated[str, Form(max_length=30000)] = "",
                 return_to: Annotated[str, Form(max_length=40)] = "",
                 total_deputies: Annotated[str, Form(max_length=10)] = "", in_favour: Annotated[str, Form(max_length=10)] = "",
                 against: Annotated[str, Form(max_length=10)] = "", abstaining: Annotated[str, Form(max_length=10)] = "",
                 parts_not_passed: Annotated[str, Form(max_length=30000)] = "",
                 carry_to: Annotated[str, Form(max_length=20)] = "", occurred_on: Annotated[str, Form(max_length=40)] = "") -> Response:
    """The decision form: the message the API would take, checked by the same rules, sent as the `decide` update. A field
    left empty is the message's to refuse, on the page, with its rule; one the form does not have, refused before
    (`api.deps.known_form_fields`)."""
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    counts = (total_deputies, in_favour, against, abstaining, parts_not_passed)
    typed = {"outcome": outcome, "role": role, "official": official, "occurred_on": occurred_on, "return_to": return_to, "reasons": reasons,
             "documents": documents, "total_deputies": total_deputies, "in_favour": in_favour, "against": against,
             "abstaining": abstaining, "parts_not_passed": parts_not_passed, "carry_to": carry_to}
    try:
        # An operator's sign-in sending a form (an old tab, a saved page) is told operators read, not that its actor is none.
        permissions.check_may_act(who)
        fields = {"actor": who.role.actor.value, "agency_code": who.agency_code, "role": role,
                  "official": official, "stage": stage, "outcome": outcome, "reasons": reasons, "documents": parse_documents(documents),
                  "return_to": return_to or None, "occurred_on": occurred_on or None}
        if outcome == "VOTE" and any(count.strip() for count in counts):  # none given: the message says a vote needs them
            fields["vote"] = vote_of(*counts)
        if outcome == "CARRY_OVER":
            chosen = next((s for s in await database(_announced(request)) if s.code == carry_to), None)
            if carry_to and chosen is None:
                raise Refused("carry_to", "carried_to_announced", f"session {carry_to[:20]} is not on the calendar (taken off since the page "
                              "was shown?); choose one of the sessions announced, or announce it first (legis calendar set-session)",
                              RefusalKind.INVALID)
            fields["carry_to"] = chosen.model_dump(mode="json") if chosen else None
        decision = Decision.model_validate(fields)
        permissions.check_acting(who, decision)
        await temporal(request, told_as_read(request, who, submission_id, drafts.decide(request.app.state.client, submission_id, decision)))
    except (ValidationError, Refused, Problem) as refused:
        return await _refused(request, who, submission_id, typed, refused)
    return _sent(request, submission_id)


@router.post("/board/inbox/{submission_id}/postponement", dependencies=[Depends(known_form_fields)])
async def decide_postponement(request: Request, submission_id: str,
                              stage: Annotated[str, Form(max_length=40)] = "", approved: Annotated[str, Form(max_length=10)] = "",
                              role: Annotated[str, Form(max_length=40)] = "", official: Annotated[str, Form(max_length=200 * NFD_GROWTH)] = "",
                              reason: Annotated[str, Form(max_length=MAX_REASON * NFD_GROWTH * 2)] = "",
                              occurred_on: Annotated[str, Form(max_length=40)] = "") -> Response:
    """A postponement's decision form (found by a committee official's trial: the inbox listed a request with a command and
    a route only): the message the API takes, `PostponementDecision`, checked by the same rules, sent as the
    `decide_postponement` update; `approved` is APPROVE or REFUSE."""
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    typed = {"form": "postponement", "approved": approved, "role": role, "official": official, "occurred_on": occurred_on, "reason": reason}
    return await _send(request, who, submission_id, typed, lambda acting: PostponementDecision.model_validate({
        **acting, "role": role, "official": official, "stage": stage, "approved": {"APPROVE": True, "REFUSE": False}.get(approved, approved),
        "reason": reason, "occurred_on": occurred_on or None}), drafts.decide_postponement)


@router.post("/board/inbox/{submission_id}/ruling", dependencies=[Depends(known_form_fields)])
async def rule(request: Request, submission_id: str,
               point_id: Annotated[str, Form(max_length=100)] = "", decision: Annotated[str, Form(max_length=10)] = "",
               role: Annotated[str, Form(max_length=40)] = "", official: Annotated[str, Form(max_length=200 * NFD_GROWTH)] = "",
               ruling: Annotated[str, Form(max_length=MAX_REASON * NFD_GROWTH * 2)] = "") -> Response:
    """A point of disagreement's ruling form: the message the API takes, `Ruling`, checked by the same rules, sent as the
    `rule_on_disagreement` update; `decision` is RULE (the ruling settles the point) or ESCALATE (to the next level of the
    rulebook's `arbitration`, the Prime Minister)."""
    who = await signed_in(request)
    if who is None:
        return to_sign_in(request)
    typed = {"form": "ruling", "point_id": point_id, "decision": decision, "role": role, "official": official, "ruling": ruling}
    return await _send(request, who, submission_id, typed, lambda acting: Ruling.model_validate({
        **acting, "role": role, "official": official, "point_id": point_id, "escalate": {"RULE": False, "ESCALATE": True}.get(decision, decision),
        "ruling": ruling}), drafts.rule_on_disagreement)


async def _send(request: Request, who, submission_id: str, typed: dict, message_of: Callable[[dict], Acting],
                sending: Callable[..., Awaitable[Receipt]]) -> Response:
    """A form's message, built in the reader's name (`message_of` given its actor and agency) as the API takes it, checked as
    the API checks who acts, and sent; a refusal shows the inbox again with it and the form as typed."""
    try:
        permissions.check_may_act(who)
        message = message_of({"actor": who.role.actor.value, "agency_code": who.agency_code})
        permissions.check_acting(who, message)
        await temporal(request, told_as_read(request, who, submission_id, sending(request.app.state.client, submission_id, message)))
    except (ValidationError, Refused, Problem) as refused:
        return await _refused(request, who, submission_id, typed, refused)
    return _sent(request, submission_id, typed["form"])


async def _refused(request: Request, who, submission_id: str, typed: dict, refused: ValidationError | Refused | Problem) -> Response:
    """The inbox again, the refusal with its field and rule above it and the form open with what was typed in it."""
    if isinstance(refused, ValidationError):
        return await _inbox(request, who, status_code=422, refusal={"submission_id": submission_id, "typed": typed,
                                                                       "problems": problems_of(refused.errors())})
    if isinstance(refused, Refused):
        return await _inbox(request, who, status_code=answered_as(refused)[0], refusal={"submission_id": submission_id, "typed": typed, "problems": [
            {"field": refused.field, "rule": refused.rule, "message": refused.message}]})
    status, problems, headers = of_problem(refused)
    answer = await _inbox(request, who, status_code=status, refusal={"submission_id": submission_id, "typed": typed, "problems": problems})
    answer.headers.update(headers)
    return answer


# What a form sends, as the inbox confirms it.
_SENT = ("decision", "postponement", "ruling")


def _sent(request: Request, submission_id: str, what: str = "decision") -> Response:
    """Back to the inbox, which says `what` was sent (one of `_SENT`), in this browser only (its cookie)."""
    answer = RedirectResponse(f"/board/inbox?sent={submission_id}", status_code=303)
    answer.set_cookie(SENT_COOKIE, f"{submission_id} {what}", max_age=SENT_SECONDS, path="/board/inbox", httponly=True, samesite="strict",
                      secure=request.url.scheme == "https")
    return answer
