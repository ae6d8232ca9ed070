"""Sessions of the National Assembly as officials name them (DOMAIN.md correction 12): extraordinary sessions numbered
on their own ("the 9th extraordinary session of the 15th Assembly", kỳ họp bất thường lần thứ 9), sessions sitting in
phases (đợt), and the session code validator that refuses anything but 16-2 and 15-E9, naming field and rule."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from activities.calendar import sessions, set_session
from schemas.calendar import (
    SessionCalendar,
    StandingCommitteeMeeting,
    TargetSession,
    check_meeting,
    check_session_order,
    parse_session_code,
)
from schemas.enums import ProcessVersion
from schemas.refusal import RefusalKind, Refused
from tests.drafts import NOW, core_request, core_state
from tests.stack import Cli, isolated_env
from workflows import draft, draft_views

NINTH = TargetSession(legislature=15, session=9, opens_on=date(2025, 2, 12), extraordinary=True)
FIFTH_IN_TWO_PHASES = {"legislature": 15, "session": 5, "opens_on": "2024-01-15", "extraordinary": True,
                       "phases": [{"starts_on": "2024-01-15", "ends_on": "2024-01-16"}, {"starts_on": "2024-01-18", "ends_on": "2024-01-18"}]}


def test_an_extraordinary_session_has_its_own_ordinal_in_english_and_vietnamese():
    """Law 64/2025/QH15 passed on 19 February 2025 at "Kỳ họp bất thường lần thứ 9, Quốc hội khóa XV"."""
    assert (NINTH.code, NINTH.name, NINTH.label) == (
        "15-E9", "the 9th extraordinary session of the 15th National Assembly", "kỳ họp bất thường lần thứ 9, Quốc hội khóa XV")
    first = TargetSession(legislature=15, session=1, opens_on=date(2022, 1, 4), extraordinary=True)
    assert first.label == "kỳ họp bất thường lần thứ nhất, Quốc hội khóa XV"
    # Renamed by the amended Law on the Organisation of the National Assembly, passed at the 9th (found by an official's trial).
    for legislature, number, label in ((15, 10, "kỳ họp không thường lệ lần thứ 10, Quốc hội khóa XV"),
                                       (16, 1, "kỳ họp không thường lệ lần thứ nhất, Quốc hội khóa XVI")):
        assert TargetSession(legislature=legislature, session=number, opens_on=date(2027, 1, 12), extraordinary=True).label == label
    regular = TargetSession(legislature=16, session=2, opens_on=date(2026, 10, 20))
    assert (regular.code, regular.name, regular.label) == ("16-2", "the 2nd session of the 16th National Assembly", "kỳ họp thứ 2, Quốc hội khóa XVI")
    assert [TargetSession(legislature=14, session=n, opens_on=date(2020, 1, 1)).name.split()[1] for n in (1, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]


@pytest.mark.parametrize("code,parsed", [("16-2", (16, 2, False)), ("15-E9", (15, 9, True)), ("15-10", (15, 10, False)), ("9-E12", (9, 12, True))])
def test_the_session_code_validator_accepts_both_kinds(code, parsed):
    assert parse_session_code(code) == parsed


@pytest.mark.parametrize("code,rule", [
    ("15-95", "regular_session_ordinal"),  # issue 14: an extraordinary session typed as a regular one
    ("15-13", "regular_session_ordinal"), ("16-02", "session_code"), ("16-e9", "session_code"), ("16-E0", "session_code"),
    ("0-2", "session_code"), ("15-9.2", "session_code"), ("XV-10", "session_code"), ("16-2 ", "session_code"), ("", "session_code"),
])
def test_the_session_code_validator_refuses_anything_else_naming_field_and_rule(code, rule):
    with pytest.raises(PydanticCustomError) as refused:
        parse_session_code(code, "session")
    assert refused.value.type == rule and refused.value.message().startswith(f"session: {code!r}")


def test_a_session_sits_in_phases_the_first_from_its_opening_day():
    """The 5th extraordinary session of the 15th Assembly (January 2024, the Land Law) sat in two phases."""
    fifth = TargetSession.model_validate(FIFTH_IN_TWO_PHASES)
    assert fifth.sitting == "in 2 phases: 2024-01-15 to 2024-01-16, 2024-01-18 to 2024-01-18"
    one_phase = fifth.model_copy(update={"phases": fifth.phases[:1]})
    assert one_phase.sitting == "in 1 phase: 2024-01-15 to 2024-01-16"
    for phases, rule in ((FIFTH_IN_TWO_PHASES["phases"][1:], "first_phase_opens_the_session"),
                         ([{"starts_on": "2024-01-15", "ends_on": "2024-01-17"}, {"starts_on": "2024-01-17", "ends_on": "2024-01-18"}],
                          "phases_in_order"),
                         ([{"starts_on": "2024-01-15", "ends_on": "2024-01-14"}], "phase_ends_after_it_starts")):
        with pytest.raises(ValidationError) as refused:
            TargetSession.model_validate(FIFTH_IN_TWO_PHASES | {"phases": phases})
        assert refused.value.errors()[0]["type"] == rule


def test_a_session_without_phases_is_written_as_before_them():
    """Messages, histories and digests of requests sent before phases existed read and write the same."""
    assert json.loads(NINTH.model_dump_json()) == {"legislature": 15, "session": 9, "opens_on": "2025-02-12", "extraordinary": True}


def test_the_status_names_the_target_session_and_a_draft_follows_its_phases():
    request = core_request(ProcessVersion.LAW_2025, target=TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20)))
    state = core_state(request)
    assert draft_views.status(state, "draft-law-T", NOW).target_session_name == "the 2nd session of the 16th National Assembly (kỳ họp thứ 2, Quốc hội khóa XVI)"
    phased = request.target_session.model_copy(update={"phases": TargetSession.model_validate(
        FIFTH_IN_TWO_PHASES | {"opens_on": "2027-05-20", "phases": [{"starts_on": "2027-05-20", "ends_on": "2027-06-08"},
                                                                      {"starts_on": "2027-06-17", "ends_on": "2027-06-28"}]}).phases})
    changed = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(phased,), changed_by="VPQH"), NOW)
    assert changed.state.target.phases == phased.phases and changed.state.deadline == state.deadline and changed.receipt.events == 0


async def test_the_calendar_keeps_phases_and_an_extraordinary_session_beside_a_regular_one_of_the_same_ordinal(pool):
    fifth = TargetSession.model_validate(FIFTH_IN_TWO_PHASES | {"legislature": 17})
    regular = TargetSession(legislature=17, session=5, opens_on=date(2024, 5, 20))
    async with pool.acquire() as connection:
        try:
            await set_session(connection, fifth, changed_by="op")
            await set_session(connection, regular, changed_by="op")
            kept = {s.code: s for s in await sessions(connection) if s.legislature == 17}
        finally:
            await connection.execute("DELETE FROM na_sessions WHERE legislature = 17")
    assert kept == {"17-E5": fifth, "17-5": regular}


async def test_legis_refuses_a_session_code_with_its_field_and_rule(tmp_path):
    cli = Cli(isolated_env(tmp_path / "config"))
    code, out, err = await cli("calendar", "set-session", "15-95", "--opens-on", "2025-02-12", "--by", "VPQH", "--output", "json")
    answer = json.loads(out)
    assert code == 2 and (answer["field"], answer["rule"]) == ("code", "regular_session_ordinal") and "15-E95" in answer["message"]
    code, _, err = await cli("list", "--session", "16-x")
    assert code == 2 and "'16-x' is not a session code" in err and "(rule: session_code)" in err
    code, _, err = await cli("calendar", "set-session", "15-E5", "--opens-on", "2024-01-15", "--phase", "2024-01-18", "--by", "VPQH")
    assert code == 2 and "(rule: phase_dates)" in err
    # Each of its days by the rule every day is checked by, here and in the API.
    code, _, err = await cli("calendar", "set-session", "15-E5", "--opens-on", "2024-01-15", "--phase", "2024-01-18:2024-1-20", "--by", "VPQH")
    assert code == 2 and err.startswith("invalid: phase: ") and "(rule: date_from_datetime_parsing)" in err, err


def _session(code: str, opens_on: date) -> TargetSession:
    legislature, number, extraordinary = parse_session_code(code)
    return TargetSession(legislature=legislature, session=number, extraordinary=extraordinary, opens_on=opens_on)


KNOWN = (_session("16-2", date(2027, 6, 1)), _session("16-3", date(2027, 10, 20)), _session("16-E1", date(2027, 2, 10)),
         _session("15-10", date(2025, 10, 20)))


@pytest.mark.parametrize(("code", "opens_on"), [
    ("16-4", date(2028, 5, 20)), ("16-1", date(2026, 4, 6)), ("16-2", date(2027, 6, 8)),  # a session moved within its neighbours
    ("16-E2", date(2027, 3, 1)), ("16-E2", date(2027, 12, 1)),  # extraordinary ones are numbered, and ordered, on their own
    ("17-1", date(2020, 1, 1)),  # another legislature's numbers are not compared
])
def test_a_session_in_its_numbers_order_is_accepted(code, opens_on):
    check_session_order(KNOWN, _session(code, opens_on))


@pytest.mark.parametrize(("code", "opens_on", "other"), [
    ("16-5", date(2020, 1, 1), "16-2"), ("16-4", date(2027, 10, 20), "16-3"), ("16-2", date(2027, 10, 21), "16-3"),
    ("16-1", date(2027, 6, 1), "16-2"), ("16-E2", date(2027, 2, 1), "16-E1"),
])
def test_a_session_out_of_its_numbers_order_is_refused_naming_the_other(code, opens_on, other):
    with pytest.raises(Refused) as refused:
        check_session_order(KNOWN, _session(code, opens_on))
    assert (refused.value.field, refused.value.rule, refused.value.kind) == ("opens_on", "sessions_in_order", RefusalKind.INVALID)
    assert f"session {other} opens on" in refused.value.message


def test_one_standing_committee_meeting_a_day():
    known = (StandingCommitteeMeeting(code="UBTVQH-52", meets_on=date(2027, 4, 10)),)
    check_meeting(known, StandingCommitteeMeeting(code="UBTVQH-52", meets_on=date(2027, 4, 12)))  # moved
    check_meeting(known, StandingCommitteeMeeting(code="UBTVQH-53", meets_on=date(2027, 5, 8)))
    with pytest.raises(Refused) as refused:
        check_meeting(known, StandingCommitteeMeeting(code="FOO", meets_on=date(2027, 4, 10)))
    assert (refused.value.field, refused.value.rule) == ("meets_on", "one_meeting_a_day") and "UBTVQH-52" in refused.value.message


@pytest.mark.parametrize("code", ["16-2", "15-E9", "16-e2", "16-02", "16-13"])
def test_a_meeting_coded_as_a_session_is_refused(code):
    """Found by a new user: a meeting coded 16-2 listed the drafts aimed at session 16-2 twice on the board's sessions page."""
    with pytest.raises(Refused) as refused:
        check_meeting((), StandingCommitteeMeeting(code=code, meets_on=date(2027, 4, 10)))
    assert (refused.value.field, refused.value.rule) == ("code", "meeting_code_not_session") and "UBTVQH-70" in refused.value.message
    check_meeting((), StandingCommitteeMeeting(code="UBTVQH-16-2", meets_on=date(2027, 4, 10)))


def test_a_list_filtered_by_an_extraordinary_session_reads_its_mark_in_any_letter_case():
    """Found by a National Assembly Office's trial: `?session=16-e2` was refused, where a stage is read in any letter case.
    The filters' type (the API's list and the board's) reads it as 16-E2; messages keep the calendar's code."""
    from pydantic import TypeAdapter, ValidationError

    from schemas.calendar import SessionCode, as_typed_in_filters

    assert TypeAdapter(SessionCode).validate_python("16-e2") == "16-E2" == as_typed_in_filters("16-e2")
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(SessionCode).validate_python("16-e0")
    assert "'16-E0' is not a session code" in str(refused.value)
    with pytest.raises(PydanticCustomError):
        parse_session_code("16-e9")  # a message's code, as the calendar writes it
