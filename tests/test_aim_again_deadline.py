"""Found by the Government Office's trial: a Government decision entered afterwards (`occurred_on`) that met the
cut-off whose passing slipped the draft aims it again at that session (twenty-ninth generation), recording
SESSION_RESCHEDULED "aimed at session 16-2 (opens 2027-01-15) again, not 16-3: ...". That event is the only
SESSION_RESCHEDULED recorded without the deadline then in force: `legis history` shows "deadline after: none" on it
(`deadline` null in `legis history --json`), though the draft is then counted by a deadline counted back from the session
it aims at again (2026-12-31 for its examination, in the trial). Every other SESSION_RESCHEDULED (a session moved) and the
SESSION_SLIPPED it undoes carry the deadline then in force ("Each of these is an event in the draft's history and a row in
the audit trail, with the deadline then in force", README, Deadlines)."""

from __future__ import annotations

from datetime import timedelta

from schemas.enums import EventKind, Stage
from tests.drafts import NOW, decision
from tests.test_late_decision_aims_again import slipped_at_government_decision
from workflows import draft
from workflows.change import Record
from workflows.deadlines import local_day


def test_the_event_that_aims_a_draft_again_at_its_session_carries_the_deadline_then_in_force():
    request, slipped, cutoff = slipped_at_government_decision()
    later = NOW + timedelta(days=9)
    slip = [e for e in slipped.recent if e.event is EventKind.SESSION_SLIPPED]
    assert slip and slip[-1].deadline is not None  # the slip it undoes says the deadline it set
    met = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    draft.validate(draft.DECIDE, slipped, met, later)
    applied = draft.perform(draft.DECIDE, slipped, met, later)
    aimed = [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.SESSION_RESCHEDULED]
    assert len(aimed) == 1, aimed
    # The deadline in force once the draft aims at the session again: the cut-off it met, or the examination's own,
    # counted back from that session; never none ("deadline after: none" in `legis history`).
    assert aimed[0].deadline == cutoff, aimed[0]
