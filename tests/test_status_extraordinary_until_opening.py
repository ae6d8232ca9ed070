"""A National Assembly Office's trial: a law aimed at an extraordinary session, still awaiting the Government's
decision when its cut-off (45 days before the opening) passes. `legis status` warns "the cut-off ... has passed: the
draft keeps its place at the extraordinary session", unqualified, for the six weeks up to the opening; yet at the opening
the draft slips to the next regular session (README, "The session calendar": a draft still on the Government's side when
its session opens, an extraordinary one too, slips at the opening), and the core does exactly that. The warning should
say, as it does of an approved date (`_until`: "keeps its place until session ... opens on ..., then it slips"), that
the place is kept only until the opening."""

from __future__ import annotations

from datetime import date, datetime

from schemas.calendar import TargetSession
from schemas.enums import EventKind, Stage
from tests.drafts import core_request, core_state
from workflows import draft, draft_views
from workflows.deadlines import VIETNAM

E1 = TargetSession(legislature=16, session=1, opens_on=date(2027, 2, 1), extraordinary=True)
S2 = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20))


def test_a_passed_cut_off_at_an_extraordinary_session_says_the_draft_slips_at_its_opening():
    request = core_request(target=E1)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=(E1, S2))
    after_the_cutoff = datetime(2026, 12, 20, 9, 0, tzinfo=VIETNAM)
    state = draft.tick(state, after_the_cutoff).state
    said = draft_views.status(state, "w", after_the_cutoff).warnings
    keeps = [w for w in said if "keeps its place at the extraordinary session" in w]
    assert keeps, said

    # What the draft then does: at the opening it slips to 16-2.
    opened = draft.tick(state, datetime(2027, 2, 1, 9, 0, tzinfo=VIETNAM)).state
    assert opened.target.code == "16-2" and opened.last(EventKind.SESSION_SLIPPED) is not None

    # So the warning given before should say so: the place is kept until the opening on 2027-02-01.
    assert any("2027-02-01" in w for w in keeps), keeps
