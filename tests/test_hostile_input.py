"""What an upstream system with bugs, or a caller with a valid token and ill intent, sends the HTTP API (found by fuzzing
it): each refused naming its field and rule, nothing recorded dropped unseen, nothing stored for a message refused."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from schemas.enums import CallerRole, Stage
from tests.drafts import decision, example_text, passed_through, start_request
from tests.http_api import bearer, body, problem, served_api, started_at_drafting


async def test_an_imported_step_naming_a_document_kind_twice_is_refused_as_a_decision_sent_is(api, pool):
    """A start of a draft under way whose step named one kind twice was answered 201, and its dossier kept one of them."""
    request = start_request()
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    step = body(decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"occurred_on": datetime.now(UTC).date() - timedelta(days=10)}))
    step["documents"] = [*step["documents"], step["documents"][0] | {"name": "a second one", "sha256": "b" * 64}]
    refused = problem(await api.post("/v1/submissions", json=body(request) | {"passed": [step]}, headers=lead), 422, "kind_once")
    assert refused["field"] == "passed.0.documents", refused
    problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)


async def test_a_point_of_disagreement_between_an_agency_and_itself_is_refused(api, pool):
    """Taken, it held the Government Office's review until a Deputy Prime Minister ruled on it."""
    request = start_request()
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    entered = body(passed_through(request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL],
                                  datetime.now(UTC).date() - timedelta(days=1)))
    assert (await api.post("/v1/submissions", json=entered, headers=lead)).status_code == 201
    vpcp = await bearer(pool, "VPCP", CallerRole.VPCP)
    point = json.loads(example_text("07-disagreement.json")) | {"parties": [request.lead_ministry, "BTC", request.lead_ministry]}
    refused = problem(await api.post(f"/v1/submissions/{request.submission_id}/disagreements", json=point, headers=vpcp), 422, "party_once", "parties")
    assert request.lead_ministry in refused["detail"]
    assert (await api.get(f"/v1/submissions/{request.submission_id}", headers=lead)).json()["open_points"] == []


async def test_the_publics_comments_forwarded_in_batches_are_numbered_once_in_their_round(api, pool):
    """A second batch numbered from 1 again was answered 200, counted, and its text never kept: it could not be answered."""
    request, lead = await started_at_drafting(api, pool)
    sid = request.submission_id
    opened = await api.post(f"/v1/submissions/{sid}/consultations", headers=lead,
                            json=json.loads(example_text("09-consultation.json")) | {"round_id": "PUB", "consultees": ["PUBLIC", "BTC"]})
    assert opened.status_code == 200, opened.text
    # No token acts for the public, and none is to: the lead ministry forwards its comments (found by a public trial: told
    # to issue one, which every route refuses).
    assert not [w for w in opened.json().get("warnings", []) if "PUBLIC" in w], opened.json()

    def batch(*numbered: tuple[str, str]) -> dict:
        return {"consultee": "PUBLIC", "official": "Cổng thông tin điện tử", "comments": [{"comment_id": n, "text": t} for n, t in numbered]}

    url = f"/v1/submissions/{sid}/consultations/PUB/opinions"
    assert (await api.post(url, json=batch(("1", "Đề nghị làm rõ Điều 3.")), headers=lead)).status_code == 200
    again = problem(await api.post(url, json=batch(("2", "Đề nghị sửa Điều 5."), ("1", "Đề nghị bỏ Điều 7.")), headers=lead),
                    422, "comment_id_distinct", "comments")
    assert "taken already: 1" in again["detail"]
    assert (await api.post(url, json=batch(("2", "Đề nghị bỏ Điều 7.")), headers=lead)).status_code == 200
    round_now = (await api.get(f"/v1/submissions/{sid}/consultations/PUB", headers=lead)).json()
    listed = (await api.get(f"{url}", headers=lead)).json()["comments"]
    assert round_now["comments"] == 2 and sorted(c["text"] for c in listed) == ["Đề nghị bỏ Điều 7.", "Đề nghị làm rõ Điều 3."], listed


async def test_an_opinion_or_a_compilation_its_round_refuses_stores_none_of_its_texts(api, pool):
    """Their texts were stored before the round refused them, kept for ever: any agency's token could so write megabytes a
    request into the audit database."""
    request, lead = await started_at_drafting(api, pool)
    sid = request.submission_id
    assert (await api.post(f"/v1/submissions/{sid}/consultations", json=json.loads(example_text("09-consultation.json")) | {
        "round_id": "R1", "consultees": ["BTC", "BNV"]}, headers=lead)).status_code == 200
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)

    def opinion(tag: str) -> dict:
        return {"consultee": "BTC", "official": "Thứ trưởng Bộ Tài chính",
                "comments": [{"comment_id": str(n), "text": f"Ý kiến {sid} {tag} số {n} " + "x" * 1000} for n in range(5)]}

    async def stored(message: dict, *, key: str = "comments", text: str = "text") -> int:
        digests = [hashlib.sha256(c[text].encode()).hexdigest() for c in message[key]]
        return await pool.fetchval("SELECT count(*) FROM texts WHERE sha256 = ANY($1)", digests)

    unknown = opinion("unknown")
    problem(await api.post(f"/v1/submissions/{sid}/consultations/NO-SUCH-ROUND/opinions", json=unknown, headers=btc), 404, "round_unknown")
    assert await stored(unknown) == 0
    taken = opinion("taken")
    assert (await api.post(f"/v1/submissions/{sid}/consultations/R1/opinions", json=taken, headers=btc)).status_code == 200
    assert await stored(taken) == 5
    twice = opinion("twice")
    problem(await api.post(f"/v1/submissions/{sid}/consultations/R1/opinions", json=twice, headers=btc), 409, "answered_once", "consultee")
    assert await stored(twice) == 0
    early = {"actor": "LEAD_MINISTRY", "agency_code": request.lead_ministry, "role": "MINISTER", "official": "Bộ trưởng",
             "responses": [{"consultee": "BTC", "comment_id": "0", "response": "EXPLAINED", "explanation": f"Giải trình {sid} trước hạn"}]}
    problem(await api.post(f"/v1/submissions/{sid}/consultations/R1/compilation", json=early, headers=lead), 409, "round_still_open")
    assert await stored(early, key="responses", text="explanation") == 0


async def test_a_request_line_not_in_ascii_is_answered_as_a_problem(pool):
    """A ministry's system writing a Vietnamese code into its URL unencoded, as curl sends it, was answered by the HTTP
    server in text/plain, with no request ID."""
    async with served_api(pool) as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write("GET /v1/submissions/BGDĐT-2026-017 HTTP/1.1\r\nHost: legis\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
    head, _, text = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"content-type: application/problem+json" in head.lower() and b"x-request-id: " in head, head
    said = json.loads(text)
    assert (said["status"], said["field"], said["rule"], said["kind"]) == (400, "request", "http_request_valid", "INVALID")
    assert "BGD%C4%90T-1" in said["detail"]
    assert b"x-content-type-options: nosniff" in head.lower() and b"cache-control: no-store" in head.lower(), head


async def test_a_header_http_cannot_read_is_answered_naming_the_headers_rules_too(pool):
    """Found by a fuzzer: Content-Length given twice, on a request line in plain ASCII, was told only that a path is written
    in ASCII and a request line is at most 64 KB; and no operation of the OpenAPI document listed the 400 any route gives."""
    async with served_api(pool) as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /v1/submissions/FZ-1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
    head, _, text = answer.partition(b"\r\n\r\n")
    said = json.loads(text)
    assert head.startswith(b"HTTP/1.1 400") and said["rule"] == "http_request_valid" and "Content-Length given once" in said["detail"], said
    documented = json.loads((Path(__file__).parent.parent / "api" / "openapi.json").read_text(encoding="utf-8"))
    assert all("400" in operation["responses"] for methods in documented["paths"].values() for operation in methods.values())


async def test_the_apis_answers_say_they_are_neither_sniffed_nor_kept_by_a_cache(pool):
    """Found by a breaker: a draft's status or a problem given to one token carried no header forbidding a shared cache
    to keep it for the next reader, nor a browser to read it as another type; a route's own `Cache-Control` stands."""
    async with served_api(pool) as base, httpx.AsyncClient(base_url=base) as api:
        for answered in (await api.get("/v1/submissions/BGDDT-2026-001"), await api.get("/healthz"), await api.get("/docs")):
            assert (answered.headers["x-content-type-options"], answered.headers["cache-control"]) == ("nosniff", "no-store"), answered
        assert (await api.get("/static-offline-docs/redoc.standalone.js")).headers["cache-control"] == "public, max-age=86400"


async def test_every_answer_of_the_api_says_nosniff_and_no_store(pool):
    """Found by a breaker: the 413 `BodyLimit` writes itself and the 500 Starlette's outermost middleware writes carried
    neither header, written outside the middleware that adds them. Here a 500 is a draft's status read from an API with
    no Temporal client, as any failure of the server's own is."""
    from api.plumbing import MAX_BODY_BYTES
    from schemas.enums import CallerRole
    from tests.http_api import bearer, served_api

    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    async with served_api(pool) as base, httpx.AsyncClient(base_url=base) as api:
        too_large = await api.post("/v1/submissions", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"})
        failed = await api.get("/v1/submissions/BGDDT-2026-001", headers=lead)
    assert (too_large.status_code, failed.status_code) == (413, 500)
    for answered in (too_large, failed):
        assert (answered.headers.get("x-content-type-options"), answered.headers.get("cache-control")) == ("nosniff", "no-store"), \
            (answered.status_code, dict(answered.headers))


def test_the_openapi_400_of_an_unparsable_request_promises_only_what_it_sends():
    """Found by a breaker: the parser's 400 was listed with the caller's X-Request-ID and, on 13 operations, with
    Idempotent-Replayed: it is answered before any header is read, always with a new ID, never a replay."""
    document = json.loads((Path(__file__).parent.parent / "api" / "openapi.json").read_text(encoding="utf-8"))
    promised = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answer = operation.get("responses", {}).get("400") if isinstance(operation, dict) else None
            if answer is None:
                continue
            headers = answer.get("headers", {})
            wrong = [name for name in headers if name == "Idempotent-Replayed"]
            if "caller's" in headers.get("X-Request-ID", {}).get("description", ""):
                wrong.append("X-Request-ID (the caller's)")
            if wrong:
                promised[f"{method.upper()} {path}"] = wrong
    assert not promised, promised
