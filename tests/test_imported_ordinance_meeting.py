"""Found by a National Assembly Office trial: an ordinance entered under way whose Standing Committee adoption is
dated months before the meeting the calendar announces for it (the meeting its limits count back from) is taken, and
the President's 15 days run from that day.

README, "A draft's long life": a draft under way is entered with `passed` "validated against the rulebook's path as if
sent one by one" ("a step the draft would refuse is refused with its place in the list"); generation 19 "refuses an
ordinance's adoption dated before the Standing Committee meeting its limits count back from (`sittings.check_meeting`)".
The same adoption sent as a decision is refused (`occurred_on`, `at_the_meeting`), and an Assembly step of an imported
draft dated before its session opens is refused with its place (`passed.N.occurred_on`, `after_session_opens`).
Reproduced with the CLI: `legis calendar set-session 16-1 --opens-on <a day sitting now> --phase ...`, `16-2 --opens-on
2027-06-01`, `set-meeting UBTVQH-52 --on 2027-04-12`; `legis start` an ORDINANCE aimed at 16-2 whose `passed` ends with
STANDING_COMMITTEE_OPINION approved on 2026-12-01: started, at PROMULGATION, deadline 2026-12-16.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.calendar import StandingCommitteeMeeting
from schemas.enums import LawKind, Stage
from schemas.messages import StartRequest
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, OPENS_ON, core_request, decision, pinned
from workflows import draft

S = Stage
STEPS = [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION,
         S.EXAMINATION, S.STANDING_COMMITTEE_OPINION]
MEETING = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=date(2027, 4, 12))


def entered(adopted_on: date):
    """An ordinance aimed at 16-2 (opens `OPENS_ON`), each step 10 days apart, adopted by the Standing Committee on
    `adopted_on`, entered with meeting UBTVQH-52 announced before the session."""
    request = core_request(law_kind=LawKind.ORDINANCE)
    steps = [decision(request, stage).model_copy(update={"occurred_on": adopted_on - timedelta(days=10 * (len(STEPS) - 1 - i))})
             for i, stage in enumerate(STEPS)]
    request = StartRequest.model_validate({**request.model_dump(), "passed": [step.model_dump() for step in steps]})
    return draft.open_draft(request, pinned(request, meetings=[MEETING]), NOW, generation=NEWEST_GENERATION).state


def test_an_imported_ordinance_adopted_before_its_announced_meeting_is_refused_with_its_place():
    assert MEETING.meets_on < OPENS_ON  # the meeting before the session the ordinance aims at
    early = date(2026, 11, 30)  # four months before UBTVQH-52, before the pure tests' day
    with pytest.raises(Refused) as caught:
        entered(early)
    assert (caught.value.field, caught.value.rule) == (f"passed.{len(STEPS) - 1}.occurred_on", "at_the_meeting")
    assert "UBTVQH-52" in caught.value.message


def test_an_ordinance_of_the_twenty_eighth_generation_is_entered_as_before():
    request = core_request(law_kind=LawKind.ORDINANCE)
    adopted_on = date(2026, 11, 30)
    steps = [decision(request, stage).model_copy(update={"occurred_on": adopted_on - timedelta(days=10 * (len(STEPS) - 1 - i))})
             for i, stage in enumerate(STEPS)]
    request = StartRequest.model_validate({**request.model_dump(), "passed": [step.model_dump() for step in steps]})
    assert draft.open_draft(request, pinned(request, meetings=[MEETING]), NOW, generation=28).state.stage is S.PROMULGATION
