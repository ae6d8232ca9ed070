"""Found by a Government Office trial: the review's approval, entered afterwards, is taken on a day before the
filing that completed its dossier.

GOVERNMENT_REVIEW cannot be decided without the lead ministry's APPRAISAL_ACCEPTANCE_REPORT filed anew (README, the
rulebook's "documents needed"; DOMAIN.md: "A stage must not accept an incomplete dossier"). The ministry files it with
`legis file`, dated the day it was sent (`occurred_on`, README "Dates of what happened": "`legis versions` and the
board's dossier versions show a filing's day"). The Government Office then enters its approval dated a day before that
filing: it is taken, the report counted as filed anew, so the record says the review was approved on a dossier that
was complete only days later, and `legis versions` lists version 6 (the approval, 2026-11-10) built on version 5 (the
filing, 2026-12-05).

Reproduced live: `legis file RV-5 file_acc.json` (`"occurred_on": "2026-12-05"`), then `legis decide RV-5 review.json`
with REVIEW_REPORT only and `"occurred_on": "2026-11-10"`: "applied: event #7; GOVERNMENT_REVIEW -> GOVERNMENT_DECISION".
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import Actor, DocumentKind, Role, Stage
from schemas.messages import DossierFiling
from schemas.refusal import Refused
from tests.drafts import NOW, core_request, core_state, decision, document
from workflows import draft
from workflows.deadlines import local_day


def test_a_review_is_not_approved_on_a_day_before_the_filing_its_documents_count_on():
    request = core_request()
    state = core_state(request, at=Stage.GOVERNMENT_REVIEW)  # reached on NOW (2026-12-01)
    day6 = NOW + timedelta(days=5)
    filing = DossierFiling(stage=Stage.GOVERNMENT_REVIEW, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry,
                           role=Role.MINISTER, official="Bộ trưởng", occurred_on=local_day(NOW) + timedelta(days=4),
                           documents=(document(DocumentKind.APPRAISAL_ACCEPTANCE_REPORT),))
    state = draft.perform(draft.FILE_DOSSIER, state, filing, day6).state  # filed on the 5th, entered on the 6th

    # The Government Office's approval, dated the 2nd, counts on the acceptance report filed on the 5th.
    approval = decision(request, Stage.GOVERNMENT_REVIEW).model_copy(update={
        "occurred_on": local_day(NOW) + timedelta(days=1), "documents": (document(DocumentKind.REVIEW_REPORT),)})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, approval, day6 + timedelta(hours=1))
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_filing"), refused.value


def test_appraisal_is_not_counted_from_a_day_before_its_dossier_was_complete():
    """The same at DRAFTING, where it moves a deadline: the Ministry of Justice's 30 days run "from a *complete* dossier"
    (DOMAIN.md, LAW_2025 Art. 34(1); README: "30 days from the complete dossier for appraisal (counted from the day the
    dossier reached appraisal, since drafting cannot be approved without it)"). The lead ministry files the dossier's
    reports on the 5th; the approval that sends it to appraisal is entered dated the 1st: it is taken, and the appraisal's
    deadline counted from the 1st, the Ministry of Justice's window four days short (live, DR-2: filing dated 2026-12-05,
    approval dated 2026-11-20: deadline 2026-12-21, not 2027-01-04)."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)  # reached on NOW (2026-12-01)
    day6 = NOW + timedelta(days=5)
    anew = (DocumentKind.APPRAISAL_REQUEST, DocumentKind.COVER_SUBMISSION, DocumentKind.DRAFT_TEXT)
    full = decision(request, Stage.DRAFTING)
    reports = tuple(d for d in full.documents if d.kind not in anew)
    assert reports, full.documents
    filing = DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry,
                           role=Role.MINISTER, official="Bộ trưởng", occurred_on=local_day(NOW) + timedelta(days=4), documents=reports)
    state = draft.perform(draft.FILE_DOSSIER, state, filing, day6).state
    # Dated the 1st, the day the stage began (the 2nd would count to 2027-01-01, a holiday moved to the 4th, hiding it).
    approval = full.model_copy(update={"occurred_on": local_day(NOW),
                                       "documents": tuple(d for d in full.documents if d.kind in anew)})
    # Refused as new input (the update's validator asks it), naming the day; dated the day of the filing, it is taken.
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, approval, day6 + timedelta(hours=1))
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_filing"), refused.value
    assert f"the filing at DRAFTING on {local_day(NOW) + timedelta(days=4)}" in refused.value.message
    complete_on = local_day(NOW) + timedelta(days=4)
    on_the_day = approval.model_copy(update={"occurred_on": complete_on})
    draft.validate(draft.DECIDE, state, on_the_day, day6 + timedelta(hours=1))
    after = draft.perform(draft.DECIDE, state, on_the_day, day6 + timedelta(hours=1)).state
    assert after.stage is Stage.APPRAISAL and after.deadline >= complete_on + timedelta(days=30), (after.deadline, complete_on)
