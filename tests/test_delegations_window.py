"""Rounds whose window the rulebook counts back from the next session (the delegations'), where the stage's own limit does
not (a three-session LAW_2015 law's first revision: `sessions.window_of`, the twenty-fourth generation), and a switch of
procedure at that stage. Found by a breaker of the generation's first amendment. Pure: the draft core, no server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar
from schemas.enums import ConsultationKind, ProcessVersion, ProgrammeChangeKind, SessionProcedure, Stage
from schemas.refusal import Refused
from tests.drafts import consultation, core_request, core_state, programme_change, session
from workflows import draft, rounds, sessions
from workflows.change import StartRound
from workflows.deadlines import start_of


def at_first_revision(procedure: SessionProcedure):
    request = core_request(ProcessVersion.LAW_2015, procedure, target=session(2, 30))
    return request, core_state(request, at=Stage.INTER_SESSION_REVISION, sessions=[session(2, 30), session(3, 200), session(4, 400)])


@pytest.mark.parametrize(("was", "to"), [(SessionProcedure.THREE_SESSIONS, SessionProcedure.TWO_SESSIONS),
                                         (SessionProcedure.TWO_SESSIONS, SessionProcedure.THREE_SESSIONS)])
def test_a_switch_of_procedure_at_the_first_revision_gives_the_revisions_own_limit_as_the_delegations_round_follows_it(was, to):
    """README ("the revised draft to deputies 45 days before the next session ... under LAW_2015 after the first of two
    sessions ..., not after the first of three"): the limit reads the draft's procedure, as `sessions.window_of` does.
    Switched at INTER_SESSION_REVISION (the same target session), the delegations' round follows the new procedure
    (`rounds.follow_sessions` reschedules it) and the stage's deadline with it (twenty-fourth generation: three -> two left no
    deadline where the 45 days now apply; two -> three kept the 45 days the first of three does not have)."""
    request, state = at_first_revision(was)
    now = state.stage_since + timedelta(days=3)
    switched = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=to), now).state
    assert switched.procedure is to and switched.stage is Stage.INTER_SESSION_REVISION
    assert switched.deadline == sessions.statutory_deadline(switched), (switched.deadline, sessions.statutory_deadline(switched))


def test_a_delegations_round_at_a_three_session_laws_first_revision_does_not_run_past_the_session_it_comments_for():
    """`window_of` (twenty-fourth generation): the round runs from its opening for `window_days` (1..365). The delegations'
    comments are for the revised draft the next session debates (LAW_2015 Art. 75-76); a round of 365 days opened
    175 days before session 16-3 closes half a year after it opens, and holds the revision's approval
    (`consultation_open`) all that time: refused (`before_the_session`); a window closing before the session is taken."""
    request, state = at_first_revision(SessionProcedure.THREE_SESSIONS)
    now = state.stage_since + timedelta(days=1)
    asked = consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS, window_days=365)
    with pytest.raises(Refused) as refused:
        draft.perform(draft.OPEN_CONSULTATION, state, asked, now)
    assert (refused.value.field, refused.value.rule) == ("window_days", "before_the_session"), refused.value
    opened = draft.perform(draft.OPEN_CONSULTATION, state, asked.model_copy(update={"window_days": 30}), now)
    [start] = [e for e in opened.effects if isinstance(e, StartRound)]
    assert start.input.closes_at <= start_of(opened.state.target.opens_on)


def test_a_delegations_round_opened_under_the_twenty_third_generation_still_follows_its_session_once_carried_into_the_twenty_fourth():
    """Sixteenth generation on (`rounds.follow_sessions`): an open round whose window counts back from the session ends as
    the session now gives. A delegations' round opened by a twenty-third-generation draft at a three-session law's first
    revision closes 20 days before session 16-3; carried into the twenty-fourth (a continued run takes up the newest
    generation), `sessions.window_of` says a new round's window runs from its opening; this one keeps the window it was
    opened with (`RoundWatch.from_opening` false) and follows 16-3 brought forward (it kept 2027-05-28, two and a half months
    after the session opened)."""
    from schemas.calendar import SessionCalendar
    from workflows import generations

    request = core_request(ProcessVersion.LAW_2015, SessionProcedure.THREE_SESSIONS, target=session(2, 30))
    state = core_state(request, at=Stage.INTER_SESSION_REVISION, generation=23, sessions=[session(2, 30), session(3, 200), session(4, 400)])
    now = state.stage_since + timedelta(days=1)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "dbqh", ("DBQH_HN",), kind=ConsultationKind.NA_DELEGATIONS), now)
    [start] = [e for e in opened.effects if isinstance(e, StartRound)]
    state = generations.carried_into(rounds.round_started(opened.state, start, now).state, 24)
    moved = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(session(2, 30), session(3, 100), session(4, 400)),
                                                                         changed_by="VPQH"), now + timedelta(days=2)).state
    [watch] = moved.open_rounds
    assert watch.round.closes_at <= start_of(moved.target.opens_on), (sessions.last_day_of(watch.round.closes_at), moved.target.opens_on)


def opened_then_switched_while_starting(was: SessionProcedure, to: SessionProcedure, window_days: int | None):
    """A delegations' round opened (its child starting: `open_consultation` awaits `start_round`), the procedure switched
    meanwhile (another update the same draft takes while it awaits), then the child started (`rounds.round_started`)."""
    request, state = at_first_revision(was)
    now = state.stage_since + timedelta(days=1)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "dbqh", ("DBQH_HN",), kind=ConsultationKind.NA_DELEGATIONS,
                                                                        window_days=window_days), now)
    [start] = [e for e in opened.effects if isinstance(e, StartRound)]
    switched = draft.perform(draft.CHANGE_PROGRAMME, opened.state, programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=to), now).state
    return start, rounds.round_started(switched, start, now), now


def test_a_round_opened_counted_back_from_the_session_keeps_following_it_when_the_procedure_switches_while_it_starts():
    """Found by a breaker: a round's window was told from the state once its child had started, not from the window it opened
    with. Opened under two sessions (20 days before 16-3), switched to three while the child starts: it follows 16-3 brought
    forward (it was left closing a month after the session opened)."""
    start, started, now = opened_then_switched_while_starting(SessionProcedure.TWO_SESSIONS, SessionProcedure.THREE_SESSIONS, None)
    [watch] = started.state.open_rounds
    assert not watch.from_opening, "opened counted back from the session, marked as running from its opening"
    moved = draft.perform(draft.CALENDAR_CHANGED, started.state, SessionCalendar(sessions=(session(2, 30), session(3, 150), session(4, 400)),
                                                                                 changed_by="VPQH"), now + timedelta(days=1)).state
    [watch] = moved.open_rounds
    assert watch.round.closes_at <= start_of(moved.target.opens_on), (sessions.last_day_of(watch.round.closes_at), moved.target.opens_on)


def test_a_round_opened_for_five_days_is_not_stretched_to_the_session_when_the_procedure_switches_while_it_starts():
    """The reverse: opened under three sessions for 5 days from its opening (closes 2027-01-06), switched to two while the
    child starts: it keeps its 5 days (it was moved to 20 days before 16-3, 2027-05-28, five months more than asked)."""
    start, started, _ = opened_then_switched_while_starting(SessionProcedure.THREE_SESSIONS, SessionProcedure.TWO_SESSIONS, 5)
    [watch] = started.state.open_rounds
    assert watch.round.closes_at == start.input.closes_at, (sessions.last_day_of(start.input.closes_at), sessions.last_day_of(watch.round.closes_at))


def test_a_round_running_from_its_opening_does_not_run_past_a_session_brought_forward():
    """A delegations' round from its opening closes before the session opens (`before_the_session`): taken for 100 days,
    closing 2027-04-12 before 16-3 on 2027-06-19, then the session brought forward to 2027-03-01, it ends by the opening
    (found by a breaker: it kept 2027-04-12, six weeks into the session, with no event)."""
    request, state = at_first_revision(SessionProcedure.THREE_SESSIONS)
    now = state.stage_since + timedelta(days=1)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "dbqh", ("DBQH_HN",), kind=ConsultationKind.NA_DELEGATIONS,
                                                                        window_days=100), now)
    [start] = [e for e in opened.effects if isinstance(e, StartRound)]
    started = rounds.round_started(opened.state, start, now).state
    moved = draft.perform(draft.CALENDAR_CHANGED, started, SessionCalendar(sessions=(session(2, 30), session(3, 90), session(4, 400)),
                                                                           changed_by="VPQH"), now + timedelta(days=1)).state
    [watch] = moved.open_rounds
    assert watch.round.closes_at <= start_of(moved.target.opens_on), (sessions.last_day_of(watch.round.closes_at), moved.target.opens_on)
