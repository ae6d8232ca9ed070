"""The thirty-second generation against the thirty-first, in the pure core: a round is checked every day from its opening,
so that one whose workflow was ended by hand is found lost within a day; the delegations' round does not hold the revision
between sessions; a message legis sends to every running draft is forgotten before any caller's request. A draft of the
thirty-first keeps its behaviour (its histories replay as they ran)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar
from schemas.enums import ConsultationKind, EscalationLevel, EventKind, ProcessVersion, SessionProcedure, Stage
from schemas.records import ExecutionStatus
from schemas.refusal import Refused
from schemas.state import REMEMBERED_REQUESTS
from tests.drafts import NOW, consultation, core_request, core_state, decision, session, with_round_open
from workflows import draft, generations, rounds
from workflows.change import next_wake


@pytest.mark.parametrize(("generation", "again"), [(32, timedelta(days=1)), (31, timedelta(days=7))])
def test_a_round_ended_by_hand_is_found_lost_within_a_day(generation, again):
    """Found by a breaker of a draft's long life: a round of 365 days terminated by hand (`temporal workflow terminate`) held
    its stage (`consultation_open`) and its place among the 20 open rounds until its window's end, then a day: the draft's
    check came only then. From the thirty-second generation it comes a day after the opening, and daily while it runs."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING, generation=generation)
    now = state.stage_since + timedelta(hours=1)
    state = with_round_open(state, consultation(request, "R9", ("BTC",), window_days=365), now)
    [watch] = state.open_rounds
    assert watch.check_at == (now + rounds.ROUND_WATCH if generation >= 32 else watch.round.closes_at + rounds.ROUND_GRACE), watch.check_at
    wake = next_wake(state)
    assert wake is not None and wake.at <= watch.check_at
    running = rounds.round_checked(state, "R9", ExecutionStatus.RUNNING, watch.check_at).state
    assert running.open_rounds[0].check_at - watch.check_at == again
    lost = rounds.round_checked(running, "R9", ExecutionStatus.TERMINATED, running.open_rounds[0].check_at)
    assert lost.state.open_rounds == ()
    [entry] = [e.entry for e in lost.effects if hasattr(e, "entry")]
    assert entry.event is EventKind.CONSULTATION_LOST and entry.escalation_level is EscalationLevel.VPCP


@pytest.mark.parametrize("generation", [31, 32])
def test_a_new_run_of_the_thirty_second_generation_checks_its_rounds_at_once(generation):
    """`legis renew` after a round was ended by hand (found by the same breaker: renewed, the draft still waited a year)."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING, generation=generation)
    now = state.stage_since + timedelta(hours=1)
    state = with_round_open(state, consultation(request, "R9", ("BTC",), window_days=365), now)
    state = rounds.round_checked(state, "R9", ExecutionStatus.RUNNING, now + timedelta(days=3)).state  # checked later than a day on
    [watch] = generations.carried_into(state, 32).open_rounds
    assert watch.check_at == watch.round.opened_at  # due already: the new run's first task checks it (a re-check: not a day on)
    if generation == 31:  # a run that stays in the thirty-first checks them when it did
        assert generations.carried_into(state, 31) is state


def at_revision(generation: int):
    request = core_request(ProcessVersion.LAW_2015, SessionProcedure.TWO_SESSIONS, target=session(2, 100))
    return request, core_state(request, at=Stage.INTER_SESSION_REVISION, generation=generation, sessions=[session(2, 100), session(3, 280)])


@pytest.mark.parametrize(("generation", "held"), [(32, False), (31, True)])
def test_the_delegations_round_does_not_hold_the_revision_between_sessions(generation, held):
    """Found by a breaker: the delegations' round, open until 20 days before the next session, held the revision's approval,
    whose cut-off is 45 days before it, so that the draft could only slip (LAW_2015 Art. 75: the revised draft reaches the
    deputies at least 45 days before the session, and their comments come back at least 20 days before it). From the
    thirty-second generation the revision is decided with the round open; the round holds the Assembly's vote."""
    request, state = at_revision(generation)
    now = state.stage_since + timedelta(days=1)
    state = with_round_open(state, consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS), now)
    approve = decision(request, Stage.INTER_SESSION_REVISION)
    if held:
        with pytest.raises(Refused) as refused:
            draft.perform(draft.DECIDE, state, approve, now)
        assert refused.value.rule == "consultation_open"
        return
    revised = draft.perform(draft.DECIDE, state, approve, now).state
    assert revised.stage is not Stage.INTER_SESSION_REVISION and [w.round.round_id for w in revised.open_rounds] == ["dbqh"]
    assert not rounds.holds_the_decision(state, state.open_rounds[0]) and rounds.holds_the_decision(revised, revised.open_rounds[0])
    # Another round at the revision holds it still.
    other = with_round_open(state, consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING), now)
    with pytest.raises(Refused) as refused:
        draft.perform(draft.DECIDE, other, approve, now)
    assert refused.value.rule == "consultation_open" and "cong-khai" in refused.value.message and "dbqh" not in refused.value.message


@pytest.mark.parametrize(("generation", "kept"), [(32, True), (31, False)])
def test_a_calendar_change_takes_no_place_among_a_callers_last_requests(generation, kept):
    """Found by a breaker: 256 filings under request IDs, a calendar change told to every draft, then the first filing sent
    again under its ID: applied a second time (two DOSSIER_FILED), where README promises the draft's last 256 requests."""
    request = core_request()
    state = core_state(request, generation=generation)
    first = draft.perform(draft.DECIDE, state, decision(request, Stage.POLICY_PROPOSAL), NOW, "req-0").state
    full = first.model_copy(update={"seen": tuple(first.seen[0].model_copy(update={"request_id": f"req-{i}"}) for i in range(REMEMBERED_REQUESTS))})
    told = draft.perform(draft.CALENDAR_CHANGED, full, SessionCalendar(sessions=(request.target_session,), changed_by="VPQH"), NOW,
                         "calendar-1").state
    assert len(told.seen) == REMEMBERED_REQUESTS
    assert (draft.remembered(told, "req-0") is not None) is kept
    # The next caller's request pushes out the oldest caller's request, never another caller's for the broadcast's sake.
    after = draft.perform(draft.DECIDE, told, decision(request, Stage.LEGISLATIVE_PROGRAMME), NOW, "req-new").state
    assert draft.remembered(after, "req-new") is not None and len(after.seen) == REMEMBERED_REQUESTS


def test_the_thirty_second_generations_path_has_a_committed_history():
    """Recorded by `tests.record_histories` (`tests.scenario_round_lost`); it replays in `tests.test_replay`."""
    from tests.test_replay import HISTORIES_DIR, load_history, patch_ids
    from workflows.generations import ROUNDS_WATCHED_DAILY_PATCH

    history = load_history(HISTORIES_DIR / "round_lost_within_a_day-s60.json")
    assert ROUNDS_WATCHED_DAILY_PATCH in patch_ids(history.events)
    assert any(e.HasField("timer_started_event_attributes") for e in history.events)  # the daily check


def test_a_round_checked_keeps_its_place_among_the_open_rounds():
    """Found by CI: each new run checks its rounds at once, and a round checked went behind the others (the draft's status
    listed r2 before r1, the opening order a caller reads); a thirty-first generation's draft reorders them as it did."""
    request = core_request()
    for generation, order in ((32, ["r1", "r2"]), (31, ["r2", "r1"])):
        state = core_state(request, at=Stage.DRAFTING, generation=generation)
        now = state.stage_since + timedelta(hours=1)
        for round_id in ("r1", "r2"):
            state = with_round_open(state, consultation(request, round_id, ("BTC",)), now)
        checked = rounds.round_checked(state, "r1", ExecutionStatus.RUNNING, now + timedelta(days=1)).state
        assert [w.round.round_id for w in checked.open_rounds] == order
