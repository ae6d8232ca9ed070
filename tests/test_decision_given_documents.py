"""Found by a lead ministry's trial: from editions 2025.11 a document a deciding body gives with its own decision
(the rulebook's `filed_with_decisions`: the Ministry of Justice's appraisal report, the Government's resolution, ...) is
never filed by the lead ministry: `legis file` refuses it (`documents`, `filed_with_decision`). The lead ministry's own
decision, its approval of the drafting, carries such documents unrefused, and they enter the dossier: a draft reaches
APPRAISAL with an "appraisal report" the ministry wrote itself, `legis versions` lists it, and `legis status` tells the
Ministry of Justice "filed before, to file anew: APPRAISAL_REPORT", as though it had appraised already. Reproduced with
`legis decide BYT-2026-109 dd9.json` (the drafting approval with an APPRAISAL_REPORT among its documents)."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, DocumentKind, Stage
from schemas.refusal import Refused
from tests.drafts import NOW, core_request, core_state, decision, document
from workflows import draft


@pytest.mark.parametrize("kind", [DocumentKind.APPRAISAL_REPORT, DocumentKind.GOVERNMENT_RESOLUTION])
def test_the_lead_ministrys_approval_does_not_carry_another_bodys_report(kind):
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    assert kind in state.rulebook.filed_with_decisions
    approval = decision(request, Stage.DRAFTING)
    assert approval.actor is Actor.LEAD_MINISTRY
    carrying = approval.model_copy(update={"documents": (*approval.documents, document(kind, "do the ministry itself"))})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, carrying, NOW)
    assert refused.value.field == "documents" and kind.value in str(refused.value)
