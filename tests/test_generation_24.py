"""The twenty-fourth generation (found by a breaker): the latest decision, postponement asked, postponement decided and
programme change are kept however many events follow them (`DraftState.latest`), and the rules that read them back read
them there. Pure: the draft core and its committed history, no server."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from schemas.enums import Actor, ConsultationKind, EventKind, Outcome, ProcessVersion, ProgrammeChangeKind, Role, SessionProcedure, Stage
from schemas.messages import PostponementDecision
from schemas.refusal import Refused
from schemas.state import LATEST_KINDS, NEWEST_GENERATION, RECENT_EVENTS
from tests.drafts import NOW, consultation, core_request, core_state, decision, postponement, programme_change, session
from tests.scenario_many_filings import revision
from tests.test_replay import HISTORIES_DIR, audited, load_history, patch_ids
from workflows import draft, generations, sessions
from workflows import draft_views as views
from workflows.change import StartRound
from workflows.deadlines import local_day

LATER = NOW + timedelta(days=5)


def filed(state, request, times: int):
    """The lead ministry files its impact assessment `times` times at the draft's stage: events that record nothing else."""
    for number in range(1, times + 1):
        state = draft.perform(draft.FILE_DOSSIER, state, revision(request, number).model_copy(update={"stage": state.stage}), LATER).state
    return state


def asked(request, generation: int = NEWEST_GENERATION, on=None):
    state = core_state(request, at=Stage.APPRAISAL, generation=generation, sessions=[session(2, 170)])
    return draft.perform(draft.REQUEST_POSTPONEMENT, state, postponement(request, state.deadline + timedelta(days=15)).model_copy(
        update={"occurred_on": on}), LATER).state


def dated(day) -> PostponementDecision:
    return PostponementDecision(stage=Stage.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER,
                                official="Phó Thủ tướng", occurred_on=day)


@pytest.mark.parametrize("filings", [5, RECENT_EVENTS + 1])
def test_a_postponement_is_not_decided_before_it_was_asked_however_many_events_followed_the_request(filings):
    """README, "Deadlines": a decision entered afterwards is not dated before its request (`not_before_request`); read from
    the last 30 events alone, thirty filings after the request let a decision dated two days before it pass."""
    request = core_request()
    state = filed(asked(request, on=local_day(LATER)), request, filings)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE_POSTPONEMENT, state, dated(local_day(LATER) - timedelta(days=2)), LATER)
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_request")


@pytest.mark.parametrize("filings", [5, RECENT_EVENTS + 1])
def test_a_decision_is_not_dated_before_a_programme_change_at_its_stage_however_many_events_followed_it(filings):
    request = core_request()
    state = core_state(request, at=Stage.APPRAISAL, sessions=[session(2, 170), session(3, 350)])
    day = local_day(LATER)
    state = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=session(3, 350), occurred_on=day),
                          LATER).state
    state = filed(state, request, filings)
    early = decision(request, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION).model_copy(update={"occurred_on": day - timedelta(days=2)})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, early, LATER)
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_programme_change")


def test_a_late_request_and_a_refused_postponement_stay_in_the_status_however_many_events_followed_them():
    """README, "Deadlines": a request asked in the stage's last days is flagged late while it awaits its decision
    (`pending_postponement_late`), and a refusal at the stage is said in the status; both read their event back."""
    request = core_request()
    state = core_state(request, at=Stage.APPRAISAL, sessions=[session(2, 170)])
    late = NOW + timedelta(days=27)  # the appraisal is due on 2026-12-31: asked in its last five days
    state = draft.perform(draft.REQUEST_POSTPONEMENT, state, postponement(request, state.deadline + timedelta(days=15)), late).state
    state = filed(state, request, RECENT_EVENTS + 1)
    assert views.status(state, "draft-law-x", late).pending_postponement_late
    refusal = dated(None).model_copy(update={"approved": False, "reason": "Thời hạn thẩm định đủ để hoàn thành"})
    state = filed(draft.perform(draft.DECIDE_POSTPONEMENT, state, refusal, late).state, request, RECENT_EVENTS + 1)
    assert any("was refused" in w for w in views.status(state, "draft-law-x", late).warnings), views.status(state, "draft-law-x", late).warnings


def test_the_latest_of_each_kind_is_kept_once_and_a_state_carried_from_the_twenty_third_keeps_what_its_recent_events_hold():
    request = core_request()
    state = filed(asked(request), request, 3)
    assert sorted(e.event for e in state.latest) == sorted([EventKind.DECISION, EventKind.POSTPONEMENT_REQUESTED])
    older = filed(asked(request, generation=23), request, 3)
    assert older.latest == ()
    taken_up = generations.carried_into(older, NEWEST_GENERATION)
    assert {e.event: e.seq for e in taken_up.latest} == {kind: older.last(kind).seq for kind in LATEST_KINDS if older.last(kind)}
    assert taken_up.last(EventKind.POSTPONEMENT_REQUESTED) == older.last(EventKind.POSTPONEMENT_REQUESTED)
    # Under the twenty-third generation the request falls out of the recent events, as it always did there.
    assert filed(older, request, RECENT_EVENTS).last(EventKind.POSTPONEMENT_REQUESTED) is None


def test_the_twenty_fourth_generation_has_a_committed_history():
    """A postponement asked, 31 filings, the postponement refused, the draft withdrawn (`tests.scenario_many_filings`)."""
    path = HISTORIES_DIR / "refused_after_many_filings-s50.json"
    assert "latest-of-each-kind-kept" in patch_ids(load_history(path).events)
    kinds = [e["event"] for e in audited(path)]
    asked_at, decided_at = kinds.index("POSTPONEMENT_REQUESTED"), kinds.index("POSTPONEMENT_DECIDED")
    assert kinds[asked_at + 1:decided_at].count("DOSSIER_FILED") > RECENT_EVENTS and kinds[-1] == "DECISION"


@pytest.mark.parametrize(("procedure", "generation", "held"), [
    (SessionProcedure.THREE_SESSIONS, NEWEST_GENERATION, False), (SessionProcedure.TWO_SESSIONS, NEWEST_GENERATION, True),
    (SessionProcedure.THREE_SESSIONS, 23, True),
])
def test_the_delegations_window_counts_back_from_the_session_only_where_the_revisions_limit_does(procedure, generation, held):
    """LAW_2015: the delegations' comments come back 20 days before the next session beside the revised draft's 45 (Art.
    75(2)(d)), after the first of two sessions; Art. 76(2), after the first of three, sets no day count (DOMAIN.md correction
    5), and the 45 days are not applied there. Found by a new engineer: the delegations' round was held to the 20 days,
    refused `window_passed` after them; from the twenty-fourth generation it runs from its opening, for the window its
    opener gives (20 days by default)."""
    request = core_request(ProcessVersion.LAW_2015, procedure, target=session(2, 30))
    state = core_state(request, at=Stage.INTER_SESSION_REVISION, generation=generation, sessions=[session(2, 30), session(3, 200)])
    fixed = sessions.round_closes_at(state, state.rulebook.window(ConsultationKind.NA_DELEGATIONS), 0, state.stage_since)
    late, asked = fixed + timedelta(minutes=1), consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS)
    if held:
        with pytest.raises(Refused) as refused:
            draft.validate(draft.OPEN_CONSULTATION, state, asked, late)
        assert (refused.value.field, refused.value.rule) == ("kind", "window_passed")
        return
    opened = draft.perform(draft.OPEN_CONSULTATION, state, asked.model_copy(update={"window_days": 10}), late)
    [start] = [e for e in opened.effects if isinstance(e, StartRound)]
    assert sessions.last_day_of(start.input.closes_at) == local_day(late) + timedelta(days=10)


def test_a_delegations_round_from_its_opening_has_a_committed_history():
    """A three-session law's delegations' round at its first revision, ten days from its opening; the next session moved,
    which the round does not follow; the draft withdrawn (`tests.scenario_many_filings.delegations_from_opening`)."""
    path = HISTORIES_DIR / "delegations_from_opening-s50.json"
    assert "latest-of-each-kind-kept" in patch_ids(load_history(path).events)
    entries = audited(path)
    [opened] = [e for e in entries if e["event"] == "CONSULTATION_OPENED"]
    day = datetime.fromisoformat(opened["at"]).date()
    assert opened["label"].endswith(f"until {day + timedelta(days=12)}"), opened  # ten days, the last a Saturday: the Monday after
    assert [e["event"] for e in entries].count("SESSION_RESCHEDULED") == 1 and "CONSULTATION_RESCHEDULED" not in [e["event"] for e in entries]
