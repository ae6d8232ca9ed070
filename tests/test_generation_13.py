"""Thirteenth generation: a draft entered under way with a step the Assembly took at a session after its debate; an
alarm raised after the day it fell due.

Found by a fresh-user trial: a two-session law voted at its second session a year ago could not be entered once any session
was announced ahead: its vote was compared with the next session announced, which had not opened, and refused
(`after_session_opens`); the calendar keeps no session that has ended, so no date could be right.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.calendar import SessionPhase, TargetSession
from schemas.enums import EventKind, LawKind, Outcome, ProcessVersion, SessionProcedure, Stage
from schemas.messages import Decision, StartRequest
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import BEFORE_THE_ASSEMBLY, FAILING_VOTE, NOW, PASSING_VOTE, core_request, decision, passed_through, pinned, session
from workflows import draft
from workflows.change import Record, due_later
from workflows.deadlines import local_day, start_of

S = Stage
DEBATED = TargetSession(legislature=16, session=1, opens_on=local_day(NOW) - timedelta(days=400))


def entered(voted_on: date, generation: int):
    """A two-session law debated at 16-1, revised, and voted on `voted_on`, entered with session 16-3 announced ahead."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS, target=DEBATED)
    days = {stage: DEBATED.opens_on - timedelta(days=10 * (len(BEFORE_THE_ASSEMBLY) - i)) for i, stage in enumerate(BEFORE_THE_ASSEMBLY)}
    days |= {S.NA_FIRST_SESSION: min(DEBATED.opens_on + timedelta(days=5), voted_on),
             S.INTER_SESSION_REVISION: min(DEBATED.opens_on + timedelta(days=60), voted_on), S.NA_SESSION: voted_on}
    steps = [decision(request, stage, Outcome.VOTE if stage is S.NA_SESSION else Outcome.APPROVE,
                      vote=PASSING_VOTE if stage is S.NA_SESSION else None).model_copy(update={"occurred_on": day})
             for stage, day in days.items()]
    request = StartRequest.model_validate({**request.model_dump(), "passed": [step.model_dump() for step in steps]})
    return draft.open_draft(request, pinned(request, sessions=[session(3, 60)]), NOW, generation=generation).state


def test_a_vote_at_a_session_after_the_debate_is_entered_with_its_day():
    voted_on = DEBATED.opens_on + timedelta(days=185)
    state = entered(voted_on, NEWEST_GENERATION)
    assert state.stage is S.PROMULGATION and state.generation == NEWEST_GENERATION
    assert state.deadline is not None and state.deadline > voted_on  # the President's days count from the vote
    # Not after the opening of the session that debated the draft (all three steps on that day): the step's day is wrong,
    # and the refusal says which field to correct.
    with pytest.raises(Refused) as caught:
        entered(DEBATED.opens_on, NEWEST_GENERATION)
    assert (caught.value.field, caught.value.rule) == (f"passed.{len(BEFORE_THE_ASSEMBLY) + 2}.occurred_on", "after_session_opens")
    assert "later session than 16-1, which debated the draft" in caught.value.message and "correct the step's occurred_on" in caught.value.message


def test_the_twelfth_generation_still_compares_it_with_the_session_announced_next():
    with pytest.raises(Refused) as caught:
        entered(DEBATED.opens_on + timedelta(days=185), 12)
    assert caught.value.rule == "after_session_opens" and "16-3" in caught.value.message


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 13, 12])
def test_alarms_raised_after_the_day_they_fell_due_say_that_day(generation):
    """Found by a fresh-user trial: a draft entered already past its deadline recorded the deadline passed and every
    escalation level at the moment it was entered, nothing saying when each fell due."""
    request = core_request()
    entered_on = passed_through(request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING], local_day(NOW) - timedelta(days=80))
    state = draft.open_draft(entered_on, pinned(entered_on), NOW, generation=generation).state
    assert state.stage is S.APPRAISAL and state.deadline < local_day(NOW) - timedelta(days=14)
    raised = [e.entry for e in draft.tick(state, NOW).effects if isinstance(e, Record)]
    assert [e.event for e in raised] == [EventKind.DEADLINE_PASSED, *[EventKind.ESCALATION] * (len(raised) - 1)] and len(raised) >= 3
    due = [alarm for alarm in due_later(state) if alarm.at <= NOW]
    assert [e.occurred_on for e in raised] == ([local_day(a.at) for a in due] if generation >= 13 else [None] * len(raised))
    assert all(e.at == NOW for e in raised)  # recorded now, as every event is
    # An alarm raised on its own day says no other.
    on_time = draft.tick(state, due[0].at).effects
    assert [e.entry.occurred_on for e in on_time if isinstance(e, Record)] == [None] * len([a for a in due if a.at == due[0].at])


def steps_of(request: StartRequest, plan: list[tuple[Stage, Outcome, date, dict]]) -> StartRequest:
    """`request` entered under way with each (stage, outcome, day, fields) of `plan` passed, the stages on its path before
    the plan's first approved ten days apart before it."""
    path = state_path(request)
    lead = path[:path.index(plan[0][0])]
    first = plan[0][2]
    days = [(stage, Outcome.APPROVE, first - timedelta(days=10 * (len(lead) - i)), {}) for i, stage in enumerate(lead)]
    steps = [Decision.model_validate({**decision(request, stage, Outcome.APPROVE if outcome is Outcome.CARRY_OVER else outcome,
                                                 vote=fields.get("vote")).model_dump(), "occurred_on": day, "outcome": outcome,
                                      **({"documents": ()} if outcome is Outcome.CARRY_OVER else {}), **fields})
             for stage, outcome, day, fields in days + plan]
    return StartRequest.model_validate({**request.model_dump(), "passed": [step.model_dump() for step in steps]})


def state_path(request: StartRequest) -> list[Stage]:
    return list(draft.open_draft(request, pinned(request), NOW, generation=NEWEST_GENERATION).state.path)


T0 = DEBATED.opens_on
PHASED = DEBATED.model_copy(update={"phases": (SessionPhase(starts_on=T0, ends_on=T0 + timedelta(days=20)),)})
VOTED = (S.NA_SESSION, Outcome.VOTE, T0 + timedelta(days=365), {"vote": PASSING_VOTE})
# An extraordinary session sitting now, from four days ago to six days ahead.
SITTING_NOW = TargetSession(legislature=16, session=1, extraordinary=True, opens_on=local_day(NOW) - timedelta(days=4),
                            phases=(SessionPhase(starts_on=local_day(NOW) - timedelta(days=4), ends_on=local_day(NOW) + timedelta(days=6)),))


@pytest.mark.parametrize(("case", "request_fields", "plan", "announced", "refused"), [
    # Found by a breaker of the first version: a vote within the sitting that debated the draft was entered.
    ("voted at the debate's own sitting", {"procedure": SessionProcedure.TWO_SESSIONS, "target": PHASED},
     [(S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=6), {}),
      (S.NA_SESSION, Outcome.VOTE, T0 + timedelta(days=10), {"vote": PASSING_VOTE})], [session(3, 60)], "later session than 16-1"),
    # A session a carry-over named is the draft's: a vote before it is refused, as before.
    ("voted before the session it was carried to", {"procedure": SessionProcedure.TWO_SESSIONS, "target": DEBATED},
     [(S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=60), {}),
      (S.NA_SESSION, Outcome.CARRY_OVER, T0 + timedelta(days=185), {"carry_to": session(2, -35), "reasons": "chưa đủ điều kiện"}),
      (S.NA_SESSION, Outcome.VOTE, T0 + timedelta(days=186), {"vote": PASSING_VOTE})], [], "sitting of session 16-2"),
    # A three-session law debated twice and voted, and an ordinance referred and voted, at sessions that have ended.
    ("three sessions", {"version": ProcessVersion.LAW_2015, "procedure": SessionProcedure.THREE_SESSIONS, "target": DEBATED},
     [(S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=60), {}),
      (S.NA_SECOND_SESSION, Outcome.APPROVE, T0 + timedelta(days=185), {}),
      (S.SECOND_INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=240), {}), VOTED], [session(3, 60)], None),
    # Found by a second trial: a carry-over to the first session announced, then a vote before it opened, was entered.
    ("voted before the first session announced, named by a carry-over", {"target": DEBATED},
     [(S.NA_SESSION, Outcome.VOTE, T0 + timedelta(days=5), {"vote": FAILING_VOTE}),
      (S.NA_SESSION, Outcome.CARRY_OVER, T0 + timedelta(days=6), {"carry_to": SITTING_NOW, "reasons": "chưa đủ điều kiện"}),
      (S.NA_SESSION, Outcome.VOTE, local_day(NOW) - timedelta(days=10), {"vote": PASSING_VOTE})], [SITTING_NOW, session(3, 60)],
     "sitting of session 16-E1"),
    # Found by a second trial: a three-session law's second debate, at a session that has ended, was held to be the
    # session sitting now, and its final vote there refused as taken at the session that debated it.
    ("three sessions, voted at the session sitting now", {"version": ProcessVersion.LAW_2015, "procedure": SessionProcedure.THREE_SESSIONS,
                                                          "target": DEBATED},
     [(S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=60), {}),
      (S.NA_SECOND_SESSION, Outcome.APPROVE, T0 + timedelta(days=185), {}),
      (S.SECOND_INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=240), {}),
      (S.NA_SESSION, Outcome.VOTE, local_day(NOW) - timedelta(days=2), {"vote": PASSING_VOTE})], [SITTING_NOW, session(3, 60)], None),
    # Found by a third breaker: the start's own session, announced, was taken for one the draft chose.
    ("voted before the start's own session", {"target": session(3, 60)},
     [(S.NA_SESSION, Outcome.VOTE, local_day(NOW) - timedelta(days=100), {"vote": PASSING_VOTE})], [session(3, 60)], "sitting of session 16-3"),
    # ... a vote at the sitting that debated the draft passed while no later session was announced, and an ordinance's at
    # the sitting during which it was referred (the Assembly takes it at a session opening after the referral) ...
    ("voted at the debate's own sitting, none announced", {"procedure": SessionProcedure.TWO_SESSIONS, "target": PHASED},
     [(S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=6), {}),
      (S.NA_SESSION, Outcome.VOTE, T0 + timedelta(days=10), {"vote": PASSING_VOTE})], [], "16-1, which debated the draft and sat on"),
    ("an ordinance voted at the sitting that it was referred during", {"law_kind": LawKind.ORDINANCE, "target": PHASED},
     [(S.PROMULGATION, Outcome.RETURN_FOR_REVISION, T0 + timedelta(days=3), {"reasons": "xem xét lại"}),
      (S.STANDING_COMMITTEE_OPINION, Outcome.APPROVE, T0 + timedelta(days=4), {}),
      (S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY, T0 + timedelta(days=5), {"reasons": "trình Quốc hội"}),
      (S.NA_SESSION, Outcome.VOTE, T0 + timedelta(days=6), {"vote": PASSING_VOTE})], [session(3, 60)], "16-1, which sat on"),
    # ... and a carry-over decided at a session that has ended, to the session the draft chose, was refused for its session.
    ("carried over from a session that has ended", {"procedure": SessionProcedure.TWO_SESSIONS, "target": DEBATED},
     [(S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=60), {}),
      (S.NA_SESSION, Outcome.CARRY_OVER, T0 + timedelta(days=185), {"carry_to": SITTING_NOW, "reasons": "chưa đủ điều kiện"}),
      (S.NA_SESSION, Outcome.VOTE, local_day(NOW) - timedelta(days=2), {"vote": PASSING_VOTE})], [SITTING_NOW, session(3, 60)], None),
    ("an ordinance referred", {"law_kind": LawKind.ORDINANCE, "target": DEBATED},
     [(S.PROMULGATION, Outcome.RETURN_FOR_REVISION, T0 + timedelta(days=28), {"reasons": "xem xét lại"}),
      (S.STANDING_COMMITTEE_OPINION, Outcome.APPROVE, T0 + timedelta(days=29), {}),
      (S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY, T0 + timedelta(days=30), {"reasons": "trình Quốc hội"}), VOTED], [session(3, 60)], None),
])
def test_steps_at_sessions_that_have_ended_are_checked_against_what_the_draft_knows(case, request_fields, plan, announced, refused):
    request = steps_of(core_request(**request_fields), plan)
    if refused is None:
        assert draft.open_draft(request, pinned(request, sessions=announced), NOW, generation=NEWEST_GENERATION).state.stage is S.PROMULGATION
        with pytest.raises(Refused):  # the twelfth generation compared them with the session announced ahead
            draft.open_draft(request, pinned(request, sessions=announced), NOW, generation=12)
        return
    with pytest.raises(Refused) as caught:
        draft.open_draft(request, pinned(request, sessions=announced), NOW, generation=NEWEST_GENERATION)
    assert caught.value.rule == "after_session_opens" and refused in caught.value.message, caught.value


@pytest.mark.parametrize("announced", [[session(3, 60)], [SITTING_NOW, session(3, 60)]])
def test_a_three_session_law_entered_after_its_second_debate_is_voted_at_the_next_session(announced):
    """Found by a third breaker: a second debate entered with its past day left the draft holding the session it had
    chosen (not yet sat, or sitting now) as the one that debated it, so its real vote there was refused."""
    request = steps_of(core_request(version=ProcessVersion.LAW_2015, procedure=SessionProcedure.THREE_SESSIONS, target=DEBATED), [
        (S.NA_FIRST_SESSION, Outcome.APPROVE, T0 + timedelta(days=5), {}), (S.INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=60), {}),
        (S.NA_SECOND_SESSION, Outcome.APPROVE, T0 + timedelta(days=185), {}),
        (S.SECOND_INTER_SESSION_REVISION, Outcome.APPROVE, T0 + timedelta(days=240), {})])
    state = draft.open_draft(request, pinned(request, sessions=announced), NOW, generation=NEWEST_GENERATION).state
    # The next regular session (twentieth generation): an extraordinary one sitting now takes the draft only where the
    # Standing Committee puts it there, or where an imported step says it was taken there.
    regular = next(s for s in announced if not s.extraordinary)
    assert state.stage is S.NA_SESSION and state.held.code == "16-1" and state.target == regular
    at_its_sitting = max(NOW + timedelta(hours=1), start_of(regular.opens_on) + timedelta(days=1, hours=9))
    voted = draft.perform(draft.DECIDE, state, decision(request, S.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE), at_its_sitting).state
    assert voted.stage is S.PROMULGATION
