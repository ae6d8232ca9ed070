"""A National Assembly Office's trial: a law awaiting the Government's decision misses its cut-off for 16-2
(2027-04-05) while no later session is announced; its status says so: "the draft slips to the next session announced
whose cut-off is ahead (none is announced yet: legis calendar set-session)". The office then announces 16-3, opening
2027-06-25, whose own cut-off (2027-05-11) has passed too on the day it is announced (2027-05-15). The draft cannot slip
there (README: it slips "to the next announced session whose cut-off is still ahead"), records nothing, stays aimed at
16-2, and its status drops the "(none is announced yet ...)" hint: it now reads as if a session to slip to were
announced, because `warnings` asks only whether a later session exists, not whether its cut-off is ahead."""

from __future__ import annotations

from datetime import date, datetime

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import Stage
from tests.drafts import core_request, core_state
from workflows import draft, draft_views
from workflows.deadlines import VIETNAM

S2 = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20))
S3 = TargetSession(legislature=16, session=3, opens_on=date(2027, 6, 25))


def test_a_later_session_whose_cut_off_has_passed_too_is_not_said_to_take_the_draft():
    state = core_state(core_request(), at=Stage.GOVERNMENT_DECISION, sessions=(S2,))
    state = draft.tick(state, datetime(2027, 4, 10, 9, 0, tzinfo=VIETNAM)).state
    announced_on = datetime(2027, 5, 15, 9, 0, tzinfo=VIETNAM)
    state = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(S2, S3), changed_by="VPQH"), announced_on).state
    assert state.target.code == "16-2"  # no session whose cut-off is ahead: it stays, as the README says
    said = [w for w in draft_views.status(state, "w", announced_on).warnings if "has passed" in w]
    assert said, "the passed cut-off is warned of"
    # Expected: still told that no session whose cut-off is ahead is announced (16-3's, 2027-05-11, has passed too).
    assert "none is announced" in said[0] or "16-3" in said[0], said
