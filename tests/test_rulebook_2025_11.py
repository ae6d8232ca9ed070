"""Editions 2025.11 and 2015.11, from a lead ministry's trial, in the draft core without a server: a document a deciding
body gives with its own decision (the Ministry of Justice's appraisal report, a committee's examination report, the
Standing Committee's conclusion, ...) is never filed. The lead ministry filed "its" appraisal report at the Government's
review; it replaced the Ministry of Justice's in the dossier, and counted for the examination. A draft pinned to an
earlier edition keeps the filings it took."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, DocumentKind, ProcessVersion, Role, Stage
from schemas.messages import DossierFiling
from schemas.refusal import Refused
from schemas.rulebook import edition, load_rulebook
from tests.drafts import NOW, core_request, core_state, document
from tests.test_rulebook_2025_10 import EDITION_10
from workflows import draft


def test_the_current_editions_are_2025_11_and_2015_11():
    assert [load_rulebook(version).version for version in ProcessVersion] == ["2015.11", "2025.11"]


def filing(request, *kinds: DocumentKind) -> DossierFiling:
    return DossierFiling(stage=Stage.GOVERNMENT_REVIEW, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                         official="Bộ trưởng", documents=tuple(document(kind, kind.value) for kind in kinds))


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_a_report_the_ministry_of_justice_gives_with_its_decision_is_never_filed(version):
    request = core_request(version)
    state = core_state(request, at=Stage.GOVERNMENT_REVIEW)
    appraised = next(d for d in state.dossier if d.kind is DocumentKind.APPRAISAL_REPORT)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.FILE_DOSSIER, state, filing(request, DocumentKind.APPRAISAL_ACCEPTANCE_REPORT, DocumentKind.APPRAISAL_REPORT), NOW)
    assert (refused.value.field, refused.value.rule) == ("documents", "filed_with_decision")
    assert refused.value.message.startswith("APPRAISAL_REPORT: given by the deciding body with its decision, never filed"), refused.value
    # The ministry's own report on taking in the appraisal is filed, and the appraisal report stays the Ministry of Justice's.
    taken = draft.perform(draft.FILE_DOSSIER, state, filing(request, DocumentKind.APPRAISAL_ACCEPTANCE_REPORT), NOW).state
    assert next(d for d in taken.dossier if d.kind is DocumentKind.APPRAISAL_REPORT) == appraised


@pytest.mark.parametrize("version", list(ProcessVersion))
def test_a_draft_pinned_to_an_earlier_edition_keeps_the_filings_it_took(version):
    request = core_request(version)
    state = core_state(request, at=Stage.GOVERNMENT_REVIEW)
    state = state.model_copy(update={"rulebook": edition(version, EDITION_10[version])})
    filed = filing(request, DocumentKind.APPRAISAL_REPORT)
    draft.validate(draft.FILE_DOSSIER, state, filed, NOW)
    assert draft.perform(draft.FILE_DOSSIER, state, filed, NOW).state.dossier[-1] == filed.documents[0]


def test_every_kind_a_deciding_body_gives_is_one_a_stage_requires_of_its_decision():
    for version in ProcessVersion:
        book = load_rulebook(version)
        required = {kind for rule in book.stages for kind in rule.required_documents}
        # The President's request to reconsider an ordinance goes with his return of it, which requires no document.
        assert set(book.filed_with_decisions) - required == {DocumentKind.RECONSIDERATION_REQUEST}
        assert not set(book.filed_with_decisions) & {DocumentKind.DRAFT_TEXT, DocumentKind.COVER_SUBMISSION, DocumentKind.APPRAISAL_ACCEPTANCE_REPORT}
