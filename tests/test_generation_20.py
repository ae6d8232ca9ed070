"""The twentieth generation: after a debate a draft aims at the next regular session announced, not at an extraordinary
one (`sessions.goes_to`; found by a committee official's trial). Pure: the draft core, no server."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from schemas.calendar import TargetSession
from schemas.enums import EventKind, ProcessVersion, ProgrammeChangeKind, SessionProcedure, Stage
from schemas.messages import StartRequest
from schemas.state import NEWEST_GENERATION
from tests.drafts import core_request, core_state, decision, passed_through, pinned, programme_change, sitting
from workflows import draft, draft_views, sessions
from workflows.deadlines import VIETNAM

DEBATED = TargetSession(legislature=16, session=2, opens_on=date(2027, 3, 25))
# Called at short notice 40 days after the debate: its cut-off for the revision (45 days before) is past that day.
CALLED = TargetSession(legislature=16, session=1, extraordinary=True, opens_on=date(2027, 5, 5))
REGULAR = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
EARLY = datetime(2027, 1, 4, 9, 0, tzinfo=VIETNAM)
AFTER = datetime(2027, 4, 1, 9, 0, tzinfo=VIETNAM)


def debated(generation: int, *announced: TargetSession):
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=DEBATED)
    at_debate = core_state(request, at=Stage.NA_FIRST_SESSION, now=EARLY, sessions=[DEBATED, *announced], generation=generation)
    return draft.perform(draft.DECIDE, at_debate, decision(request, Stage.NA_FIRST_SESSION), sitting(at_debate, EARLY))


def test_a_two_session_law_debated_at_a_regular_session_aims_at_the_next_regular_one():
    applied = debated(NEWEST_GENERATION, CALLED, REGULAR)
    revising, now = applied.state, sitting(applied.state, EARLY)
    assert (revising.stage, revising.target.code, revising.deadline) == (Stage.INTER_SESSION_REVISION, REGULAR.code, date(2027, 9, 1))
    assert not any(isinstance(e, draft.Record) and e.entry.event is EventKind.DEADLINE_PASSED for e in applied.effects)
    assert draft_views.status(revising, "draft-law-x", now).overdue is False
    assert sessions.registry_cutoffs(revising).cutoff_sitting == REGULAR.code


def test_with_only_an_extraordinary_session_announced_after_the_debate_the_draft_waits_for_a_regular_one():
    revising = debated(NEWEST_GENERATION, CALLED).state
    assert revising.target.code == DEBATED.code and revising.deadline is None


def test_the_nineteenth_generation_still_goes_to_the_extraordinary_session_as_it_ran():
    revising = debated(19, CALLED, REGULAR).state
    assert revising.target.code == CALLED.code


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 19])
def test_the_standing_committee_still_puts_a_draft_on_an_extraordinary_session(generation):
    """What the Standing Committee puts on an extraordinary session goes there: the rule is the calendar's alone."""
    revising = debated(generation, CALLED, REGULAR).state
    deferred = draft.perform(draft.CHANGE_PROGRAMME, revising, programme_change(ProgrammeChangeKind.DEFER, to_session=CALLED),
                             sitting(revising, EARLY)).state
    assert deferred.target.code == CALLED.code
    assert sessions.goes_to(deferred, CALLED) is (generation < 20) and sessions.goes_to(deferred, REGULAR)


def test_a_draft_entered_under_way_after_its_debate_aims_at_the_next_regular_session_not_the_extraordinary_one():
    """Found by a breaker of this generation: a two-session law entered under way, its last step the debate at 16-2 (26
    March), with 16-E1 (5 May) and 16-3 announced, was aimed at 16-E1, its cut-off past before it entered the revision.
    After its last step it goes on as a draft debated now: to 16-3."""
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=DEBATED)
    path = debated(NEWEST_GENERATION, CALLED, REGULAR).state.path
    under_way = passed_through(request, list(path[:path.index(Stage.NA_FIRST_SESSION) + 1]), date(2027, 3, 26))
    state = draft.open_draft(under_way, pinned(under_way, sessions=[DEBATED, CALLED, REGULAR]), AFTER, generation=NEWEST_GENERATION).state
    assert state.stage is Stage.INTER_SESSION_REVISION
    assert state.target.code == REGULAR.code, (state.target.code, state.deadline, draft_views.warnings(state, AFTER))


def test_while_only_an_extraordinary_session_is_announced_after_the_debate_the_draft_does_not_say_none_is_announced():
    """Found by a breaker of this generation: debated at 16-2 with 16-E1 announced, the draft waits for a regular session,
    and its status said 'no session after 16-2 is announced yet', which an official reading the calendar sees is untrue."""
    state = debated(NEWEST_GENERATION, CALLED).state
    said = draft_views.warnings(state, AFTER)
    assert not any("no session after 16-2 is announced yet" in w for w in said), said


def test_a_draft_entered_under_way_after_its_debate_and_revision_aims_at_the_next_regular_session_as_a_live_one_does():
    """Found by a breaker: debated at 16-2 (26 March), its revision approved on 25 April, entered under way with 16-E1 (5
    May) and 16-3 announced, the draft was aimed at 16-E1, where no step of it sat. As a live draft that took the same
    steps, it aims at 16-3."""
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=DEBATED)
    live = debated(NEWEST_GENERATION, CALLED, REGULAR).state
    live = draft.perform(draft.DECIDE, live, decision(request, live.stage), AFTER).state
    assert (live.stage, live.target.code) == (Stage.NA_SESSION, REGULAR.code)
    path = list(live.path)
    under_way = passed_through(request, path[:path.index(Stage.INTER_SESSION_REVISION) + 1], date(2027, 4, 25))
    entered = draft.open_draft(under_way, pinned(under_way, sessions=[DEBATED, CALLED, REGULAR]), datetime(2027, 4, 28, 9, tzinfo=VIETNAM),
                               generation=NEWEST_GENERATION).state
    assert entered.stage is Stage.NA_SESSION
    assert entered.target.code == REGULAR.code, f"entered under way aimed at {entered.target.code}, a live draft at {live.target.code}"


def voted_under_way(revised_on: date, voted_on: date):
    """A two-session law debated at 16-2 on 26 March, revised on `revised_on` and voted on `voted_on`, every step entered
    under way, with 16-E1 (5 May) and 16-3 announced: the state it is entered with, three days after the vote."""
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=DEBATED)
    path = list(debated(NEWEST_GENERATION, CALLED, REGULAR).state.path)
    steps = passed_through(request, path[:path.index(Stage.NA_SESSION) + 1], date(2027, 2, 24)).passed
    on = {Stage.NA_FIRST_SESSION: date(2027, 3, 26), Stage.INTER_SESSION_REVISION: revised_on, Stage.NA_SESSION: voted_on}
    steps = [s.model_copy(update={"occurred_on": on.get(s.stage, s.occurred_on - timedelta(days=60))}) for s in steps]
    under_way = StartRequest.model_validate({**request.model_dump(), "passed": [s.model_dump() for s in steps]})
    entered_on = datetime.combine(voted_on + timedelta(days=3), datetime.min.time(), tzinfo=VIETNAM) + timedelta(hours=9)
    return draft.open_draft(under_way, pinned(under_way, sessions=[DEBATED, CALLED, REGULAR]), entered_on, generation=NEWEST_GENERATION).state


def test_a_law_entered_under_way_voted_at_the_regular_session_after_its_debate_is_recorded_at_that_session():
    """Found by a breaker: debated at 16-2, revised, voted at 16-3 on 25 October, all entered under way with 16-E1 (5 May)
    announced between, the draft was recorded aimed at 16-E1, which never took it up. It is aimed where it was voted."""
    entered = voted_under_way(date(2027, 5, 26), date(2027, 10, 25))
    assert entered.stage is Stage.PROMULGATION
    assert entered.target.code == REGULAR.code, f"voted at 16-3 on 25 October, recorded aimed at {entered.target.code}"


def test_a_law_entered_under_way_voted_at_an_extraordinary_session_after_its_debate_is_recorded_at_that_session():
    """A later step taken at the extraordinary session (its vote, on 6 May) sends the draft there, as Law 64/2025 was
    passed at one: the steps entered say where the Assembly took it up."""
    entered = voted_under_way(date(2027, 4, 20), date(2027, 5, 6))
    assert (entered.stage, entered.target.code) == (Stage.PROMULGATION, CALLED.code)
