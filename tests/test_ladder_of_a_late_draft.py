"""A draft already late, part-way up its escalation ladder, whose deadline the calendar moves to another day that has
passed too, is late on the same work: its ladder goes on counting from the moved deadline's end (`DraftState.late_before_move`,
eighteenth generation), as the seventeenth generation did. Found by a breaker: the eighteenth counted the rest of the
ladder from the moment of the move, as if the draft had become late that day, and every further move put the Deputy Prime
Minister off again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar
from schemas.enums import EscalationLevel, EventKind, Stage
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, passed_through, pinned, session
from workflows import draft
from workflows.change import Record
from workflows.deadlines import local_day

S = Stage
TODAY = local_day(NOW)


def _escalations(applied):
    return [e.entry.escalation_level for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.ESCALATION]


@pytest.mark.parametrize("generation", [17, 18])
def test_a_late_draft_whose_session_moves_keeps_climbing_its_ladder(generation):
    # At the Government's decision for 40 days, its cut-off (counted back from 16-2) passed on 20 November: late since.
    request = core_request(target=session(2, 35))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=40))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 35)]), NOW, generation=generation).state
    first = draft.tick(state, NOW)
    assert _escalations(first) == [EscalationLevel.RESPONSIBLE_OFFICIAL, EscalationLevel.HEAD_OF_AGENCY, EscalationLevel.VPCP]
    # The session moves two days later: the cut-off is 24 November, still passed. The same work, still late.
    state = draft.perform(draft.CALENDAR_CHANGED, first.state, SessionCalendar(sessions=(session(2, 38),), changed_by="VPQH"), NOW).state
    assert state.deadline == TODAY - timedelta(days=7) and state.overdue
    raised_on = {}
    for day in range(0, 15):
        applied = draft.tick(state, NOW + timedelta(days=day))
        raised_on |= {level: day for level in _escalations(applied)}
        state = applied.state
    # Late since the moved deadline passed (25 November) at the latest: the Deputy Prime Minister 14 days on, 9 December.
    assert raised_on.get(EscalationLevel.DEPUTY_PM) == 8, raised_on
