"""What the tenth generation refuses and records, in the draft core without a server (found by a fresh-user trial): a
round's ID is one whatever its letter case, the lead ministry is not its own consultee, a round's counts are in words
that agree with them, the event that moves a draft to a stage carries that stage's deadline, and a law accelerated at
the sitting that debated it may be voted there. The ninth generation took and recorded them as before, as its
histories say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cli.records import deadline_after
from schemas.calendar import SessionCalendar, SessionPhase, TargetSession
from schemas.consultation import Answer, CompilationSummary, ConsultationResult
from schemas.enums import Actor, EventKind, Outcome, ProgrammeChangeKind, Role, SessionProcedure, Stage
from schemas.messages import AgencyRemap
from schemas.refusal import Refused
from tests.drafts import NOW, PASSING_VOTE, consultation, core_request, core_state, decision, programme_change, session, with_round_open
from workflows import draft, rounds
from workflows.change import Record, RemapRound, StartRound
from workflows.deadlines import start_of


def with_round(generation: int, round_id: str = "y-kien-bo-nganh"):
    request = core_request()
    return request, with_round_open(core_state(request, at=Stage.DRAFTING, generation=generation), consultation(request, round_id), NOW)


def refused_from_the_tenth(generation: int, state, request) -> Refused | None:
    """A round asked of a draft of `generation`: taken by the ninth (None), refused by the tenth (the refusal)."""
    if generation == 9:
        draft.validate(draft.OPEN_CONSULTATION, state, request, NOW)
        return None
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, request, NOW)
    return refused.value


@pytest.mark.parametrize("generation", [10, 9])
def test_a_round_id_differing_only_in_case_names_the_round_opened(generation):
    request, state = with_round(generation)
    if refused := refused_from_the_tenth(generation, state, consultation(request, "Y-KIEN-BO-NGANH")):
        assert (refused.field, refused.rule) == ("round_id", "unique_round")
        assert "round y-kien-bo-nganh was opened already" in refused.message


@pytest.mark.parametrize("generation", [10, 9])
def test_the_lead_ministry_is_not_its_own_consultee(generation):
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING, generation=generation)
    if refused := refused_from_the_tenth(generation, state, consultation(request, "r1", ("BTC", request.lead_ministry))):
        assert (refused.field, refused.rule) == ("consultees", "not_own_consultee")
        assert request.lead_ministry in refused.message


@pytest.mark.parametrize("generation,words", [
    (10, ("BTC, 1 comment", "1 opinion, 2 silent; 1 comment accepted")),
    (9, ("BTC, 1 comments", "1 opinions, 2 silent; 1 comments accepted")),
])
def test_a_rounds_counts_agree_with_their_number(generation, words):
    request, state = with_round(generation)
    watch = state.open_rounds[0]
    finished = rounds.round_finished(state, ConsultationResult(
        round_id=watch.round.round_id, kind=watch.round.kind, opened_at=watch.round.opened_at, closed_at=NOW,
        answers=(Answer(consultee="BTC", at=NOW, comment_ids=("c1",)),), silent=("BNV", "BCA"),
        compilation=CompilationSummary(actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                                       official="Bộ trưởng", accepted=1, explained=0),
        compiled_at=NOW), NOW)
    labels = {e.entry.event: e.entry.label for e in finished.effects if isinstance(e, Record)}
    opinion, compiled = words
    assert labels[EventKind.OPINION_RECEIVED] == f"round y-kien-bo-nganh: {opinion}"
    assert labels[EventKind.CONSULTATION_COMPILED].startswith(f"round y-kien-bo-nganh: {compiled}, 0 explained")


def test_counts_of_many_are_plural_in_every_generation():
    assert [rounds.counted(n, "comment", agrees) for n in (0, 2) for agrees in (True, False)] == ["0 comments"] * 2 + ["2 comments"] * 2


@pytest.mark.parametrize("generation", [10, 9])
def test_the_event_that_moves_a_draft_tells_the_deadline_of_the_stage_it_enters(generation):
    """Found by a fresh-user trial: the webhook of the decision that starts appraisal's clock carried no deadline (the
    decision records the deadline of the stage it left); the next event was the first to say it."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING, generation=generation)
    moved = draft.perform(draft.DECIDE, state, decision(request, Stage.DRAFTING), NOW)
    [entry] = [e.entry for e in moved.effects if isinstance(e, Record)]
    assert moved.state.stage is Stage.APPRAISAL and moved.state.deadline is not None and entry.deadline == state.deadline
    assert entry.to_stage_deadline == (moved.state.deadline if generation == 10 else None)
    assert moved.state.recent[-1].to_stage_deadline == entry.to_stage_deadline
    # `legis history` shows it in the "deadline after" column; a decision of the ninth shows nothing there, as before.
    assert deadline_after(entry) == (moved.state.deadline.isoformat() if generation == 10 else "")
    # A law split over two sessions at its sitting goes back to revision, whose limit counts back from the next session.
    split = core_request(target=session(2, 100))
    following = session(3, 300)
    at_sitting = core_state(split, at=Stage.NA_SESSION, generation=generation, sessions=[split.target_session, following])
    switched = draft.perform(draft.CHANGE_PROGRAMME, at_sitting, programme_change(
        ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.TWO_SESSIONS, to_session=following), NOW)
    [changed] = [e.entry for e in switched.effects if isinstance(e, Record)]
    assert changed.to_stage is Stage.INTER_SESSION_REVISION and switched.state.deadline is not None
    assert changed.to_stage_deadline == (switched.state.deadline if generation == 10 else None)


@pytest.mark.parametrize("generation", [10, 9])
def test_a_law_accelerated_at_the_sitting_that_debated_it_is_voted_there(generation):
    """DOMAIN edge case 6, found by a fresh-user trial: a two-session law that the Assembly decides, at the sitting that
    debated it, to pass there could not be voted there once the next session was announced (`later_session`). From the
    tenth generation a switch to one session may name that session on a day the calendar has it sitting (within a
    phase), and a session announced later does not take the draft from it."""
    debated = TargetSession(legislature=16, session=2, opens_on=NOW.date() + timedelta(days=100), phases=(
        SessionPhase(starts_on=NOW.date() + timedelta(days=100), ends_on=NOW.date() + timedelta(days=120)),))
    following, later = session(3, 280), session(4, 460)
    request = core_request(target=debated, procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION, generation=generation, sessions=[debated, following])
    at_its_sitting = start_of(debated.opens_on) + timedelta(days=10, hours=9)
    switch = programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION, to_session=debated)
    if generation == 9:
        with pytest.raises(Refused) as refused:
            draft.validate(draft.CHANGE_PROGRAMME, state, switch, at_its_sitting)
        assert refused.value.rule == "later_session"
        return
    switched = draft.perform(draft.CHANGE_PROGRAMME, state, switch, at_its_sitting).state
    told = draft.perform(draft.CALENDAR_CHANGED, switched, SessionCalendar(sessions=(debated, following, later), changed_by="VPQH"),
                         at_its_sitting).state
    assert (told.stage, told.target.code, told.held) == (Stage.NA_SESSION, debated.code, None)
    # Named without its phases, it is aimed at as the calendar announces it: votes after its last phase stay refused.
    bare = switch.model_copy(update={"to_session": debated.model_copy(update={"phases": ()})})
    assert draft.perform(draft.CHANGE_PROGRAMME, state, bare, at_its_sitting).state.target.phases == debated.phases
    vote = decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE)
    assert draft.perform(draft.DECIDE, told, vote, at_its_sitting).state.stage is Stage.PROMULGATION
    # After its last phase the calendar says it has ended: naming it then is refused, as for a session without phases.
    with pytest.raises(Refused) as ended:
        draft.validate(draft.CHANGE_PROGRAMME, state, switch, start_of(debated.phases[-1].ends_on) + timedelta(days=1, hours=9))
    assert ended.value.rule == "later_session" and f"or be {debated.code}, which debated the draft, on a day within a phase" in ended.value.message


def test_a_session_without_phases_that_debated_a_law_is_not_named_by_its_acceleration():
    """The calendar cannot tell it sitting from ended (a breaker found a draft left at a session that had ended): the switch
    aims the law at the next session announced, as before."""
    request = core_request(target=session(2, 100), procedure=SessionProcedure.TWO_SESSIONS)
    debated, following = request.target_session, session(3, 280)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION, sessions=[debated, following])
    at_its_sitting = start_of(debated.opens_on) + timedelta(days=3, hours=9)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.CHANGE_PROGRAMME, state, programme_change(
            ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION, to_session=debated), at_its_sitting)
    assert refused.value.rule == "later_session"
    switched = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(
        ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION), at_its_sitting).state
    assert (switched.stage, switched.target.code) == (Stage.NA_SESSION, following.code)


def test_another_ministry_learns_nothing_of_a_classified_drafts_lead_or_rounds_from_the_round_checks():
    """Found by a breaker: the round checks ran before the authority's, so that another ministry's system, answered
    `not_own_consultee` or `unique_round`, could find out a classified draft's lead ministry and round IDs."""
    request, state = with_round(10)
    classified = core_request(ministry="BQP", classified=True)
    secret = core_state(classified, at=Stage.DRAFTING)
    stranger = classified.model_copy(update={"lead_ministry": "BTC"})
    for probe in (consultation(stranger, "r1", ("BCA", "BQP")), consultation(stranger, "r1", ("BCA", "BNV"))):
        with pytest.raises(Refused) as refused:
            draft.validate(draft.OPEN_CONSULTATION, secret, probe, NOW)
        assert refused.value.rule == "lead_ministry_only"
    elsewhere = consultation(request.model_copy(update={"lead_ministry": "BTC"}), "Y-KIEN-BO-NGANH")
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, elsewhere, NOW)
    assert refused.value.rule == "lead_ministry_only"


@pytest.mark.parametrize("generation", [10, 9])
def test_a_remap_is_told_to_the_rounds_open(generation):
    """A round takes the compilation from the lead ministry's code it knows: the draft tells its open rounds the new one."""
    request, state = with_round(generation)
    remapped = draft.perform(draft.REMAP_AGENCY, state, AgencyRemap(old_code=request.lead_ministry, new_code="BTC", changed_by="VPCP",
                                                                    reason="sáp nhập"), NOW)
    told = [e for e in remapped.effects if isinstance(e, RemapRound)]
    assert [(t.workflow_id, t.remap.new_code) for t in told] == ([(state.open_rounds[0].round.workflow_id, "BTC")] if generation >= 10 else [])


def test_a_round_started_after_a_remap_it_was_opened_before_is_told_the_new_code():
    """Found by a breaker: a remap taken while a round's child workflow was starting reached no round (the round was not
    open yet), which then took the compilation from the old code only."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "r1"), NOW)
    [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
    remapped = draft.perform(draft.REMAP_AGENCY, opened.state, AgencyRemap(old_code=request.lead_ministry, new_code="BTC", changed_by="VPCP",
                                                                           reason="sáp nhập"), NOW).state
    told = [e for e in rounds.round_started(remapped, start, NOW).effects if isinstance(e, RemapRound)]
    assert [(t.workflow_id, t.remap.old_code, t.remap.new_code) for t in told] == [(start.workflow_id, request.lead_ministry, "BTC")]
    assert not [e for e in rounds.round_started(opened.state, start, NOW).effects if isinstance(e, RemapRound)]


def test_a_stranger_to_a_draft_is_refused_for_its_authority_before_anything_of_its_rounds():
    """Found by a breaker: the stage, the bound on rounds and the window's rules answered a stranger before the authority."""
    request = core_request(ministry="BQP", classified=True)
    stranger = request.model_copy(update={"lead_ministry": "BTC"})
    for stage in (Stage.POLICY_PROPOSAL, Stage.DRAFTING):
        with pytest.raises(Refused) as refused:
            draft.validate(draft.OPEN_CONSULTATION, core_state(request, at=stage), consultation(stranger, "r1", window_days=1), NOW)
        assert refused.value.rule == "lead_ministry_only"
