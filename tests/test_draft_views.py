"""What the Web UI's details, the status and a timer's summary say of a draft, from the draft core's state (no server)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import FINAL_NAMES_VI, Actor, ProgrammeChangeKind, Role, Stage
from schemas.refusal import Refused
from tests.drafts import (
    NOW,
    answer_postponement,
    ask_postponement,
    core_request,
    core_state,
    postponed,
    postponement_decision,
    programme_change,
    session,
)
from workflows import draft, sessions
from workflows import draft_views as views
from workflows.change import Wake, due_later, next_wake
from workflows.deadlines import VIETNAM


def test_web_ui_details_give_the_stage_start_in_ha_noi_time():
    # 02:05 UTC on 1 December is 09:05 in Ha Noi (UTC+7), the same day.
    state = core_state(now=datetime(2026, 12, 1, 2, 5, tzinfo=UTC), at=Stage.DRAFTING)
    assert "**Stage:** DRAFTING since 2026-12-01 09:05 (Ha Noi)" in views.details(state)
    # 20:30 UTC is 03:30 the next day in Ha Noi.
    late = core_state(now=datetime(2026, 12, 1, 20, 30, tzinfo=UTC))
    assert views.details(late).split("\n\n")[1] == f"**Stage:** {late.stage.value} since 2026-12-02 03:30 (Ha Noi)"


def test_web_ui_details_give_the_session_and_the_rung_of_an_overdue_draft_but_a_classified_drafts_session():
    """Found by a Web UI trial: the details gave no session, nor how far an overdue draft was escalated."""
    state = core_state(at=Stage.APPRAISAL)
    said = views.details(state)
    assert f"**Session:** {state.target.code}, opening {state.target.opens_on}" in said and "Escalated to" not in said
    later = datetime.combine(state.deadline + timedelta(days=30), time(12), tzinfo=VIETNAM)
    for _ in range(10):  # each alarm due by then, warnings and escalations
        state = draft.tick(state, later).state
    rung = views.status(state, "draft-law-X", later).escalated_to
    overdue = views.details(state)
    assert rung is not None and "— OVERDUE" in overdue and f"**Escalated to:** {rung.value}" in overdue, overdue
    secret = core_state(core_request(classified=True), at=Stage.APPRAISAL)
    assert "**Session:**" not in views.details(secret) and secret.target.code not in views.details(secret)


def test_a_final_state_has_its_vietnamese_name_in_the_status_as_on_the_board():
    # Found by a fresh-user trial: `legis status` printed WITHDRAWN and REJECTED with no Vietnamese name beside them.
    promulgated = core_state(at=Stage.PROMULGATED)
    assert views.status(promulgated, "draft-law-X", NOW).stage_name_vi == FINAL_NAMES_VI[Stage.PROMULGATED] == "Đã công bố"


def test_the_timer_to_the_next_alarm_is_summarised_with_its_kind_and_its_ha_noi_time():
    # Found by a fresh-user trial: the Web UI showed the timer as "next alarm of APPRAISAL" and a duration in seconds.
    state = core_state(at=Stage.APPRAISAL)
    alarm = due_later(state)[0]
    at = alarm.at.astimezone(VIETNAM)
    assert views.alarm_summary(state, next_wake(state)) == (
        f"next alarm of APPRAISAL: {alarm.event.value} {alarm.label}, {at.date()} {at.hour:02d}:{at.minute:02d} (Ha Noi)")
    assert views.alarm_summary(state, Wake(alarm.at - timedelta(hours=1), None)).startswith("next check of a consultation round, ")


def test_a_postponement_asked_past_its_sittings_cut_off_is_said_before_it_is_decided():
    """Found by a Government Office's trial: `legis postpone` to a date after the cut-off said nothing; only the inbox of
    the authority that decides it did. The status says so to whoever asked, until it is decided."""
    state = core_state(at=Stage.GOVERNMENT_DECISION)
    cutoff = state.deadline
    past = ask_postponement(state, cutoff + timedelta(days=20)).state
    [said] = [w for w in views.status(past, "w", NOW).warnings if w.startswith("the date asked")]
    assert f"the date asked, {cutoff + timedelta(days=20)}, is after the cut-off {cutoff} for GOVERNMENT_DECISION" in said
    decided = answer_postponement(past, approved=False).state
    assert not any(w.startswith("the date asked") for w in views.status(decided, "w", NOW).warnings)


def test_a_postponement_asked_past_a_later_stages_cut_off_is_said_before_it_is_decided():
    """Found by a trial: the Ministry of Justice asked to move APPRAISAL past the Government's cut-off, and was told only once
    the date was approved, too late to ask for another."""
    state = core_state(at=Stage.APPRAISAL)
    cutoff = sessions.registry_cutoffs(state).cutoff
    asked = ask_postponement(state, cutoff + timedelta(days=10)).state
    said = [w for w in views.status(asked, "w", NOW).warnings if w.startswith("the date asked")]
    assert said == [f"the date asked, {cutoff + timedelta(days=10)}, is after the cut-off {cutoff} for GOVERNMENT_DECISION, counted back "
                    f"from {state.target.code}: a draft that finishes APPRAISAL that late misses it, and slips when it reaches that stage"], said
    within = ask_postponement(state, state.deadline + timedelta(days=1)).state
    assert within.pending_postponement.new_deadline <= cutoff
    assert not [w for w in views.status(within, "w", NOW).warnings if w.startswith("the date asked")]


@pytest.mark.parametrize(("extraordinary", "opens_in", "said"), [
    (False, 60, ("the conflict is raised to the office that follows the draft", "the draft slips if the date passes")),
    (True, 60, ("the conflict is raised to the office that follows the draft", "keeps its place at the extraordinary session")),
    (True, 4, ("the cut-off having passed already (no conflict is raised)", "keeps its place at the extraordinary session")),
    (False, 4, ("the cut-off having passed already (no conflict is raised)", "the draft slips if the date passes")),
])
def test_a_date_asked_past_the_cut_off_is_said_to_do_what_approving_it_does(extraordinary, opens_in, said):
    """Found by a committee's trial: a postponement asked past the examination's cut-off of an extraordinary session, the
    cut-off passed already, was said to raise a conflict and to make the draft slip; approved, neither happened (no
    conflict once the cut-off has passed, fourteenth generation; a draft keeps its place at an extraordinary session)."""
    session = TargetSession(legislature=16, session=9 if extraordinary else 2, opens_on=NOW.date() + timedelta(days=opens_in),
                            extraordinary=extraordinary)
    state = core_state(core_request(target=session), at=Stage.EXAMINATION, sessions=(session,))
    later = NOW + timedelta(hours=1)
    told = [w for w in views.warnings(ask_postponement(state, session.opens_on - timedelta(days=2), later).state, later)
            if w.startswith(views.ASKED_PAST_CUTOFF)]
    assert len(told) == 1 and all(part in told[0] for part in said), told
    other = {"the conflict is raised", "no conflict is raised", "slips if the date passes", "extraordinary session"} - {
        next(p for p in ("the conflict is raised", "no conflict is raised") if p in said[0]),
        "extraordinary session" if extraordinary else "slips if the date passes"}
    assert not [part for part in other if part in told[0]], told


def test_a_refused_postponement_is_said_in_the_status_while_the_stage_lasts():
    """Found by a Government Office's trial: once the Prime Minister refused a postponement, the ministry's status said
    nothing of it (`postponement: null`): only the history and the board's timeline did."""
    state = core_state(core_request(), at=Stage.GOVERNMENT_DECISION)
    asked_for = state.deadline + timedelta(days=10)
    refused = answer_postponement(ask_postponement(state, asked_for).state, approved=False).state
    told = [w for w in views.warnings(refused, NOW) if w.startswith("the postponement to")]
    assert told == [f"the postponement to {asked_for} was refused by PM on {NOW.date()}: the deadline in force stands"], told
    # Asked again, the request pending is what the status says; past the stage, nothing.
    assert not [w for w in views.warnings(ask_postponement(refused, asked_for).state, NOW) if w.startswith("the postponement to")]


def test_a_pending_request_a_deferral_has_overtaken_is_said_to_be_unapprovable():
    """Found by a new engineer: a deferral moved the deadline past the date asked, and the status still showed the request
    awaiting its decision, which its approval then refused (`later_than_current`)."""
    first, later = session(2, 170), session(3, 350)
    state = core_state(core_request(target=first), at=Stage.GOVERNMENT_DECISION, sessions=(first, later))
    asked_for = state.deadline + timedelta(days=10)
    asked = ask_postponement(state, asked_for).state
    assert not [w for w in views.warnings(asked, NOW) if "cannot be approved" in w]
    deferred = draft.perform(draft.CHANGE_PROGRAMME, asked, programme_change(ProgrammeChangeKind.DEFER, to_session=later), NOW).state
    assert deferred.pending_postponement is not None and deferred.deadline > asked_for
    [told] = [w for w in views.warnings(deferred, NOW) if "cannot be approved" in w]
    assert told.startswith(f"the date asked, {asked_for}, is before the deadline the rulebook and calendar give now, {deferred.deadline}"), told
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE_POSTPONEMENT, deferred, postponement_decision(True).model_copy(update={"stage": Stage.GOVERNMENT_DECISION,
                                                                                                       "actor": Actor.PM, "role": Role.PRIME_MINISTER}), NOW)
    assert refused.value.rule == "later_than_current"


def test_a_date_asked_within_the_cut_off_is_not_said_after_it_while_an_approved_date_stands():
    """Found by a Government Office's trial: the session moved later, so that the date the Prime Minister approved fell
    within its cut-off (the date standing), a date asked after the approved one but within the cut-off was said to be
    "after the cut-off" (the approved date named as the cut-off) and to raise a conflict; approved, none was raised."""
    target = session(3, 300)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    cutoff = state.deadline
    state = postponed(state, cutoff + timedelta(days=5)).state  # after the cut-off: the conflict is raised
    later = target.model_copy(update={"opens_on": target.opens_on + timedelta(days=30)})
    state = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(later,), changed_by="VPQH"), NOW).state
    counted = sessions.statutory_deadline(state)
    assert state.deadline == cutoff + timedelta(days=5) and counted is not None and counted > cutoff + timedelta(days=20)
    within = ask_postponement(state, cutoff + timedelta(days=10)).state  # after the approved date, within the cut-off
    assert not [w for w in views.warnings(within, NOW) if w.startswith(views.ASKED_PAST_CUTOFF)], views.warnings(within, NOW)
    # A date after the cut-off counted back from the session is said to be after it, naming that cut-off.
    past = ask_postponement(state, counted + timedelta(days=3)).state
    [said] = [w for w in views.warnings(past, NOW) if w.startswith(views.ASKED_PAST_CUTOFF)]
    assert f"is after the cut-off {counted} for GOVERNMENT_DECISION, counted back from {later.code}" in said, said


@pytest.mark.parametrize("extraordinary", [True, False])
def test_an_approved_date_after_the_cut_off_is_said_to_slip_only_at_a_regular_session(extraordinary):
    """Found by a Government Office's trial: at an extraordinary session, the request's warning said the draft keeps its
    place there; once the Prime Minister approved the date, the status said it "slips if it passes"."""
    target = TargetSession(legislature=16, session=9 if extraordinary else 2, opens_on=NOW.date() + timedelta(days=120),
                           extraordinary=extraordinary)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    approved = postponed(state, state.deadline + timedelta(days=20)).state
    [said] = [w for w in views.warnings(approved, NOW) if w.startswith("the approved date")]
    assert ("slips if it passes" in said) is not extraordinary and ("keeps its place at the extraordinary session" in said) is extraordinary, said


def test_a_later_stages_cut_off_of_an_extraordinary_session_is_not_said_to_make_the_draft_slip():
    """Found by a new user: a draft at APPRAISAL deferred to an extraordinary session, its date approved past the
    Government's cut-off, was said to slip "when it reaches that stage", and so was a date asked past it; a draft aimed at
    an extraordinary session keeps its place (README, DEFER), as its status says once that cut-off has passed."""
    for extraordinary in (True, False):
        target = TargetSession(legislature=16, session=9 if extraordinary else 2, opens_on=NOW.date() + timedelta(days=120),
                               extraordinary=extraordinary)
        state = core_state(core_request(target=target), at=Stage.APPRAISAL, sessions=(target,))
        cutoff = sessions.registry_cutoffs(state).cutoff
        assert sessions.registry_cutoffs(state).cutoff_stage is Stage.GOVERNMENT_DECISION and cutoff > NOW.date()
        asked = ask_postponement(state, cutoff + timedelta(days=10)).state
        approved = answer_postponement(asked).state
        said = [w for w in views.warnings(asked, NOW) if w.startswith(views.ASKED_PAST_CUTOFF)]
        said += [w for w in views.warnings(approved, NOW) if w.startswith("the deadline in force")]
        assert len(said) == 2 and all(("slips when it reaches" in w) is not extraordinary for w in said), said
        assert all(("keeps its place at the extraordinary session" in w) is extraordinary for w in said), said


def test_an_ordinance_awaiting_adoption_with_no_meeting_announced_says_so():
    """Found by a committee's trial: its meeting called off, an ordinance awaiting the Standing Committee's adoption said
    nothing (one at EXAMINATION says its limit waits for a meeting), and its adoption was taken on a day no meeting sat."""
    from schemas.calendar import StandingCommitteeMeeting
    from schemas.enums import LawKind

    target = session(3, 200)
    meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=target.opens_on - timedelta(days=30))
    request = core_request(law_kind=LawKind.ORDINANCE, target=target)
    state = core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, sessions=[target], meetings=[meeting])
    assert not [w for w in views.warnings(state, NOW) if "no Standing Committee meeting" in w]
    off = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(target,), changed_by="VPQH"), NOW).state
    [said] = [w for w in views.warnings(off, NOW) if "no Standing Committee meeting" in w]
    assert said.startswith(f"no Standing Committee meeting is announced before {target.code}: the ordinance is adopted or returned at one"), said


def test_a_draft_still_examined_by_a_merged_committee_says_it_waits_for_a_remap():
    """Found by a breaker: a draft started before merged codes were refused (`examining_committee: UBXH`) at EXAMINATION
    refuses UBXH (`body_agency_code`) and UBVHXH (`examining_committee_only`): the second names the remap that ends it."""
    from tests.drafts import decision

    request = core_request().model_copy(update={"examining_committee": "UBXH"})
    state = core_state(request, at=Stage.EXAMINATION)
    said = []
    for code in ("UBXH", "UBVHXH"):
        try:
            draft.validate(draft.DECIDE, state, decision(request, Stage.EXAMINATION).model_copy(update={"agency_code": code}), NOW)
        except Refused as refused:
            said.append(refused.message)
    assert len(said) == 2, said  # both refused: nobody can examine it
    assert "legis remap-agency UBXH UBVHXH" in said[1], said


# Friction. 4. The new ordinance warning says no meeting is announced before the session while one is.

def test_an_ordinance_whose_only_meeting_is_before_the_session_before_is_not_told_none_is_announced_before_its_own():
    """Found by a breaker: meetings count for an ordinance aimed at 16-3 only after 16-2 sits; with only one before 16-2,
    the warning said none was announced "before 16-3", where at EXAMINATION it says "between 16-2 and 16-3"."""
    from schemas.calendar import StandingCommitteeMeeting
    from schemas.enums import LawKind

    before, target = session(2, 100), session(3, 200)
    early = StandingCommitteeMeeting(code="UBTVQH-50", meets_on=before.opens_on - timedelta(days=30))
    meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=target.opens_on - timedelta(days=30))
    request = core_request(law_kind=LawKind.ORDINANCE, target=target)
    state = core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, sessions=[before, target], meetings=[early, meeting])
    off = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(before, target), meetings=(early,), changed_by="VPQH"), NOW).state
    [said] = [w for w in views.warnings(off, NOW) if "no Standing Committee meeting" in w]
    assert said.startswith(f"no Standing Committee meeting is announced between {before.code} and {target.code}"), said


@pytest.mark.parametrize(("stage", "deciders"), [(Stage.APPRAISAL, {Actor.DEPUTY_PM, Actor.PM}), (Stage.GOVERNMENT_DECISION, {Actor.PM})])
def test_the_status_says_who_decides_a_pending_postponement(stage, deciders):
    """Found by a Government Office's trial: `legis status` said "postponement asked ... awaiting decision", and neither it
    nor the API said who decides it (at GOVERNMENT_DECISION the Prime Minister alone, from edition 2025.8)."""
    from cli.drafts import print_status
    from cli.output import out

    state = core_state(core_request(target=session(2, 200)), at=stage, sessions=[session(2, 200)])
    assert views.status(state, "w", NOW).pending_postponement_deciders == ()
    asked = ask_postponement(state, state.deadline + timedelta(days=10), NOW).state
    view = views.status(asked, "w", NOW)
    assert {d.actor for d in view.pending_postponement_deciders} == deciders
    assert Role.PRIME_MINISTER in next(d.roles for d in view.pending_postponement_deciders if d.actor is Actor.PM)
    with out.capture() as captured:
        print_status(view)
    said = " ".join(captured.get().split())
    assert "who may decide it" in said and "PM: PRIME_MINISTER (legis decide-postponement)" in said, said
    assert views.status(answer_postponement(asked, NOW).state, "w", NOW).pending_postponement_deciders == ()


def test_the_status_says_a_next_cut_off_in_a_year_not_announced_may_move():
    """Found by a new user: the appraisal's deadline in 2027 said the Government had not announced that year's rest days;
    the next cut-off, moved a day by an expected holiday (Giỗ Tổ), said nothing."""
    state = core_state(core_request(target=session(2, 200)), at=Stage.APPRAISAL, sessions=[session(2, 200)])
    view = views.status(state, "w", NOW)
    assert view.next_cutoff is not None and view.next_cutoff.day.year == 2027 and view.stage_deadline.year == 2026
    assert f"the next cut-off, {view.next_cutoff.day}, falls in 2027, whose rest days the Government has not announced yet; it may move when they are" in view.warnings
    # Where the deadline is the cut-off, it is said once, as the deadline.
    at_cutoff = core_state(core_request(target=session(2, 200)), at=Stage.GOVERNMENT_DECISION, sessions=[session(2, 200)])
    said = views.status(at_cutoff, "w", NOW).warnings
    assert [w for w in said if "whose rest days" in w] == [w for w in said if w.startswith("the deadline falls in 2027")] != [], said


def test_an_ordinances_status_says_it_is_adopted_by_the_standing_committee_not_its_sessions():
    """Found by a National Assembly Office's trial: `legis status` said "ONE_SESSION" of an ordinance."""
    from cli.drafts import print_status
    from cli.output import out
    from schemas.enums import LawKind

    for kind, said in ((LawKind.ORDINANCE, "ordinance, adopted by the Standing Committee"), (LawKind.NEW_LAW, "ONE_SESSION")):
        state = core_state(core_request(target=session(2, 200), law_kind=kind), at=Stage.DRAFTING, sessions=[session(2, 200)])
        with out.capture() as captured:
            print_status(views.status(state, "w", NOW))
        assert said in " ".join(captured.get().split()), captured.get()
