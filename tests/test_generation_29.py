"""The twenty-ninth generation against the twenty-eighth, in the pure core: the same bytes filed again with their url are
taken, a decision of the lead ministry carries no document a deciding body gives; a draft of the twenty-eighth keeps its behaviour
(its histories replay as they ran). The re-aim of a decision entered afterwards: tests/test_late_decision_aims_again.py."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, DocumentKind, Role, Stage
from schemas.messages import DossierFiling
from schemas.refusal import Refused
from tests.drafts import NOW, core_request, core_state, decision, document, published
from workflows import draft


def at_drafting(generation: int):
    request = core_request()
    return request, core_state(request, at=Stage.DRAFTING).model_copy(update={"generation": generation})


@pytest.mark.parametrize(("generation", "taken"), [(29, True), (28, False)])
def test_the_same_text_filed_again_with_its_url(generation, taken):
    request, state = at_drafting(generation)
    filing = DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(document(DocumentKind.DRAFT_TEXT),))
    without_url = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    again = filing.model_copy(update={"documents": (published(DocumentKind.DRAFT_TEXT),)})
    refiled = draft.perform(draft.FILE_DOSSIER, without_url, again, NOW).state
    text = next(d for d in refiled.dossier if d.kind is DocumentKind.DRAFT_TEXT)
    assert (text.url is not None) is taken and (refiled.dossier_version > without_url.dossier_version) is taken
    # Filed once more without its url, the dossier keeps the address it has for the same bytes.
    if taken:
        kept = draft.perform(draft.FILE_DOSSIER, refiled, filing, NOW).state
        assert next(d for d in kept.dossier if d.kind is DocumentKind.DRAFT_TEXT).url == text.url
        assert kept.dossier_version == refiled.dossier_version


@pytest.mark.parametrize(("generation", "refused"), [(29, True), (28, False)])
def test_a_decision_carrying_another_stages_report(generation, refused):
    request, state = at_drafting(generation)
    approval = decision(request, Stage.DRAFTING)
    carrying = approval.model_copy(update={"documents": (*approval.documents, document(DocumentKind.APPRAISAL_REPORT, "of its own"))})
    if refused:
        with pytest.raises(Refused) as found:
            draft.validate(draft.DECIDE, state, carrying, NOW)
        assert (found.value.field, found.value.rule) == ("documents", "given_by_its_body")
    else:
        draft.validate(draft.DECIDE, state, carrying, NOW)


def test_the_report_a_stage_gives_is_still_given_with_its_decision():
    request = core_request()
    state = core_state(request, at=Stage.APPRAISAL)
    draft.validate(draft.DECIDE, state, decision(request, Stage.APPRAISAL), NOW)  # its APPRAISAL_REPORT among its documents
    assert DocumentKind.APPRAISAL_REPORT in {d.kind for d in decision(request, Stage.APPRAISAL).documents}


def test_the_wait_for_a_starting_round_has_a_committed_history():
    """The reset run accepted the round's cancellation while the round it opened again still started (its start initiated,
    not yet answered), then asked the round's workflow to cancel once it started: none of the three updates refused."""
    from temporalio.api.enums.v1 import EventType as E

    from tests.test_replay import HISTORIES_DIR, load_history

    events = load_history(HISTORIES_DIR / "reset_cancel_reapplied-s56.json").events
    kinds = [e.event_type for e in events]
    after_reset = kinds.index(E.EVENT_TYPE_WORKFLOW_TASK_FAILED)
    admitted = [e.workflow_execution_update_admitted_event_attributes.request.input.name for e in events
                if e.event_type == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED]
    assert admitted == ["open_consultation", "cancel_consultation", "open_consultation"], admitted
    started = kinds.index(E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED, after_reset)
    assert kinds[after_reset:started].count(E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 3, kinds[after_reset:started]
    assert started < kinds.index(E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, after_reset)
    failed = [e for e in events if e.event_type == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
              and e.workflow_execution_update_completed_event_attributes.outcome.HasField("failure")]
    assert not failed
