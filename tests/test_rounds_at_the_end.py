"""A consultation round still open when its draft ends, in the draft core without a server: the audit trail says it
was cancelled (eighth generation). Found by a fresh-user trial: a withdrawal cancelled the round and nothing said so."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, EventKind, Outcome, ProgrammeChangeKind, Role, Stage
from tests.drafts import NOW, consultation, core_request, core_state, decision, programme_change
from workflows import draft, rounds
from workflows.change import Record, StartRound


def with_rounds_open(request, stage: Stage, generation: int):
    state = core_state(request, at=stage, generation=generation)
    for round_id in ("r1", "r2"):
        opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, round_id), NOW)
        [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
        state = rounds.round_started(opened.state, start, NOW).state
    return state


def ending(request, how: str):
    if how == "withdrawn from the programme":
        return draft.CHANGE_PROGRAMME, programme_change(ProgrammeChangeKind.WITHDRAW)
    if how == "withdrawn by the minister":
        return draft.DECIDE, decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
            update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    return draft.DECIDE, decision(request, Stage.POLICY_PROPOSAL, Outcome.REJECT)


@pytest.mark.parametrize("how,stage", [("withdrawn by the minister", Stage.DRAFTING), ("withdrawn from the programme", Stage.DRAFTING),
                                       ("rejected by the Government", Stage.POLICY_PROPOSAL)])
def test_rounds_open_when_the_draft_ends_are_recorded_cancelled(how, stage):
    request = core_request()
    op, message = ending(request, how)
    ended = draft.perform(op, with_rounds_open(request, stage, 8), message, NOW)
    final, events = ended.state.stage, [effect.entry for effect in ended.effects if isinstance(effect, Record)]
    assert final.is_terminal and events[0].event is not EventKind.CONSULTATION_CANCELLED
    assert [(e.event, e.stage, e.label) for e in events[1:]] == [
        (EventKind.CONSULTATION_CANCELLED, final, f"round {r} (WRITTEN_OPINIONS) cancelled: the draft is {final.value} and asks "
                                                  "nobody's opinion any more") for r in ("r1", "r2")]
    assert [c.workflow_id for c in rounds.closing(ended.state)] == [w.round.workflow_id for w in ended.state.open_rounds]


def test_a_seventh_generation_draft_records_no_cancellation():
    """Its histories replay as they ran."""
    request = core_request()
    op, message = ending(request, "withdrawn by the minister")
    ended = draft.perform(op, with_rounds_open(request, Stage.DRAFTING, 7), message, NOW)
    assert [e.entry.event for e in ended.effects if isinstance(e, Record)] == [EventKind.DECISION]
