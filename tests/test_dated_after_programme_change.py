"""A message entered afterwards (`occurred_on`) is not dated before a programme change already recorded at its stage
(`admissions.admits_after_programme_change`). Found by an official's trial: a deferral recorded on the 6th, then a
decision dated the 3rd, left the history saying the stage was deferred after it ended, and the decision was counted on
time against the deadline the deferral set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import Actor, ProgrammeChangeKind, Role, Stage
from schemas.messages import PostponementRequest
from schemas.refusal import Refused
from tests.drafts import NOW, core_request, core_state, decision, programme_change, session
from workflows import draft
from workflows.deadlines import local_day


def deferred_on_the_sixth():
    request = core_request(target=session(2, 200))
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, session(3, 380)])
    sixth = NOW + timedelta(days=5)
    deferred = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=session(3, 380)), sixth)
    assert deferred.state.target.session == 3 and deferred.state.stage is Stage.GOVERNMENT_DECISION
    return request, deferred.state, sixth


def test_a_decision_dated_before_a_programme_change_at_its_stage_is_refused_naming_occurred_on():
    request, state, sixth = deferred_on_the_sixth()
    third = local_day(NOW) + timedelta(days=2)
    early = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": third})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, state, early, sixth + timedelta(days=1))
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_programme_change"), refused.value
    assert f"{third} is before the programme change at GOVERNMENT_DECISION on {local_day(sixth)}" in refused.value.message
    on_the_day = early.model_copy(update={"occurred_on": local_day(sixth)})
    draft.validate(draft.DECIDE, state, on_the_day, sixth + timedelta(days=1))
    assert draft.perform(draft.DECIDE, state, on_the_day, sixth + timedelta(days=1)).state.stage is not Stage.GOVERNMENT_DECISION


def test_a_postponement_or_another_programme_change_dated_before_it_is_refused_too():
    request, state, sixth = deferred_on_the_sixth()
    third = local_day(NOW) + timedelta(days=2)
    asked = PostponementRequest(stage=state.stage, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER,
                                official="x", new_deadline=state.deadline + timedelta(days=3), reason="chờ ý kiến các bộ", occurred_on=third)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.REQUEST_POSTPONEMENT, state, asked, sixth + timedelta(days=1))
    assert refused.value.rule == "not_before_programme_change"
    withdrawn = programme_change(ProgrammeChangeKind.WITHDRAW, occurred_on=third)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.CHANGE_PROGRAMME, state, withdrawn, sixth + timedelta(days=1))
    assert refused.value.rule == "not_before_programme_change"


def test_a_programme_change_at_an_earlier_stage_does_not_bound_the_next():
    request, state, sixth = deferred_on_the_sixth()
    eighth = sixth + timedelta(days=2)
    decided = draft.perform(draft.DECIDE, state, decision(request, Stage.GOVERNMENT_DECISION), eighth).state
    assert decided.stage is not Stage.GOVERNMENT_DECISION
    # The next stage began on the 8th: a date before that is refused by its own rule, not by the deferral's.
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, decided, decision(request, decided.stage).model_copy(update={"occurred_on": local_day(NOW)}), eighth)
    assert refused.value.rule == "not_before_stage"
