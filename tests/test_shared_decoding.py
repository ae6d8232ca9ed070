"""Decoding shared by every payload converter of a worker (workflows.shared_decoding): type adapters for the types
that are one object in every workflow, and decoded values for the immutable ones."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter
from temporalio.converter import WorkflowSerializationContext
from temporalio.exceptions import ApplicationError

from schemas.enums import Outcome, Stage
from schemas.messages import Decision
from schemas.records import PinnedRules
from schemas.state import DraftLawInput, DraftState
from schemas.views import Receipt
from tests.conftest import TEST_KEYS
from tests.drafts import core_request, decision, pinned
from tests.test_activity_payloads import ACTIVITY
from workflows import shared_decoding
from workflows.codec import RefusingPayloadConverter, data_converter
from workflows.shared_decoding import immutable


@pytest.fixture
def in_a_workflow(monkeypatch):
    """Decoding as a workflow's code does (the values are shared inside workflows only)."""
    monkeypatch.setattr(shared_decoding.workflow, "in_workflow", lambda: True)


def decoded(value: object, hint: object) -> tuple[object, object]:
    """The value sent, decoded twice by two converters, as two workflows (or a validator and its handler) do."""
    [payload] = RefusingPayloadConverter().to_payloads([value])
    return RefusingPayloadConverter().from_payloads([payload], [hint])[0], RefusingPayloadConverter().from_payloads([payload], [hint])[0]


def test_every_converter_of_the_process_shares_the_type_adapters(monkeypatch):
    # The worker makes a converter per workflow: the second draft's must not build its adapters again.
    [payload] = RefusingPayloadConverter().to_payloads([core_request()])
    first = RefusingPayloadConverter().from_payloads([payload], [DraftLawInput])[0]
    monkeypatch.setattr(TypeAdapter, "__init__", lambda *args, **kwargs: pytest.fail("a type adapter was built again"))
    again = RefusingPayloadConverter().from_payloads([payload], [DraftLawInput])[0]
    assert again == first and isinstance(again, DraftLawInput)


def test_a_converter_builds_its_decoders_on_first_use_and_its_activity_copy_shares_them(monkeypatch):
    # The SDK makes a data converter, and with it a payload converter, many times a lifecycle and drops most unused.
    built, build = [], shared_decoding.SharedDecodingJSONConverter.__init__
    monkeypatch.setattr(shared_decoding.SharedDecodingJSONConverter, "__init__", lambda self: (built.append(self), build(self))[1])
    converters = data_converter(TEST_KEYS)
    for workflow_id in ("draft-law-X-1", "draft-law-X-2"):
        converters = converters.with_context(WorkflowSerializationContext(namespace="default", workflow_id=workflow_id))
    assert built == []
    message = decision(core_request(), Stage.POLICY_PROPOSAL, Outcome.APPROVE)
    [payload] = converters.payload_converter.to_payloads([message])
    assert len(built) == 1
    for_activity = RefusingPayloadConverter().with_context(ACTIVITY)
    assert for_activity.from_payloads([payload], [Decision]) == [message]
    assert len(built) == 2


class Elsewhere(BaseModel):
    """A type of a module the sandbox imports again for every workflow (this test module is not passed through)."""

    model_config = ConfigDict(frozen=True)
    x: int


@pytest.mark.parametrize(("value", "hint"), [(Elsewhere(x=1), Elsewhere), (1, int | str)])
def test_a_type_not_the_same_in_every_workflow_keeps_its_adapters_per_converter(monkeypatch, value, hint):
    # Shared, the adapters of a type imported again per workflow would keep every copy of its module alive; a union
    # equals its members in another order, which pydantic tries in that order.
    [payload] = RefusingPayloadConverter().to_payloads([value])
    RefusingPayloadConverter().from_payloads([payload], [hint])
    built, build = [], TypeAdapter.__init__
    monkeypatch.setattr(TypeAdapter, "__init__", lambda adapter, type_, **options: (built.append(type_), build(adapter, type_, **options))[1])
    assert RefusingPayloadConverter().from_payloads([payload], [hint]) == [value]
    assert built == [hint]


def test_an_immutable_value_is_decoded_once_for_every_converter(in_a_workflow):
    request = core_request()
    for value, hint in [(decision(request, Stage.POLICY_PROPOSAL, Outcome.APPROVE), Decision), (pinned(request), PinnedRules), (7, int)]:
        first, again = decoded(value, hint)
        assert first == value and again is first


@pytest.mark.parametrize("value, hint", [(DraftLawInput(**core_request().model_dump()), DraftLawInput), ({"a": [1]}, dict), ([1, 2], list), (Elsewhere(x=1), Elsewhere)])
def test_a_value_that_can_change_or_whose_type_differs_per_workflow_is_decoded_anew(in_a_workflow, value, hint):
    first, again = decoded(value, hint)
    assert first == again == value and again is not first


def test_outside_a_workflow_nothing_decoded_is_kept():
    first, again = decoded(decision(core_request(), Stage.POLICY_PROPOSAL, Outcome.APPROVE), Decision)
    assert first == again and again is not first


def test_a_payload_over_the_bound_is_decoded_anew(in_a_workflow, monkeypatch):
    monkeypatch.setattr(shared_decoding, "MAX_SHARED_BYTES", 10)
    first, again = decoded(decision(core_request(), Stage.POLICY_PROPOSAL, Outcome.APPROVE), Decision)
    assert first == again and again is not first


def test_a_refused_payload_is_refused_every_time():
    [payload] = RefusingPayloadConverter().to_payloads([{"stage": "NOWHERE"}])
    for _ in range(2):
        with pytest.raises(ApplicationError, match="stage"):
            RefusingPayloadConverter().from_payloads([payload], [Decision])


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)
    day: date
    stages: tuple[Stage, ...]
    note: str | None = None
    again: Frozen | None = None


class FrozenWithAList(BaseModel):
    model_config = ConfigDict(frozen=True)
    items: list[int]


class Thawed(BaseModel):
    x: int


@pytest.mark.parametrize("hint, expected", [
    (int, True), (str, True), (Stage, True), (tuple[int, ...], True), (frozenset[str], True), (int | None, True),
    (Frozen, True), (Decision, True), (PinnedRules, True), (Receipt, True),
    (list[int], False), (dict[str, int], False), (FrozenWithAList, False), (Thawed, False), (DraftState, False), (DraftLawInput, False),
    (tuple[int, list[int]], False), (object, False),
])
def test_immutable_means_no_part_can_change_in_place(hint, expected):
    assert immutable(hint) is expected
