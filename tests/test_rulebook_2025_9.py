"""Editions 2025.9 and 2015.9, from a lead ministry's trial, in the draft core without a server: the report on taking in
the appraisal (APPRAISAL_ACCEPTANCE_REPORT) answers the appraisal report the draft got before the Government Office's
review, so it counts at that review only when filed for it; a draft pinned to an earlier edition keeps its rules."""

from __future__ import annotations

import pytest

from schemas.enums import DocumentKind, Outcome, ProcessVersion, Stage
from schemas.refusal import Refused
from schemas.rulebook import edition, load_rulebook
from tests.drafts import core_request, core_state, decision, document
from workflows import draft


def test_the_current_editions_keep_it():
    for version in ProcessVersion:
        assert DocumentKind.APPRAISAL_ACCEPTANCE_REPORT in load_rulebook(version).rule(Stage.GOVERNMENT_REVIEW).renewed_documents


def appraised_again(digest: str | None = None):
    """A draft the Government meeting sent back to drafting, drafted and appraised anew: at the Government Office's review
    again, its dossier holding the report on taking in the first appraisal."""
    request = core_request()
    state = core_state(request, at=Stage.GOVERNMENT_DECISION)
    if digest is not None:
        state = state.model_copy(update={"rulebook": edition(ProcessVersion.LAW_2025, digest)})
    now = state.stage_since
    assert DocumentKind.APPRAISAL_ACCEPTANCE_REPORT in {doc.kind for doc in state.dossier}
    for message in (decision(request, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION), decision(request, Stage.DRAFTING, label="v2"),
                    decision(request, Stage.APPRAISAL, label="lần 2")):
        state = draft.perform(draft.DECIDE, state, message, now).state
    assert state.stage is Stage.GOVERNMENT_REVIEW
    return request, state, now


def test_a_new_appraisal_report_needs_a_new_report_on_taking_it_in():
    """Found by a ministry's trial: appraised anew after the Government sent the draft back, the review was approved on the
    report written on the first appraisal, which answers none of the new report's points (DOMAIN.md, stage 4)."""
    request, state, now = appraised_again()
    review_only = decision(request, Stage.GOVERNMENT_REVIEW, label="lần 2").model_copy(
        update={"documents": (document(DocumentKind.REVIEW_REPORT, "lần 2"),)})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, review_only, now)
    assert (refused.value.field, refused.value.rule) == ("documents", "required_documents")
    assert "APPRAISAL_ACCEPTANCE_REPORT filed anew" in refused.value.message
    answered = review_only.model_copy(update={"documents": (*review_only.documents, document(DocumentKind.APPRAISAL_ACCEPTANCE_REPORT, "lần 2"))})
    assert draft.perform(draft.DECIDE, state, answered, now).state.stage is Stage.GOVERNMENT_DECISION


def test_a_draft_pinned_to_2025_8_is_reviewed_on_the_report_it_holds():
    request, state, now = appraised_again("a3a39f9081a4")
    review_only = decision(request, Stage.GOVERNMENT_REVIEW, label="lần 2").model_copy(
        update={"documents": (document(DocumentKind.REVIEW_REPORT, "lần 2"),)})
    assert draft.perform(draft.DECIDE, state, review_only, now).state.stage is Stage.GOVERNMENT_DECISION
