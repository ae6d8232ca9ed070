"""An operator reads: a decision form sent to the inbox with an operator's sign-in (an old tab, a bookmark, a page saved by
another office) is refused as the API refuses it, `operators_read_only`, saying what to do (found by a Government
Office's trial: "actor: not one of 'LEAD_MINISTRY', 'MOJ', 'VPCP', ...", a field the form does not have, offering VPCP
to a VPCP operator). A real PostgreSQL, no Temporal: nothing is sent."""

from __future__ import annotations

import html
import uuid

import pytest

from api.tokens import issue
from schemas.enums import CallerRole
from tests.test_board_forms import app_client, token_of


@pytest.mark.parametrize("form, fields", [
    ("", {"stage": "GOVERNMENT_REVIEW", "outcome": "APPROVE", "role": "HEAD_OF_GOVERNMENT_OFFICE", "official": "Chủ nhiệm"}),
    ("/postponement", {"stage": "GOVERNMENT_REVIEW", "approved": "APPROVE", "role": "PRIME_MINISTER", "official": "Thủ tướng", "reason": ""}),
    ("/ruling", {"point_id": "p1", "decision": "RULE", "role": "PRIME_MINISTER", "official": "Thủ tướng", "ruling": "Giữ phương án 1"}),
])
async def test_an_operator_sending_an_inbox_form_is_told_operators_read(pool, form, fields):
    sid = f"GO-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BQP', 'LAW_2025', '16-2', 'GOVERNMENT_REVIEW', now(), "
                       "false, 1)", sid, f"draft-law-{sid}")
    _, secret = await issue(pool, agency_code="VPCP", role=CallerRole.OPERATOR, issued_by="test")
    async with app_client(pool) as http:
        signed = await http.post("/board/signin", data={"token": secret, "next": "/board", "csrftoken": token_of(await http.get("/board/signin"))})
        assert signed.status_code == 303
        sent = await http.post(f"/board/inbox/{sid}{form}", data={"csrftoken": token_of(await http.get("/board/inbox")), **fields})
    shown = html.unescape(sent.text)
    said = shown[shown.find('role="alert"'):][:900]
    assert sent.status_code == 403 and "operators_read_only" in said and "Tài khoản điều hành chỉ để theo dõi" in said and "enum" not in said, said
