"""The twenty-second generation (found by a National Assembly committee's trial). Pure: the draft core, no server.

An ordinance the President sent back is reconsidered at the first Standing Committee meeting announced on or after the
day it came back, not at the meeting before the session its limits count back from; and a remap replaces the code of the
committee that leads the examination as it does the lead ministry's (a committee merged in 2025)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.calendar import StandingCommitteeMeeting, TargetSession
from schemas.enums import LawKind, Outcome, Stage
from schemas.messages import AgencyRemap
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, decision, passed_through, pinned
from workflows import draft, sittings
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
