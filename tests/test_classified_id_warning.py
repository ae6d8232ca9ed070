"""Found by a National Assembly Office's trial: `legis start` took a classified draft under `BQP-2026-003`, its lead
ministry BQP, without a word; every list, refusal and export then named the ministry the draft's status withholds, beside
"lead ministry (classified)". README ("What stays readable"): do not build a classified draft's ID from its lead
ministry's code. The starter is told, through the API and the CLI alike."""

from __future__ import annotations

import json

import pytest

from schemas.enums import CallerRole
from schemas.messages import classified_id_warning
from tests.drafts import start_request
from tests.http_api import bearer


@pytest.mark.parametrize(("submission_id", "lead", "classified", "told"), [
    ("BQP-2026-003", "BQP", True, True), ("2026_bqp_003", "BQP", True, True), ("MAT-2026-014", "BQP", True, False),
    ("BQPX-2026-003", "BQP", True, False), ("BQP2026004", "BQP", True, True), ("X-2026BQP", "BQP", True, True), ("BQP-2026-003", "BQP", False, False)])
def test_a_classified_drafts_id_holding_its_ministrys_code_is_said(submission_id, lead, classified, told):
    request = start_request(ministry=lead, classified=classified).model_copy(update={"submission_id": submission_id})
    said = classified_id_warning(request)
    assert (said is not None) is told, said
    if told:
        assert submission_id in said and lead in said and "withhold" in said


async def test_the_api_and_the_cli_tell_the_starter(api, pool, cli, tmp_path):
    request = start_request(ministry="BQP", classified=True)
    request = request.model_copy(update={"submission_id": f"BQP-{request.submission_id}"})
    answer = await api.post("/v1/submissions", json=json.loads(request.model_dump_json()), headers=await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY))
    assert answer.status_code == 201 and any("lead ministry's code" in w for w in answer.json()["warnings"]), answer.text
    other = request.model_copy(update={"submission_id": f"{request.submission_id}-2"})
    (tmp_path / "start.json").write_text(other.model_dump_json(), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start.json"))
    assert code == 0 and "lead ministry's code, BQP" in err, err
