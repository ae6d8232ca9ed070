"""Found by a Government Office inspector's audit: a draft entered under way past its appraisal deadline raises
DEADLINE_PASSED and the escalation ladder at once (up to the Deputy Prime Minister); the Ministry of Justice's approval,
entered afterwards, is dated the day before the deadline (on time: the deadline report counts it on time, overdue 0).
The board's timeline says of each of those alarms "Raised before the decision ending this stage on ... was entered: the
stage had ended by then" (`web.board.ended_before_raised`), but `legis history`, the record an inspector prints, lists
"deadline ... passed" and "escalated to DEPUTY_PM" for a stage finished on time with nothing saying so, and after them
(in the trail's order) the decision dated before them: the two views of one audit trail tell different stories."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from schemas.enums import CallerRole, EventKind, Stage
from schemas.time import in_hanoi
from schemas.views import HistoryEntry
from store import audit
from tests.drafts import EXAMPLES, session_of_its_own, start_request
from tests.http_api import bearer, body
from tests.polling import eventually


def steps_to_appraisal(today, days_back) -> list[dict]:
    """The examples' policy, programme and drafting decisions, dated `days_back` days before `today` each."""
    steps = [json.loads((EXAMPLES / name).read_text(encoding="utf-8")) for name in
             ("01-policy-proposal.json", "02-programme.json", "03-drafting.json")]
    for step, back in zip(steps, days_back, strict=True):
        step["occurred_on"] = (today - timedelta(days=back)).isoformat()
    return steps


async def appraisal_alarms(cli, submission_id: str) -> tuple[dict, list[dict]]:
    """`legis history --output json` of the draft, and its alarms at APPRAISAL (raised at entry, as the README says)."""
    code, out, err = await cli("history", submission_id, "--output", "json")
    assert code == 0, err
    shown = json.loads(out)
    alarms = [e for e in shown["entries"] if e["event"] in ("DEADLINE_PASSED", "ESCALATION") and e["stage"] == "APPRAISAL"]
    assert alarms, shown["entries"]
    return shown, alarms


async def test_legis_history_says_an_alarm_was_raised_after_the_stage_it_warns_of_had_ended(cli, tmp_path):
    today = in_hanoi(datetime.now(UTC)).date()
    entered = today - timedelta(days=48)
    start = json.loads((EXAMPLES / "start-request.json").read_text(encoding="utf-8")) | {"submission_id": "AUDIT-0601"}
    start["passed"] = steps_to_appraisal(today, (60, 55, 48))
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

    shown, alarms = await appraisal_alarms(cli, "AUDIT-0601")
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
    steps = steps_to_appraisal(today, (60, 55, 48))
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
    assert (await audit.alarms_overtaken(pool, request.submission_id, page.entries)).stage_ended == {a["seq"]: decided for a in alarms}


async def test_alarms_raised_before_an_earlier_dated_postponement_was_entered_say_so(cli, tmp_path):
    """Found by an inspector's audit and a Government Office's trial: a draft entered under way past its appraisal
    deadline raised its deadline passed and escalations at once; the postponement asked and approved before that deadline,
    entered afterwards with its days, moved it to a day still ahead, and nothing said the alarms came before the draft knew
    (DOMAIN.md: overdue counts against the deadline in force at the time, after any approved postponement)."""
    today = in_hanoi(datetime.now(UTC)).date()
    target = session_of_its_own()
    start = json.loads((EXAMPLES / "start-request.json").read_text(encoding="utf-8")) | {
        "submission_id": "AUDIT-0611",
        "target_session": {"legislature": target.legislature, "session": target.session, "opens_on": target.opens_on.isoformat()}}
    start["passed"] = steps_to_appraisal(today, (70, 60, 40))
    (tmp_path / "start.json").write_text(json.dumps(start, ensure_ascii=False), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start.json"))
    assert code == 0, err

    asked_on, approved_on = today - timedelta(days=14), today - timedelta(days=13)  # before the deadline (about 10 days ago)
    ask = json.loads((EXAMPLES / "05-postpone-appraisal.json").read_text(encoding="utf-8")) | {
        "occurred_on": asked_on.isoformat(), "new_deadline": (today + timedelta(days=20)).isoformat()}
    approve = json.loads((EXAMPLES / "06-approve-postponement.json").read_text(encoding="utf-8")) | {"occurred_on": approved_on.isoformat()}
    (tmp_path / "ask.json").write_text(json.dumps(ask, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "approve.json").write_text(json.dumps(approve, ensure_ascii=False), encoding="utf-8")
    code, _, err = await cli("postpone", "AUDIT-0611", str(tmp_path / "ask.json"))
    assert code == 0, err
    code, _, err = await cli("decide-postponement", "AUDIT-0611", str(tmp_path / "approve.json"))
    assert code == 0, err

    shown, alarms = await appraisal_alarms(cli, "AUDIT-0611")
    assert all((e["occurred_on"] or today.isoformat()) > approved_on.isoformat() for e in alarms), alarms  # each dated after the approval
    code, table, err = await cli("history", "AUDIT-0611")
    assert code == 0, err
    rows = {line.split("│")[1].strip(): line for line in table.splitlines() if line.count("│") > 5}
    unsaid = [f"#{a['seq']} {a['event']} ({a['label']}, {a['occurred_on']})" for a in alarms
              if approved_on.isoformat() not in rows[str(a["seq"])]]
    assert not unsaid, (f"{unsaid}: shown as raised although the postponement approved on {approved_on} (dated before "
                        f"them) had moved the deadline; nothing on their rows says it was entered after they were raised")
    assert shown["raised_before_deadline_moved"] == {str(a["seq"]): approved_on.isoformat() for a in alarms}, shown
    assert "raised_before_stage_ended" not in shown


def test_an_alarm_is_overtaken_by_a_postponement_only_of_its_own_deadline_moved_past_its_day():
    at = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)
    stage = Stage.APPRAISAL

    def alarm(seq: int, day: int, event: EventKind = EventKind.ESCALATION, deadline: date = date(2026, 8, 22)) -> HistoryEntry:
        return HistoryEntry(seq=seq, at=at, occurred_on=date(2026, 8, day), event=event, stage=stage, deadline=deadline)

    def approval(seq: int, day: int, to: date, *, approved: bool = True, deadline: date = date(2026, 8, 22)) -> HistoryEntry:
        return HistoryEntry(seq=seq, at=at, occurred_on=date(2026, 8, day), event=EventKind.POSTPONEMENT_DECIDED, stage=stage,
                            deadline=deadline, requested_deadline=to, approved=approved)

    alarms = [alarm(5, 23, EventKind.DEADLINE_PASSED), alarm(6, 26), alarm(7, 30)]
    assert audit.moved_before_raised([*alarms, approval(8, 20, date(2026, 12, 20))]) == {5: date(2026, 8, 20), 6: date(2026, 8, 20), 7: date(2026, 8, 20)}
    # Moved to a day the later alarms passed too: those stand.
    assert audit.moved_before_raised([*alarms, approval(8, 20, date(2026, 8, 27))]) == {5: date(2026, 8, 20), 6: date(2026, 8, 20)}
    # Refused, approved on the alarm's day or after it, recorded before the alarms, or of another deadline: none is overtaken.
    for other in (approval(8, 20, date(2026, 12, 20), approved=False), approval(8, 23, date(2026, 12, 20)),
                  approval(4, 20, date(2026, 12, 20)), approval(8, 20, date(2026, 12, 20), deadline=date(2026, 9, 1))):
        assert 5 not in audit.moved_before_raised([*alarms, other]), other
