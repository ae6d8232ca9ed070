"""A National Assembly Office's trial: the examining committee asks, and the Standing Committee approves, a new
date for the examination of a law aimed at session 16-2 (sitting 2027-05-20 to 2027-06-10 and 2027-06-20 to
2027-06-30) that falls after the session's last sitting day: 2027-07-15. The request's warning says "approved, it stands
and the draft keeps its place until that date"; once approved, the draft stays aimed at 16-2 after the session has risen,
`legis status` saying on 2027-07-05 that "the approved date 2027-07-15 stands ...; the draft slips if that date passes
too", and it slips to 16-3 only on 2027-07-16, two weeks after the session it "kept its place" at had ended. A place at a
session that has sat is no place: the Government's side was mended for the opening (thirtieth generation, README "The
session calendar": "the draft keeps its place until its session opens on ..., then it slips"); the Assembly's side
has no such bound at the session's close."""

from __future__ import annotations

from datetime import date, datetime

from schemas.calendar import SessionPhase, TargetSession
from schemas.enums import Actor, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from tests.drafts import core_request, core_state
from workflows import draft, draft_views
from workflows.deadlines import VIETNAM

S2 = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20),
                   phases=(SessionPhase(starts_on=date(2027, 5, 20), ends_on=date(2027, 6, 10)),
                           SessionPhase(starts_on=date(2027, 6, 20), ends_on=date(2027, 6, 30))))
S3 = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))


def test_a_date_approved_past_the_sessions_close_does_not_keep_the_drafts_place_at_a_session_that_has_risen():
    state = core_state(core_request(), at=Stage.EXAMINATION, sessions=(S2, S3))
    asked_on = datetime(2027, 4, 20, 9, 0, tzinfo=VIETNAM)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code="UBPLTP", role=Role.COMMITTEE_CHAIR, official="Chủ nhiệm",
        new_deadline=date(2027, 7, 15), reason="cần thêm thời gian thẩm tra"), asked_on).state
    state = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR,
        official="Chủ tịch Quốc hội"), asked_on).state

    risen = datetime(2027, 7, 5, 9, 0, tzinfo=VIETNAM)  # session 16-2 sat last on 2027-06-30
    state = draft.tick(state, risen).state
    said = draft_views.status(state, "w", risen).warnings
    # Nothing moves it by itself on the Assembly's side (the Standing Committee defers it): its status says 16-2 has risen.
    assert state.target.code == "16-2"
    assert any(w.startswith("session 16-2 sat until 2027-06-30 with the draft at EXAMINATION") for w in said), said
