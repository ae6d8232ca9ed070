"""A round's or a point's ID of "." or ".." is refused as new input (found by a breaker: a round `..` was opened, and its
workflow `consultation-<submission>-..` could not be addressed by an HTTP client, which collapses the segment), while
what was taken before the rule (a history's message, a state carried across runs) still decodes and replays as it ran."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, ConsultationKind, Role, Stage
from schemas.messages import ConsultationRequest, Disagreement
from schemas.refusal import Refused
from schemas.state import DraftState
from tests.drafts import NOW, consultation, core_request, core_state
from workflows import draft, rounds
from workflows.change import StartRound


def point(point_id: str) -> Disagreement:
    return Disagreement(point_id=point_id, summary="Thẩm quyền cấp phép", parties=("BGDDT", "BNV"), actor=Actor.VPCP,
                        agency_code="VPCP", role=Role.DEPUTY_HEAD_OF_GOVERNMENT_OFFICE, official="Phó Chủ nhiệm")


@pytest.mark.parametrize("round_id", [".", ".."])
def test_a_new_round_named_a_dot_segment_is_refused_naming_the_field_and_the_rule(round_id):
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, consultation(request, round_id), NOW)
    assert (refused.value.field, refused.value.rule, refused.value.kind.value) == ("round_id", "not_dot_segment", "INVALID")
    draft.validate(draft.OPEN_CONSULTATION, state, consultation(request, "..r1"), NOW)  # dots within an ID are letters as before


def test_a_social_critique_asks_the_fatherland_front_alone():
    """Found in a review: a SOCIAL_CRITIQUE round could ask a ministry. A new round only (as the dot segments)."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, consultation(request, "PB", ("MTTQ", "BTC"), ConsultationKind.SOCIAL_CRITIQUE), NOW)
    assert (refused.value.field, refused.value.rule, refused.value.kind.value) == ("consultees", "fatherland_front_only", "INVALID")
    assert "not BTC's" in str(refused.value)
    draft.validate(draft.OPEN_CONSULTATION, state, consultation(request, "PB", ("MTTQ",), ConsultationKind.SOCIAL_CRITIQUE), NOW)
    draft.validate(draft.OPEN_CONSULTATION, state, consultation(request, "YK", ("BTC",), ConsultationKind.WRITTEN_OPINIONS), NOW)


def test_a_new_public_posting_asking_the_public_by_name_is_refused_and_one_taken_before_replays():
    """Found by a public trial: a posting naming PUBLIC among its consultees awaited an answer no route could send (a
    posting takes the public's comments on its public page; a token issued for PUBLIC is refused by every route). New
    input only: a round opened so before the rule replays as it ran. A WRITTEN_OPINIONS round names PUBLIC still: the
    lead ministry's system forwards the public's comments to it."""
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    posting = consultation(request, "P1", ("PUBLIC", "BTC"), ConsultationKind.PUBLIC_POSTING)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.OPEN_CONSULTATION, state, posting, NOW)
    assert (refused.value.field, refused.value.rule, refused.value.kind.value) == ("consultees", "public_not_a_consultee", "INVALID")
    opened = draft.perform(draft.OPEN_CONSULTATION, state, ConsultationRequest.model_validate_json(posting.model_dump_json()), NOW)
    assert [e for e in opened.effects if isinstance(e, StartRound)]
    draft.validate(draft.OPEN_CONSULTATION, state, consultation(request, "W1", ("PUBLIC", "BTC"), ConsultationKind.WRITTEN_OPINIONS), NOW)


@pytest.mark.parametrize("point_id", [".", ".."])
def test_a_new_point_named_a_dot_segment_is_refused(point_id):
    with pytest.raises(Refused) as refused:
        draft.validate(draft.RAISE_DISAGREEMENT, core_state(at=Stage.GOVERNMENT_REVIEW), point(point_id), NOW)
    assert (refused.value.field, refused.value.rule) == ("point_id", "not_dot_segment")


def test_a_round_named_so_before_the_rule_still_decodes_replays_and_carries_over():
    """The message type decodes it (a history's update), `perform` applies it unasked (a replay), and a state holding it
    crosses continue-as-new."""
    request = core_request()
    message = ConsultationRequest.model_validate_json(consultation(request, "..").model_dump_json())
    opened = draft.perform(draft.OPEN_CONSULTATION, core_state(request, at=Stage.DRAFTING), message, NOW)
    [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
    state = rounds.round_started(opened.state, start, NOW).state
    carried = DraftState.model_validate_json(state.model_dump_json())
    assert ".." in carried.rounds_opened and [watch.round.round_id for watch in carried.open_rounds] == [".."]
    assert start.workflow_id == f"consultation-{request.submission_id}:.."
    # The same message sent again under its request ID gets its receipt, as before the rule.
    sent = draft.perform(draft.OPEN_CONSULTATION, core_state(request, at=Stage.DRAFTING), message, NOW, "req-1")
    draft.validate(draft.OPEN_CONSULTATION, sent.state, message, NOW, "req-1")
