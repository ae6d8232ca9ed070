"""How a deadline is counted, said where officials look (`sessions.deadline_counted`, `legis status`, the API's status):
calendar or working days, from what or before which sitting, and whether a rest day moved its last day. Found by an
official's trial: only `legis rulebook show` said it, and a deadline moved off a Sunday read as a wrong count."""

from __future__ import annotations

from datetime import date, timedelta

from cli.drafts import print_status
from cli.output import out
from schemas.enums import Stage
from tests.drafts import NOW, core_request, core_state, postponed, session
from workflows import draft_views as views
from workflows.deadlines import start_of


def test_a_deadline_counted_from_the_complete_dossier_says_so_and_a_rest_day_that_moved_it():
    request = core_request(target=session(2, 200))
    plain = core_state(request, at=Stage.APPRAISAL, sessions=[request.target_session])
    assert plain.deadline == date(2026, 12, 31)
    assert views.status(plain, "w", NOW).deadline_counted == "30 calendar days from the day the complete dossier arrived"
    # Reached on 20 November: the 30th day is Sunday 20 December, the deadline the Monday after (Civil Code Art. 148(5)).
    sunday = core_state(request, at=Stage.APPRAISAL, sessions=[request.target_session], now=start_of(date(2026, 11, 20)) + timedelta(hours=9))
    assert sunday.deadline == date(2026, 12, 21)
    assert views.status(sunday, "w", NOW).deadline_counted == ("30 calendar days from the day the complete dossier arrived; the last "
                                                               "day counted, 2026-12-20, a rest day, moved to the next working day")


def test_a_cut_off_names_the_session_it_counts_back_from_and_an_approved_date_none():
    request = core_request(target=session(2, 200))
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session])
    said = views.status(state, "w", NOW).deadline_counted
    assert said is not None and said.startswith(f"45 calendar days before session 16-2 opens ({request.target_session.opens_on})")
    moved = postponed(state, state.deadline + timedelta(days=3)).state
    assert views.status(moved, "w", NOW).deadline_counted is None  # the status says the date was approved, and by whom


def test_legis_status_prints_how_the_deadline_is_counted():
    request = core_request(target=session(2, 200))
    view = views.status(core_state(request, at=Stage.APPRAISAL, sessions=[request.target_session]), "w", NOW)
    with out.capture() as printed:
        print_status(view)
    assert "30 calendar days from the day the complete dossier arrived" in " ".join(printed.get().split())


def test_a_deadline_in_force_after_a_later_stage_s_cut_off_is_warned():
    """Found by an integrator: appraisal postponed to a date past the Government's decision's cut-off for the session
    warned of nothing but that year's rest days; the draft would slip when it reached that stage."""
    request = core_request(target=session(2, 200))
    state = core_state(request, at=Stage.APPRAISAL, sessions=[request.target_session])
    assert not any("is after the cut-off" in w for w in views.status(state, "w", NOW).warnings)
    cutoff = views.status(state, "w", NOW).next_cutoff
    late = postponed(state, cutoff.day + timedelta(days=10)).state
    said = [w for w in views.status(late, "w", NOW).warnings if "is after the cut-off" in w]
    assert said == [f"the deadline in force, {cutoff.day + timedelta(days=10)}, is after the cut-off {cutoff.day} for GOVERNMENT_DECISION, "
                    f"counted back from 16-2: a draft that finishes APPRAISAL that late misses it, and slips when it reaches that stage"]
    within = postponed(state, cutoff.day - timedelta(days=10)).state
    assert not any("is after the cut-off" in w for w in views.status(within, "w", NOW).warnings)


def test_a_number_the_rulebook_holds_unverified_is_said_so_with_its_source():
    """Found by a National Assembly Office's trial: the 15 days before the session for the deputies (not found in Law
    64/2025/QH15) read as the law's, where `legis rulebook show` flags it unverified."""
    request = core_request(target=session(2, 200))
    state = core_state(request, at=Stage.EXAMINATION, sessions=[request.target_session])
    limit = state.rulebook.rule(Stage.EXAMINATION).time_limit
    assert limit is not None and limit.unverified
    said = views.status(state, "w", NOW).deadline_counted
    assert said is not None and said.startswith("15 calendar days before session 16-2") and said.endswith(f" [unverified: {limit.source}]"), said
    assert "unverified" not in (views.status(core_state(request, at=Stage.APPRAISAL, sessions=[request.target_session]), "w", NOW).deadline_counted or "x")
