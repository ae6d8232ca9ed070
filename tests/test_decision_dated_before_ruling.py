"""Found by a Government Office trial: the review's approval, entered afterwards, may be dated before a point of
disagreement that was raised and ruled at GOVERNMENT_REVIEW.

The review cannot be approved while a point awaits a ruling (`open_disagreements`, README "CLI": "the review cannot be
approved while a point is open, and each ruling is in the history"). Rulings and disagreements carry no `occurred_on`: the
day legis records them is the only day it knows. Yet a VPCP approval dated weeks before the point was raised is taken:
the audit trail then says the review was approved on the 2nd, while the point was raised and ruled at that stage on the
6th, after the draft had (by its own record) left the stage, and the board's timeline, ordered by the day each step
happened, shows the disagreement after the approval. The same bound the draft asks of a postponement at the stage
(`not_before_postponement`: "the stage was still open then") is missing for its points.

Reproduced live: `legis raise-disagreement RV-4 07-disagreement.json`, `legis rule RV-4 08-ruling.json` (both recorded
2026-12-07), then `legis decide RV-4 review.json` with `"occurred_on": "2026-11-15"`: "applied: event #8;
GOVERNMENT_REVIEW -> GOVERNMENT_DECISION", the GOVERNMENT_DECISION stage since 2026-11-15.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import Actor, Role, Stage
from schemas.messages import Disagreement, Ruling
from schemas.refusal import Refused
from tests.drafts import NOW, core_request, core_state, decision
from workflows import draft
from workflows.deadlines import local_day

POINT = Disagreement(point_id="P1", summary="Thẩm quyền cấp phép: Bộ GD&ĐT hay Bộ Nội vụ", parties=("BGDDT", "BNV"),
                     actor=Actor.VPCP, agency_code="VPCP", role=Role.DEPUTY_HEAD_OF_GOVERNMENT_OFFICE, official="Phó Chủ nhiệm")
RULING = Ruling(point_id="P1", ruling="Giao Bộ GD&ĐT chủ trì", actor=Actor.DEPUTY_PM, agency_code="CP",
                role=Role.DEPUTY_PRIME_MINISTER, official="Phó Thủ tướng")


def test_the_review_is_not_approved_on_a_day_before_a_point_raised_and_ruled_at_its_stage():
    request = core_request()
    state = core_state(request, at=Stage.GOVERNMENT_REVIEW)  # reached on NOW (2026-12-01)
    day6 = NOW + timedelta(days=5)
    state = draft.perform(draft.RAISE_DISAGREEMENT, state, POINT, day6).state
    state = draft.perform(draft.RULE_ON_DISAGREEMENT, state, RULING, day6 + timedelta(hours=1)).state
    assert not state.open_points

    # The Government Office enters its approval afterwards, dated the 2nd: before the point was raised (the 6th).
    approval = decision(request, Stage.GOVERNMENT_REVIEW).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=1)})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, approval, day6 + timedelta(hours=2))
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_point"), refused.value
