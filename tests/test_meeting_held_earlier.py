"""Found by a National Assembly Office trial: an ordinance's adoption entered days later, at a Standing Committee
meeting held earlier than the calendar said, cannot be recorded, and the refusal's advice cannot be followed.

`legis decide` of the adoption, `occurred_on` the day the Committee met, is refused `at_the_meeting`: "... is before it:
record the decision once it is taken, or, if the meeting is earlier than the calendar says, correct it first (legis
calendar set-meeting)". Following it, `legis calendar set-meeting UBTVQH-12 --on <that day>` is refused `not_in_past`
("the calendar holds the sittings ahead"), since that day has passed by the time the decision is entered afterwards
(README, "Dates of what happened": a decision may carry `occurred_on` when entered afterwards). The session has its way
out (a session sitting now is set with its phases); a meeting has none, and the official is left with no way to record
the Committee's decision at its true date.
Reproduced live: ordinance BTP-2026-108 at STANDING_COMMITTEE_OPINION, meeting UBTVQH-8 on 2026-12-28, adoption dated
2026-12-05: refused with that advice; `legis calendar set-meeting UBTVQH-8 --on <a past day>`: `not_in_past`.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession, check_not_past
from schemas.enums import LawKind, Stage
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, core_request, decision, pinned
from workflows import draft
from workflows.deadlines import start_of

SESSION = TargetSession(legislature=16, session=3, opens_on=date(2027, 5, 20))
ANNOUNCED = StandingCommitteeMeeting(code="UBTVQH-12", meets_on=date(2027, 4, 12))
HELD_ON = date(2027, 4, 9)          # the Committee met three days before the day announced
ENTERED = start_of(date(2027, 4, 13)) + timedelta(hours=9)  # the office enters the adoption the day after the day announced


def test_the_adoption_at_a_meeting_held_earlier_can_be_recorded_as_the_refusal_advises():
    request = core_request(law_kind=LawKind.ORDINANCE, target=SESSION)
    state = draft.open_draft(request, pinned(request, sessions=(SESSION,), meetings=(ANNOUNCED,)), NOW, generation=NEWEST_GENERATION).state
    while state.stage is not Stage.STANDING_COMMITTEE_OPINION:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), NOW).state

    adopted = decision(request, Stage.STANDING_COMMITTEE_OPINION).model_copy(update={"occurred_on": HELD_ON})
    with pytest.raises(Refused) as refused:
        draft.perform(draft.DECIDE, state, adopted, ENTERED)
    assert refused.value.rule == "at_the_meeting"
    assert f"legis calendar set-meeting UBTVQH-12 --on {HELD_ON} --held" in refused.value.message  # the advice given to the official...

    # ...must be one the calendar takes: moving the meeting to the day it was held, which has passed by now, said so.
    with pytest.raises(Refused) as typed:
        check_not_past("meets_on", HELD_ON, ANNOUNCED.meets_on, ENTERED.date())
    assert typed.value.rule == "not_in_past" and "--held" in typed.value.message
    check_not_past("meets_on", HELD_ON, ANNOUNCED.meets_on, ENTERED.date(), held=True)
    # Then the adoption is entered with its day.
    moved = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(SESSION,), meetings=(ANNOUNCED.model_copy(
        update={"meets_on": HELD_ON}),), changed_by="VPQH"), ENTERED).state
    assert draft.perform(draft.DECIDE, moved, adopted, ENTERED).state.stage is not Stage.STANDING_COMMITTEE_OPINION


@pytest.mark.parametrize(("day", "stored"), [(date(2027, 4, 12), date(2027, 4, 12)), (date(2027, 4, 14), date(2027, 4, 12)),
                                             (date(2027, 4, 14), None)])
def test_held_moves_a_meeting_announced_to_an_earlier_day_or_records_one_already_held(day, stored):
    with pytest.raises(Refused) as refused:
        check_not_past("meets_on", day, stored, ENTERED.date(), held=True)
    assert refused.value.rule == "held_earlier" and refused.value.field == "meets_on"


async def _announced(cli, session: str, opens_on: date, meeting: str, meets_on: date) -> None:
    for command in (("set-session", session, "--opens-on", str(opens_on)), ("set-meeting", meeting, "--on", str(meets_on))):
        code, _, err = await cli("calendar", *command, "--by", "VPQH")
        assert code == 0, err


async def test_legis_calendar_moves_a_meeting_held_earlier_to_its_past_day_with_held(cli):
    today = date.today()
    await _announced(cli, "16-9", today + timedelta(days=300), "UBTVQH-90", today + timedelta(days=2))
    held_on = str(today - timedelta(days=3))
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-90", "--on", held_on, "--by", "VPQH")
    assert code == 2 and "(rule: not_in_past)" in err and "--held" in err, err
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-91", "--on", str(today + timedelta(days=3)), "--held", "--by", "VPQH")
    assert code == 2 and "(rule: held_earlier)" in err and "after today" in err, err
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-90", "--on", held_on, "--held", "--by", "VPQH")
    assert code == 0 and f"meeting UBTVQH-90 on {held_on}" in err, err
    assert held_on in (await cli("calendar", "show"))[1]


OTHER = StandingCommitteeMeeting(code="UBTVQH-11", meets_on=date(2027, 3, 16))


@pytest.mark.parametrize("imported_before", [False, True])
def test_an_adoption_at_a_meeting_the_calendar_did_not_hold_is_recorded_once_the_meeting_is(imported_before):
    """Found by a National Assembly Office's trial: an ordinance entered under way, returned by the President, was adopted
    again at a Committee meeting held before legis knew of any; the refusal's advice moved the meeting planned next (which
    other drafts count from) to that day, and `set-meeting --held` of the meeting held was refused (not on the calendar).
    Adopted at an earlier meeting than planned, the same."""
    request = core_request(law_kind=LawKind.ORDINANCE, target=SESSION)
    state = draft.open_draft(request, pinned(request, sessions=(SESSION,), meetings=(ANNOUNCED,)), NOW, generation=NEWEST_GENERATION).state
    while state.stage is not Stage.STANDING_COMMITTEE_OPINION:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), NOW).state
    adopted = decision(request, Stage.STANDING_COMMITTEE_OPINION).model_copy(update={"occurred_on": OTHER.meets_on})
    with pytest.raises(Refused) as refused:
        draft.perform(draft.DECIDE, state, adopted, ENTERED)
    assert refused.value.rule == "at_the_meeting"
    assert f"set-meeting <its code> --on {OTHER.meets_on} --held" in refused.value.message, refused.value.message

    check_not_past("meets_on", OTHER.meets_on, None, ENTERED.date(), held=True)
    told = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(SESSION,), meetings=(OTHER, ANNOUNCED), changed_by="VPQH"),
                         ENTERED).state
    assert draft.perform(draft.DECIDE, told, adopted, ENTERED).state.stage is not Stage.STANDING_COMMITTEE_OPINION
    # A day no meeting was held is still refused.
    with pytest.raises(Refused) as still:
        draft.perform(draft.DECIDE, told, adopted.model_copy(update={"occurred_on": OTHER.meets_on + timedelta(days=1)}), ENTERED)
    assert still.value.rule == "at_the_meeting"


async def test_legis_calendar_records_a_meeting_it_did_not_hold_with_held_unless_it_would_count_for_a_session_ahead(cli):
    today = date.today()
    await _announced(cli, "16-8", today + timedelta(days=300), "UBTVQH-80", today + timedelta(days=280))
    held_on = str(today - timedelta(days=5))
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-79", "--on", held_on, "--held", "--by", "VPQH")
    assert code == 0 and f"meeting UBTVQH-79 on {held_on}" in err, err
    # Where no later meeting comes before a session ahead, the one held would be its last before it: refused, said why.
    code, _, err = await cli("calendar", "set-session", "16-7", "--opens-on", str(today + timedelta(days=60)), "--by", "VPQH")
    assert code == 0, err
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-78", "--on", str(today - timedelta(days=2)), "--held", "--by", "VPQH")
    assert code == 3 and "(rule: cutoffs_would_pass)" in err and "16-7" in err, err
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-78", "--on", str(today - timedelta(days=2)), "--held", "--accept-missed-cutoffs",
                             "--by", "VPQH")
    assert code == 0, err
