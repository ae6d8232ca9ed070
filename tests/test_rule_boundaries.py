"""The draft core's rules at their boundaries, without a server: the day a limit is reached, the count a bound allows,
the result a round did not hand back. Found by mutation testing: each rule here could be moved by a day or a count, or
dropped, and every other test still passed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.consultation import Answer
from schemas.enums import ConsultationKind, DocumentKind, EventKind, LawKind, ProcessVersion, ProgrammeChangeKind, SessionProcedure, Stage
from schemas.records import ExecutionStatus
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import load_rulebook
from schemas.state import MAX_OPEN_POINTS, MAX_OPEN_ROUNDS, MAX_ROUNDS, NEWEST_GENERATION, REMEMBERED_REQUESTS
from tests.drafts import (
    NOW,
    consultation,
    core_request,
    core_state,
    decision,
    draft_text,
    pinned,
    postponement,
    programme_change,
    session,
    sitting,
)
from tests.test_generation_10 import with_round
from tests.test_generation_11 import compiled_by, recorded
from tests.test_generation_16 import opening_delegations
from tests.test_new_ids import point
from workflows import admissions, draft, generations, rounds, rules, sessions
from workflows import draft_views as views
from workflows.change import Log, StartRound, Wake, due_later, next_wake
from workflows.deadlines import earliest, local_day
from workflows.stage_graph import place_on_new_path, stage_path

S = Stage


def refused(check, *args) -> Refused:
    with pytest.raises(Refused) as caught:
        check(*args)
    return caught.value


# Postponements and targets

def test_a_postponement_to_the_deadline_in_force_is_refused_and_the_day_after_taken():
    request = core_request()
    state = core_state(request, at=S.APPRAISAL)
    same = refused(rules.check_postponement_request, state, postponement(request, state.deadline), NOW)
    assert (same.field, same.rule, same.kind) == ("new_deadline", "later_than_current", RefusalKind.INVALID)
    rules.check_postponement_request(state, postponement(request, state.deadline + timedelta(days=1)), NOW)


def test_a_new_draft_may_aim_at_a_session_opening_today_not_one_opened_yesterday():
    today = local_day(NOW)
    draft.check_target(opening := core_request(opens_on=today), pinned(opening), NOW)
    opened = core_request(opens_on=today - timedelta(days=1))
    past = refused(draft.check_target, opened, pinned(opened), NOW)
    assert (past.field, past.rule, past.kind) == ("target_session.opens_on", "not_in_past", RefusalKind.INVALID)


@pytest.mark.parametrize(("version", "first_step", "field"), [
    (ProcessVersion.LAW_2015, date(2025, 3, 31), None), (ProcessVersion.LAW_2015, date(2025, 4, 1), "process_version"),
    (ProcessVersion.LAW_2015, date(2016, 6, 30), "passed.0.occurred_on"), (ProcessVersion.LAW_2015, None, "process_version"),
    (ProcessVersion.LAW_2025, date(2025, 3, 31), "passed.0.occurred_on"), (ProcessVersion.LAW_2025, date(2025, 4, 1), None),
])
def test_a_draft_started_on_the_day_a_version_came_into_force_follows_it(version, first_step, field):
    """LAW_2025 (Law 64/2025/QH15) in force from 2025-04-01, replacing LAW_2015 (Law 80/2015/QH13, from 2016-07-01): a draft
    started that day follows LAW_2025; a LAW_2015 draft is one under way since before it (no step: started today)."""
    request = core_request(version)
    if first_step is not None:
        stage = load_rulebook(version).stages[0].stage
        request = request.model_copy(update={"passed": (decision(request, stage).model_copy(update={"occurred_on": first_step}),)})
    if field is None:
        admissions.admits_version_in_force(request, NOW)
    else:
        found = refused(admissions.admits_version_in_force, request, NOW)
        assert (found.field, found.rule, found.kind) == (field, "version_in_force", RefusalKind.INVALID)


def test_of_two_cut_offs_at_a_stage_the_earlier_applies():
    assert earliest(date(2027, 3, 1), None, date(2027, 2, 1)) == date(2027, 2, 1)
    assert earliest(None, None) is None


# The idempotency window

def test_a_draft_remembers_its_last_request_ids_within_the_window_and_forgets_the_oldest():
    request = core_request()
    first = draft.perform(draft.DECIDE, core_state(request), decision(request, S.POLICY_PROPOSAL), NOW, "req-0").state
    full = first.model_copy(update={"seen": tuple(first.seen[0].model_copy(update={"request_id": f"req-{i}"})
                                                 for i in range(REMEMBERED_REQUESTS))})
    message = decision(request, S.LEGISLATIVE_PROGRAMME)
    after = draft.perform(draft.DECIDE, full, message, NOW, "req-new").state
    assert len(after.seen) == REMEMBERED_REQUESTS
    assert draft.remembered(after, "req-0") is None and draft.remembered(after, "req-1") is not None
    again = draft.perform(draft.DECIDE, after, message, NOW, "req-new")
    assert again.receipt.duplicate and recorded(again) == [] and again.state.stage is after.stage
    reused = refused(draft.validate, draft.DECIDE, after, decision(request, S.DRAFTING), NOW, "req-new")
    assert (reused.field, reused.rule) == ("request_id", "idempotency_key_reused")


# The state's bounds

def test_a_draft_holds_at_most_its_bound_of_open_points():
    state = core_state(at=S.GOVERNMENT_REVIEW)
    for i in range(MAX_OPEN_POINTS):
        state = draft.perform(draft.RAISE_DISAGREEMENT, state, point(f"P{i}"), NOW).state
    assert len(state.open_points) == MAX_OPEN_POINTS
    over = refused(draft.validate, draft.RAISE_DISAGREEMENT, state, point("P-over"), NOW)
    assert (over.field, over.rule) == ("point_id", "points_bound")


def test_a_draft_holds_at_most_its_bound_of_open_rounds_and_of_rounds_in_its_life():
    request = core_request()
    state = core_state(request, at=S.DRAFTING)
    for i in range(MAX_OPEN_ROUNDS):
        opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, f"r{i}"), NOW)
        [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
        state = rounds.round_started(opened.state, start, NOW).state
    assert len(state.open_rounds) == MAX_OPEN_ROUNDS
    over = refused(draft.validate, draft.OPEN_CONSULTATION, state, consultation(request, "r-over"), NOW)
    assert (over.field, over.rule) == ("round_id", "rounds_bound") and "in its life" not in over.message  # the bound reached named (a breaker)
    lived = core_state(request, at=S.DRAFTING).model_copy(update={"rounds_opened": tuple(f"old{i}" for i in range(MAX_ROUNDS))})
    over = refused(draft.validate, draft.OPEN_CONSULTATION, lived, consultation(request, "r-over"), NOW)
    assert over.rule == "rounds_bound" and over.message == f"a draft opens {MAX_ROUNDS} rounds in its life at most", over.message


# Consultation windows

def test_a_round_asked_for_fewer_days_than_the_law_gives_is_refused_and_for_more_lasts_them():
    request = core_request()
    state = core_state(request, at=S.DRAFTING)
    window = state.rulebook.window(ConsultationKind.WRITTEN_OPINIONS)
    short = refused(draft.validate, draft.OPEN_CONSULTATION, state, consultation(request, "r", window_days=window.days - 1), NOW)
    assert (short.field, short.rule, short.kind) == ("window_days", "statutory_minimum", RefusalKind.INVALID)
    assert short.message.startswith(f"consultees have at least {window.days} days"), short.message
    # A posting's window is the public's (found by a ministry's trial: "consultees have at least 20 days").
    posted = draft.perform(draft.FILE_DOSSIER, state, draft_text(request), NOW).state
    days = state.rulebook.window(ConsultationKind.PUBLIC_POSTING).days
    public = refused(draft.validate, draft.OPEN_CONSULTATION, posted, consultation(request, "p", (), ConsultationKind.PUBLIC_POSTING,
                                                                                    window_days=days - 1), NOW)
    assert (public.rule, public.message.split(" (")[0]) == ("statutory_minimum", f"the public has at least {days} days"), public.message

    def last_day(**asked) -> date:
        opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "r", **asked), NOW)
        [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
        return sessions.last_day_of(start.input.closes_at)

    longer = window.days + 15
    assert last_day() < local_day(NOW) + timedelta(days=longer) <= last_day(window_days=longer)
    assert last_day(window_days=window.days) == last_day()


def test_a_delegations_round_is_refused_once_its_window_before_the_session_has_passed():
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS, target=session(2, 30))
    state = core_state(request, at=S.INTER_SESSION_REVISION, sessions=[session(2, 30), session(3, 200)])
    closes = sessions.round_closes_at(state, state.rulebook.window(ConsultationKind.NA_DELEGATIONS), 0, NOW)
    asked = consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS)
    draft.validate(draft.OPEN_CONSULTATION, state, asked, closes - timedelta(minutes=1))
    late = refused(draft.validate, draft.OPEN_CONSULTATION, state, asked, closes + timedelta(minutes=1))
    assert (late.field, late.rule) == ("kind", "window_passed")


def test_a_delegations_round_ending_on_a_rest_day_ends_on_the_working_day_before():
    opened, start, _ = opening_delegations()
    last_day = sessions.last_day_of(start.input.closes_at)
    counted_back = opened.state.target.opens_on - timedelta(days=20)
    assert counted_back.isoweekday() == 7  # a Sunday: the window ends on the Friday before, never fewer than 20 days
    assert last_day == counted_back - timedelta(days=2)


# The programme

def test_after_its_vote_a_law_is_neither_switched_nor_deferred_nor_withdrawn():
    from schemas.enums import Actor, Outcome, Role

    request = core_request()
    state = core_state(request, at=S.PROMULGATION)
    now = sitting(state) + timedelta(days=1)
    switch = programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.TWO_SESSIONS)
    switched = refused(draft.validate, draft.CHANGE_PROGRAMME, state, switch, now)
    assert (switched.field, switched.rule) == ("procedure", "before_passage")
    for kind, fields in ((ProgrammeChangeKind.DEFER, {"to_session": session(3, 400)}), (ProgrammeChangeKind.WITHDRAW, {})):
        assert refused(draft.validate, draft.CHANGE_PROGRAMME, state, programme_change(kind, **fields), now).rule == "before_passage"
    # Nor by a decision of who may withdraw a draft (found by a ministry's trial: its minister withdrew a law passed the day
    # before, 200); its status offers no one the withdrawal any more.
    for stage in (S.PROMULGATION, S.PUBLICATION):
        passed = core_state(request, at=stage)
        for actor, agency, role in ((Actor.LEAD_MINISTRY, request.lead_ministry, Role.MINISTER), (Actor.GOVERNMENT, "CP", Role.PRIME_MINISTER)):
            withdrawal = decision(request, stage, Outcome.WITHDRAW).model_copy(update={"actor": actor, "agency_code": agency, "role": role,
                                                                                       "reasons": "Rút dự án"})
            said = refused(draft.validate, draft.DECIDE, passed, withdrawal, now)
            assert (said.field, said.rule) == ("outcome", "before_passage"), said
        assert views.pending_decision(passed).withdrawal == ()
    assert views.pending_decision(core_state(request, at=S.NA_SESSION)).withdrawal != ()


def test_a_draft_is_deferred_to_an_extraordinary_session_before_its_target_but_not_to_a_regular_one():
    request = core_request()
    extraordinary = session(9, 100).model_copy(update={"extraordinary": True})
    state = core_state(request, at=S.GOVERNMENT_DECISION, sessions=[extraordinary, session(2, 170)])
    draft.validate(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=extraordinary), NOW)
    earlier = core_state(request, at=S.GOVERNMENT_DECISION, sessions=[session(1, 100), session(2, 170)])
    back = refused(draft.validate, draft.CHANGE_PROGRAMME, earlier, programme_change(ProgrammeChangeKind.DEFER, to_session=session(1, 100)), NOW)
    assert (back.field, back.rule) == ("to_session", "later_session")


def test_a_draft_at_its_last_session_split_over_fewer_sessions_stays_to_vote():
    book = load_rulebook(ProcessVersion.LAW_2015)
    three, two, one = (stage_path(book, p, law_kind=LawKind.NEW_LAW) for p in
                       (SessionProcedure.THREE_SESSIONS, SessionProcedure.TWO_SESSIONS, SessionProcedure.ONE_SESSION))
    assert place_on_new_path(S.NA_SESSION, three, two) is S.NA_SESSION
    # Split over more sessions at its session, it has had its debate there: to the revision before the next.
    assert place_on_new_path(S.NA_SESSION, one, two) is two[two.index(S.NA_SESSION) - 1]


# Disagreements and public posting

def test_a_stage_with_a_point_awaiting_a_ruling_is_not_approved():
    request = core_request()
    state = draft.perform(draft.RAISE_DISAGREEMENT, core_state(request, at=S.GOVERNMENT_REVIEW), point("P1"), NOW).state
    held = refused(draft.validate, draft.DECIDE, state, decision(request, S.GOVERNMENT_REVIEW), NOW)
    assert (held.field, held.rule) == ("outcome", "open_disagreements")


def test_a_classified_draft_is_never_posted_for_public_comment_whatever_its_dossier():
    request = core_request(classified=True)
    state = draft.perform(draft.FILE_DOSSIER, core_state(request, at=S.DRAFTING), draft_text(request), NOW).state
    posting = consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING)
    assert refused(draft.validate, draft.OPEN_CONSULTATION, state, posting, NOW).rule == "classified_not_posted"


def test_a_public_posting_needs_the_draft_text_not_any_document_of_the_dossier():
    request = core_request()
    state = core_state(request, at=S.DRAFTING)
    assert state.dossier and not any(d.kind is DocumentKind.DRAFT_TEXT for d in state.dossier)
    posting = consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING)
    missing = refused(admissions.admits_round, state, posting)
    assert (missing.field, missing.rule) == ("kind", "draft_text_filed")
    filed = draft.perform(draft.FILE_DOSSIER, state, draft_text(request), NOW).state
    admissions.admits_round(filed, posting)


# A round's result, as the draft takes it

def ignored_because(state, result) -> str:
    """Why the draft ignored `result` (it records nothing, and still awaits the round); fails if it took it."""
    finished = rounds.round_finished(state, result, NOW + timedelta(days=31))
    assert recorded(finished) == [] and finished.state.open_rounds == state.open_rounds
    [warned] = [e for e in finished.effects if isinstance(e, Log)]
    return warned.fields["reason"]


def test_a_result_of_another_kind_or_other_consultees_than_the_round_asked_is_not_taken():
    request, state = with_round(NEWEST_GENERATION)
    taken = compiled_by(state, request.lead_ministry)
    other_kind = taken.model_copy(update={"kind": ConsultationKind.SOCIAL_CRITIQUE})
    assert ignored_because(state, other_kind) == "a SOCIAL_CRITIQUE result for a WRITTEN_OPINIONS round"
    stranger = Answer(consultee="BKHCN", official="Thứ trưởng BKHCN", at=NOW + timedelta(days=1))
    other_consultees = taken.model_copy(update={"answers": (*taken.answers[:2], stranger)})
    assert ignored_because(state, other_consultees) == "its consultees, answered or silent, are not those the round asked"
    assert recorded(rounds.round_finished(state, taken, NOW + timedelta(days=31)))[-1] is EventKind.CONSULTATION_COMPILED


def test_a_draft_that_has_ended_records_no_round_result():
    request, state = with_round(NEWEST_GENERATION)
    ended = state.model_copy(update={"stage": S.WITHDRAWN})
    assert recorded(rounds.round_finished(ended, compiled_by(ended, request.lead_ministry), NOW + timedelta(days=31))) == []


def test_a_round_found_completed_without_its_result_is_given_a_day_before_it_is_lost():
    _, state = with_round(NEWEST_GENERATION)
    round_id, later = state.open_rounds[0].round.round_id, NOW + timedelta(days=20)
    running = rounds.round_checked(state, round_id, ExecutionStatus.RUNNING, later)
    assert recorded(running) == [] and running.state.open_rounds[0].check_at == later + rounds.ROUND_WATCH  # daily, thirty-second generation
    completed = rounds.round_checked(state, round_id, ExecutionStatus.COMPLETED, later)
    [watch] = completed.state.open_rounds
    assert recorded(completed) == [] and watch.seen_completed and watch.check_at == later + rounds.ROUND_GRACE
    lost = rounds.round_checked(completed.state, round_id, ExecutionStatus.COMPLETED, watch.check_at)
    assert recorded(lost) == [EventKind.CONSULTATION_LOST] and not lost.state.open_rounds
    assert recorded(rounds.round_checked(state, round_id, ExecutionStatus.TERMINATED, later)) == [EventKind.CONSULTATION_LOST]


def test_a_draft_wakes_for_a_rounds_check_due_before_its_next_alarm():
    _, opened = with_round(NEWEST_GENERATION)
    [watch] = opened.open_rounds
    state = core_state(at=S.APPRAISAL)  # a stage with a deadline, so with alarms to come
    alarm = due_later(state)[0]

    def checked_at(at):
        return state.model_copy(update={"open_rounds": (watch.model_copy(update={"check_at": at}),)})

    assert next_wake(checked_at(alarm.at - timedelta(hours=1))) == Wake(alarm.at - timedelta(hours=1), None)
    assert next_wake(checked_at(alarm.at + timedelta(hours=1))) == Wake(alarm.at, alarm)


# Generations

def test_a_state_carried_into_the_eleventh_generation_keeps_its_rounds_lead_ministry():
    request, state = with_round(10)
    assert state.open_rounds[0].leads == ()
    carried = generations.carried_into(state, NEWEST_GENERATION)
    assert carried.generation == NEWEST_GENERATION and carried.open_rounds[0].leads == (request.lead_ministry,)


# Refusals

def test_a_part_of_a_message_breaking_a_rule_is_refused_as_invalid_whatever_its_kind_alone():
    alone = Refused("stage", "after_session_opens", "decided after the session opened", RefusalKind.CONFLICT)
    within = alone.within("passed.2")
    assert (within.field, within.rule, within.kind) == ("passed.2.stage", "after_session_opens", RefusalKind.INVALID)


def test_only_the_committee_that_leads_the_examination_acts_as_the_committee():
    """Found by a committee official's trial: the Committee on Law and Justice's token decided the examination of a health
    law. A start may name the committee that leads the examination (`examining_committee`); then only it acts as
    NA_COMMITTEE there, its filings and postponement requests too. A draft that names none is examined by any committee."""
    named = core_request().model_copy(update={"examining_committee": "UBXH"})
    state = core_state(named, at=Stage.EXAMINATION)
    by_law_and_justice = decision(named, Stage.EXAMINATION)  # the tests' NA_COMMITTEE is UBPLTP
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, by_law_and_justice, NOW)
    assert (refused.value.field, refused.value.rule, refused.value.kind) == ("agency_code", "examining_committee_only", RefusalKind.FORBIDDEN)
    assert "UBXH" in refused.value.message
    by_social_affairs = by_law_and_justice.model_copy(update={"agency_code": "UBXH"})
    assert draft.perform(draft.DECIDE, state, by_social_affairs, NOW).state.stage is not Stage.EXAMINATION
    unnamed = core_request()
    assert draft.perform(draft.DECIDE, core_state(unnamed, at=Stage.EXAMINATION), decision(unnamed, Stage.EXAMINATION),
                         NOW).state.stage is not Stage.EXAMINATION


def test_a_draft_entered_under_way_is_not_withdrawn_after_its_law_passed():
    """Found by a breaker: a start whose last imported step withdrew a law at PROMULGATION opened a draft straight into
    WITHDRAWN; `activities.rulebook.check_start` (each step) and `draft.open_draft` (from the twenty-first generation)
    ask `admits_decision` of each step, at its own stage."""
    from schemas.enums import Actor, Outcome, Role
    from schemas.messages import StartRequest
    from tests.drafts import BEFORE_THE_ASSEMBLY, OPENS_ON, passed_through
    from workflows.deadlines import start_of

    request = core_request()
    last = OPENS_ON + timedelta(days=3)
    under_way = passed_through(request, [*BEFORE_THE_ASSEMBLY, Stage.NA_SESSION], last)
    withdrawal = decision(request, Stage.PROMULGATION, Outcome.WITHDRAW).model_copy(update={
        "actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER, "reasons": "Rút dự án",
        "occurred_on": last + timedelta(days=1)})
    start = StartRequest.model_validate({**under_way.model_dump(), "passed": [*under_way.model_dump()["passed"], withdrawal.model_dump()]})
    now = start_of(last + timedelta(days=5))
    refusals = []
    for step in start.passed:  # what check_start asks of each step
        try:
            admissions.admits_decision(None, step)
        except Refused as refused:
            refusals.append(refused.rule)
    try:
        opened = draft.open_draft(start, pinned(start), now, generation=21).state
    except Refused as refused:
        refusals.append(refused.rule)
        opened = None
    assert refusals == ["before_passage", "before_passage"], f"accepted: the draft opened at {opened.stage if opened else None}"
