"""Found by a Government Office inspector's audit: a draft entered under way past its appraisal deadline raises
DEADLINE_PASSED and the escalation ladder at once (up to the Deputy Prime Minister); the Ministry of Justice's approval,
entered afterwards, is dated the day before the deadline (on time: the deadline report counts it on time, overdue 0).
The board's timeline says of each of those alarms "Raised before the decision ending this stage on ... was entered: the
stage had ended by then" (`web.board.ended_before_raised`), but `legis history`, the record an inspector prints, lists
"deadline ... passed" and "escalated to DEPUTY_PM" for a stage finished on time with nothing saying so, and after them
(in the trail's order) the decision dated before them: the two views of one audit trail tell different stories."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from schemas.enums import CallerRole
from schemas.time import in_hanoi
from store import audit
from tests.drafts import EXAMPLES, session_of_its_own, start_request
from tests.http_api import bearer, body
from tests.polling import eventually


async def test_legis_history_says_an_alarm_was_raised_after_the_stage_it_warns_of_had_ended(cli, tmp_path):
    today = in_hanoi(datetime.now(UTC)).date()
    entered = today - timedelta(days=48)
    start = json.loads((EXAMPLES / "start-request.json").read_text(encoding="utf-8")) | {"submission_id": "AUDIT-0601"}
    steps = [json.loads((EXAMPLES / name).read_text(encoding="utf-8")) for name in
             ("01-policy-proposal.json", "02-programme.json", "03-drafting.json")]
    for step, back in zip(steps, (60, 55, 48), strict=True):
        step["occurred_on"] = (today - timedelta(days=back)).isoformat()
    start["passed"] = steps
    (tmp_path / "start.json").write_text(json.dumps(start, ensure_ascii=False), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start.json"))
    assert code == 0, err

    decided = entered + timedelta(days=20)  # well within the 30 days of appraisal
    approval = {"stage": "APPRAISAL", "outcome": "APPROVE", "actor": "MOJ", "agency_code": "BTP", "role": "MINISTER",
                "official": "Bộ trưởng Bộ Tư pháp", "occurred_on": decided.isoformat(),
                "documents": [{"kind": "APPRAISAL_REPORT", "name": "Báo cáo thẩm định", "sha256": "b" * 64}]}
    (tmp_path / "approval.json").write_text(json.dumps(approval, ensure_ascii=False), encoding="utf-8")
    code, _, err = await cli("decide", "AUDIT-0601", str(tmp_path / "approval.json"))
    assert code == 0, err

    code, out, err = await cli("history", "AUDIT-0601", "--output", "json")
    assert code == 0, err
    shown = json.loads(out)
    entries = shown["entries"]
    alarms = [e for e in entries if e["event"] in ("DEADLINE_PASSED", "ESCALATION") and e["stage"] == "APPRAISAL"]
    assert alarms, entries  # raised at entry, as the README says
    # Said in the JSON too, by event number (found by a re-check: the table alone said it).
    assert shown["raised_before_stage_ended"] == {str(alarm["seq"]): decided.isoformat() for alarm in alarms}, shown["raised_before_stage_ended"]
    code, table, err = await cli("history", "AUDIT-0601")
    assert code == 0, err
    rows = {line.split("│")[1].strip(): line for line in table.splitlines() if line.count("│") > 5}
    for alarm in alarms:
        row = rows[str(alarm["seq"])]
        assert decided.isoformat() in row, (
            f"event #{alarm['seq']} {alarm['event']} ({alarm['label']}) does not say the stage had ended on "
            f"{decided} before it was raised: {' '.join(row.split())}")


async def test_the_apis_history_names_the_alarms_raised_after_their_stage_had_ended_whatever_their_page(api, pool):
    """Found by an inspector's audit: the HTTP API's history, which upstream systems read as the record, gave the same
    alarms with nothing saying the stage had ended on time before they were raised, where `legis history` and the board
    say it. A page is read against the decisions ending its alarms' stages wherever they stand (a later page too)."""
    today = in_hanoi(datetime.now(UTC)).date()
    steps = [json.loads((EXAMPLES / name).read_text(encoding="utf-8")) for name in
             ("01-policy-proposal.json", "02-programme.json", "03-drafting.json")]
    for step, back in zip(steps, (60, 55, 48), strict=True):
        step["occurred_on"] = (today - timedelta(days=back)).isoformat()
    request = start_request(ministry="BGDDT", target=session_of_its_own())
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    opened = await api.post("/v1/submissions", json=body(request) | {"passed": steps}, headers=lead)
    assert opened.status_code == 201, opened.text
    path = f"/v1/submissions/{request.submission_id}/history"
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)

    async def history() -> dict:
        return (await api.get(path, headers=operator)).json()

    before = await eventually(history, lambda h: any(e["event"] == "ESCALATION" for e in h.get("entries", [])), seconds=30)
    assert "raised_before_stage_ended" not in before, before  # the stage has not ended: nothing to say

    decided = today - timedelta(days=28)  # 20 days into the 30 of appraisal: on time
    approval = {"stage": "APPRAISAL", "outcome": "APPROVE", "actor": "MOJ", "agency_code": "BTP", "role": "MINISTER",
                "official": "Bộ trưởng Bộ Tư pháp", "occurred_on": decided.isoformat(),
                "documents": [{"kind": "APPRAISAL_REPORT", "name": "Báo cáo thẩm định", "sha256": "b" * 64}]}
    answer = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=approval, headers=await bearer(pool, "BTP", CallerRole.MOJ))
    assert answer.status_code == 200, answer.text
    shown = await eventually(history, lambda h: any(e["event"] == "DECISION" and e["stage"] == "APPRAISAL" for e in h["entries"]), seconds=20)
    alarms = [e for e in shown["entries"] if e["event"] in ("DEADLINE_PASSED", "ESCALATION") and e["stage"] == "APPRAISAL"]
    assert alarms, shown["entries"]
    assert shown["raised_before_stage_ended"] == {str(a["seq"]): decided.isoformat() for a in alarms}, shown
    # A page holding the alarms and not the decision (its next page would): said the same.
    page = await audit.history(pool, request.submission_id, after=alarms[0]["seq"] - 1, limit=len(alarms))
    assert all(e.event.value != "DECISION" for e in page.entries)
    assert await audit.raised_before_stage_ended(pool, request.submission_id, page.entries) == {a["seq"]: decided for a in alarms}
