"""The rulebook pin (activities/rulebook.py): by reference when the workflow asks and the worker allows it
(`LEGIS_PIN_BY_REFERENCE`), by value otherwise, on a real PostgreSQL."""

from __future__ import annotations

import pytest
from temporalio.testing import ActivityEnvironment

from activities.rulebook import PinningActivities
from schemas.enums import ProcessVersion
from schemas.records import PinInput, PinnedRules
from schemas.rulebook import load_rulebook
from workers.settings import Settings
from workflows.codec import RefusingPayloadConverter


@pytest.mark.parametrize(("allowed", "asked", "by_reference"), [(True, True, True), (True, False, False), (False, True, False)])
async def test_a_pin_names_its_edition_only_when_asked_and_allowed(pool, allowed, asked, by_reference):
    pinning = PinningActivities(pool, None, by_reference=allowed)  # type: ignore[arg-type]  # pinning asks no client
    pin = await ActivityEnvironment().run(pinning.pin_rules, PinInput(process_version=ProcessVersion.LAW_2025, submission_id="PIN-1", by_reference=asked))
    [payload] = RefusingPayloadConverter().to_payloads([pin])
    assert pin.by_reference is by_reference and ('"stages"' in payload.data.decode()) is not by_reference
    [read] = RefusingPayloadConverter().from_payloads([payload], [PinnedRules])
    assert read == pin and read.rulebook is load_rulebook(ProcessVersion.LAW_2025)


def test_pinning_by_reference_is_on_unless_turned_off(monkeypatch):
    assert Settings().pin_by_reference is True
    monkeypatch.setenv("LEGIS_PIN_BY_REFERENCE", "false")
    assert Settings().pin_by_reference is False
