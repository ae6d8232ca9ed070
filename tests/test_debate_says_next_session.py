"""Found by a National Assembly Office trial: a two-session law debated at its first session aims at the next
session announced, but when that session is already on the calendar the audit trail never says so.

README, "A draft's long life": "After each session of a multi-session procedure the draft aims at the next announced
regular session"; the board's draft page names in its timeline "the next session aimed at after a debate". When the
next session is announced only after the debate, the calendar change records SESSION_RESCHEDULED "aimed at session
16-3 (opens ...), the next after 16-2". When it is already announced, the debate's DECISION moves the target silently:
no label, no event, so `legis history`, the board's timeline, the webhooks and the Akoma Ntoso export never say the
draft now aims at 16-3 (reproduced with `legis decide` on a TWO_SESSIONS draft at NA_FIRST_SESSION, 16-2 announced).
"""

from __future__ import annotations

from datetime import timedelta

from schemas.enums import EventKind, SessionProcedure, Stage
from tests.drafts import OPENS_ON, core_request, core_state, decision, sitting
from workflows import draft
from workflows.change import Record


def _labels(applied) -> list[str]:
    return [effect.entry.label or "" for effect in applied.effects if isinstance(effect, Record)]


def test_the_debate_records_the_next_session_the_draft_now_aims_at():
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    first = request.target_session
    following = first.model_copy(update={"session": first.session + 1, "opens_on": OPENS_ON + timedelta(days=180)})
    state = core_state(request, at=Stage.NA_FIRST_SESSION, sessions=(first, following))

    applied = draft.perform(draft.DECIDE, state, decision(request, Stage.NA_FIRST_SESSION), sitting(state))

    assert applied.state.stage is Stage.INTER_SESSION_REVISION
    assert applied.state.target.code == following.code  # the draft does aim at the next session...
    labels = _labels(applied)
    # ...and its audit trail should say so, as it does when the session is announced after the debate.
    assert any(following.code in label for label in labels), labels
    [said] = [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.SESSION_RESCHEDULED]
    assert said.label == f"aimed at session {following.code} (opens {following.opens_on}), the next after {first.code}"
    assert said.deadline == applied.state.deadline and said.stage is Stage.INTER_SESSION_REVISION
    assert applied.receipt.events == len(_labels(applied))


def test_a_draft_of_the_twenty_ninth_generation_records_its_debate_as_it_ran():
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    first = request.target_session
    following = first.model_copy(update={"session": first.session + 1, "opens_on": OPENS_ON + timedelta(days=180)})
    state = core_state(request, at=Stage.NA_FIRST_SESSION, sessions=(first, following), generation=29)
    applied = draft.perform(draft.DECIDE, state, decision(request, Stage.NA_FIRST_SESSION), sitting(state))
    assert applied.state.target.code == following.code
    assert not [e for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.SESSION_RESCHEDULED]
