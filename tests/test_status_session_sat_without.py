"""A National Assembly Office's trial: a session's last phase ends with a law still at the Assembly's stage, no
vote, no carry-over, no deferral recorded. The draft keeps aiming at a session that has sat, with no deadline and no
cut-off; `legis status` (and the API's `warnings`, read by scripts) says nothing, and the board marks it on track. Every
decision at NA_SESSION is then refused `within_session` ("session 16-2 sat until 2027-06-30") unless dated within the
sitting, which did not decide. The ordinance's analogue is warned ("the Standing Committee meeting ... has passed with no
decision recorded"); the Assembly's sitting is not."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from schemas.calendar import SessionPhase, TargetSession
from schemas.enums import Stage
from tests.drafts import core_request, core_state
from workflows import draft, draft_views
from workflows.deadlines import VIETNAM

S2 = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20),
                   phases=(SessionPhase(starts_on=date(2027, 5, 20), ends_on=date(2027, 6, 10)),
                           SessionPhase(starts_on=date(2027, 6, 20), ends_on=date(2027, 6, 30))))
S3 = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
AFTER_THE_SESSION = datetime(2027, 7, 15, 9, 0, tzinfo=VIETNAM)


@pytest.mark.parametrize("stage", [Stage.NA_SESSION, Stage.STANDING_COMMITTEE_OPINION])
def test_a_law_left_at_a_session_that_has_sat_is_warned_of(stage):
    request = core_request()
    state = core_state(request, at=stage, sessions=(S2, S3))
    state = draft.tick(state, AFTER_THE_SESSION).state
    assert state.target.code == "16-2"  # nothing moved it: no slip, no event

    view = draft_views.status(state, "draft-law-" + request.submission_id, AFTER_THE_SESSION)
    said = " ".join(view.warnings)
    # Expected: something tells the office that session 16-2 sat until 2027-06-30 and the draft was not decided there
    # (record the decision with its day, or aim it at a later session by a programme change).
    assert "16-2" in said and "2027-06-30" in said, (view.warnings, view.next_cutoff, view.overdue)


def test_nothing_is_said_while_the_session_sits_nor_of_one_whose_end_is_not_known():
    request = core_request()
    state = core_state(request, at=Stage.NA_SESSION, sessions=(S2, S3))
    on_its_last_day = datetime(2027, 6, 30, 17, 0, tzinfo=VIETNAM)
    assert not any("sat until" in w for w in draft_views.status(state, "w", on_its_last_day).warnings)
    unphased = core_state(core_request(), at=Stage.NA_SESSION, sessions=(S2.model_copy(update={"phases": ()}), S3))
    assert not any("sat until" in w for w in draft_views.status(unphased, "w", AFTER_THE_SESSION).warnings)
