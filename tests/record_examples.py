"""Record the API's answers to the walkthrough's requests as the OpenAPI document's response examples:
`python -m tests.record_examples`, then `legis openapi > api/openapi.json`.

Each answer is written to `schemas/examples/answers/<operationId>.json`; `api.app` shows it as the example of the
operation's success, and the tests validate every one against the operation's response model. It starts its own
time-skipping server (a consultation round closes on its own clock) and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pgserver
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.database import create_pool, migrate
from schemas.enums import CallerRole, Stage
from schemas.messages import StartRequest
from tests.conftest import TIME_SKIPPING_FLAGS
from tests.drafts import decision, example_text
from tests.http_api import api_client, bearer
from workers.dev_stack import temporal_binary
from workflows import search_attributes as sa
from workflows.rounds import round_workflow_id

ANSWERS = Path(str(resources.files("schemas.examples"))) / "answers"
SID = "BGDDT-2026-017"


def request(name: str) -> dict:
    return json.loads(example_text(f"{name}.json"))


async def record() -> None:
    with tempfile.TemporaryDirectory(prefix="legis-examples-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        try:
            await migrate(server.get_uri())
            pool = await create_pool(server.get_uri())
            env = await WorkflowEnvironment.start_time_skipping_v2(
                dev_server_existing_path=temporal_binary(), dev_server_extra_args=TIME_SKIPPING_FLAGS,
                search_attributes=sa.ALL, data_converter=pydantic_data_converter)
            try:
                async with api_client(env.client, pool) as http:
                    await walk(http, pool, env)
            finally:
                await env.shutdown()
                await pool.close()
        finally:
            server.cleanup()


async def walk(http, pool, env: WorkflowEnvironment) -> None:
    tokens = {role: await bearer(pool, agency, role) for agency, role in (
        ("BGDDT", CallerRole.LEAD_MINISTRY), ("CP", CallerRole.GOVERNMENT), ("UBTVQH", CallerRole.UBTVQH), ("BTP", CallerRole.MOJ),
        ("BTC", CallerRole.CONSULTEE), ("VPCP", CallerRole.VPCP), ("CP", CallerRole.DEPUTY_PM), ("VPQH", CallerRole.OPERATOR))}
    lead, operator = tokens[CallerRole.LEAD_MINISTRY], tokens[CallerRole.OPERATOR]
    base = f"/v1/submissions/{SID}"

    async def keep(operation: str, response) -> None:
        assert response.status_code < 300, (operation, response.text)
        ANSWERS.mkdir(exist_ok=True)
        (ANSWERS / f"{operation}.json").write_text(json.dumps(response.json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"recorded {operation}: {response.status_code}")

    government, moj = tokens[CallerRole.GOVERNMENT], tokens[CallerRole.MOJ]
    await keep("startSubmission", await http.post("/v1/submissions", json=request("start-request"), headers=lead))
    await http.post(f"{base}/decisions", json=request("01-policy-proposal"), headers=government)
    await keep("decideSubmission", await http.post(f"{base}/decisions", json=request("02-programme"), headers=tokens[CallerRole.UBTVQH]))
    await keep("fileDossier", await http.post(f"{base}/dossier", json=request("dossier-filing"), headers=lead))
    mistaken = request("09-consultation") | {"round_id": "MO-NHAM", "consultees": ["BTCC"]}
    await http.post(f"{base}/consultations", json=mistaken, headers=lead)
    await keep("cancelConsultation", await http.post(f"{base}/consultation-cancellations",
                                                     json=request("13-cancel-consultation") | {"round_id": "MO-NHAM"}, headers=lead))
    await keep("openConsultation", await http.post(f"{base}/consultations", json=request("09-consultation"), headers=lead))
    round_path = f"{base}/consultations/Y-KIEN-BO-NGANH"
    await keep("submitOpinion", await http.post(f"{round_path}/opinions", json=request("10-opinion"), headers=tokens[CallerRole.CONSULTEE]))
    await env.fast_forward(env.client.get_workflow_handle(round_workflow_id(SID, "Y-KIEN-BO-NGANH")), timedelta(days=31))
    for _ in range(100):
        read = await http.get(round_path, headers=lead)
        if read.json()["closed"]:
            break
        await asyncio.sleep(0.1)
    await keep("readConsultation", read)
    await keep("compileConsultation", await http.post(f"{round_path}/compilation", json=request("11-compilation"), headers=lead))
    await keep("readOpinionComments", await http.get(f"{round_path}/opinions", headers=lead))
    await public_round(http, pool, env, base, lead, keep)
    await http.post(f"{base}/decisions", json=request("03-drafting"), headers=lead)
    deadline = date.fromisoformat((await http.get(base, headers=lead)).json()["stage_deadline"])
    later = request("05-postpone-appraisal") | {"new_deadline": (deadline + timedelta(days=20)).isoformat()}
    await keep("requestPostponement", await http.post(f"{base}/postponements", json=later, headers=moj))
    await keep("decidePostponement", await http.post(f"{base}/postponement-decisions", json=request("06-approve-postponement"),
                                                     headers=tokens[CallerRole.DEPUTY_PM]))
    await keep("readSubmission", await http.get(base, headers=lead))
    await http.post(f"{base}/decisions", json=request("04-appraisal-return"), headers=moj)
    await http.post(f"{base}/decisions", json=request("03-drafting"), headers=lead)
    appraised = decision(StartRequest.model_validate(request("start-request")), Stage.APPRAISAL)
    await http.post(f"{base}/decisions", json=appraised.model_dump(mode="json"), headers=moj)
    await keep("raiseDisagreement", await http.post(f"{base}/disagreements", json=request("07-disagreement"), headers=tokens[CallerRole.VPCP]))
    await keep("ruleOnDisagreement", await http.post(f"{base}/rulings", json=request("08-ruling"), headers=tokens[CallerRole.DEPUTY_PM]))
    await keep("changeProgramme", await http.post(f"{base}/programme-changes", json=request("12-programme-defer"), headers=tokens[CallerRole.UBTVQH]))
    await http.post(f"{base}/decisions", json=request("03-drafting-wrong-ministry"), headers=lead)
    for _ in range(100):
        history = await http.get(f"{base}/history", headers=lead)
        if len(history.json()["entries"]) >= 15:
            break
        await asyncio.sleep(0.1)
    await keep("readHistory", history)
    await keep("readVersions", await http.get(f"{base}/versions", headers=lead))
    await keep("listSubmissions", await http.get("/v1/submissions", params={"size": 10}, headers=operator))
    await keep("readDeadlineReport", await http.get("/v1/reports/deadlines", params={"since": "2026-01-01", "until": "2027-12-31"},
                                                    headers=operator))
    await keep("listRefusals", await http.get("/v1/refusals", headers=operator))
    await keep("checkLiveness", await http.get("/healthz"))
    await keep("checkReadiness", await http.get("/readyz"))


async def public_round(http, pool, env: WorkflowEnvironment, base: str, lead: dict[str, str], keep) -> None:
    """The draft posted for the public's comments: comments by article and on the whole draft, the window closed, the
    comments read and grouped and answered by the lead ministry, the round compiled, and the answers as the public reads them."""
    posting = request("09-consultation") | {"round_id": "CONG-KHAI", "kind": "PUBLIC_POSTING", "consultees": []}
    opened = await http.post(f"{base}/consultations", json=posting, headers=lead)
    assert opened.status_code == 200, opened.text
    for _ in range(100):
        if await pool.fetchval("SELECT count(*) FROM public_rounds WHERE submission_id = $1 AND round_id = 'CONG-KHAI'", SID):
            break
        await asyncio.sleep(0.05)
    comments = f"/v1/public/consultations/{SID}/CONG-KHAI/comments"
    await keep("submitPublicComment", await http.post(comments, json={"article": 12, "text": "Đề nghị làm rõ thời hạn cấp giấy chứng nhận "
                                                                      "tại khoản 2 Điều 12."}))
    for article, text in ((12, "Điều 12 nên bỏ thủ tục xác nhận."), (3, "Định nghĩa tại Điều 3 chưa rõ."), (None, "Đồng ý với dự thảo.")):
        sent = await http.post(comments, json={"article": article, "text": text})
        assert sent.status_code == 201, sent.text
    await env.fast_forward(env.client.get_workflow_handle(round_workflow_id(SID, "CONG-KHAI")), timedelta(days=31))
    round_path = f"{base}/consultations/CONG-KHAI"
    for _ in range(100):
        if (await http.get(round_path, headers=lead)).json()["closed"]:
            break
        await asyncio.sleep(0.1)
    await keep("readCommentGroups", await http.get(f"{round_path}/articles", headers=lead))
    await keep("readPublicComments", await http.get(f"{round_path}/comments", params={"article": 12}, headers=lead))
    answer = {"agency_code": "BGDDT", "official": "Vụ trưởng Vụ Pháp chế"}
    await keep("answerCommentGroup", await http.post(f"{round_path}/answers", headers=lead, json=answer | {
        "article": 12, "response": "EXPLAINED", "explanation": "Thủ tục đã được rút gọn tại Điều 14."}))
    for target in ({"article": 3}, {"whole_draft": True}):
        done = await http.post(f"{round_path}/answers", headers=lead, json=answer | target | {"response": "ACCEPTED"})
        assert done.status_code == 200, done.text
    compiled = await http.post(f"{round_path}/compilation", headers=lead, json={
        "actor": "LEAD_MINISTRY", "agency_code": "BGDDT", "role": "MINISTER", "official": "Bộ trưởng", "responses": []})
    assert compiled.status_code == 200, compiled.text
    await keep("readPublicConsultation", await http.get(f"/v1/public/consultations/{SID}/CONG-KHAI"))
    await keep("listPublicConsultations", await http.get("/v1/public/consultations"))
    for _ in range(100):
        if not (await http.get(base, headers=lead)).json()["open_consultations"]:
            break
        await asyncio.sleep(0.1)


if __name__ == "__main__":
    asyncio.run(record())
