"""Breaker of the thirty-first generation (imported-steps-as-if-sent): a draft entered under way must slip as the same steps
sent one by one slip it (README, "Entering a draft under way"; workflows/generations.py entry 31). Two ways it does not:

1. The slip a late imported step causes picks the next session whose cut-off is ahead *today* (the import's time), not on
   the step's day: a Government decision late for 16-1 but in time for 16-2 slips the draft past 16-2 to 16-3.
2. A later step at a sitting suppresses the slip whatever session that sitting was at: the vote taken at 16-2 (where the
   draft had slipped to) is refused as "after session 16-1 sat", though the same steps sent one by one are taken.
"""

from __future__ import annotations

from datetime import date, timedelta

from schemas.calendar import SessionPhase, TargetSession
from schemas.enums import Outcome, Stage
from schemas.messages import StartRequest
from tests.drafts import NOW, PASSING_VOTE, core_request, decision, pinned
from workflows import draft
from workflows.deadlines import start_of


def _session(number: int, opens_on: date, last_day: date | None = None) -> TargetSession:
    phases = (SessionPhase(starts_on=opens_on, ends_on=last_day),) if last_day else ()
    return TargetSession(legislature=16, session=number, opens_on=opens_on, phases=phases)


S1 = _session(1, date(2026, 5, 20), date(2026, 6, 20))  # Government decision cut-off: 2026-04-03 (45 days, previous working day)
S2 = _session(2, date(2026, 10, 20), date(2026, 11, 20))  # cut-off 2026-09-04; examination's 2026-10-05
S3 = _session(3, date(2027, 5, 20))
STAGES = [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW,
          Stage.GOVERNMENT_DECISION, Stage.EXAMINATION, Stage.STANDING_COMMITTEE_OPINION, Stage.NA_SESSION]
# The Government decided on 2026-04-20: after 16-1's cut-off, well before 16-2's; the Assembly voted at 16-2.
DAYS = [date(2026, 1, 5), date(2026, 1, 20), date(2026, 2, 10), date(2026, 3, 1), date(2026, 4, 1), date(2026, 4, 20),
        date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 25)]


def _steps(request: StartRequest):
    return [decision(request, stage, Outcome.VOTE if stage is Stage.NA_SESSION else Outcome.APPROVE,
                     vote=PASSING_VOTE if stage is Stage.NA_SESSION else None).model_copy(update={"occurred_on": day})
            for stage, day in zip(STAGES, DAYS, strict=True)]


def _entered(request: StartRequest, steps) -> StartRequest:
    return StartRequest.model_validate({**request.model_dump(), "passed": [s.model_dump() for s in steps]})


def _one_by_one(request: StartRequest, steps):
    """The same steps sent live, each on its day, the draft's timers run between them."""
    rules = pinned(request, sessions=[S1, S2, S3])
    state = draft.open_draft(request, rules, start_of(date(2026, 1, 2)) + timedelta(hours=9), generation=31).state
    for step in steps:
        at = start_of(step.occurred_on) + timedelta(hours=10)
        state = draft.tick(state, at).state
        state = draft.receive(draft.DECIDE, state, step.model_copy(update={"occurred_on": None}), at).state
    return draft.tick(state, NOW).state


def test_a_late_imported_step_slips_to_the_session_whose_cut_off_was_ahead_on_its_day():
    request = core_request(target=S1)
    steps = _steps(request)[:-1]  # up to the Standing Committee's opinion: the draft awaits the Assembly
    live = _one_by_one(request, steps)
    assert (live.stage, live.target.code) == (Stage.NA_SESSION, "16-2")
    imported = draft.tick(draft.open_draft(_entered(request, steps), pinned(request, sessions=[S1, S2, S3]), NOW, generation=31).state, NOW).state
    assert imported.stage is Stage.NA_SESSION
    # Fails: slipped from 16-1 straight to 16-3, 16-2's cut-off (2026-09-04) counted as passed because it has by today.
    assert imported.target.code == live.target.code, [e.label for e in imported.recent if e.label]


def test_a_vote_at_the_session_the_draft_slipped_to_is_taken_as_it_is_sent_live():
    request = core_request(target=S1)
    steps = _steps(request)
    live = _one_by_one(request, steps)
    assert live.stage is Stage.PROMULGATION and live.target.code == "16-2"
    # Fails: refused passed.8.occurred_on within_session ("session 16-1 sat until 2026-06-20"): the vote "sat" keeps the
    # draft at 16-1, which the draft had missed and never sat at.
    imported = draft.open_draft(_entered(request, steps), pinned(request, sessions=[S1, S2, S3]), NOW, generation=31).state
    assert (imported.stage, imported.target.code) == (Stage.PROMULGATION, "16-2")
