"""What a draft shows: its status, its latest events, the Web UI's memo, attributes and details, the registry row.

Pure functions of the state; a classified draft's title and ministry stay out of everything the Web UI shows.
"""

from __future__ import annotations

from datetime import date, datetime

from schemas.enums import (
    FINAL_NAMES_VI,
    PASSED_STAGES,
    SITTING_STAGES,
    Actor,
    DeadlineAnchor,
    EscalationLevel,
    EventKind,
    LawKind,
    Outcome,
    ProgrammeTrack,
    Stage,
)
from schemas.records import RegistryCutoffs, RegistryRow
from schemas.rulebook import Rulebook
from schemas.state import DraftState
from schemas.views import DeciderView, HistoryEntry, HistoryView, NextAlarm, NextCutoff, PendingDecision, StatusView, VersionsView
from workflows.change import Wake, conflict_raised_to, due_later, ladder
from workflows.deadlines import VIETNAM, local_day, passes_at
from workflows.follow_up import alarms
from workflows.rules import filed_before, missing_documents
from workflows.sessions import (
    awaiting_session,
    awaits_later_session,
    cutoff_ahead,
    deadline_counted,
    last_sitting_day,
    limit_waits_for_meeting,
    limits,
    meeting_before,
    next_kind,
    opened_without,
    opening_first,
    opening_label,
    postponement_conflict,
    registry_cutoffs,
    sat_without,
    session_before,
    session_to_slip_to,
    slips_when_missed,
    statutory_deadline,
)
from workflows.sittings import adopting_meeting, reconsideration_last_day, reconsidered
from workflows.stage_graph import referred


def _escalated_to(state: DraftState) -> EscalationLevel | None:
    """The highest level of the escalation ladder raised for the deadline in force, while the draft is overdue (found by a
    trial: which rung a draft is on was to be read in its history)."""
    if not state.overdue or state.deadline is None:
        return None
    raised = [a.level for a in alarms(state.rulebook.follow_up, window_start=state.stage_since, deadline=state.deadline, ladder=ladder(state))
              if a.event is EventKind.ESCALATION and a.key in state.fired]
    return raised[-1] if raised else None


def _until(state: DraftState, day: date, otherwise: str) -> str:
    """Until when a date approved or asked keeps the draft's place: its session's opening where that comes first
    (`opening_first`), else `otherwise`."""
    session = opening_first(state, day)
    return f"session {session.code} opens on {session.opens_on}" if session else otherwise


def _slips_when(state: DraftState, day: date, otherwise: str) -> str:
    session = opening_first(state, day)
    return f"when session {session.code} opens on {session.opens_on}, before that date" if session else otherwise


def _next_alarm(state: DraftState) -> NextAlarm | None:
    """The draft's next alarm, or the opening of the session it slips at first (thirtieth generation; found by a breaker:
    the status named a warning after it, which the slip would leave unraised)."""
    alarm, opened = next(iter(due_later(state)), None), opened_without(state)
    if opened is not None and (alarm is None or opened < alarm.at):
        return NextAlarm(at=opened.astimezone(VIETNAM), event=EventKind.SESSION_SLIPPED, label=opening_label(state))
    return NextAlarm(at=alarm.at.astimezone(VIETNAM), event=alarm.event, label=alarm.label) if alarm else None


def status(state: DraftState, workflow_id: str, now: datetime) -> StatusView:
    request, alarm, cutoffs = state.request, _next_alarm(state), registry_cutoffs(state)
    return StatusView(
        submission_id=request.submission_id,
        workflow_id=workflow_id,
        title=request.title,
        lead_ministry=state.lead_ministry,
        examining_committee=state.examining_committee,
        process_version=request.process_version,
        rulebook_version=state.rulebook.version,
        session_procedure=state.procedure,
        target_session=state.target,
        target_session_name=f"{state.target.name} ({state.target.label})",
        stage=state.stage,
        stage_name_vi=FINAL_NAMES_VI[state.stage] if state.stage.is_terminal else state.rulebook.rule(state.stage).name_vi,
        stage_since=state.stage_since,
        stage_deadline=state.deadline,
        deadline_counted=deadline_counted(state),
        overdue=state.overdue,
        pending=pending_decision(state),
        revision_loops=sum(count for _, count in state.returns),
        last_vote=state.last_vote,
        pending_postponement=state.pending_postponement,
        pending_postponement_late=_asked_late(state),
        pending_postponement_deciders=() if state.pending_postponement is None else tuple(
            DeciderView(actor=d.actor, roles=d.roles) for d in state.rulebook.rule(state.stage).postponement_authority),
        postponement=state.postponement,
        open_points=state.open_points,
        escalated_to=_escalated_to(state),
        next_alarm=alarm,
        next_cutoff=NextCutoff(day=cutoffs.cutoff, stage=cutoffs.cutoff_stage, sitting=cutoffs.cutoff_sitting or "",
                               approved_postponement=cutoffs.cutoff_stage is state.stage and state.postponement is not None
                               and cutoffs.cutoff == state.postponement.deadline)
        if cutoffs.cutoff and cutoffs.cutoff_stage else None,
        track=state.track,
        law_kind=request.law_kind,
        # A final draft's rounds are cancelled with it (`rounds.closing`): none awaits its compilation any more.
        open_consultations=() if state.stage.is_terminal else tuple(w.round for w in state.open_rounds),
        classified=request.classified,
        events_recorded=state.seq,
        warnings=warnings(state, now, cutoffs),
        final_step=_final_step(state),
    )


def _final_step(state: DraftState) -> HistoryEntry | None:
    """The event that took a final draft to its final state, among the recent ones it keeps (the few events after it, a
    round cancelled say, leave it there)."""
    if not state.stage.is_terminal:
        return None
    return next((e for e in reversed(state.recent) if e.to_stage is state.stage and e.stage is not state.stage), None)


def _asked_late(state: DraftState) -> bool:
    """Whether the postponement awaiting a decision was asked late, as its event (`DraftState.last`) recorded it."""
    if state.pending_postponement is None:
        return False
    asked = state.last(EventKind.POSTPONEMENT_REQUESTED)
    return bool(asked and asked.late_request)


# How a warning of a postponement asked past a cut-off begins: the API's receipt of the request gives these alone.
ASKED_PAST_CUTOFF = "the date asked"


def _keeps_place(state: DraftState, cutoffs: RegistryCutoffs) -> bool:
    """Whether missing the cut-off leaves the draft at its sitting: the session it counts back from (a meeting's, the
    session the meeting prepares) is extraordinary."""
    return not slips_when_missed(next((x for x in state.sessions if x.code == cutoffs.cutoff_sitting), state.target).extraordinary)


def _then(state: DraftState, cutoffs: RegistryCutoffs) -> str:
    """What missing a later stage's cut-off does: a slip, but at an extraordinary session (found by a new user: "slips when
    it reaches that stage" of a draft deferred to one, which keeps its place)."""
    return ("and keeps its place at the extraordinary session, the cut-off recorded as missed" if _keeps_place(state, cutoffs)
            else "and slips when it reaches that stage")


def warnings(state: DraftState, now: datetime, cutoffs: RegistryCutoffs | None = None) -> tuple[str, ...]:
    """What an operator should know of the draft's limits, in words; `cutoffs` are `registry_cutoffs(state)` when the caller
    has them already."""
    found = []
    cutoffs = registry_cutoffs(state) if cutoffs is None else cutoffs
    if cutoffs.cutoff and cutoffs.cutoff_stage and passes_at(cutoffs.cutoff) <= now:
        # Whether a draft slips is the sitting's the cut-off counts back from (a regular session after an extraordinary
        # one's debate, say), as when the draft reaches that stage; a meeting's cut-off is the session's it prepares.
        keeps = _keeps_place(state, cutoffs)
        # A cut-off of a later stage is missed, and the draft slips, when it reaches that stage.
        when = f" when it reaches {cutoffs.cutoff_stage.value}" if cutoffs.cutoff_stage != state.stage else ""
        # A later session whose cut-off has passed too takes nothing (found by a National Assembly Office's trial: its
        # announcement took away the "none is announced" the warning said).
        later = (session_to_slip_to(state, now) is not None if cutoffs.cutoff_stage is state.stage
                 else any(s.opens_on > state.target.opens_on for s in state.sessions))
        # An extraordinary session keeps a draft on the Government's side only until it opens (the National Assembly
        # Office's trial: "keeps its place", unqualified, for the six weeks before the opening that slipped it).
        opening = opened_without(state) if keeps else None
        # An approved date after the cut-off stands until its authority decides again: the draft slips when it passes.
        approved = (state.postponement.deadline if state.postponement is not None and cutoffs.cutoff_stage is state.stage
                    and state.deadline == state.postponement.deadline and state.deadline > cutoffs.cutoff else None)
        found.append(f"the cut-off {cutoffs.cutoff} for {cutoffs.cutoff_stage.value}, counted back from {cutoffs.cutoff_sitting}, has passed: "
                     + (f"the draft keeps its place at the extraordinary session until it opens on {state.target.opens_on}, then slips "
                        "to the next session announced whose cut-off is ahead" if opening else
                        "the draft keeps its place at the extraordinary session" if keeps else
                        (f"the approved date {approved} stands until the authority that approved it decides again; the draft slips "
                         f"{_slips_when(state, approved, 'if that date passes too')}, to the next session announced whose cut-off is ahead"
                         if approved and passes_at(approved) > now else
                         # Found by a breaker: "slips if that date passes" of a date passed the day before.
                         f"the approved date {approved} has passed too: the draft slips to the next session announced whose cut-off "
                         "is ahead" if approved else
                         f"the draft slips{when} to the next session announced whose cut-off is ahead")
                        + ("" if later or keeps and not opening else " (none is announced yet: legis calendar set-session)")))
    elif (cutoffs.cutoff and cutoffs.cutoff_stage and cutoffs.cutoff_stage is not state.stage and state.deadline is not None
          and state.deadline > cutoffs.cutoff):
        # Found by an integrator: a postponement of appraisal to a date years ahead warned of nothing but that year's rest days.
        found.append(f"the deadline in force, {state.deadline}, is after the cut-off {cutoffs.cutoff} for {cutoffs.cutoff_stage.value}, "
                     f"counted back from {cutoffs.cutoff_sitting}: a draft that finishes {state.stage.value} that late misses it, "
                     f"{_then(state, cutoffs)}")
    if awaiting_session(state):
        found.append(f"no {next_kind(state)} after {state.held.code if state.held else state.target.code} is announced yet: no cut-off to "
                     "count back from")
    if waits_for_meeting(state):
        earlier = session_before(state, state.target)
        found.append(f"no Standing Committee meeting is announced {f'between {earlier.code} and' if earlier else 'before'} {state.target.code}: "
                     "the limit counted back from it waits for one (legis calendar set-meeting)")
    if state.generation >= 2 and (conflict := postponement_conflict(state, now)) is not None and state.postponement is not None:
        # The office told (the event's level); the authority that approved the date is who decides again.
        # At an extraordinary session the draft keeps its place whatever the date (found by a Government Office's trial: the
        # request's warning said so, the status after the approval "slips if it passes").
        keeps = ("the draft keeps its place at the extraordinary session" if not slips_when_missed(state.target.extraordinary)
                 and not opening_first(state, state.postponement.deadline) else
                 f"the draft keeps its place until {_until(state, state.postponement.deadline, 'that date')} and slips "
                 f"{_slips_when(state, state.postponement.deadline, 'if it passes')}")
        found.append(f"the approved date {state.postponement.deadline} is after the cut-off {conflict[0]} for {conflict[1]}: "
                     # As the request's warning said what approving it does (found by a National Assembly Office's trial: the
                     # two read as contradicting each other).
                     f"{keeps}, unless {state.postponement.approved_by.value}, who approved it, decides again "
                     f"(POSTPONEMENT_CONFLICT, raised to {conflict_raised_to(state)[1]})")
    asked = state.pending_postponement
    # The cut-off counted back from the sitting, not a date approved within it that stands (found by a Government Office's
    # trial: a date asked within the cut-off was said to be after it, the approved date named as the cut-off).
    counted = cutoffs.counted or cutoffs.cutoff
    if asked is not None and counted and cutoffs.cutoff_stage is state.stage and asked.new_deadline > counted:
        # Said to whoever asks, before the decision (found by a Government Office's trial: only the deciding inbox said so).
        # What approving it does, as it would (found by a committee's trial: "the conflict is raised ... slips" of a draft whose
        # cut-off had passed, at an extraordinary session, where neither happens).
        passed = passes_at(counted) <= now
        keeps = _keeps_place(state, cutoffs)
        found.append(f"{ASKED_PAST_CUTOFF}, {asked.new_deadline}, is after the cut-off {counted} for {state.stage.value}, counted back "
                     f"from {cutoffs.cutoff_sitting}: approved, it stands"
                     + (", the cut-off having passed already (no conflict is raised)" if passed else
                        f" and the draft keeps its place until {_until(state, asked.new_deadline, 'that date')}, the conflict is raised to "
                        "the office that follows the draft")
                     + (", and the draft keeps its place at the extraordinary session" if keeps and not opening_first(state, asked.new_deadline)
                        else f", and the draft slips {_slips_when(state, asked.new_deadline, 'if the date passes')}"))
    elif asked is not None and cutoffs.cutoff and cutoffs.cutoff_stage not in (None, state.stage) and asked.new_deadline > cutoffs.cutoff:
        # A later stage's cut-off: said before the approval too (found by a trial: only once approved, too late to choose).
        found.append(f"{ASKED_PAST_CUTOFF}, {asked.new_deadline}, is after the cut-off {cutoffs.cutoff} for {cutoffs.cutoff_stage.value}, "
                     f"counted back from {cutoffs.cutoff_sitting}: a draft that finishes {state.stage.value} that late misses it, "
                     f"{_then(state, cutoffs)}")
    if asked is not None and state.generation >= 18 and state.postponement is None and (given := statutory_deadline(state)) and asked.new_deadline < given:
        # What approving it would meet (`rules.check_postponement_decision`), said before (found by a new engineer: a deferral
        # moved the deadline past the date asked, and the status still showed the request awaiting its decision).
        found.append(f"{ASKED_PAST_CUTOFF}, {asked.new_deadline}, is before the deadline the rulebook and calendar give now, {given}: it "
                     "cannot be approved (later_than_current); its authority refuses it, and a later date is asked if one is still needed")
    if state.pending_postponement is None and (refused := _refused_here(state)) is not None:
        # Said to whoever asked, not only in the history (found by a Government Office's trial: the status showed nothing).
        found.append(f"the postponement to {refused.requested_deadline} was refused by {refused.actor.value if refused.actor else 'its authority'} "
                     f"on {refused.occurred_on or local_day(refused.at)}: the deadline in force stands")
    if (state.stage is Stage.STANDING_COMMITTEE_OPINION and state.request.law_kind is LawKind.ORDINANCE and not reconsidered(state)
            and adopting_meeting(state) is None and state.generation >= 19):
        # Found by a committee's trial: its meeting called off, an ordinance awaiting adoption said nothing of it.
        earlier = session_before(state, state.target)  # as at EXAMINATION (found by a breaker: "before" of one before the session before)
        found.append(f"no Standing Committee meeting is announced {f'between {earlier.code} and' if earlier else 'before'} {state.target.code}: "
                     "the ordinance is adopted or returned at one, and the day its decision gives is checked against none until it is "
                     "(legis calendar set-meeting)")
    if state.stage is Stage.STANDING_COMMITTEE_OPINION and reconsidered(state) and adopting_meeting(state) is None and state.generation >= 22:
        # Found by a re-check: the only meeting called off, the status said nothing of what the ordinance waits for.
        found.append(f"no Standing Committee meeting is announced on or after {local_day(state.stage_since)}, the day the ordinance came "
                     "back, to reconsider it (legis calendar set-meeting)")
    if (sat := sat_without(state, local_day(now))) is not None:
        found.append(f"session {sat.code} sat until {last_sitting_day(sat)} with the draft at {state.stage.value}: record what the Assembly "
                     "decided there with the day it was taken (a carry-over to a later session among them), or have the Standing "
                     "Committee defer the draft (legis programme, DEFER)")
    if (meeting := adopting_meeting(state)) is not None and local_day(now) > meeting.meets_on:
        # Found by a breaker: a meeting past with no decision recorded was named as the one to come for months.
        found.append(f"the Standing Committee meeting {meeting.code} on {meeting.meets_on}, which adopts or returns the ordinance, has passed "
                     "with no decision recorded: record it with the day it was taken, or correct the calendar (legis calendar set-meeting)")
    # An approved date falls due as approved, whatever rest days are announced (found by a ministry's trial: told it may move).
    approved = state.postponement is not None and state.postponement.deadline == state.deadline
    if state.generation >= 2 and state.deadline is not None and not approved and not state.working.announced(state.deadline):
        if state.deadline.year < local_day(now).year:  # found by a fuzzer: a year gone by said "not announced yet"
            # Said as it was counted (found by a new user: "on the days expected of that year", of a year the calendar holds no day of).
            found.append(f"the deadline fell in {state.deadline.year}, whose rest days this release's working calendar does not hold: "
                         + ("it was counted on the days expected of that year" if state.working.year(state.deadline.year) else
                            "it was counted with Saturdays and Sundays alone as rest days, its public holidays not known to it"))
        else:
            found.append(f"the deadline falls in {state.deadline.year}, whose rest days the Government has not announced yet; "
                         "it may move when they are")
    # The next cut-off the same, where it is another day than the deadline (found by a new user: moved by an expected
    # holiday, Giỗ Tổ, and nothing said of it).
    cutoff = cutoffs.cutoff
    if cutoff is not None and cutoff != state.deadline and cutoff.year >= local_day(now).year and not state.working.announced(cutoff):
        found.append(f"the next cut-off, {cutoff}, falls in {cutoff.year}, whose rest days the Government has not announced yet; it may "
                     "move when they are")
    return tuple(found)


def _refused_here(state: DraftState) -> HistoryEntry | None:
    """The latest postponement decided at the current stage (among those the draft keeps, `DraftState.kept_of`), when it was a refusal."""
    decided = [e for e in state.kept_of(EventKind.POSTPONEMENT_DECIDED) if e.stage is state.stage and e.at >= state.stage_since]
    return decided[-1] if decided and decided[-1].approved is False else None


def waits_for_meeting(state: DraftState) -> bool:
    """A stage whose limit counts back from the Standing Committee meeting before the draft's session, with none announced
    to count from (seventh generation: one that meets after the session before it): the current stage, its deadline
    waiting, or one ahead while no cut-off ahead can be counted (found by a fresh-user trial: an ordinance at its first
    stage showed neither a cut-off nor why)."""
    if state.generation < 7 or state.stage.is_terminal or meeting_before(state, state.target) is not None:
        return False
    # An approved date standing meanwhile (twenty-fifth generation) does not count the limit.
    if limit_waits_for_meeting(state) or state.deadline is None and any(
            limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING for limit in limits(state)):
        return True
    ahead = state.path[state.path.index(state.stage) + 1:] if state.stage in state.path else ()
    return cutoff_ahead(state) is None and any(
        limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING for stage in ahead for limit in limits(state, stage))


def history(state: DraftState) -> HistoryView:
    """The latest events the workflow keeps; the audit trail in PostgreSQL holds every one."""
    return HistoryView(submission_id=state.submission_id, entries=state.recent, first_seq=state.recent[0].seq if state.recent else 1)


def versions(state: DraftState) -> VersionsView:
    return VersionsView(submission_id=state.submission_id, versions=state.versions)


def title_memo(*, title: str, lead_ministry: str, classified: bool) -> dict[str, str]:
    """The part of a draft's memo that names it; a classified draft's is empty."""
    return {} if classified else {"title": title, "lead_ministry": lead_ministry}


def rulebook_memo(book: Rulebook) -> dict[str, str]:
    return {"rulebook": f"{book.process_version.value} {book.version} ({book.digest})"}


def memo(state: DraftState) -> dict[str, str]:
    """What the Web UI shows as the draft's memo."""
    request = state.request
    return {**rulebook_memo(state.rulebook), **title_memo(title=request.title, lead_ministry=state.lead_ministry, classified=request.classified)}


def visibility(state: DraftState) -> dict:
    """The values of the draft's search attributes (see `workflows.search_attributes.describing`)."""
    return {
        "stage": state.stage.value,
        "process_version": state.request.process_version.value,
        "deadline": passes_at(state.deadline) if state.deadline else None,
        "lead_ministry": state.lead_ministry,
        "target_session": state.target.code,
        "classified": state.classified,
    }


def responsible(state: DraftState) -> str:
    """The agency expected to act: the lead ministry's code, the examining committee's code where the start named it
    (`examining_committee`, so that the examination waits in its inbox alone) and the draft is not classified (whose
    committee is withheld as its status withholds it), else the deciding body."""
    if state.stage.is_terminal:
        return ""
    actor = state.rulebook.rule(state.stage).deciders[0].actor
    if actor is Actor.NA_COMMITTEE and state.examining_committee and not state.classified:
        return state.examining_committee
    return state.lead_ministry if actor is Actor.LEAD_MINISTRY else actor.value


def registry_row(state: DraftState, workflow_id: str) -> RegistryRow:
    request = state.request
    return RegistryRow(
        submission_id=request.submission_id,
        workflow_id=workflow_id,
        title=None if request.classified else request.title,
        lead_ministry=state.lead_ministry,
        process_version=request.process_version,
        target_session=state.target.code,
        stage=state.stage,
        stage_since=state.stage_since,
        stage_deadline=state.deadline,
        responsible=responsible(state),
        classified=request.classified,
    )


def alarm_summary(state: DraftState, wake: Wake) -> str:
    """The Web UI's summary of the timer to `wake`, in Ha Noi time: "next alarm of APPRAISAL: WARNING 5 days
    before, 2026-12-07 00:00 (Ha Noi)", or the check of a consultation round the draft awaits."""
    at = wake.at.astimezone(VIETNAM)
    when = f"{at.date()} {at.hour:02d}:{at.minute:02d} (Ha Noi)"
    if wake.opening:
        return f"{opening_label(state)}, {when}"
    if wake.alarm is None:
        return f"next check of a consultation round, {when}"
    label = f" {wake.alarm.label}" if wake.alarm.label else ""
    return f"next alarm of {state.stage.value}: {wake.alarm.event.value}{label}, {when}"


def details(state: DraftState) -> str:
    """The markdown an operator reads under "Current details" in the Web UI, in Ha Noi time."""
    since: datetime = state.stage_since.astimezone(VIETNAM)
    # Not strftime: it imports `time` on every call, which inside the workflow sandbox is an import through its hook.
    lines = [f"**Stage:** {state.stage.value} since {since.date()} {since.hour:02d}:{since.minute:02d} (Ha Noi)"]
    if not state.classified:
        lines.insert(0, f"**{state.request.title}** ({state.lead_ministry})")
    if state.deadline:
        lines.append(f"**Deadline:** {state.deadline}" + (" — OVERDUE" if state.overdue else ""))
        if state.overdue and (level := _escalated_to(state)) is not None:
            lines.append(f"**Escalated to:** {level.value}")
    if not state.classified:  # a classified draft's session is withheld, as its status withholds it (found by a Web UI trial: no session here)
        lines.append(f"**Session:** {state.target.code}, opening {state.target.opens_on}")
    pending = pending_decision(state)
    if pending:
        who = "; ".join(f"{d.actor.value} ({', '.join(r.value for r in d.roles)})" for d in pending.deciders)
        lines.append(f"**Pending decision:** {', '.join(o.value for o in pending.outcomes)} by {who}")
        if (sitting := pending.at_sitting_of) is not None:
            lines.append(f"**Decided at a sitting** of {sitting.code}, from its opening on {sitting.opens_on}"
                         + (f" to {sitting.phases[-1].ends_on}" if sitting.phases else ""))
        if (meeting := pending.at_meeting) is not None:
            lines.append(f"**Decided at the Standing Committee's meeting** {meeting.code} on {meeting.meets_on}")
        if pending.missing_documents:
            lines.append(f"**Missing documents:** {pending.missing_said()}")
    if state.open_rounds and not state.stage.is_terminal:
        lines.append(f"**Consultations awaiting compilation:** {', '.join(f'{w.round.round_id} ({w.round.kind.value})' for w in state.open_rounds)}")
    if state.track is not ProgrammeTrack.REGULAR:
        lines.append(f"**Programme track:** {state.track.value}")
    return "\n\n".join(lines)


def pending_decision(state: DraftState) -> PendingDecision | None:
    if state.stage.is_terminal:
        return None
    rule = state.rulebook.rule(state.stage)
    missing = missing_documents(rule, state)
    sitting = state.generation >= 8 and state.stage in SITTING_STAGES and not awaits_later_session(state)
    outcomes = tuple(o for o in rule.outcomes if offered(state, o))
    sent_back = state.stage is Stage.PROMULGATION and Outcome.RETURN_FOR_REVISION in outcomes
    return PendingDecision(stage=state.stage, outcomes=outcomes, deciders=tuple(DeciderView(actor=d.actor, roles=d.roles) for d in rule.deciders),
                           withdrawal=() if state.stage in PASSED_STAGES else tuple(DeciderView(actor=d.actor, roles=d.roles) for d in state.rulebook.withdrawal),
                           required_documents=rule.required_documents, missing_documents=missing, filed_before=filed_before(rule, state, missing),
                           at_sitting_of=state.target if sitting else None, at_meeting=adopting_meeting(state),
                           reconsider_by=reconsideration_last_day(state) if sent_back else None)


def offered(state: DraftState, outcome: Outcome) -> bool:
    """Whether the pending decision offers `outcome`: at PROMULGATION the President sends back only an ordinance, once
    where the rulebook refers one to the Assembly, and refers it only once sent back and adopted again; neither once the
    Assembly decided on it (`check_reconsideration`, `check_referral`; their window is a day's, not the view's)."""
    if not depends_on_the_draft(state.stage, outcome):
        return True
    if state.request.law_kind is not LawKind.ORDINANCE or referred(state.rulebook, state.path, state.request.law_kind):
        return False
    once = state.rulebook.rule(state.stage).refer_to is not None
    return reconsidered(state) if outcome is Outcome.REFER_TO_ASSEMBLY else not (once and reconsidered(state))


def depends_on_the_draft(stage: Stage, outcome: Outcome) -> bool:
    """Whether `offered` may hold `outcome` back at `stage` for what the draft is and has been through (the rulebook alone
    does not tell): the President's return or referral of an ordinance."""
    return outcome is Outcome.REFER_TO_ASSEMBLY or (stage is Stage.PROMULGATION and outcome is Outcome.RETURN_FOR_REVISION)
