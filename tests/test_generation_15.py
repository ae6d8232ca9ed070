"""Fifteenth generation: a slip recorded on a later day than the cut-off it follows passed says that day.

Found by a fresh-user trial: a draft entered under way past its session's cut-off recorded the deadline passed with the
day it fell due, and its slip to the next session with none, as if it had slipped the day it was entered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import EventKind, Stage
from schemas.refusal import Refused
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, passed_through, pinned, session
from workflows import draft
from workflows.change import Log, Record
from workflows.deadlines import local_day

S = Stage


def entered_past_its_cutoff(generation: int, *, classified: bool = False):
    """A law entered at GOVERNMENT_DECISION 40 days after its review, aimed at session 16-2 (30 days ahead, so that its
    cut-off, 45 days before the opening, passed 15 days ago), with 16-3 announced 200 days ahead."""
    request = core_request(target=session(2, 30), classified=classified)
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]),
                             local_day(NOW) - timedelta(days=40))
    return draft.open_draft(entered, pinned(entered, sessions=[session(2, 30), session(3, 200)]), NOW, generation=generation).state


@pytest.mark.parametrize("generation", [15, 14])
def test_a_slip_raised_after_its_cut_off_passed_says_that_day(generation):
    state = entered_past_its_cutoff(generation)
    assert state.stage is S.GOVERNMENT_DECISION and state.deadline == session(2, 30).opens_on - timedelta(days=45)
    ticked = draft.tick(state, NOW)
    raised = [e.entry for e in ticked.effects if isinstance(e, Record)]
    assert [e.event for e in raised] == [EventKind.DEADLINE_PASSED, EventKind.SESSION_SLIPPED]
    passed_on = state.deadline + timedelta(days=1)
    assert raised[0].occurred_on == passed_on
    assert raised[1].occurred_on == (passed_on if generation >= 15 else None)
    assert ticked.state.target.code == "16-3" and all(e.at == NOW for e in raised)


def test_a_slip_raised_on_the_day_its_cut_off_passed_says_no_other():
    state = entered_past_its_cutoff(15)
    on_its_day = NOW - timedelta(days=14)
    slipped = [e.entry for e in draft.tick(state, on_its_day).effects if isinstance(e, Record) and e.entry.event is EventKind.SESSION_SLIPPED]
    assert len(slipped) == 1 and slipped[0].occurred_on is None


def test_a_classified_draft_s_slip_and_deadline_are_logged_without_its_sessions():
    """Found by a review: the worker's log named a classified draft's sessions (the slip's from and to, the cut-off's
    label), which its history withholds from everyone but its lead ministry."""
    state = entered_past_its_cutoff(15, classified=True)
    logged = [e for e in draft.tick(state, NOW).effects if isinstance(e, Log)]
    assert len(logged) == 2 and all("16-" not in f"{e.message} {e.fields}" for e in logged), logged
    plain = [e for e in draft.tick(entered_past_its_cutoff(15), NOW).effects if isinstance(e, Log)]
    assert plain[1].fields["to"] == "16-3"


def test_a_start_holding_a_token_is_refused_by_the_draft_itself():
    """Found by a re-check: a draft started by a raw Temporal client, past the API's and the CLI's checks, wrote a token
    pasted as its submission ID to the audit trail and the registry, read by every agency."""
    token = "legis_67e8b53208eb_a8iYRXCzoppHT9Pj8veH67tL52bPvFE1kClGrDfueow"
    request = core_request().model_copy(update={"submission_id": token})
    with pytest.raises(Refused) as refused:
        draft.open_draft(request, pinned(request), NOW, generation=15)
    assert (refused.value.field, refused.value.rule) == ("submission_id", "not_a_secret") and "a8iYRX" not in refused.value.message
    draft.open_draft(request, pinned(request), NOW, generation=14)  # as it ran before
