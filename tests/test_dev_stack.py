"""`legis dev` as a newcomer runs it: everything starts, Ctrl-C stops it all, a second run resumes the drafts."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from tests.stack import legis, stack_env, start_stack, stop_stack

EXAMPLES = Path(__file__).resolve().parent.parent / "schemas" / "examples"


async def test_dev_stack_stops_cleanly_and_resumes_drafts(tmp_path):
    env = stack_env(tmp_path / "data")
    ui_port = env["LEGIS_UI_PORT"]
    sid = f"DEV-{uuid.uuid4().hex[:8]}"
    request = tmp_path / "start.json"
    request.write_text((EXAMPLES / "start-request.json").read_text(encoding="utf-8").replace("BGDDT-2026-017", sid), encoding="utf-8")

    process, banner = await start_stack(env)
    try:
        assert f"Temporal Web UI: http://127.0.0.1:{ui_port}/namespaces/default/workflows" in banner
        # The dev stack serves what production does: the HTTP API, the worker's readiness and metrics.
        async with httpx.AsyncClient(base_url="http://127.0.0.1", timeout=10) as http:
            assert (await http.get(f"http://127.0.0.1:{env['LEGIS_API_PORT']}/readyz")).json()["status"] == "ready"
            assert (await http.get(f"http://127.0.0.1:{env['LEGIS_HEALTH_PORT']}/readyz")).json()["checks"]["worker"] == "ok"
            assert "temporal_num_pollers" in (await http.get(f"http://127.0.0.1:{env['LEGIS_METRICS_PORT']}/metrics")).text
        assert (await legis(env, "start", str(request)))[0] == 0
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "01-policy-proposal.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
        code, second = await legis(env, "dev")
        assert code == 1 and "already in use" in second
    finally:
        await stop_stack(process)

    process, _ = await start_stack(env)
    try:
        code, out = await legis(env, "status", sid, "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "02-programme.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "DRAFTING", out
        code, out = await legis(env, "history", sid, "--json")
        assert [e["seq"] for e in json.loads(out)["entries"]] == [1, 2, 3]
    finally:
        await stop_stack(process)
