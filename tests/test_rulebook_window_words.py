"""Found by a lead ministry's trial: `legis rulebook show` prints each consultation window as
"consultation WRITTEN_OPINIONS: 15 CALENDAR_DAYS, STAGE_ENTRY, at POLICY_PROPOSAL, DRAFTING", which reads as 15 days from
the day the draft reached the stage; the engine counts a round's window from the round's opening (`ConsultationWindow.anchor`:
"STAGE_ENTRY: the window runs from the round's opening"; LAW_2025 Art. 30(1)(a): 15 days from receiving the request). A
round opened ten days into drafting closes 15 days after it opened, not five. The table should say what the engine does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cli.main import app  # noqa: F401  (the CLI's commands registered)
from schemas.enums import Stage
from tests.drafts import NOW, consultation, core_request, core_state
from tests.stack import Cli, isolated_env
from workflows import draft


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(isolated_env(tmp_path / "config"))


async def test_the_consultation_window_is_printed_as_counted_from_the_rounds_opening(cli):
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    opened = NOW + timedelta(days=10)
    applied = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "YK"), opened)
    closes_at = applied.effects[0].input.closes_at
    assert closes_at.date() > (NOW + timedelta(days=15)).date()  # the engine: from the round's opening, not the stage's entry
    code, table, err = await cli("rulebook", "show", "LAW_2025")
    assert code == 0, err
    line = next(text for text in table.splitlines() if text.startswith("consultation WRITTEN_OPINIONS"))
    assert "STAGE_ENTRY" not in line, line
