"""Every date field within the calendar's reach (2000-01-01..2100-12-31), refused outside it by its validator with
field and rule, and deadline arithmetic that cannot overflow at the bounds (hypothesis)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from activities.rulebook import shipped_working_calendar
from schemas.calendar import FIRST_DAY, LAST_DAY, CalendarDay, StandingCommitteeMeeting, TargetSession
from schemas.enums import Counting, DeadlineAnchor, RestDay
from schemas.messages import Decision, DossierFiling, PostponementRequest, ProgrammeChange
from schemas.rulebook import Holiday, TimeLimit
from tests.stack import Cli, isolated_env
from workflows.deadlines import Holidays, local_day, off_rest_day, passes_at, shift_days, stage_deadline, start_of

EXAMPLES = Path(__file__).resolve().parent.parent / "schemas" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


# Every date a message, a calendar or a rulebook gives, with a valid message around it.
DATE_FIELDS: list[tuple[type[BaseModel], dict, str]] = [
    (TargetSession, {"legislature": 16, "session": 2}, "opens_on"),
    (StandingCommitteeMeeting, {"code": "UBTVQH-52"}, "meets_on"),
    (CalendarDay, {"name": "Tết Nguyên đán"}, "day"),
    (Holiday, {"name": "Tết Nguyên đán"}, "day"),
    (Decision, example("01-policy-proposal.json"), "occurred_on"),
    (DossierFiling, example("dossier-filing.json"), "occurred_on"),
    (ProgrammeChange, example("12-programme-defer.json"), "occurred_on"),
    (PostponementRequest, example("05-postpone-appraisal.json"), "new_deadline"),
]
BOUNDS = [FIRST_DAY - timedelta(days=1), FIRST_DAY, LAST_DAY, LAST_DAY + timedelta(days=1), date.min, date.max]
any_day = st.one_of(st.sampled_from(BOUNDS), st.dates(), st.dates(FIRST_DAY - timedelta(days=3), FIRST_DAY + timedelta(days=3)),
                    st.dates(LAST_DAY - timedelta(days=3), LAST_DAY + timedelta(days=3)))


@pytest.mark.parametrize("model,around,field", DATE_FIELDS, ids=[f"{m.__name__}.{f}" for m, _, f in DATE_FIELDS])
@settings(max_examples=60, deadline=None)
@given(day=any_day)
def test_a_date_field_takes_the_calendars_reach_and_refuses_the_rest_naming_field_and_rule(model, around, field, day):
    given_fields = {**around, field: day.isoformat()}
    if FIRST_DAY <= day <= LAST_DAY:
        assert getattr(model.model_validate(given_fields), field) == day
        return
    with pytest.raises(ValidationError) as refused:
        model.model_validate(given_fields)
    errors = refused.value.errors()
    assert [e["type"] for e in errors] == ["date_in_range"]
    assert errors[0]["msg"] == f"{field}: {day} is outside {FIRST_DAY}..{LAST_DAY}"


limits = st.builds(
    TimeLimit, days=st.sampled_from([1, 30, 365, 3650]) | st.integers(1, 3650), counting=st.sampled_from(Counting),
    anchor=st.sampled_from([a for a in DeadlineAnchor if a is not DeadlineAnchor.NONE]), rest_day=st.sampled_from(RestDay),
    source=st.just("Art. 1"), unverified=st.just(False),
)
reach = st.one_of(st.sampled_from([FIRST_DAY, LAST_DAY]), st.dates(FIRST_DAY, LAST_DAY))


@settings(max_examples=80, deadline=None)
@given(start=reach, days=st.sampled_from([3650, -3650, 1, -1]) | st.integers(-3650, 3650), counting=st.sampled_from(Counting))
def test_shifting_a_day_by_the_longest_limit_never_overflows_at_the_bounds(start, days, counting):
    workdays = shipped_working_calendar()
    shifted = shift_days(start, days, counting, workdays)
    assert (shifted > start) == (days > 0) and abs((shifted - start).days) >= abs(days)
    for rule in RestDay:
        moved = off_rest_day(shifted, rule, workdays)
        assert abs((moved - shifted).days) <= 15  # Tết is the longest run of rest days


@settings(max_examples=80, deadline=None)
@given(limit=limits, entered=reach, session=reach, meeting=reach)
def test_a_stage_deadline_at_the_bounds_of_every_date_is_a_date(limit, entered, session, meeting):
    deadline = stage_deadline(limit, entered_at=start_of(entered), session_opens_on=session, meeting_on=meeting,
                              workdays=Holidays(), rest_days=True)
    assert deadline is not None and abs((deadline - entered).days) <= 2 * 3650 + 366 * 101
    # The alarms after it, the deadline passed then a year of escalation, are moments of a day in Ha Noi (no overflow).
    assert local_day(passes_at(deadline) + timedelta(days=365)) == deadline + timedelta(days=366)


@pytest.mark.parametrize("args,field", [
    (("report", "--since", "1999-12-31"), "since"),
    (("report", "--until", "0001-01-01"), "until"),
    (("tokens", "issue", "BTP", "MOJ", "--by", "operator", "--expires", "9999-12-31"), "expires"),
])
async def test_the_cli_refuses_a_date_out_of_reach_before_anything_else(tmp_path, args, field):
    cli = Cli(isolated_env(tmp_path / "config", LEGIS_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"))
    code, out, err = await cli(*args, "--output", "json")
    answer = json.loads(out)
    assert code == 2 and (answer["field"], answer["rule"]) == (field, "date_in_range"), (out, err)
    assert f"is outside {FIRST_DAY}..{LAST_DAY}" in answer["message"]


# A day written otherwise: an instant (at midnight too), seconds since 1970, a day without its zeros, or in another order.
not_a_written_day = st.one_of(
    st.dates().map(lambda day: f"{day.isoformat()}T00:00:00"), st.integers(-10**10, 10**10), st.floats(allow_nan=False, allow_infinity=False),
    st.dates().map(lambda day: f"{day.year}-{day.month}-{day.day}").filter(lambda text: len(text) < 10),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")), st.dates().map(lambda day: day.strftime("%Y%m%d")),
    st.dates().map(lambda day: f" {day.isoformat()}"),
)


@pytest.mark.parametrize("model,around,field", DATE_FIELDS, ids=[f"{m.__name__}.{f}" for m, _, f in DATE_FIELDS])
@settings(max_examples=40, deadline=None)
@given(written=not_a_written_day)
def test_a_date_field_takes_a_day_written_yyyy_mm_dd_and_nothing_else(model, around, field, written):
    with pytest.raises(ValidationError) as refused:
        model.model_validate_json(json.dumps({**around, field: written}))
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [((field,), "date_from_datetime_parsing")]


def test_steps_already_passed_are_dated_in_order_and_a_refusal_names_the_step():
    """Found by a fresh-user trial: an undated step or one out of order was refused naming `passed` alone, where the
    README promises the step's place in the list."""
    from schemas.enums import Stage
    from schemas.refusal import Refused
    from tests.drafts import core_request, decision

    request = core_request()
    first, second = (decision(request, stage).model_copy(update={"occurred_on": day})
                     for stage, day in ((Stage.POLICY_PROPOSAL, date(2026, 9, 1)), (Stage.LEGISLATIVE_PROGRAMME, date(2026, 10, 1))))
    fields = request.model_dump() | {"passed": [first.model_dump(), second.model_dump()]}
    assert len(type(request).model_validate(fields).passed) == 2
    for steps, field, rule in (([second, first], "passed.0.occurred_on", "imported_steps_in_order"),
                               ([first, second.model_copy(update={"occurred_on": None})], "passed.1.occurred_on", "imported_steps_dated")):
        with pytest.raises(ValidationError) as refused:
            type(request).model_validate(fields | {"passed": [s.model_dump() for s in steps]})
        said = Refused.invalid(refused.value)
        assert (said.field, said.rule) == (field, rule), said
    # Found by a fresh-user trial: a step dated in the future amid steps in order was blamed on the step after it.
    third, fourth = (decision(request, stage).model_copy(update={"occurred_on": day})
                     for stage, day in ((Stage.DRAFTING, date(2026, 11, 1)), (Stage.APPRAISAL, date(2026, 11, 15))))
    future = second.model_copy(update={"occurred_on": date(2027, 1, 10)})
    # A step too late for the steps after it is named; one too early for the step before it too. Found by a fresh-user
    # trial: with one step after the late one (the last), the step after it was named.
    early = third.model_copy(update={"occurred_on": date(2026, 8, 1)})
    for steps, field in (([first, future, third, fourth], "passed.1.occurred_on"), ([future, first, second], "passed.0.occurred_on"),
                         ([first, early, third, fourth], "passed.1.occurred_on"), ([first, future, third], "passed.1.occurred_on"),
                         ([first, second, future, third], "passed.2.occurred_on"), ([future, first], "passed.0.occurred_on")):
        said = Refused.invalid(pytest.raises(ValidationError, type(request).model_validate, fields | {"passed": [s.model_dump() for s in steps]}).value)
        assert (said.field, said.rule) == (field, "imported_steps_in_order"), said
    assert "2027-01-10 is after the day of every step after it" in Refused.invalid(pytest.raises(
        ValidationError, type(request).model_validate, fields | {"passed": [s.model_dump() for s in (first, future, third, fourth)]}).value).message
    # Steps counted as an official counts them, from 1, beside the field's own index (found by a trial: "step 0").
    assert "2026-08-01 is before 2026-09-01, the day of step 1 (passed.0; steps count from 1)" in Refused.invalid(pytest.raises(
        ValidationError, type(request).model_validate, fields | {"passed": [s.model_dump() for s in (first, early, third, fourth)]}).value).message


def _steps_refused(days: list[date]):
    """The refusal of a start request whose steps passed are dated `days`, or None when it is taken."""
    from schemas.enums import Stage
    from schemas.refusal import Refused
    from tests.drafts import core_request, decision

    request = core_request()
    step = decision(request, Stage.POLICY_PROPOSAL).model_dump()
    try:
        type(request).model_validate(request.model_dump() | {"passed": [step | {"occurred_on": day} for day in days]})
    except ValidationError as refused:
        return Refused.invalid(refused)
    return None


steps_days = st.lists(st.dates(date(2020, 1, 1), date(2030, 12, 31)), min_size=1, max_size=8)


@settings(max_examples=80, deadline=None)
@given(days=steps_days)
def test_steps_out_of_order_are_refused_naming_a_step_out_of_place_after_steps_in_order(days):
    """Steps are refused exactly when they are out of order, naming one that is later than the step after it or
    earlier than the step before it, all the steps before it in order."""
    said = _steps_refused(days)
    assert (said is None) == (days == sorted(days)), said
    if said is None:
        return
    assert said.rule == "imported_steps_in_order" and said.field.startswith("passed.") and said.field.endswith(".occurred_on"), said
    named = int(said.field.split(".")[1])
    assert days[:named] == sorted(days[:named]), said
    assert (named + 1 < len(days) and days[named] > days[named + 1]) or (named > 0 and days[named] < days[named - 1]), said


@settings(max_examples=80, deadline=None)
@given(days=st.lists(st.dates(date(2020, 1, 1), date(2030, 12, 31)), min_size=2, max_size=8).map(sorted), data=st.data())
def test_one_step_dated_later_than_every_step_after_it_amid_steps_in_order_is_the_one_named(days, data):
    """Found by a fresh-user trial: a step dated in the future with one step after it (the last) was blamed on that last
    step, however many steps came before; whatever its place, the step moved later is named."""
    moved = data.draw(st.integers(0, len(days) - 2))
    days[moved] = data.draw(st.dates(days[-1] + timedelta(days=1), date(2031, 12, 31)))
    said = _steps_refused(days)
    assert said is not None and said.field == f"passed.{moved}.occurred_on", (said, days)


def test_a_postponement_asked_and_decided_afterwards_says_the_day_it_happened():
    """A postponement is asked and decided on paper as a decision is, and entered afterwards: its `occurred_on` dates it,
    and a request is judged late by the day it was asked, not the day it was entered (before, a request made ten days
    before the deadline and entered two days before it was recorded as a late request)."""
    from schemas.enums import Actor, EventKind, Role, Stage
    from schemas.messages import PostponementDecision
    from schemas.refusal import Refused
    from tests.drafts import core_request, core_state
    from workflows import draft
    from workflows.change import Record

    state = core_state(core_request(), at=Stage.APPRAISAL)
    deadline = state.deadline
    entered = start_of(deadline - timedelta(days=2))
    asked = PostponementRequest(stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="Lê Văn A",
                                new_deadline=deadline + timedelta(days=15), reason="chờ ý kiến các bộ", occurred_on=deadline - timedelta(days=10))
    assert "occurred_on" not in json.loads(asked.model_copy(update={"occurred_on": None}).model_dump_json())  # as the release before wrote it
    recorded = lambda applied: [e.entry for e in applied.effects if isinstance(e, Record)]  # noqa: E731
    on_paper = draft.perform(draft.REQUEST_POSTPONEMENT, state, asked, entered)
    [request] = recorded(on_paper)
    assert (request.event, request.occurred_on, request.late_request) == (EventKind.POSTPONEMENT_REQUESTED, deadline - timedelta(days=10), False)
    [today] = recorded(draft.perform(draft.REQUEST_POSTPONEMENT, state, asked.model_copy(update={"occurred_on": None}), entered))
    assert (today.occurred_on, today.late_request) == (None, True)
    approve = PostponementDecision(stage=Stage.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP",
                                   role=Role.DEPUTY_PRIME_MINISTER, official="Trần Văn B", occurred_on=deadline - timedelta(days=9))
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, on_paper.state, approve, entered)
    assert recorded(approved)[0].occurred_on == deadline - timedelta(days=9) and approved.state.deadline == deadline + timedelta(days=15)
    for message, state_then, field_rule in (
            (approve.model_copy(update={"occurred_on": deadline - timedelta(days=11)}), on_paper.state, "not_before_request"),
            (approve.model_copy(update={"occurred_on": deadline}), on_paper.state, "not_in_future"),
            (asked.model_copy(update={"occurred_on": state.deadline - timedelta(days=60)}), state, "not_before_stage")):
        with pytest.raises(Refused) as caught:
            draft.validate(draft.DECIDE_POSTPONEMENT if isinstance(message, PostponementDecision) else draft.REQUEST_POSTPONEMENT,
                           state_then, message, entered)
        assert (caught.value.field, caught.value.rule) == ("occurred_on", field_rule), caught.value
