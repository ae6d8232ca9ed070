"""The validators' rules against a draft's state, without a server: each refusal names its field, rule and kind."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from schemas.enums import Actor, DocumentKind, Outcome, ProcessVersion, Role, SessionProcedure, Stage
from schemas.messages import Decision, DossierFiling, PostponementRequest, StartRequest
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import edition
from tests.drafts import FAILING_VOTE, NOW, PASSING_VOTE, SITTING, core_request, core_state, decision, document, example_text
from workflows import draft_views as views
from workflows import rules
from workflows.deadlines import local_day

REQUEST = core_request()


def refusal(state, d) -> Refused:
    with pytest.raises(Refused) as caught:
        rules.check_decision(state, d, NOW)
    return caught.value


def at(where: Stage, **changes):
    return core_state(REQUEST, at=where).model_copy(update=changes)


def test_a_valid_approval_passes():
    rules.check_decision(at(Stage.APPRAISAL), decision(REQUEST, Stage.APPRAISAL), NOW)


def test_a_decision_for_a_stage_the_draft_has_left_is_stale():
    r = refusal(at(Stage.APPRAISAL), decision(REQUEST, Stage.DRAFTING))
    assert (r.field, r.rule, r.kind) == ("stage", "current_stage_only", RefusalKind.STALE)
    assert "at APPRAISAL, not DRAFTING" in str(r)


def test_a_message_for_a_stage_ahead_of_the_draft_is_stale_too_one_rule_one_kind():
    """Found in a user trial: `current_stage_only` was STALE on a decision and CONFLICT on a postponement for APPRAISAL
    after the draft went back to DRAFTING (the path puts APPRAISAL ahead of it, though it has left it)."""
    r = refusal(at(Stage.DRAFTING), decision(REQUEST, Stage.APPRAISAL))
    assert (r.field, r.rule, r.kind) == ("stage", "current_stage_only", RefusalKind.STALE)
    postponement = PostponementRequest.model_validate_json(example_text("05-postpone-appraisal.json"))
    with pytest.raises(Refused) as refused:
        rules.check_postponement_request(at(Stage.DRAFTING), postponement, NOW)
    assert (refused.value.rule, refused.value.kind) == ("current_stage_only", RefusalKind.STALE)


def test_closed_draft_takes_no_decision():
    r = refusal(at(Stage.PROMULGATION, stage=Stage.PROMULGATED), decision(REQUEST, Stage.PROMULGATION))
    assert (r.field, r.rule, r.kind) == ("stage", "draft_closed", RefusalKind.CLOSED)


def test_wrong_agency_for_the_stage():
    r = refusal(at(Stage.APPRAISAL), decision(REQUEST, Stage.APPRAISAL).model_copy(update={"actor": Actor.VPCP}))
    assert (r.field, r.rule, r.kind) == ("actor", "stage_authority", RefusalKind.FORBIDDEN)
    assert "only MOJ" in str(r)


def test_wrong_role_for_the_stage():
    r = refusal(at(Stage.PROMULGATION), decision(REQUEST, Stage.PROMULGATION).model_copy(update={"role": Role.NA_CHAIR}))
    assert (r.field, r.rule) == ("role", "stage_authority")


def test_another_ministry_cannot_act_as_lead_ministry():
    r = refusal(at(Stage.DRAFTING), decision(REQUEST, Stage.DRAFTING).model_copy(update={"agency_code": "BTC"}))
    assert (r.field, r.rule) == ("agency_code", "lead_ministry_only")


def test_missing_required_document_is_named():
    d = decision(REQUEST, Stage.DRAFTING)
    d = d.model_copy(update={"documents": tuple(x for x in d.documents if x.kind is not DocumentKind.DRAFT_TEXT)})
    r = refusal(at(Stage.DRAFTING), d)
    assert (r.field, r.rule, r.kind) == ("documents", "required_documents", RefusalKind.INVALID)
    assert "DRAFT_TEXT" in str(r)


def test_a_body_that_files_nothing_is_told_to_give_its_report_with_its_decision():
    """Found by a Government Office's trial: the Ministry of Justice, deciding its appraisal without its report, was told to
    "file it first (legis file; the lead ministry's filings)"; only the lead ministry files."""
    d = decision(REQUEST, Stage.APPRAISAL).model_copy(update={"documents": ()})
    assert refusal(at(Stage.APPRAISAL), d).message == ("APPRAISAL cannot be decided without APPRAISAL_REPORT: give it in the decision's "
                                                      "documents; only the lead ministry files documents beforehand (legis file)")


def test_documents_already_in_the_dossier_count():
    d = decision(REQUEST, Stage.APPRAISAL).model_copy(update={"documents": ()})
    rules.check_decision(at(Stage.APPRAISAL, dossier=(document(DocumentKind.APPRAISAL_REPORT),), filed_here=(DocumentKind.APPRAISAL_REPORT,)), d, NOW)


def test_the_appraisal_reports_filed_at_earlier_stages_go_with_the_dossier_to_the_examining_committee():
    """Examination needs the appraisal report and the report on its acceptance (Art. 37(3)): filed at appraisal and at the
    Government's review, they count; the committee's own report must be filed at examination."""
    dossier = tuple(document(kind) for kind in (DocumentKind.APPRAISAL_REPORT, DocumentKind.APPRAISAL_ACCEPTANCE_REPORT, DocumentKind.EXAMINATION_REPORT))
    d = decision(REQUEST, Stage.EXAMINATION).model_copy(update={"documents": ()})
    rules.check_decision(at(Stage.EXAMINATION, dossier=dossier, filed_here=(DocumentKind.EXAMINATION_REPORT,)), d, NOW)
    r = refusal(at(Stage.EXAMINATION, dossier=dossier), d)
    assert (r.field, r.rule, r.kind) == ("documents", "required_documents", RefusalKind.INVALID)
    assert r.message.startswith("EXAMINATION cannot be decided without EXAMINATION_REPORT filed anew (one filed for an earlier decision or stage does not count): ")
    # Nothing of the kind filed before: the kind is named as any missing one.
    assert refusal(at(Stage.EXAMINATION, dossier=dossier[:2]), d).message == ("EXAMINATION cannot be decided without EXAMINATION_REPORT: give it "
                                                                             "in the decision's documents; only the lead ministry files documents beforehand (legis file)")


@pytest.mark.parametrize(("where", "renewed"), [
    (Stage.INTER_SESSION_REVISION, {DocumentKind.DRAFT_TEXT, DocumentKind.REVISION_REPORT}),
    (Stage.DRAFTING, {DocumentKind.APPRAISAL_REQUEST, DocumentKind.COVER_SUBMISSION, DocumentKind.DRAFT_TEXT}),
    (Stage.GOVERNMENT_REVIEW, {DocumentKind.APPRAISAL_ACCEPTANCE_REPORT, DocumentKind.REVIEW_REPORT}),
])
def test_a_revised_draft_and_a_stages_own_report_count_only_when_filed_since_the_draft_entered_the_stage(where, renewed):
    """Between sessions the revised draft goes to the deputies: the draft filed at drafting is not it. A draft returned
    for revision comes back with a new draft, cover submission and request for appraisal; a stage visited again gives a
    new report of its own, and the Government Office's review a new report on taking in the appraisal (editions 2025.9
    and 2015.9: `tests/test_rulebook_2025_9.py`)."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS) if where is Stage.INTER_SESSION_REVISION else REQUEST
    rule = core_state(request, at=where).rulebook.rule(where)
    assert set(rule.renewed_documents) == renewed
    dossier = tuple(document(kind, "earlier") for kind in rule.required_documents)
    state = core_state(request, at=where).model_copy(update={"dossier": dossier})
    bare = decision(request, where).model_copy(update={"documents": ()})
    with pytest.raises(Refused) as caught:
        rules.check_decision(state, bare, NOW)
    assert caught.value.field == "documents" and "filed anew" in str(caught.value)
    assert set(views.pending_decision(state).missing_documents) == renewed
    # Filed at this stage (by a filing, or attached to the decision itself), they count.
    rules.check_decision(state.model_copy(update={"filed_here": tuple(renewed)}), bare, NOW)
    rules.check_decision(state, bare.model_copy(update={"documents": tuple(document(kind, "revised") for kind in renewed)}), NOW)


def test_a_draft_pinned_to_an_edition_before_renewed_documents_keeps_its_rules():
    """Editions 2025.5 and 2015.5 let a document filed at any stage count: a running draft pinned to one is not refused
    what it was allowed when it started."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION)
    dossier = tuple(document(kind, "earlier") for kind in state.rulebook.rule(Stage.INTER_SESSION_REVISION).required_documents)
    earlier = state.model_copy(update={"rulebook": edition(ProcessVersion.LAW_2025, "3448d639390a"), "dossier": dossier, "filed_here": ()})
    assert earlier.rulebook.version == "2025.5"
    bare = decision(request, Stage.INTER_SESSION_REVISION).model_copy(update={"documents": ()})
    rules.check_decision(earlier, bare, NOW)
    with pytest.raises(Refused, match="DRAFT_TEXT"):
        rules.check_decision(earlier.model_copy(update={"rulebook": state.rulebook}), bare, NOW)


def test_outcome_not_allowed_here():
    r = refusal(at(Stage.NA_SESSION), decision(REQUEST, Stage.NA_SESSION, Outcome.APPROVE))
    assert (r.field, r.rule) == ("outcome", "outcome_allowed")
    assert "VOTE" in str(r)


def test_return_to_a_stage_the_rulebook_does_not_name():
    r = refusal(at(Stage.APPRAISAL), decision(REQUEST, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION, return_to=Stage.POLICY_PROPOSAL))
    assert (r.field, r.rule) == ("return_to", "return_target")


def test_default_return_target_is_the_rulebooks_first():
    state = at(Stage.GOVERNMENT_DECISION)
    assert rules.return_target(state, decision(REQUEST, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION)) is Stage.DRAFTING


def test_withdrawal_by_the_lead_ministrys_minister_at_any_stage_not_final():
    d = decision(REQUEST, Stage.EXAMINATION, Outcome.WITHDRAW)
    r = refusal(at(Stage.EXAMINATION), d)
    assert (r.field, r.rule) == ("actor", "withdrawal_authority")
    by_minister = d.model_copy(update={"actor": Actor.LEAD_MINISTRY, "agency_code": REQUEST.lead_ministry, "role": Role.MINISTER})
    rules.check_decision(at(Stage.EXAMINATION), by_minister, NOW)
    rules.check_decision(at(Stage.APPRAISAL), by_minister.model_copy(update={"stage": Stage.APPRAISAL}), NOW)


def test_vote_requires_counts_and_reasons_required_for_rejection():
    with pytest.raises(ValidationError, match="vote_required"):
        Decision.model_validate({**decision(REQUEST, Stage.NA_SESSION, Outcome.REJECT).model_dump(), "outcome": "VOTE", "reasons": ""})
    with pytest.raises(ValidationError, match="reasons_required"):
        Decision.model_validate({**decision(REQUEST, Stage.NA_SESSION, Outcome.REJECT).model_dump(), "reasons": ""})
    with pytest.raises(ValidationError, match="not_blank"):
        Decision.model_validate({**decision(REQUEST, Stage.NA_SESSION, Outcome.REJECT).model_dump(), "reasons": " "})


def test_vote_passes_only_with_more_than_half_of_all_deputies():
    assert PASSING_VOTE.passed and not FAILING_VOTE.passed
    rules.check_decision(at(Stage.NA_SESSION), decision(REQUEST, Stage.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE), SITTING)


def test_filing_by_the_lead_ministry_only():
    state = at(Stage.GOVERNMENT_REVIEW)
    filing = DossierFiling(stage=Stage.GOVERNMENT_REVIEW, actor=Actor.LEAD_MINISTRY, agency_code=REQUEST.lead_ministry,
                           role=Role.MINISTER, official="x", documents=(document(DocumentKind.APPRAISAL_ACCEPTANCE_REPORT),))
    rules.check_filing(state, filing, NOW)
    with pytest.raises(Refused, match="agency_code"):
        rules.check_filing(state, filing.model_copy(update={"agency_code": "BTC"}), NOW)


def test_pending_decision_lists_who_and_what_is_missing():
    state = at(Stage.GOVERNMENT_REVIEW, dossier=(document(DocumentKind.REVIEW_REPORT),), filed_here=(DocumentKind.REVIEW_REPORT,))
    pending = views.pending_decision(state)
    assert pending.deciders[0].actor is Actor.VPCP
    assert pending.missing_documents == (DocumentKind.APPRAISAL_ACCEPTANCE_REPORT,)
    assert views.pending_decision(state.model_copy(update={"stage": Stage.WITHDRAWN})) is None


def test_start_request_rules():
    raw = core_request().model_dump(mode="json")
    with pytest.raises(ValidationError, match="amended_law"):
        StartRequest.model_validate({**raw, "law_kind": "AMENDING_LAW"})
    with pytest.raises(ValidationError, match="submission_id"):
        StartRequest.model_validate({**raw, "submission_id": "bad id with spaces"})
    decomposed = "Luật Đất đai".replace("ậ", "a\u0323\u0302")
    assert StartRequest.model_validate({**raw, "title": decomposed}).title == "Luật Đất đai"


def test_a_statutory_deadline_cannot_be_postponed():
    state = at(Stage.PROMULGATION)
    asked = PostponementRequest(stage=Stage.PROMULGATION, actor=Actor.PRESIDENT, agency_code="CTN", role=Role.STATE_PRESIDENT,
                                official="x", new_deadline=state.deadline + timedelta(days=10), reason="need more time")
    with pytest.raises(Refused) as refused:
        rules.check_postponement_request(state, asked, NOW)
    assert (refused.value.field, refused.value.rule) == ("stage", "postponable_deadline")


def test_a_postponement_to_a_day_already_past_is_refused():
    state = at(Stage.APPRAISAL, deadline=local_day(NOW) - timedelta(days=10))
    asked = PostponementRequest(stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="x",
                                new_deadline=local_day(NOW) - timedelta(days=1), reason="need more time")
    with pytest.raises(Refused) as refused:
        rules.check_postponement_request(state, asked, NOW)
    assert (refused.value.field, refused.value.rule, refused.value.kind) == ("new_deadline", "not_in_past", RefusalKind.INVALID)


@pytest.mark.parametrize("offset,rule", [(1, "not_in_future"), (-40, "not_before_stage")])
def test_an_event_entered_afterwards_happened_at_this_stage(offset, rule):
    state = at(Stage.APPRAISAL)
    d = decision(REQUEST, Stage.APPRAISAL).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=offset)})
    r = refusal(state, d)
    assert (r.field, r.rule, r.kind) == ("occurred_on", rule, RefusalKind.INVALID)
    rules.check_decision(state, d.model_copy(update={"occurred_on": local_day(NOW)}), NOW)


def test_dates_outside_the_calendars_reach_are_refused_with_their_rule():
    with pytest.raises(ValidationError, match="date_in_range"):
        Decision.model_validate({**decision(REQUEST, Stage.APPRAISAL).model_dump(), "occurred_on": date(1999, 12, 31)})


@pytest.mark.parametrize("name", ["14-vote.json", "15-carry-over.json"])
def test_the_assemblys_example_decisions_are_taken_at_its_sitting(name):
    """The examples a vote and a carry-over are written from (found by an official's trial: `legis decide --help` named
    neither's fields, and no example showed them), each taken by a draft at its session's sitting."""
    from schemas.calendar import TargetSession
    from tests.drafts import EXAMPLES
    from workflows import draft

    later = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
    state = core_state(REQUEST, at=Stage.NA_SESSION, sessions=[REQUEST.target_session, later])
    taken = Decision.model_validate_json((EXAMPLES / name).read_text(encoding="utf-8"))
    applied = draft.perform(draft.DECIDE, state, taken, SITTING)
    assert applied.state.stage is (Stage.PROMULGATION if taken.vote else Stage.NA_SESSION)
    assert applied.state.target.code == ("16-2" if taken.vote else "16-3")


def test_a_decision_on_no_pending_postponement_says_how_an_approved_date_is_decided_again():
    """Found by a Government Office's trial: the status says an approved date in conflict stands "unless PM, who approved
    it, decides again", and `legis decide-postponement` then refused with no word of how (a new request, then its decision)."""
    from schemas.messages import PostponementDecision
    from tests.drafts import postponed, session
    from workflows import draft

    state = core_state(core_request(target=session(2, 200)), at=Stage.GOVERNMENT_DECISION, sessions=[session(2, 200)])
    again = PostponementDecision(stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER,
                                 official="Thủ tướng")
    for state_now, said in ((state, False), (postponed(state, state.deadline + timedelta(days=3)).state, True)):
        with pytest.raises(Refused) as refused:
            draft.perform(draft.DECIDE_POSTPONEMENT, state_now, again, NOW)
        assert refused.value.rule == "pending_request" and ("its requester asks again (legis postpone)" in refused.value.message) is said
