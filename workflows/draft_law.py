"""DraftLawWorkflow: one draft law on its statutory path, from its first stage to a final state."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    import hashlib

    from activities.audit import AuditActivities
    from activities.rulebook import load_pinned_rulebook
    from schemas.enums import (
        Actor,
        DeadlineAnchor,
        DocumentKind,
        EventKind,
        Outcome,
        ProgrammeChangeKind,
        ProgrammeTrack,
        Response,
        SessionProcedure,
        Stage,
    )
    from schemas.messages import (
        ConsultationInput,
        ConsultationRequest,
        ConsultationResult,
        OpenRound,
        ProgrammeChange,
        AgencyRemap,
        Decision,
        Disagreement,
        DocumentRef,
        DossierFiling,
        DossierVersion,
        DraftLawInput,
        DraftState,
        HistoryEntry,
        HistoryView,
        LoadRulebookInput,
        OpenPoint,
        PostponementDecision,
        PostponementRequest,
        RecordEventInput,
        RegistryRow,
        Ruling,
        SessionCalendar,
        StandingCommitteeMeeting,
        StartRequest,
        StatusView,
        TargetSession,
        VersionsView,
        VoteCount,
    )
    from schemas.rulebook import ConsultationWindow, Rulebook
    from workflows import search_attributes as sa
    from workflows.metrics import count_event
    from workflows.decision_rules import (
        DecisionRefused,
        check_consultation,
        check_programme_change,
        check_decision,
        check_disagreement,
        check_filing,
        check_postponement_decision,
        check_postponement_request,
        check_ruling,
        pending_decision,
        return_target,
    )
    from workflows.deadlines import VIETNAM, earliest, local_day, passes_at, shift_days, stage_deadline
    from workflows.follow_up import Alarm, alarms, is_late_request
    from workflows.consultation import RESULT_SIGNAL, ConsultationWorkflow
    from workflows.consultation import workflow_id_for as consultation_id_for
    from workflows.stage_graph import next_stage, place_on_new_path, resolve, stage_path

TASK_QUEUE = "legis-submissions"
WORKFLOW_TYPE = "DraftLawWorkflow"
WORKFLOW_ID_PREFIX = "draft-law-"
# Drafts started before publication in the Official Gazette was modelled end at PROMULGATED.
PUBLICATION_PATCH = "publication-stage"

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# A database outage must delay the audit trail, never lose it: retry without limit, backing off.
_ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


def workflow_id_for(submission_id: str) -> str:
    return f"{WORKFLOW_ID_PREFIX}{submission_id}"


def _decision_label(decision: Decision) -> str | None:
    if decision.carry_to is not None:
        return f"carried over to session {decision.carry_to.code} (opens {decision.carry_to.opens_on})"
    if decision.vote is not None and decision.vote.passed and decision.vote.parts_not_passed:
        return f"passed in part; not passed: {', '.join(decision.vote.parts_not_passed)}"
    return None


def _require(message: object, model: type) -> None:
    # A JSON null passes the data converter as None; refuse it like any other malformed message.
    if not isinstance(message, model):
        raise DecisionRefused("input", "message_required", f"a {model.__name__} object is required, got {type(message).__name__}")


# A start request that does not validate (say, from a plain `temporal workflow start`) fails the
# workflow with pydantic's message instead of leaving its first task retrying for ever.
@workflow.defn(name=WORKFLOW_TYPE, failure_exception_types=[ValidationError])
class DraftLawWorkflow:
    @workflow.init
    def __init__(self, request: DraftLawInput) -> None:
        self._request = request
        self._track = ProgrammeTrack.REGULAR
        self._procedure = request.session_procedure
        self._publication = workflow.patched(PUBLICATION_PATCH)
        self._book: Rulebook | None = None
        self._path = self._path_on(self._track, self._procedure)
        self._stage = self._path[0]
        self._stage_since = workflow.now()
        self._deadline: date | None = None
        self._overdue = False
        self._dossier: dict[DocumentKind, DocumentRef] = {}
        self._versions: list[DossierVersion] = []
        self._returns: dict[Stage, int] = {}
        self._last_vote: VoteCount | None = None
        self._pending_postponement: PostponementRequest | None = None
        # Disagreements between ministries awaiting a ruling, by point ID, and every point ever raised.
        self._open_points: dict[str, OpenPoint] = {}
        self._points_raised: set[str] = set()
        # The session the draft is aimed at, and the sessions operators last announced (for slipping).
        self._target: TargetSession = request.target_session
        # The lead ministry's code, which a reorganisation may replace while the draft runs.
        self._lead_ministry = request.lead_ministry
        self._calendar: tuple[TargetSession, ...] = ()
        self._meetings: tuple[StandingCommitteeMeeting, ...] = ()
        # Alarms already raised for the current stage and deadline, by Alarm.key.
        self._fired: set[str] = set()
        # Consultation rounds (child workflows) awaiting their compilation, and every round ID used.
        self._open_rounds: dict[str, OpenRound] = {}
        self._rounds_opened: set[str] = set()
        self._history: list[HistoryEntry] = []
        # Events not yet in the audit trail, written in order by the main loop alone.
        self._outbox: list[HistoryEntry] = []
        if request.carried is not None:
            self._restore(request.carried)

    @workflow.run
    async def run(self, request: DraftLawInput) -> StatusView:
        if request.carried is None:
            await self._open(request)
        while True:
            await self._flush_outbox()
            if self._stage.is_terminal:
                break
            if workflow.info().is_continue_as_new_suggested():
                # A long-lived draft starts a fresh run with its whole state; nothing is lost or written twice.
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self._flush_outbox()
                if not self._stage.is_terminal:
                    workflow.continue_as_new(
                        request.model_copy(update={"carried": self._carried_state()}),
                        memo=self._memo(),
                        search_attributes=workflow.info().typed_search_attributes,
                    )
                continue
            await self._wait_for_event_or_alarm()
        for open_round in list(self._open_rounds.values()):
            # A withdrawn or rejected draft asks nobody's opinion any more.
            await workflow.get_external_workflow_handle(open_round.workflow_id).cancel()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._flush_outbox()
        return self.status()

    async def _open(self, request: StartRequest) -> None:
        expected_id = workflow_id_for(request.submission_id)
        if workflow.info().workflow_id != expected_id:
            raise ApplicationError(
                f"workflow_id: must be {expected_id} for submission_id {request.submission_id} (rule: one workflow per submission)",
                type="InvalidStart",
                non_retryable=True,
            )
        self._book = await workflow.execute_activity(
            load_pinned_rulebook,
            LoadRulebookInput(process_version=request.process_version),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=_ACTIVITY_RETRY,
            summary=f"pin rulebook {request.process_version.value}",
        )
        workflow.upsert_memo({"rulebook": self._memo()["rulebook"]})
        # `start_submission` gives the title in the start's memo; a draft started otherwise gets it here.
        named = sa.title_memo(title=request.title, lead_ministry=request.lead_ministry, classified=request.classified)
        if named and workflow.memo_value("title", None) is None:
            workflow.upsert_memo(named)
        self._enter(self._stage, workflow.now())
        self._append(HistoryEntry(seq=1, at=workflow.now(), event=EventKind.SUBMITTED, stage=self._stage, to_stage=self._stage))

    def _memo(self) -> dict[str, str]:
        """What the Web UI shows as the draft's memo; a classified draft's title and ministry stay out."""
        assert self._book is not None
        request = self._request
        return {
            "rulebook": f"{self._book.process_version.value} {self._book.version} ({self._book.digest})",
            **sa.title_memo(title=request.title, lead_ministry=self._lead_ministry, classified=request.classified),
        }

    def _carried_state(self) -> DraftState:
        assert self._book is not None and not self._outbox
        return DraftState(
            rulebook=self._book,
            stage=self._stage,
            stage_since=self._stage_since,
            deadline=self._deadline,
            overdue=self._overdue,
            dossier=tuple(self._dossier.values()),
            versions=tuple(self._versions),
            returns=tuple(self._returns.items()),
            last_vote=self._last_vote,
            pending_postponement=self._pending_postponement,
            target=self._target,
            lead_ministry=self._lead_ministry,
            calendar=self._calendar,
            meetings=self._meetings,
            fired=tuple(sorted(self._fired)),
            history=tuple(self._history),
            open_points=tuple(self._open_points.values()),
            points_raised=tuple(sorted(self._points_raised)),
            path=self._path,
            track=self._track,
            procedure=self._procedure,
            open_rounds=tuple(self._open_rounds.values()),
            rounds_opened=tuple(sorted(self._rounds_opened)),
        )

    def _restore(self, state: DraftState) -> None:
        self._book = state.rulebook
        self._stage = state.stage
        self._stage_since = state.stage_since
        self._deadline = state.deadline
        self._overdue = state.overdue
        self._dossier = {doc.kind: doc for doc in state.dossier}
        self._versions = list(state.versions)
        self._returns = dict(state.returns)
        self._last_vote = state.last_vote
        self._pending_postponement = state.pending_postponement
        self._target = state.target
        self._lead_ministry = state.lead_ministry
        self._calendar = state.calendar
        self._meetings = state.meetings
        self._fired = set(state.fired)
        self._history = list(state.history)
        self._open_points = {p.point.point_id: p for p in state.open_points}
        self._points_raised = set(state.points_raised)
        self._track = state.track
        self._procedure = state.procedure or self._procedure
        self._path = state.path if state.path is not None else self._path_on(self._track, self._procedure)
        self._open_rounds = {r.round_id: r for r in state.open_rounds}
        self._rounds_opened = set(state.rounds_opened)

    # Decisions -------------------------------------------------------------------------------

    @workflow.update
    async def decide(self, decision: Decision) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_decision(decision))
        self._apply_decision(decision)
        return self.status()

    @decide.validator
    def validate_decide(self, decision: Decision) -> None:
        self._refuse_if(lambda: self._check_decision(decision))

    @workflow.update
    async def file_dossier(self, filing: DossierFiling) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_filing(filing))
        seq = self._next_seq()
        version = self._file(filing.documents, seq)
        self._append(
            HistoryEntry(
                seq=seq,
                at=workflow.now(),
                version=version,
                event=EventKind.DOSSIER_FILED,
                stage=self._stage,
                actor=filing.actor,
                agency_code=filing.agency_code,
                role=filing.role,
                official=filing.official,
                documents=filing.documents,
            )
        )
        self._refresh_details()
        return self.status()

    @file_dossier.validator
    def validate_file_dossier(self, filing: DossierFiling) -> None:
        self._refuse_if(lambda: self._check_filing(filing))

    @workflow.update
    async def request_postponement(self, request: PostponementRequest) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_postponement_request(request))
        assert self._book is not None and self._deadline is not None
        self._pending_postponement = request
        self._append(
            HistoryEntry(
                seq=self._next_seq(),
                at=workflow.now(),
                event=EventKind.POSTPONEMENT_REQUESTED,
                stage=self._stage,
                actor=request.actor,
                agency_code=request.agency_code,
                role=request.role,
                official=request.official,
                reasons=request.reason,
                deadline=self._deadline,
                requested_deadline=request.new_deadline,
                late_request=is_late_request(self._book.follow_up, deadline=self._deadline, asked_on=local_day(workflow.now())),
            )
        )
        self._refresh_details()
        return self.status()

    @request_postponement.validator
    def validate_request_postponement(self, request: PostponementRequest) -> None:
        self._refuse_if(lambda: self._check_postponement_request(request))

    @workflow.update
    async def decide_postponement(self, decision: PostponementDecision) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_postponement_decision(decision))
        asked = self._pending_postponement
        assert asked is not None
        self._pending_postponement = None
        self._append(
            HistoryEntry(
                seq=self._next_seq(),
                at=workflow.now(),
                event=EventKind.POSTPONEMENT_DECIDED,
                stage=self._stage,
                actor=decision.actor,
                agency_code=decision.agency_code,
                role=decision.role,
                official=decision.official,
                reasons=decision.reason,
                deadline=self._deadline,
                requested_deadline=asked.new_deadline,
                approved=decision.approved,
            )
        )
        if decision.approved:
            self._move_deadline(asked.new_deadline)
        self._refresh_details()
        return self.status()

    @decide_postponement.validator
    def validate_decide_postponement(self, decision: PostponementDecision) -> None:
        self._refuse_if(lambda: self._check_postponement_decision(decision))

    @workflow.update
    async def calendar_changed(self, calendar: SessionCalendar) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: _require(calendar, SessionCalendar))
        self._calendar = tuple(sorted(calendar.sessions, key=lambda s: s.opens_on))
        meeting_before = self._meeting_before(self._target)
        self._meetings = tuple(sorted(calendar.meetings, key=lambda m: m.meets_on))
        if self._meeting_before(self._target) != meeting_before:
            self._recompute_from_calendar()
            meeting = self._meeting_before(self._target)
            self._append(
                HistoryEntry(
                    seq=self._next_seq(),
                    at=workflow.now(),
                    event=EventKind.MEETING_SCHEDULED,
                    stage=self._stage,
                    official=calendar.changed_by,
                    deadline=self._deadline,
                    label=f"Standing Committee meeting before session {self._target.code}: "
                    + (f"{meeting.code} on {meeting.meets_on}" if meeting else "none announced"),
                )
            )
        announced = next((s for s in self._calendar if s.code == self._target.code), None)
        if announced is not None and announced.opens_on != self._target.opens_on:
            was = self._target.opens_on
            self._target = announced
            self._recompute_from_calendar()
            self._append(
                HistoryEntry(
                    seq=self._next_seq(),
                    at=workflow.now(),
                    event=EventKind.SESSION_RESCHEDULED,
                    stage=self._stage,
                    official=calendar.changed_by,
                    deadline=self._deadline,
                    label=f"session {announced.code} now opens {announced.opens_on} (was {was})",
                )
            )
        if self._cutoff_missed():
            self._slip()
        self._refresh_details()
        return self.status()

    @workflow.update
    async def raise_disagreement(self, point: Disagreement) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_disagreement(point))
        assert self._book is not None
        self._open_points[point.point_id] = OpenPoint(point=point, with_actor=self._book.arbitration[0].actor)
        self._points_raised.add(point.point_id)
        self._append(HistoryEntry(
            seq=self._next_seq(), at=workflow.now(), event=EventKind.DISAGREEMENT_RAISED, stage=self._stage, actor=point.actor,
            agency_code=point.agency_code, role=point.role, official=point.official, reasons=point.summary,
            label=f"point {point.point_id}: {', '.join(point.parties)} disagree; to {self._book.arbitration[0].actor.value}",
        ))
        self._refresh_details()
        return self.status()

    @raise_disagreement.validator
    def validate_raise_disagreement(self, point: Disagreement) -> None:
        self._refuse_if(lambda: self._check_disagreement(point))

    @workflow.update
    async def rule_on_disagreement(self, ruling: Ruling) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_ruling(ruling))
        assert self._book is not None
        open_point = self._open_points[ruling.point_id]
        if ruling.escalate:
            levels = [d.actor for d in self._book.arbitration]
            above = levels[levels.index(open_point.with_actor) + 1]
            self._open_points[ruling.point_id] = open_point.model_copy(update={"with_actor": above})
            event, label = EventKind.DISAGREEMENT_ESCALATED, f"point {ruling.point_id}: escalated to {above.value}"
        else:
            del self._open_points[ruling.point_id]
            event, label = EventKind.DISAGREEMENT_RULED, f"point {ruling.point_id}: ruled by {ruling.actor.value}"
        self._append(HistoryEntry(
            seq=self._next_seq(), at=workflow.now(), event=event, stage=self._stage, actor=ruling.actor,
            agency_code=ruling.agency_code, role=ruling.role, official=ruling.official, reasons=ruling.ruling, label=label,
        ))
        self._refresh_details()
        return self.status()

    @rule_on_disagreement.validator
    def validate_rule_on_disagreement(self, ruling: Ruling) -> None:
        self._refuse_if(lambda: self._check_ruling(ruling))

    def _check_disagreement(self, point: Disagreement) -> None:
        _require(point, Disagreement)
        if self._book is None:
            return
        check_disagreement(
            self._book, stage=self._stage, lead_ministry=self._lead_ministry, known_points=self._points_raised, point=point
        )

    def _check_ruling(self, ruling: Ruling) -> None:
        _require(ruling, Ruling)
        if self._book is None:
            return
        check_ruling(self._book, lead_ministry=self._lead_ministry, open_points=self._open_points, ruling=ruling)

    @workflow.update
    async def remap_agency(self, remap: AgencyRemap) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_remap(remap))
        self._lead_ministry = remap.new_code
        self._append(
            HistoryEntry(
                seq=self._next_seq(),
                at=workflow.now(),
                event=EventKind.AGENCY_REMAPPED,
                stage=self._stage,
                agency_code=remap.new_code,
                official=remap.changed_by,
                reasons=remap.reason,
                label=f"lead ministry {remap.old_code} is now {remap.new_code}",
            )
        )
        if not self._request.classified:
            workflow.upsert_memo({"lead_ministry": remap.new_code})
        self._upsert_search_attributes()
        self._refresh_details()
        return self.status()

    @remap_agency.validator
    def validate_remap_agency(self, remap: AgencyRemap) -> None:
        self._refuse_if(lambda: self._check_remap(remap))

    def _check_remap(self, remap: AgencyRemap) -> None:
        _require(remap, AgencyRemap)
        if self._stage.is_terminal:
            raise DecisionRefused("old_code", "draft_closed", f"the draft is {self._stage.value}; its record is final")
        if remap.old_code != self._lead_ministry:
            raise DecisionRefused("old_code", "lead_ministry_only", f"this draft is led by {self._lead_ministry}, not {remap.old_code}")

    @calendar_changed.validator
    def validate_calendar_changed(self, calendar: SessionCalendar) -> None:
        self._refuse_if(lambda: _require(calendar, SessionCalendar))

    @workflow.update
    async def change_programme(self, change: ProgrammeChange) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        self._refuse_if(lambda: self._check_programme_change(change))
        assert self._book is not None
        now, was, old_target = workflow.now(), self._stage, self._target
        kind = change.kind
        to_stage, label = was, kind.value
        if kind is ProgrammeChangeKind.WITHDRAW:
            to_stage, label = Stage.WITHDRAWN, "withdrawn from the programme"
        elif kind is ProgrammeChangeKind.ADD:
            to_stage, label = next_stage(self._path, was), "added to the programme"
        elif kind is ProgrammeChangeKind.DEFER:
            label = "brought to an extraordinary session" if change.to_session and change.to_session.extraordinary else "deferred"
        else:
            track, procedure = self._programme_after(change)
            if kind is ProgrammeChangeKind.SWITCH_PROCEDURE:
                label = f"{self._procedure.value} -> {procedure.value}"
            else:
                label = f"moved to the {track.value} procedure"
            self._track, self._procedure = track, procedure
            to_stage = self._reroute()
        if change.to_session is not None:
            self._target = change.to_session
            label += f"; aimed at session {self._target.code} (opens {self._target.opens_on})"
        self._append(HistoryEntry(
            seq=self._next_seq(), at=now, event=EventKind.PROGRAMME_CHANGED, stage=was, to_stage=to_stage, actor=change.actor,
            agency_code=change.agency_code, role=change.role, official=change.official, reasons=change.reason,
            deadline=self._deadline, label=label,
        ))
        if to_stage is not was:
            self._enter(to_stage, now)
        elif self._target != old_target:
            self._recompute_from_calendar()
            self._refresh_details()
        else:
            self._refresh_details()
        return self.status()

    @change_programme.validator
    def validate_change_programme(self, change: ProgrammeChange) -> None:
        self._refuse_if(lambda: self._check_programme_change(change))

    @workflow.update
    async def open_consultation(self, request: ConsultationRequest) -> StatusView:
        await workflow.wait_condition(lambda: self._book is not None)
        days = self._refuse_if(lambda: self._check_consultation(request))
        assert self._book is not None and self._book.window(request.kind) is not None
        window = self._book.window(request.kind)
        self._rounds_opened.add(request.round_id)
        now = workflow.now()
        closes_at = self._round_closes_at(window, days)
        child_id = consultation_id_for(self._request.submission_id, request.round_id)
        await workflow.start_child_workflow(
            ConsultationWorkflow.run,
            ConsultationInput(
                submission_id=self._request.submission_id,
                parent_workflow_id=workflow.info().workflow_id,
                request=request,
                lead_ministry=self._lead_ministry,
                closes_at=closes_at,
            ),
            id=child_id,
            # The round outlives a run of its draft that continues as new; it reports by signal.
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=f"{request.kind.value} round {request.round_id} of {self._request.submission_id}",
        )
        self._open_rounds[request.round_id] = OpenRound(round_id=request.round_id, kind=request.kind, workflow_id=child_id, opened_at=now)
        asked = f"{len(request.consultees)} consultees" if request.consultees else "the public"
        self._append(HistoryEntry(
            seq=self._next_seq(), at=now, event=EventKind.CONSULTATION_OPENED, stage=self._stage, actor=request.actor,
            agency_code=request.agency_code, role=request.role, official=request.official,
            label=f"round {request.round_id}: {request.kind.value} to {asked} until {local_day(closes_at - timedelta(seconds=1))}",
        ))
        self._refresh_details()
        return self.status()

    @open_consultation.validator
    def validate_open_consultation(self, request: ConsultationRequest) -> None:
        self._refuse_if(lambda: self._check_consultation(request))

    @workflow.signal(name=RESULT_SIGNAL)
    def consultation_finished(self, result: ConsultationResult) -> None:
        if result.round_id not in self._open_rounds or self._stage.is_terminal:
            return
        del self._open_rounds[result.round_id]
        prefix = f"round {result.round_id}"
        for received in result.opinions:
            opinion = received.opinion
            self._append(HistoryEntry(
                seq=self._next_seq(), at=received.at, event=EventKind.OPINION_RECEIVED, stage=self._stage,
                agency_code=opinion.consultee, official=opinion.official, documents=opinion.documents,
                reasons="; ".join(f"{c.comment_id}: {c.text}" for c in opinion.comments),
                label=f"{prefix}: {opinion.consultee}, {len(opinion.comments)} comments",
            ))
        for consultee in result.silent:
            self._append(HistoryEntry(
                seq=self._next_seq(), at=result.closed_at, event=EventKind.CONSULTEE_SILENT, stage=self._stage,
                agency_code=consultee, label=f"{prefix}: {consultee} did not answer by {result.closed_at:%Y-%m-%d}",
            ))
        compilation = result.compilation
        document = compilation.document or DocumentRef(
            kind=DocumentKind.COMMENTS_COMPILATION,
            name=f"Bản tổng hợp, tiếp thu, giải trình ({result.round_id})",
            sha256=hashlib.sha256(compilation.model_dump_json().encode()).hexdigest(),
        )
        seq = self._next_seq()
        accepted = sum(r.response is Response.ACCEPTED for r in compilation.responses)
        self._append(HistoryEntry(
            seq=seq, at=workflow.now(), event=EventKind.CONSULTATION_COMPILED, stage=self._stage, actor=compilation.actor,
            agency_code=compilation.agency_code, role=compilation.role, official=compilation.official, documents=(document,),
            version=self._file((document,), seq),
            label=f"{prefix}: {len(result.opinions)} opinions, {len(result.silent)} silent; "
            f"{accepted} comments accepted, {len(compilation.responses) - accepted} explained",
        ))
        self._refresh_details()

    # Queries ---------------------------------------------------------------------------------

    @workflow.query
    def status(self) -> StatusView:
        request = self._request
        return StatusView(
            submission_id=request.submission_id,
            workflow_id=workflow.info().workflow_id,
            title=request.title,
            lead_ministry=self._lead_ministry,
            process_version=request.process_version,
            rulebook_version=self._book.version if self._book else "",
            session_procedure=request.session_procedure,
            target_session=self._target,
            stage=self._stage,
            stage_since=self._stage_since,
            stage_deadline=self._deadline,
            overdue=self._overdue,
            pending=pending_decision(self._book, self._stage, self._dossier) if self._book else None,
            revision_loops=sum(self._returns.values()),
            last_vote=self._last_vote,
            pending_postponement=self._pending_postponement,
            open_points=tuple(self._open_points.values()),
            next_alarm=next((f"{a.label}: {a.at.astimezone(VIETNAM):%Y-%m-%d %H:%M} ICT" for a in self._alarms_due_later()), None),
            track=self._track,
            law_kind=request.law_kind,
            open_consultations=tuple(self._open_rounds.values()),
            classified=request.classified,
        )

    @workflow.query
    def versions(self) -> VersionsView:
        return VersionsView(submission_id=self._request.submission_id, versions=tuple(self._versions))

    @workflow.query
    def history(self) -> HistoryView:
        return HistoryView(submission_id=self._request.submission_id, entries=tuple(self._history))

    # Internals -------------------------------------------------------------------------------

    def _check_decision(self, decision: Decision) -> None:
        _require(decision, Decision)
        if self._book is None:
            return
        check_decision(
            self._book,
            self._path,
            stage=self._stage,
            lead_ministry=self._lead_ministry,
            dossier=self._dossier.keys(),
            decision=decision,
            open_points=self._open_points.keys(),
            target_opens_on=self._target.opens_on,
            open_rounds=self._open_rounds.keys(),
            law_kind=self._request.law_kind,
            days_at_stage=(local_day(workflow.now()) - local_day(self._stage_since)).days,
        )

    def _check_programme_change(self, change: ProgrammeChange) -> None:
        _require(change, ProgrammeChange)
        if self._book is None:
            return
        check_programme_change(
            self._book,
            self._path,
            stage=self._stage,
            track=self._track,
            procedure=self._procedure,
            version=self._request.process_version,
            law_kind=self._request.law_kind,
            target_opens_on=self._target.opens_on,
            lead_ministry=self._lead_ministry,
            change=change,
        )
        new_path = self._path_on(*self._programme_after(change))
        unruled = [stage.value for stage in new_path if not any(r.stage is stage for r in self._book.stages)]
        if unruled:
            raise DecisionRefused("kind", "rulebook_edition",
                                  f"rulebook {self._book.version}, pinned by this draft, has no rule for {', '.join(unruled)}")

    def _check_consultation(self, request: ConsultationRequest) -> int:
        _require(request, ConsultationRequest)
        if self._book is None:
            return 0
        days = check_consultation(
            self._book,
            stage=self._stage,
            lead_ministry=self._lead_ministry,
            classified=self._request.classified,
            rounds_opened=self._rounds_opened,
            request=request,
        )
        window = self._book.window(request.kind)
        assert window is not None
        if window.anchor is DeadlineAnchor.BEFORE_NA_SESSION and (closes_at := self._round_closes_at(window, days)) <= workflow.now():
            last_day = local_day(closes_at - timedelta(seconds=1))
            raise DecisionRefused("kind", "window_passed", f"comments were due {window.days} days before session {self._target.code} ({last_day})")
        return days

    def _path_on(self, track: ProgrammeTrack, procedure: SessionProcedure) -> tuple[Stage, ...]:
        """The draft's path on a programme track and session procedure, as its pinned rulebook rules them."""
        request = self._request
        rule = self._book.track(track) if self._book is not None else None
        # A draft carried over from before publication was modelled keeps the rulebook it pinned, which has no such stage.
        publication = self._publication and (self._book is None or any(r.stage is Stage.PUBLICATION for r in self._book.stages))
        return stage_path(request.process_version, procedure, law_kind=request.law_kind, skips=rule.skips if rule else (),
                          publication=publication)

    def _programme_after(self, change: ProgrammeChange) -> tuple[ProgrammeTrack, SessionProcedure]:
        """The track and session procedure a programme change leaves the draft on."""
        moves_track = change.kind in (ProgrammeChangeKind.SHORTENED, ProgrammeChangeKind.SPECIAL)
        return ProgrammeTrack(change.kind.value) if moves_track else self._track, change.procedure or self._procedure

    def _reroute(self) -> Stage:
        """The path after a change of track or procedure; returns where the draft now stands."""
        new_path = self._path_on(self._track, self._procedure)
        stage = place_on_new_path(self._stage, self._path, new_path)
        self._path = new_path
        return stage

    def _round_closes_at(self, window: ConsultationWindow, days: int) -> datetime:
        """When a round stops taking opinions: after its window, or the set number of days before the target session."""
        assert self._book is not None
        if window.anchor is DeadlineAnchor.BEFORE_NA_SESSION:
            last_day = shift_days(self._target.opens_on, -window.days, window.counting, self._book.holidays)
        else:
            last_day = shift_days(local_day(workflow.now()), days, window.counting, self._book.holidays)
        return passes_at(last_day)

    def _check_postponement_request(self, request: PostponementRequest) -> None:
        _require(request, PostponementRequest)
        if self._book is None:
            return
        check_postponement_request(
            self._book,
            stage=self._stage,
            deadline=self._deadline,
            lead_ministry=self._lead_ministry,
            pending=self._pending_postponement,
            request=request,
        )

    def _check_postponement_decision(self, decision: PostponementDecision) -> None:
        _require(decision, PostponementDecision)
        if self._book is None:
            return
        check_postponement_decision(
            self._book,
            stage=self._stage,
            lead_ministry=self._lead_ministry,
            pending=self._pending_postponement,
            decision=decision,
        )

    def _calendar_anchored(self) -> bool:
        """Whether the current stage's deadline is counted back from the session or the meeting before it."""
        if self._book is None or self._stage.is_terminal:
            return False
        rule = self._book.rule(self._stage)
        return any(
            limit is not None and limit.anchor in (DeadlineAnchor.BEFORE_NA_SESSION, DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING)
            for limit in (rule.time_limit, rule.meeting_cutoff)
        )

    def _meeting_before(self, session: TargetSession) -> StandingCommitteeMeeting | None:
        """The last announced Standing Committee meeting before the session opens: the one that discusses the draft."""
        return next((m for m in reversed(self._meetings) if m.meets_on < session.opens_on), None)

    def _deadline_for(self, session: TargetSession) -> date | None:
        """The current stage's deadline if the draft aimed at `session`: the earliest cut-off that applies."""
        assert self._book is not None
        rule = self._book.rule(self._stage)
        meeting = self._meeting_before(session)
        return earliest(*(
            stage_deadline(
                limit,
                entered_at=self._stage_since,
                session_opens_on=session.opens_on,
                meeting_on=meeting.meets_on if meeting else None,
                holidays=self._book.holidays,
            )
            for limit in (rule.time_limit, rule.meeting_cutoff)
        ))

    def _recompute_from_calendar(self) -> None:
        deadline = self._deadline_for(self._target) if self._calendar_anchored() else self._deadline
        if deadline != self._deadline and deadline is not None:
            self._move_deadline(deadline)
        else:
            self._upsert_search_attributes()

    def _cutoff_missed(self) -> bool:
        # An extraordinary session is called at short notice: a draft brought to it keeps its place
        # though the usual cut-offs cannot be met (they are still recorded as missed).
        if self._target.extraordinary:
            return False
        return self._calendar_anchored() and self._deadline is not None and passes_at(self._deadline) <= workflow.now()

    def _slip(self) -> bool:
        """A missed cut-off moves the draft to the next announced session whose cut-off is still ahead."""
        now = workflow.now()
        later = (
            s for s in self._calendar
            if s.opens_on > self._target.opens_on and (cutoff := self._deadline_for(s)) is not None and passes_at(cutoff) > now
        )
        following = next(later, None)
        if following is None:
            return False
        missed = self._target
        self._target = following
        new_deadline = self._deadline_for(following)
        assert new_deadline is not None
        self._move_deadline(new_deadline)
        self._append(
            HistoryEntry(
                seq=self._next_seq(),
                at=now,
                event=EventKind.SESSION_SLIPPED,
                stage=self._stage,
                deadline=self._deadline,
                label=f"slipped from session {missed.code} (opens {missed.opens_on}) to {following.code} (opens {following.opens_on})",
            )
        )
        workflow.logger.warning(
            "missed cut-off, slipped to the next session",
            extra={"submission_id": self._request.submission_id, "from": missed.code, "to": following.code},
        )
        return True

    def _move_deadline(self, deadline: date) -> None:
        """An approved postponement: the new deadline gets its own alarms, but none already past."""
        self._deadline = deadline
        now = workflow.now()
        self._overdue = passes_at(deadline) <= now
        self._fired = set()
        self._fired = {a.key for a in self._alarms_due_later() if a.event is EventKind.WARNING and a.at <= now}
        self._upsert_search_attributes()

    def _check_filing(self, filing: DossierFiling) -> None:
        _require(filing, DossierFiling)
        if self._book is None:
            return
        check_filing(self._book, stage=self._stage, lead_ministry=self._lead_ministry, filing=filing)

    @staticmethod
    def _refuse_if(check):
        """Run a check; a refusal fails only the caller's update, never a workflow task.

        Until the rulebook is pinned the validator can only check the message's shape; the handler
        waits for the rulebook and checks again.
        """
        try:
            return check()
        except DecisionRefused as refused:
            raise ApplicationError(
                str(refused), {"field": refused.field, "rule": refused.rule}, type="DecisionRefused", non_retryable=True
            ) from None

    def _file(self, documents: tuple[DocumentRef, ...], seq: int) -> int | None:
        """Add documents to the dossier; a change of any content hash makes a new version, whose number is returned."""
        if all((held := self._dossier.get(doc.kind)) is not None and held.sha256 == doc.sha256 for doc in documents):
            return None
        for doc in documents:
            self._dossier[doc.kind] = doc
        self._versions.append(
            DossierVersion(number=len(self._versions) + 1, seq=seq, at=workflow.now(), documents=tuple(self._dossier.values()))
        )
        return len(self._versions)

    def _apply_decision(self, decision: Decision) -> None:
        assert self._book is not None
        seq = self._next_seq()
        about_version = len(self._versions) or None
        version = self._file(decision.documents, seq)
        return_to = None
        if decision.outcome is Outcome.RETURN_FOR_REVISION:
            return_to = return_target(self._book, self._path, decision)
            self._returns[return_to] = self._returns.get(return_to, 0) + 1
        if decision.vote is not None:
            self._last_vote = decision.vote
        if decision.carry_to is not None:
            self._target = decision.carry_to
            self._upsert_search_attributes()
        to_stage = resolve(
            self._path,
            self._stage,
            decision.outcome,
            return_to=return_to,
            vote_passed=decision.vote.passed if decision.vote else None,
        )
        now = workflow.now()
        self._append(
            HistoryEntry(
                seq=seq,
                at=now,
                version=version,
                about_version=about_version,
                event=EventKind.DECISION,
                stage=self._stage,
                to_stage=to_stage,
                outcome=decision.outcome,
                actor=decision.actor,
                agency_code=decision.agency_code,
                role=decision.role,
                official=decision.official,
                reasons=decision.reasons,
                documents=decision.documents,
                vote=decision.vote,
                loop=self._returns.get(return_to, 0) if return_to else 0,
                deadline=self._deadline,
                label=_decision_label(decision),
            )
        )
        workflow.logger.info(
            "decision recorded",
            extra={"submission_id": self._request.submission_id, "stage": self._stage.value, "outcome": decision.outcome.value, "to_stage": to_stage.value},
        )
        if to_stage is not self._stage:
            self._enter(to_stage, now)
        else:
            self._refresh_details()

    def _enter(self, stage: Stage, at: datetime) -> None:
        assert self._book is not None
        self._stage = stage
        self._stage_since = at
        self._overdue = False
        self._fired = set()
        self._pending_postponement = None
        self._deadline = None if stage.is_terminal else self._deadline_for(self._target)
        self._upsert_search_attributes()
        self._refresh_details()

    def _upsert_search_attributes(self) -> None:
        updates = sa.describing(
            stage=self._stage.value,
            process_version=self._request.process_version.value,
            deadline=passes_at(self._deadline) if self._deadline else None,
            lead_ministry=self._lead_ministry,
            target_session=self._target.code,
            classified=self._request.classified,
        )
        workflow.upsert_search_attributes(sa.changes(updates, workflow.info().typed_search_attributes))

    def _alarms_due_later(self) -> list[Alarm]:
        if self._deadline is None or self._book is None:
            return []
        schedule = alarms(self._book.follow_up, window_start=self._stage_since, deadline=self._deadline)
        return [a for a in schedule if a.key not in self._fired]

    async def _wait_for_event_or_alarm(self) -> None:
        upcoming = self._alarms_due_later()
        timeout = upcoming[0].at - workflow.now() if upcoming else None
        if timeout is not None and timeout <= timedelta(0):
            self._raise_alarms()
            return
        try:
            await workflow.wait_condition(
                lambda: bool(self._outbox) or self._stage.is_terminal,
                timeout=timeout,
                timeout_summary=f"{upcoming[0].label} ({self._stage.value})" if upcoming else None,
            )
        except asyncio.TimeoutError:
            self._raise_alarms()

    def _raise_alarms(self) -> None:
        now = workflow.now()
        for alarm in self._alarms_due_later():
            if alarm.at > now:
                break
            self._fired.add(alarm.key)
            if alarm.event is EventKind.DEADLINE_PASSED:
                self._overdue = True
            self._append(
                HistoryEntry(
                    seq=self._next_seq(),
                    at=now,
                    event=alarm.event,
                    stage=self._stage,
                    deadline=self._deadline,
                    label=alarm.label,
                    escalation_level=alarm.level,
                )
            )
            workflow.logger.warning(
                alarm.label,
                extra={"submission_id": self._request.submission_id, "stage": self._stage.value, "deadline": str(self._deadline)},
            )
            if alarm.event is EventKind.DEADLINE_PASSED and self._cutoff_missed() and self._slip():
                break
        self._refresh_details()

    async def _flush_outbox(self) -> None:
        while self._outbox:
            entry = self._outbox[0]
            await workflow.execute_activity_method(
                AuditActivities.record_event,
                RecordEventInput(entry=entry, registry=self._registry_row()),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=_ACTIVITY_RETRY,
                summary=f"audit #{entry.seq} {entry.event.value} {entry.stage.value}",
            )
            self._outbox.pop(0)

    def _append(self, entry: HistoryEntry) -> None:
        self._history.append(entry)
        self._outbox.append(entry)
        count_event(entry)

    def _next_seq(self) -> int:
        return len(self._history) + 1

    def _registry_row(self) -> RegistryRow:
        request = self._request
        return RegistryRow(
            submission_id=request.submission_id,
            workflow_id=workflow.info().workflow_id,
            title=None if request.classified else request.title,
            lead_ministry=self._lead_ministry,
            process_version=request.process_version,
            target_session=self._target.code,
            stage=self._stage,
            stage_since=self._stage_since,
            stage_deadline=self._deadline,
            responsible=self._responsible(),
            classified=request.classified,
        )

    def _responsible(self) -> str:
        if self._stage.is_terminal or self._book is None:
            return ""
        actor = self._book.rule(self._stage).deciders[0].actor
        return self._lead_ministry if actor is Actor.LEAD_MINISTRY else actor.value

    def _refresh_details(self) -> None:
        """The markdown an operator reads under "Current details" in the Web UI."""
        lines = [f"**Stage:** {self._stage.value} since {self._stage_since:%Y-%m-%d %H:%M} UTC"]
        if not self._request.classified:
            lines.insert(0, f"**{self._request.title}** ({self._lead_ministry})")
        if self._deadline:
            lines.append(f"**Deadline:** {self._deadline}" + (" — OVERDUE" if self._overdue else ""))
        pending = pending_decision(self._book, self._stage, self._dossier) if self._book else None
        if pending:
            who = "; ".join(f"{d.actor.value} ({', '.join(r.value for r in d.roles)})" for d in pending.deciders)
            lines.append(f"**Pending decision:** {', '.join(o.value for o in pending.outcomes)} by {who}")
            if pending.missing_documents:
                lines.append(f"**Missing documents:** {', '.join(k.value for k in pending.missing_documents)}")
        if self._open_rounds:
            lines.append(f"**Consultations awaiting compilation:** {', '.join(f'{r.round_id} ({r.kind.value})' for r in self._open_rounds.values())}")
        if self._track is not ProgrammeTrack.REGULAR:
            lines.append(f"**Programme track:** {self._track.value}")
        workflow.set_current_details("\n\n".join(lines))
