"""What a classified draft's status and history withhold from all but its lead ministry, found by a breaker: its
pending decision named the sitting it is decided at (`pending.at_meeting`, the Standing Committee meeting counted back
from its session; `pending.at_sitting_of`, the session itself), which `target_session: null` withholds (README: "A
classified draft's title, lead ministry, target session ... are shown only to its lead ministry"); its history named
its examining committee, which its status withholds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from api.permissions import CLI_READER, Registered, history_for, status_for
from api.tokens import Caller
from cli.drafts import print_status
from cli.output import out
from schemas.calendar import StandingCommitteeMeeting, TargetSession
from schemas.enums import Actor, CallerRole, EventKind, LawKind, Outcome, Role, Stage
from schemas.views import HistoryEntry, HistoryView
from tests.drafts import NOW, core_request, core_state
from workflows import draft_views

OTHER_MINISTRY = Caller(token_id="t-other", agency_code="BYT", role=CallerRole.LEAD_MINISTRY)
UBTVQH = Caller(token_id="t-ubtvqh", agency_code="UBTVQH", role=CallerRole.UBTVQH)


def test_a_classified_ordinances_status_does_not_name_the_meeting_before_its_session():
    request = core_request(law_kind=LawKind.ORDINANCE, opens_on=date(2027, 5, 20), classified=True)
    meeting = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=date(2027, 4, 12))
    state = core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, meetings=[meeting])
    view = draft_views.status(state, "w", NOW)
    assert view.pending is not None and view.pending.at_meeting == meeting  # the lead ministry reads it
    for caller in (CLI_READER, OTHER_MINISTRY, UBTVQH):
        seen = status_for(caller, view)
        assert seen.target_session is None  # withheld, as the README says
        said = seen.model_dump_json()
        assert "UBTVQH-52" not in said and "2027-04-12" not in said, (caller.agency_code, seen.pending)
    with out.capture() as captured:
        print_status(status_for(CLI_READER, view))
    printed = " ".join(captured.get().split())
    assert "UBTVQH-52" not in printed, printed


def test_a_classified_laws_status_at_a_sitting_stage_does_not_name_its_session():
    request = core_request(classified=True, target=TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20)))
    state = core_state(request, at=Stage.NA_SESSION, sessions=[request.target_session])
    view = draft_views.status(state, "w", NOW)
    assert view.pending is not None and view.pending.at_sitting_of is not None  # the lead ministry reads it
    seen = status_for(CLI_READER, view)
    assert seen.target_session is None
    said = seen.model_dump_json()
    assert "2027-05-20" not in said and '"16-2"' not in said, seen.pending


def test_a_classified_drafts_history_does_not_name_its_examining_committee():
    """Found by a breaker: the history, as an operator, another ministry or `legis history` read it, named the committee
    on its examination's decision (`agency_code`), which the status withholds ("the committee tells the draft's field")."""
    examined = HistoryEntry(seq=9, at=datetime(2027, 3, 2, 3, tzinfo=UTC), event=EventKind.DECISION, stage=Stage.EXAMINATION,
                            to_stage=Stage.NA_SESSION, outcome=Outcome.APPROVE, actor=Actor.NA_COMMITTEE, agency_code="UBQPANDN",
                            role=next(iter(Role)), official="Trần Văn B")
    view = HistoryView(submission_id="BQP-2026-901", entries=(examined,))
    seen = history_for(CLI_READER, view, Registered(classified=True, lead_ministry="BQP"))
    assert "UBQPANDN" not in seen.model_dump_json(), seen.entries[0]
