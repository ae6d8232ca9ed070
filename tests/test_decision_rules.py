"""The validator's rules, without a server: each refusal names its field and rule."""

import pytest
from pydantic import ValidationError

from schemas.enums import Actor, DocumentKind, Outcome, ProcessVersion, Role, SessionProcedure, Stage
from schemas.messages import Decision, DossierFiling, StartRequest
from schemas.rulebook import load_rulebook
from tests.drafts import FAILING_VOTE, PASSING_VOTE, decision, document, start_request
from workflows.decision_rules import DecisionRefused, check_decision, check_filing, pending_decision, return_target
from workflows.stage_graph import stage_path

REQUEST = start_request()
BOOK = load_rulebook(ProcessVersion.LAW_2025)
PATH = stage_path(ProcessVersion.LAW_2025, SessionProcedure.ONE_SESSION)


def check(stage, d, dossier=()):
    check_decision(BOOK, PATH, stage=stage, lead_ministry=REQUEST.lead_ministry, dossier=dossier, decision=d)


def refusal(stage, d, dossier=()) -> DecisionRefused:
    with pytest.raises(DecisionRefused) as caught:
        check(stage, d, dossier)
    return caught.value


def test_a_valid_approval_passes():
    check(Stage.APPRAISAL, decision(REQUEST, Stage.APPRAISAL))


def test_decision_for_another_stage():
    r = refusal(Stage.DRAFTING, decision(REQUEST, Stage.APPRAISAL))
    assert (r.field, r.rule) == ("stage", "current_stage_only")
    assert "at DRAFTING, not APPRAISAL" in str(r)


def test_closed_draft_takes_no_decision():
    r = refusal(Stage.PROMULGATED, decision(REQUEST, Stage.PROMULGATION))
    assert (r.field, r.rule) == ("stage", "draft_closed")


def test_wrong_agency_for_the_stage():
    d = decision(REQUEST, Stage.APPRAISAL).model_copy(update={"actor": Actor.VPCP})
    r = refusal(Stage.APPRAISAL, d)
    assert (r.field, r.rule) == ("actor", "stage_authority")
    assert "only MOJ" in str(r)


def test_wrong_role_for_the_stage():
    d = decision(REQUEST, Stage.PROMULGATION).model_copy(update={"role": Role.NA_CHAIR})
    r = refusal(Stage.PROMULGATION, d)
    assert (r.field, r.rule) == ("role", "stage_authority")


def test_another_ministry_cannot_act_as_lead_ministry():
    d = decision(REQUEST, Stage.DRAFTING).model_copy(update={"agency_code": "BTC"})
    r = refusal(Stage.DRAFTING, d)
    assert (r.field, r.rule) == ("agency_code", "lead_ministry_only")


def test_missing_required_document_is_named():
    d = decision(REQUEST, Stage.DRAFTING)
    d = d.model_copy(update={"documents": tuple(x for x in d.documents if x.kind is not DocumentKind.DRAFT_TEXT)})
    r = refusal(Stage.DRAFTING, d)
    assert (r.field, r.rule) == ("documents", "required_documents")
    assert "DRAFT_TEXT" in str(r)


def test_documents_already_in_the_dossier_count():
    d = decision(REQUEST, Stage.APPRAISAL).model_copy(update={"documents": ()})
    check(Stage.APPRAISAL, d, dossier={DocumentKind.APPRAISAL_REPORT})


def test_outcome_not_allowed_here():
    r = refusal(Stage.NA_SESSION, decision(REQUEST, Stage.NA_SESSION, Outcome.APPROVE))
    assert (r.field, r.rule) == ("outcome", "outcome_allowed")
    assert "VOTE" in str(r)


def test_return_to_a_stage_the_rulebook_does_not_name():
    r = refusal(Stage.APPRAISAL, decision(REQUEST, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION, return_to=Stage.POLICY_PROPOSAL))
    assert (r.field, r.rule) == ("return_to", "return_target")


def test_default_return_target_is_the_rulebooks_first():
    assert return_target(BOOK, PATH, decision(REQUEST, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION)) is Stage.DRAFTING


def test_withdrawal_only_by_the_submitter():
    d = decision(REQUEST, Stage.EXAMINATION, Outcome.WITHDRAW)
    r = refusal(Stage.EXAMINATION, d)
    assert (r.field, r.rule) == ("actor", "withdrawal_authority")
    ok = d.model_copy(update={"actor": Actor.LEAD_MINISTRY, "agency_code": REQUEST.lead_ministry, "role": Role.MINISTER})
    check(Stage.EXAMINATION, ok)


def test_vote_requires_counts_and_reasons_required_for_rejection():
    with pytest.raises(ValidationError, match="vote: required"):
        Decision.model_validate({**decision(REQUEST, Stage.NA_SESSION, Outcome.REJECT).model_dump(), "outcome": "VOTE", "reasons": ""})
    with pytest.raises(ValidationError, match="reasons: required"):
        Decision.model_validate({**decision(REQUEST, Stage.NA_SESSION, Outcome.REJECT).model_dump(), "reasons": " "})


def test_vote_passes_only_with_more_than_half_of_all_deputies():
    assert PASSING_VOTE.passed and not FAILING_VOTE.passed
    check(Stage.NA_SESSION, decision(REQUEST, Stage.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE))


def test_filing_by_the_lead_ministry_only():
    filing = DossierFiling(stage=Stage.GOVERNMENT_REVIEW, actor=Actor.LEAD_MINISTRY, agency_code="BGDDT", role=Role.MINISTER,
                           official="x", documents=(document(DocumentKind.APPRAISAL_ACCEPTANCE_REPORT),))
    check_filing(BOOK, stage=Stage.GOVERNMENT_REVIEW, lead_ministry="BGDDT", filing=filing)
    with pytest.raises(DecisionRefused, match="agency_code"):
        check_filing(BOOK, stage=Stage.GOVERNMENT_REVIEW, lead_ministry="BGDDT", filing=filing.model_copy(update={"agency_code": "BTC"}))


def test_pending_decision_lists_who_and_what_is_missing():
    pending = pending_decision(BOOK, Stage.GOVERNMENT_REVIEW, {DocumentKind.REVIEW_REPORT})
    assert pending.deciders[0].actor is Actor.VPCP
    assert pending.missing_documents == (DocumentKind.APPRAISAL_ACCEPTANCE_REPORT,)
    assert pending_decision(BOOK, Stage.WITHDRAWN, ()) is None


def test_start_request_rules():
    raw = start_request().model_dump(mode="json")
    with pytest.raises(ValidationError, match="amended_law"):
        StartRequest.model_validate({**raw, "law_kind": "AMENDING_LAW"})
    with pytest.raises(ValidationError, match="submission_id"):
        StartRequest.model_validate({**raw, "submission_id": "bad id with spaces"})
    decomposed = "Luật Đất đai".replace("ậ", "a\u0323\u0302")
    assert StartRequest.model_validate({**raw, "title": decomposed}).title == "Luật Đất đai"


def test_a_statutory_deadline_cannot_be_postponed():
    from datetime import date

    from schemas.messages import PostponementRequest
    from workflows.decision_rules import check_postponement_request

    asked = PostponementRequest(stage=Stage.PROMULGATION, actor=Actor.PRESIDENT, agency_code="CTN", role=Role.STATE_PRESIDENT,
                                official="x", new_deadline=date(2027, 7, 1), reason="need more time")
    with pytest.raises(DecisionRefused) as refused:
        check_postponement_request(BOOK, stage=Stage.PROMULGATION, deadline=date(2027, 6, 15), lead_ministry="BGDDT",
                                   pending=None, request=asked)
    assert (refused.value.field, refused.value.rule) == ("stage", "postponable_deadline")
