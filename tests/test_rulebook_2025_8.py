"""Editions 2025.8 and 2015.8, from a reading of the stage table against DOMAIN.md, in the draft core without a server:
an ordinance on the special track is still adopted by the Standing Committee, the Fatherland Front's social critique has
no statutory number of days, a Government task's submission date is moved by the Prime Minister alone, and the policy
proposal is posted for public comment with its own dossier. A draft that pinned an earlier edition keeps its rules.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import Actor, ConsultationKind, DocumentKind, LawKind, ProcessVersion, ProgrammeChangeKind, ProgrammeTrack, Role, Stage
from schemas.messages import DossierFiling, PostponementDecision
from schemas.refusal import Refused
from schemas.rulebook import edition, load_rulebook
from schemas.state import DraftState
from tests.drafts import NOW, ask_postponement, consultation, core_request, core_state, decision, document, programme_change, published
from workflows import draft
from workflows.stage_graph import stage_path

EDITION_2025_7 = "71c98308bc21"


def pinned_to(state: DraftState, digest: str) -> DraftState:
    return state.model_copy(update={"rulebook": edition(ProcessVersion.LAW_2025, digest)})


def test_editions_2025_8_and_2015_8_are_shipped():
    assert (edition(ProcessVersion.LAW_2025, "a3a39f9081a4").version, edition(ProcessVersion.LAW_2015, "eb157336a507").version) == ("2025.8", "2015.8")


@pytest.mark.parametrize("procedure", ["ONE_SESSION", "TWO_SESSIONS"])
def test_an_ordinance_on_the_special_track_is_adopted_by_the_standing_committee(procedure):
    """DOMAIN.md correction 1: the Standing Committee adopts an ordinance; the special track skips its opinion on a law only
    (edition 2025.7 sent an ordinance from examination straight to the President's promulgation)."""
    book = load_rulebook(ProcessVersion.LAW_2025)
    ordinance = stage_path(book, procedure, law_kind=LawKind.ORDINANCE, track=ProgrammeTrack.SPECIAL)
    assert ordinance[ordinance.index(Stage.EXAMINATION) + 1] is Stage.STANDING_COMMITTEE_OPINION
    assert Stage.POLICY_PROPOSAL not in ordinance
    law = stage_path(book, procedure, law_kind=LawKind.NEW_LAW, track=ProgrammeTrack.SPECIAL)
    assert Stage.STANDING_COMMITTEE_OPINION not in law and Stage.POLICY_PROPOSAL not in law
    before = stage_path(edition(ProcessVersion.LAW_2025, EDITION_2025_7), procedure, law_kind=LawKind.ORDINANCE, track=ProgrammeTrack.SPECIAL)
    assert before[before.index(Stage.EXAMINATION) + 1] is Stage.PROMULGATION


def test_an_ordinance_moved_to_the_special_track_reaches_the_standing_committee_in_the_core():
    request = core_request(law_kind=LawKind.ORDINANCE)
    state = core_state(request, at=Stage.LEGISLATIVE_PROGRAMME)
    state = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.SPECIAL), NOW).state
    assert state.track is ProgrammeTrack.SPECIAL
    for stage in (Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW, Stage.GOVERNMENT_DECISION,
                  Stage.EXAMINATION):
        state = draft.perform(draft.DECIDE, state, decision(request, stage), NOW).state
    assert state.stage is Stage.STANDING_COMMITTEE_OPINION


def test_a_social_critique_may_be_shorter_than_its_default_window():
    """DOMAIN.md correction 6: no day count is in the law; 30 days is the round's default, not a minimum a shorter round
    is refused by. Edition 2025.7 refused it (`statutory_minimum`), and a draft that pinned it still does."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    critique = consultation(request, "MTTQ-1", consultees=("MTTQ",), kind=ConsultationKind.SOCIAL_CRITIQUE, window_days=10)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, critique, NOW)
    assert opened.state.rounds_opened == ("MTTQ-1",)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, pinned_to(state, EDITION_2025_7), critique, NOW)
    assert (refused.value.field, refused.value.rule) == ("window_days", "statutory_minimum")
    # A written-opinions round keeps its statutory 15 days (Art. 30).
    short = consultation(request, "YK-1", window_days=10)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, short, NOW)
    assert (refused.value.field, refused.value.rule) == ("window_days", "statutory_minimum")


def by_deputy_prime_minister(stage: Stage) -> PostponementDecision:
    return PostponementDecision(stage=stage, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER,
                                official="Phó Thủ tướng")


def test_the_submission_date_is_moved_by_the_prime_minister_alone():
    """DOMAIN.md correction 13: the Prime Minister decides a change of the submission date (lùi, giãn thời gian trình);
    the Deputy Prime Minister still approves a postponement of an earlier Government stage (edge case 4)."""
    state = core_state(at=Stage.GOVERNMENT_DECISION)
    asked = ask_postponement(state, state.deadline + timedelta(days=5)).state
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE_POSTPONEMENT, asked, by_deputy_prime_minister(Stage.GOVERNMENT_DECISION), NOW)
    assert (refused.value.field, refused.value.rule) == ("actor", "postponement_authority")
    assert "only PM" in str(refused.value)
    draft.validate(draft.DECIDE_POSTPONEMENT, pinned_to(asked, EDITION_2025_7), by_deputy_prime_minister(Stage.GOVERNMENT_DECISION), NOW)
    appraisal = core_state(at=Stage.APPRAISAL)
    asked = ask_postponement(appraisal, appraisal.deadline + timedelta(days=5)).state
    draft.validate(draft.DECIDE_POSTPONEMENT, asked, by_deputy_prime_minister(Stage.APPRAISAL), NOW)


def test_the_policy_proposal_is_posted_with_its_own_dossier():
    """At the policy proposal there is no draft law yet: the public reads the proposal (POLICY_PROPOSAL), which a posting
    there needs in the dossier; at drafting, the draft's text (DRAFT_TEXT)."""
    request = core_request()
    state = core_state(request)
    assert state.stage is Stage.POLICY_PROPOSAL
    posting = consultation(request, "CK-1", consultees=(), kind=ConsultationKind.PUBLIC_POSTING)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, posting, NOW)
    assert (refused.value.field, refused.value.rule) == ("kind", "draft_text_filed") and "POLICY_PROPOSAL" in str(refused.value)
    filing = DossierFiling(stage=Stage.POLICY_PROPOSAL, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(document(DocumentKind.POLICY_PROPOSAL),))
    unpublished = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    with pytest.raises(Refused) as refused:  # found by a public trial: its page had nothing for the public to read
        draft.validate(draft.OPEN_CONSULTATION, unpublished, posting, NOW)
    assert (refused.value.field, refused.value.rule) == ("kind", "posted_text_published") and "has no url" in str(refused.value)
    filed = draft.perform(draft.FILE_DOSSIER, state, filing.model_copy(update={"documents": (published(DocumentKind.POLICY_PROPOSAL),)}), NOW).state
    draft.validate(draft.OPEN_CONSULTATION, filed, posting, NOW)
    drafting = core_state(request, at=Stage.DRAFTING)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, drafting, posting.model_copy(update={"round_id": "CK-2"}), NOW)
    assert "DRAFT_TEXT" in str(refused.value)


def test_a_draft_pinned_to_2025_7_is_posted_at_the_policy_proposal_as_2025_7_posted_it():
    """Found by a breaker: the policy proposal's own text was asked of every draft, whatever edition it pinned; one that
    pinned 2025.7 keeps its rules, a DRAFT_TEXT (`ConsultationWindow.posted_text`, editions 2025.8 on)."""
    request = core_request()
    state = pinned_to(core_state(request), EDITION_2025_7)
    assert state.stage is Stage.POLICY_PROPOSAL and Stage.POLICY_PROPOSAL in state.rulebook.window(ConsultationKind.PUBLIC_POSTING).stages
    filing = DossierFiling(stage=Stage.POLICY_PROPOSAL, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(published(DocumentKind.DRAFT_TEXT),))
    filed = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    draft.validate(draft.OPEN_CONSULTATION, filed, consultation(request, "CK-1", consultees=(), kind=ConsultationKind.PUBLIC_POSTING), NOW)
