"""The twenty-second generation (found by a National Assembly committee's trial). Pure: the draft core, no server.

An ordinance the President sent back is reconsidered at the first Standing Committee meeting announced on or after the
day it came back, not at the meeting before the session its limits count back from; and a remap replaces the code of the
committee that leads the examination as it does the lead ministry's (a committee merged in 2025); a deferral by the
authority that approved the date in force lapses that date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.calendar import StandingCommitteeMeeting, TargetSession
from schemas.enums import Actor, EventKind, LawKind, Outcome, ProgrammeChangeKind, Role, Stage
from schemas.messages import AgencyRemap, PostponementDecision, PostponementRequest
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, decision, passed_through, pinned, postponed, programme_change
from workflows import draft, sessions, sittings
from workflows import draft_views as views
from workflows.deadlines import start_of

SESSION = TargetSession(legislature=16, session=3, opens_on=date(2027, 5, 20))
JANUARY = StandingCommitteeMeeting(code="UBTVQH-10", meets_on=date(2027, 1, 12))
APRIL = StandingCommitteeMeeting(code="UBTVQH-12", meets_on=date(2027, 4, 12))


def sent_back(generation: int):
    """An ordinance adopted on 25 November 2026 (entered under way at PROMULGATION), sent back by the President on 1 December."""
    request = passed_through(core_request(law_kind=LawKind.ORDINANCE, target=SESSION), BEFORE_THE_ASSEMBLY, date(2026, 11, 25))
    state = draft.open_draft(request, pinned(request, sessions=(SESSION,), meetings=(JANUARY, APRIL)), NOW, generation=generation).state
    back = decision(request, Stage.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=Stage.STANDING_COMMITTEE_OPINION)
    return request, draft.perform(draft.DECIDE, state, back, NOW).state


def test_an_ordinance_sent_back_is_reconsidered_at_the_next_meeting():
    """Law 64/2025/QH15 Art. 43(1): the Standing Committee reconsiders the ordinance the President sent back; it was tied to
    April's meeting, the last before the session, and its adoption at January's was refused (`at_the_meeting`): the
    President's 15 days could start only three months late."""
    request, state = sent_back(NEWEST_GENERATION)
    assert state.stage is Stage.STANDING_COMMITTEE_OPINION
    assert sittings.adopting_meeting(state) == JANUARY and views.pending_decision(state).at_meeting == JANUARY
    assert sittings.registry_cutoffs(state).adopted_at == JANUARY.code  # listed under January's meeting on the board
    early = decision(request, Stage.STANDING_COMMITTEE_OPINION)
    with pytest.raises(Refused) as refused:
        draft.perform(draft.DECIDE, state, early, start_of(JANUARY.meets_on) - timedelta(hours=10))
    assert refused.value.rule == "at_the_meeting" and "UBTVQH-10" in refused.value.message
    adopted = draft.perform(draft.DECIDE, state, early, start_of(JANUARY.meets_on) + timedelta(hours=15)).state
    assert adopted.stage is Stage.PROMULGATION


def test_an_ordinance_sent_back_with_no_meeting_announced_after_it_waits_for_none():
    request, state = sent_back(NEWEST_GENERATION)
    state = state.model_copy(update={"meetings": (StandingCommitteeMeeting(code="UBTVQH-9", meets_on=date(2026, 11, 20)),)})
    assert sittings.adopting_meeting(state) is None
    assert draft.perform(draft.DECIDE, state, decision(request, Stage.STANDING_COMMITTEE_OPINION), NOW + timedelta(days=3)).state.stage is Stage.PROMULGATION


def test_an_ordinance_sent_back_under_the_twenty_first_generation_keeps_its_meeting():
    """A run under way keeps its own generation's rule: the meeting before the session, as it replays."""
    _, state = sent_back(21)
    assert sittings.adopting_meeting(state) == APRIL


def examining(generation: int):
    request = core_request(law_kind=LawKind.NEW_LAW, ministry="BTC", target=SESSION).model_copy(update={"examining_committee": "UBTCNS"})
    state = draft.open_draft(request, pinned(request, sessions=(SESSION,)), NOW, generation=generation).state
    while state.stage is not Stage.EXAMINATION:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), NOW).state
    return request, state


MERGED = AgencyRemap(old_code="UBTCNS", new_code="UBKTTC", changed_by="Văn phòng Quốc hội", reason="Hợp nhất các Ủy ban năm 2025")


def test_a_merged_committees_code_is_remapped_as_a_lead_ministrys_is():
    """DOMAIN.md edge case 10: codes in running drafts are remapped after a reorganisation, which merged the Assembly's
    committees too. The draft named the old committee; the new one's token was refused `examining_committee_only`."""
    request, state = examining(NEWEST_GENERATION)
    remapped = draft.perform(draft.REMAP_AGENCY, state, MERGED, NOW)
    state = remapped.state
    assert state.examining_committee == "UBKTTC" and state.lead_ministry == "BTC" and state.request.examining_committee == "UBTCNS"
    [entry] = [e for e in state.recent if e.event.value == "AGENCY_REMAPPED"]
    assert entry.label == "examining committee UBTCNS is now UBKTTC" and entry.agency_code == "UBKTTC"
    assert views.registry_row(state, "draft-law-x").responsible == "UBKTTC" and views.status(state, "draft-law-x", NOW).examining_committee == "UBKTTC"
    by_old = decision(request, Stage.EXAMINATION).model_copy(update={"agency_code": "UBTCNS"})
    with pytest.raises(Refused) as refused:
        draft.perform(draft.DECIDE, state, by_old, NOW)
    assert refused.value.rule == "examining_committee_only"
    by_new = by_old.model_copy(update={"agency_code": "UBKTTC"})
    assert draft.perform(draft.DECIDE, state, by_new, NOW).state.stage is Stage.STANDING_COMMITTEE_OPINION
    # The state carried to a new run keeps the new code.
    assert type(state).model_validate_json(state.model_dump_json()).examining_committee == "UBKTTC"


def test_a_remap_of_a_code_the_draft_does_not_name_is_refused_naming_both():
    _, state = examining(NEWEST_GENERATION)
    with pytest.raises(Refused) as refused:
        draft.perform(draft.REMAP_AGENCY, state, MERGED.model_copy(update={"old_code": "UBKT"}), NOW)
    assert refused.value.rule == "old_code_leads" and "led by BTC and examined by UBTCNS, not UBKT" in refused.value.message


def test_a_committees_remap_under_the_twenty_first_generation_is_refused_as_it_was():
    _, state = examining(21)
    with pytest.raises(Refused) as refused:
        draft.perform(draft.REMAP_AGENCY, state, MERGED, NOW)
    assert refused.value.rule == "old_code_leads" and refused.value.message == "this draft is led by BTC, not UBTCNS"


def postponed_at_examination(generation: int):
    """A law at EXAMINATION, the committee's deadline moved by the Standing Committee 10 days on; and a later session."""
    later = TargetSession(legislature=16, session=4, opens_on=date(2027, 10, 20))
    request = core_request(target=SESSION)
    state = draft.open_draft(request, pinned(request, sessions=(SESSION, later)), NOW, generation=generation).state
    while state.stage is not Stage.EXAMINATION:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), NOW).state
    asked = PostponementRequest(stage=Stage.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code="UBPLTP", role=Role.COMMITTEE_CHAIR,
                                official="Chủ nhiệm", new_deadline=state.deadline + timedelta(days=10), reason="chờ báo cáo")
    state = draft.perform(draft.REQUEST_POSTPONEMENT, state, asked, NOW).state
    approval = PostponementDecision(stage=Stage.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR,
                                    official="Chủ tịch Quốc hội")
    state = draft.perform(draft.DECIDE_POSTPONEMENT, state, approval, NOW).state
    assert state.postponement is not None and state.deadline == asked.new_deadline
    return state, later, asked.new_deadline


def test_a_deferral_by_the_authority_that_approved_the_date_counts_the_deadline_from_the_new_session():
    """Found by a committee's trial: the Standing Committee deferred a law to October's session, and the examination's date it
    had approved for May's stood: the committee would be overdue in May for a law examined for October. The authority that
    approved the date decides again by deferring: the date lapses, said in the history, and the limit counts from October."""
    state, later, approved = postponed_at_examination(NEWEST_GENERATION)
    deferred = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=later), NOW).state
    assert deferred.target.code == "16-4" and deferred.postponement is None
    assert deferred.deadline == sessions.statutory_deadline(deferred) and deferred.deadline > approved
    [entry] = [e for e in deferred.recent if e.event is EventKind.PROGRAMME_CHANGED]
    assert f"the date {approved} approved by UBTVQH lapses with the programme change" in entry.label


def test_a_date_another_authority_approved_stands_through_a_deferral():
    """The Prime Minister's date at GOVERNMENT_DECISION is his to decide again: the Standing Committee's deferral leaves it."""
    request = core_request(target=SESSION)
    later = TargetSession(legislature=16, session=4, opens_on=date(2027, 10, 20))
    state = draft.open_draft(request, pinned(request, sessions=(SESSION, later)), NOW, generation=NEWEST_GENERATION).state
    while state.stage is not Stage.GOVERNMENT_DECISION:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), NOW).state
    state = postponed(state, state.deadline + timedelta(days=5)).state
    deferred = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=later), NOW).state
    assert deferred.postponement == state.postponement and deferred.deadline == state.deadline


def test_a_deferral_under_the_twenty_first_generation_keeps_the_date_as_it_ran():
    state, later, approved = postponed_at_examination(21)
    deferred = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=later), NOW).state
    assert deferred.postponement is not None and deferred.deadline == approved


def test_a_committee_is_remapped_only_to_a_committee_of_the_assembly():
    """Found by a breaker: `legis remap-agency UBKTTC UBKTT` (a typo) was taken, and the examination waited for no one, as a
    start naming no committee did before it was refused (`examining_committee_known`)."""
    _, state = examining(NEWEST_GENERATION)
    with pytest.raises(Refused) as refused:
        draft.perform(draft.REMAP_AGENCY, state, MERGED.model_copy(update={"new_code": "UBKTT"}), NOW)
    assert (refused.value.field, refused.value.rule) == ("new_code", "examining_committee_known")


@pytest.mark.parametrize("generation", [21, NEWEST_GENERATION])
def test_the_presidents_window_to_send_an_ordinance_back_ends_on_a_working_day(generation):
    """Found by a breaker: the rulebook's `ordinance_reconsideration` is 10 calendar days ending off a rest day on the next
    working day (`rest_day: NEXT_WORKING_DAY`; Civil Code Art. 148(5)), and the check counted the days bare: an ordinance
    adopted on Wednesday 25 November 2026 was refused on Monday 7 December, "by 2026-12-05", a Saturday. From the
    twenty-second generation the window ends on Monday; a run of the twenty-first keeps its count, as it replays."""
    from datetime import UTC, datetime

    request = passed_through(core_request(law_kind=LawKind.ORDINANCE, target=SESSION), BEFORE_THE_ASSEMBLY, date(2026, 11, 25))
    state = draft.open_draft(request, pinned(request, sessions=(SESSION,), meetings=(JANUARY, APRIL)), NOW, generation=generation).state
    assert date(2026, 12, 5).weekday() == 5
    back = decision(request, Stage.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=Stage.STANDING_COMMITTEE_OPINION).model_copy(
        update={"occurred_on": date(2026, 12, 7)})
    monday = datetime(2026, 12, 7, 5, tzinfo=UTC)
    if generation >= 22:
        assert draft.perform(draft.DECIDE, state, back, monday).state.stage is Stage.STANDING_COMMITTEE_OPINION
        late = back.model_copy(update={"occurred_on": date(2026, 12, 8)})
        with pytest.raises(Refused) as refused:
            draft.perform(draft.DECIDE, state, late, monday + timedelta(days=1))
        assert "adoption on 2026-11-25, by 2026-12-07 (Ha Noi)" in refused.value.message
    else:
        with pytest.raises(Refused) as refused:
            draft.perform(draft.DECIDE, state, back, monday)
        assert "by 2026-12-05 (Ha Noi)" in refused.value.message


def test_an_ordinance_awaiting_reconsideration_carried_into_the_twenty_second_generation_moves_on_the_board_too():
    """Found by a breaker: a twenty-first-generation ordinance sent back, tied to April's meeting, took up the twenty-second
    in a new run and was tied to January's, but nothing was recorded, so the registry (written with events) kept April's:
    the board listed it there while its status said January. Taking it up records the move."""
    from workflows import calendar_changes, generations
    from workflows.change import Record

    _, old = sent_back(21)
    assert sittings.registry_cutoffs(old).adopted_at == APRIL.code
    new = generations.carried_into(old, NEWEST_GENERATION)
    applied = calendar_changes.taken_up(old, new, NOW + timedelta(days=1))
    [recorded] = [effect.entry for effect in applied.effects if isinstance(effect, Record)]
    assert recorded.event is EventKind.DEADLINE_RECOUNTED and "at its meeting UBTVQH-10 (was UBTVQH-12)" in recorded.label
    assert sittings.registry_cutoffs(applied.state).adopted_at == JANUARY.code
    # A draft whose meeting the generation does not move records nothing.
    _, law = examining(21)
    assert calendar_changes.taken_up(law, generations.carried_into(law, NEWEST_GENERATION), NOW).effects == []
