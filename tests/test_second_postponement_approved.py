"""A draft whose deadline an approved postponement moved keeps that date whatever the calendar does afterwards; a second
postponement, later than it, is approved after the session moved, and the deadline in force moves later, as asked
(`rules.check_postponement_decision` checks an approval against the calendar only where no approved date stands). Found
by a breaker: the approval was refused as bringing the deadline earlier than the calendar gives, leaving the draft on the
earlier date."""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import SessionCalendar
from schemas.enums import Actor, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, passed_through, pinned, session
from workflows import draft
from workflows.deadlines import local_day

S = Stage
TODAY = local_day(NOW)


def test_a_second_postponement_later_than_the_approved_date_in_force_is_approved():
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=1))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200)]), NOW, generation=18).state
    cutoff = state.deadline

    def ask(st, day):
        return draft.perform(draft.REQUEST_POSTPONEMENT, st, PostponementRequest(
            stage=S.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
            official="x", new_deadline=day, reason="chờ ý kiến các bộ"), NOW).state

    approval = PostponementDecision(stage=S.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP",
                                    role=Role.PRIME_MINISTER, official="x")
    first = draft.perform(draft.DECIDE_POSTPONEMENT, ask(state, cutoff + timedelta(days=5)), approval, NOW).state
    assert first.deadline == cutoff + timedelta(days=5)
    asked = ask(first, cutoff + timedelta(days=15))
    moved = draft.perform(draft.CALENDAR_CHANGED, asked, SessionCalendar(sessions=(session(2, 260),), changed_by="VPQH"), NOW).state
    # The approved date stays in force; the second request would move it ten days later.
    assert moved.deadline == cutoff + timedelta(days=5) and moved.pending_postponement.new_deadline > moved.deadline
    draft.validate(draft.DECIDE_POSTPONEMENT, moved, approval, NOW)  # raises Refused approved/later_than_current
    assert draft.perform(draft.DECIDE_POSTPONEMENT, moved, approval, NOW).state.deadline == cutoff + timedelta(days=15)
