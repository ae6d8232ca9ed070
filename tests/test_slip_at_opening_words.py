"""Re-check of the thirtieth generation (s56 recheck): a law at GOVERNMENT_DECISION whose date approved by the Prime
Minister is after its session's opening slips when the session opens (README, "The session calendar": "A draft still on
the Government's side of its path ... when its session opens ... slips at the opening ... a date the Prime Minister
approved past it does not put the draft on an agenda"). The fix made `next cut-off`, `next alarm`, the board and the
Web UI timer say so, but the other sentences about that approved date still promise the old rule, "the draft slips if
that date passes":

- `legis status`'s warning (JSON `warnings`, read by scripts and the API) once the cut-off passed;
- the audit trail's SESSION_RESCHEDULED note when the session is brought forward before the approved date
  (`legis calendar set-session 16-2 --opens-on <tomorrow> --accept-missed-cutoffs`), a record kept for good;
- the warning on a postponement asked past the opening ("approved, it stands ... and the draft slips if the date
  passes"), which the Prime Minister's inbox form repeats.

Reproduced through the front doors: a draft at GOVERNMENT_DECISION, a postponement to 2027-06-15 approved by PM, then
session 16-2 moved to open the next day with 16-3 announced later: `legis status` said on one screen "next alarm: session
16-2 opens: the draft slips ... 2026-12-08" and "warning: ... the approved date 2027-06-15 stands ...; the draft slips if
that date passes too"."""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import EventKind, Stage
from tests.drafts import ask_postponement, core_request, core_state, postponed, session
from workflows import draft, draft_views
from workflows.deadlines import start_of

PROMISE = "slips if"


def _approved_after_opening():
    first, second = session(1, 80), session(2, 250)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, second])
    state = postponed(state, first.opens_on + timedelta(days=20)).state
    assert state.deadline > first.opens_on
    return state, first, second


def test_status_warning_past_the_cut_off_does_not_say_the_draft_slips_when_the_approved_date_passes():
    state, first, _ = _approved_after_opening()
    now = start_of(first.opens_on - timedelta(days=3)) + timedelta(hours=9)  # cut-off long passed, opening in 3 days
    state = draft.tick(state, now).state
    assert draft.tick(state, start_of(first.opens_on)).state.target.code != first.code  # it does slip at the opening
    view = draft_views.status(state, "w", now)
    promised = [w for w in view.warnings if str(state.deadline) in w and PROMISE in w]
    assert not promised, f"next alarm is the opening ({view.next_alarm}), yet the warning says: {promised}"


def test_the_session_moves_note_does_not_say_the_draft_slips_when_the_approved_date_passes():
    state, first, second = _approved_after_opening()
    now = start_of(first.opens_on - timedelta(days=79)) + timedelta(hours=9)
    tomorrow = (now + timedelta(days=1)).date()
    brought_forward = TargetSession(legislature=first.legislature, session=first.session, opens_on=tomorrow)
    applied = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(brought_forward, second), changed_by="VPQH"), now)
    moved = [e.entry for e in applied.effects if getattr(e, "entry", None) is not None and e.entry.event is EventKind.SESSION_RESCHEDULED]
    assert moved, applied.effects
    assert draft.tick(applied.state, start_of(tomorrow) + timedelta(hours=1)).state.target.code == second.code  # slips at the opening
    wrong = [e.label for e in moved if PROMISE in (e.label or "") and str(state.deadline) in (e.label or "")]
    assert not wrong, f"the draft slips when 16-1 opens on {tomorrow}, the audit trail says: {wrong}"


def test_a_postponement_asked_past_the_opening_is_not_said_to_keep_the_draft_until_that_date():
    state, first, _ = _approved_after_opening()
    now = start_of(first.opens_on - timedelta(days=3)) + timedelta(hours=9)
    state = draft.tick(state, now).state
    asked = first.opens_on + timedelta(days=40)
    state = ask_postponement(state, asked, now).state
    view = draft_views.status(state, "w", now)
    promised = [w for w in view.warnings if str(asked) in w and PROMISE in w]
    assert not promised, f"approving {asked} would not keep the draft past the opening {first.opens_on}: {promised}"
