"""The documents a stage's decision needs filed for it (`renewed_documents`), without a server: a revised draft between
sessions, a draft back from a return for revision, a proposal returned to its own stage, the next vote's own record.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import TargetSession
from schemas.enums import (
    Actor,
    DocumentKind,
    Outcome,
    ProcessVersion,
    Role,
    SessionProcedure,
    Stage,
)
from schemas.messages import Decision
from schemas.refusal import Refused
from schemas.state import DraftState
from tests.drafts import NOW, PASSING_VOTE, core_request, core_state, decision, sitting
from workflows import draft
from workflows import draft_views as views


def test_the_revised_draft_is_filed_between_sessions_and_a_returned_draft_comes_back_revised():
    """At INTER_SESSION_REVISION the draft filed at drafting does not stand for the revised one: the decision is refused
    until the lead ministry files it (or the decision attaches it); a draft returned to DRAFTING needs a new draft, cover
    submission and request for appraisal, while what the stage asked before that is not renewed still counts."""
    from schemas.messages import DossierFiling
    from tests.drafts import document

    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION)
    assert {doc.kind for doc in state.dossier} >= {DocumentKind.DRAFT_TEXT} and state.filed_here == ()
    bare = decision(request, Stage.INTER_SESSION_REVISION).model_copy(update={"documents": ()})
    with pytest.raises(Refused, match="without REVISION_REPORT and without DRAFT_TEXT filed anew"):
        draft.validate(draft.DECIDE, state, bare, NOW)
    # The status says which missing kind the dossier holds from before, as the Web UI's details do.
    pending = views.status(state, "w", NOW).pending
    assert (pending.missing_documents, pending.filed_before) == ((DocumentKind.REVISION_REPORT, DocumentKind.DRAFT_TEXT), (DocumentKind.DRAFT_TEXT,))
    assert "**Missing documents:** REVISION_REPORT; filed before, to file anew: DRAFT_TEXT" in views.details(state)
    filing = DossierFiling(stage=Stage.INTER_SESSION_REVISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="x", documents=(document(DocumentKind.DRAFT_TEXT, "revised"), document(DocumentKind.REVISION_REPORT)))
    draft.validate(draft.FILE_DOSSIER, state, filing, NOW)
    filed = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    assert set(filed.filed_here) == {DocumentKind.DRAFT_TEXT, DocumentKind.REVISION_REPORT}
    carried = DraftState.model_validate_json(filed.model_dump_json())  # what a run continued as new starts from
    draft.validate(draft.DECIDE, carried, bare, NOW)
    moved = draft.perform(draft.DECIDE, carried, bare, NOW).state
    assert moved.stage is Stage.NA_SESSION and moved.filed_here == ()
    assert "filed_before" not in views.status(moved, "w", NOW).pending.model_dump()  # as an earlier release's reader expects it

    at_appraisal = core_state(request, at=Stage.APPRAISAL)
    returned = draft.perform(draft.DECIDE, at_appraisal, decision(request, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION), NOW).state
    assert returned.stage is Stage.DRAFTING
    assert views.status(returned, "w", NOW).pending.missing_documents == (DocumentKind.APPRAISAL_REQUEST, DocumentKind.COVER_SUBMISSION, DocumentKind.DRAFT_TEXT)


def _filing(request, stage, *documents):
    from schemas.messages import DossierFiling

    return DossierFiling(stage=stage, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER, official="x",
                         documents=documents)


def _bare(request, stage, outcome=Outcome.APPROVE, **fields):
    return decision(request, stage, outcome, **fields).model_copy(update={"documents": ()})


@pytest.mark.parametrize(("version", "stage"), [(ProcessVersion.LAW_2025, Stage.POLICY_PROPOSAL), (ProcessVersion.LAW_2015, Stage.LAW_MAKING_PROPOSAL)])
def test_a_proposal_returned_to_its_own_stage_is_not_approved_unrevised(version, stage):
    """Found by a breaker: a proposal returns for revision to its own stage, which the draft never left, so what was filed
    before the return still counted; a decision spends what was filed for it."""
    from tests.drafts import document

    request = core_request(version)
    state = core_state(request, at=stage)
    proposal = tuple(document(kind, "v1") for kind in state.rulebook.rule(stage).renewed_documents)
    state = draft.perform(draft.FILE_DOSSIER, state, _filing(request, stage, *proposal), NOW).state
    returned = draft.perform(draft.DECIDE, state, decision(request, stage, Outcome.RETURN_FOR_REVISION), NOW).state
    assert returned.stage is stage and dict(returned.returns)[stage] == 1 and returned.filed_here == ()
    assert set(views.status(returned, "w", NOW).pending.missing_documents) == {d.kind for d in proposal}
    with pytest.raises(Refused, match="filed anew"):
        draft.validate(draft.DECIDE, returned, _bare(request, stage), NOW)
    revised = tuple(document(kind, "v2") for kind in state.rulebook.rule(stage).renewed_documents)
    draft.validate(draft.DECIDE, draft.perform(draft.FILE_DOSSIER, returned, _filing(request, stage, *revised), NOW).state, _bare(request, stage), NOW)


def test_the_record_of_a_failed_vote_does_not_stand_for_the_next_vote():
    """Found by a breaker: a failed vote and a carry-over keep the draft at NA_SESSION; the failed vote's record counted
    for the vote at the next session."""
    from tests.drafts import FAILING_VOTE

    request = core_request()
    state = core_state(request, at=Stage.NA_SESSION)
    state = draft.perform(draft.DECIDE, state, decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE, label="failed"), sitting(state)).state
    later = TargetSession(legislature=16, session=3, opens_on=state.target.opens_on + timedelta(days=150))
    carry = decision(request, Stage.NA_SESSION, Outcome.RETURN_FOR_REVISION)
    carry = Decision.model_validate({**carry.model_dump(), "outcome": Outcome.CARRY_OVER, "carry_to": later.model_dump()})
    carried = draft.perform(draft.DECIDE, state, carry, sitting(state)).state
    assert carried.stage is Stage.NA_SESSION and carried.target.code == later.code and carried.filed_here == ()
    with pytest.raises(Refused, match="VOTE_RECORD filed anew"):
        draft.validate(draft.DECIDE, carried, _bare(request, Stage.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE), sitting(carried))


def test_the_draft_filed_again_unchanged_counts_as_filed_for_the_decision():
    """A breaker asked whether filing again the very draft filed at drafting (same SHA-256) should stand for the revised
    one between sessions. It does, as a filing the official makes for this decision: the filing is recorded (no new
    dossier version), and the same bytes attached to the decision count too. Only what was filed before the stage's
    last entry or decision does not."""
    from tests.drafts import document

    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION)
    old = {d.kind: d for d in state.dossier}[DocumentKind.DRAFT_TEXT]
    report = document(DocumentKind.REVISION_REPORT, "new")
    bare = _bare(request, Stage.INTER_SESSION_REVISION)
    with pytest.raises(Refused, match=r"without REVISION_REPORT and without DRAFT_TEXT filed anew \(one filed for an earlier decision or stage does not count\): give them in the decision"):
        draft.validate(draft.DECIDE, state, bare, NOW)
    applied = draft.perform(draft.FILE_DOSSIER, state, _filing(request, Stage.INTER_SESSION_REVISION, old, report), NOW)
    assert applied.state.filed_here == (DocumentKind.DRAFT_TEXT, DocumentKind.REVISION_REPORT)
    assert applied.state.dossier_version == state.dossier_version + 1  # the report is new; the draft text is not
    draft.validate(draft.DECIDE, applied.state, bare, NOW)
    draft.validate(draft.DECIDE, state, bare.model_copy(update={"documents": (old, report)}), NOW)
