"""Large frozen values decoded from JSON are shared: one instance per value in a process."""

from __future__ import annotations

from activities.rulebook import shipped_working_calendar
from schemas.calendar import WorkingCalendar
from schemas.enums import ProcessVersion
from schemas.rulebook import Rulebook, load_rulebook
from schemas.state import DraftState
from tests.drafts import core_state


def test_equal_rulebooks_and_calendars_decoded_from_json_are_one_instance():
    book = load_rulebook(ProcessVersion.LAW_2025)
    first, second = (Rulebook.model_validate_json(book.model_dump_json()) for _ in range(2))
    assert first is second and first == book
    other = Rulebook.model_validate_json(load_rulebook(ProcessVersion.LAW_2015).model_dump_json())
    assert other is not first and other != first
    calendar = shipped_working_calendar().model_dump_json()
    assert WorkingCalendar.model_validate_json(calendar) is WorkingCalendar.model_validate_json(calendar)


def test_two_drafts_decoded_from_their_states_share_the_rulebook_but_not_the_state():
    encoded = core_state().model_dump_json()
    one, two = DraftState.model_validate_json(encoded), DraftState.model_validate_json(encoded)
    assert one is not two and one.rulebook is two.rulebook and one.working is two.working
