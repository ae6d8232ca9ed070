"""The codec server (api.codec_server) against a real Temporal dev server and PostgreSQL: who may open which
draft's payloads, by bearer token or sign-in cookie, and from which browser origin."""

from __future__ import annotations

import base64
import json
import uuid

import httpx
import pytest
from google.protobuf import json_format
from structlog.testing import capture_logs
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.converter import WorkflowSerializationContext

from api.app import create_app
from api.codec_server import COOKIE, MAX_BODY
from api.tokens import issue
from schemas.enums import CallerRole
from tests.conftest import TEST_KEYS
from tests.drafts import start_request
from tests.polling import eventually
from tests.test_board_forms import token_of
from workers.worker import create_worker
from workflows import client as drafts
from workflows.codec import data_converter, is_sealed
from workflows.rounds import round_workflow_id

UI = "http://127.0.0.1:8233"


@pytest.fixture
async def codec(dev_env, pool, monkeypatch):
    monkeypatch.setenv("LEGIS_WEB_UI_ORIGIN", UI)
    task_queue = f"codec-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        app = create_app(client=dev_env.client, pool=pool, task_queue=task_queue)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://legis.test") as http:
            yield http, task_queue


async def token(pool, agency: str, role: CallerRole) -> str:
    return (await issue(pool, agency_code=agency, role=role, issued_by="codec test"))[1]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", "X-Namespace": "default"}


async def started_input(dev_env, pool, task_queue: str, *, ministry: str, classified: bool) -> tuple[str, dict]:
    """A draft started with a title of its own, once in the registry; returns (title, its start input as the UI sends it)."""
    title = f"Luật thử {uuid.uuid4().hex[:8]}"
    request = start_request(ministry=ministry, classified=classified).model_copy(update={"title": title})
    await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
    await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = $1", request.submission_id), bool)
    history = await drafts.draft(dev_env.client, request.submission_id).fetch_history()
    started = next(e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
    return title, json_format.MessageToDict(started.workflow_execution_started_event_attributes.input)


async def decoded(http, payloads: dict, headers: dict[str, str]) -> httpx.Response:
    return await http.post("/codec/decode", json=payloads, headers=headers)


def titles(response: httpx.Response) -> list[str | None]:
    """The title each answered payload shows, None for one still sealed."""
    assert response.status_code == 200, response.text
    answered = json_format.ParseDict(response.json(), Payloads()).payloads
    return [None if is_sealed(p) else json.loads(p.data)["title"] for p in answered]


async def test_payloads_open_for_those_who_may_read_their_draft(codec, dev_env, pool, caplog, capsys):
    http, task_queue = codec
    ordinary, ordinary_input = await started_input(dev_env, pool, task_queue, ministry="BGDDT", classified=False)
    secret, secret_input = await started_input(dev_env, pool, task_queue, ministry="BCT", classified=True)
    operator_id, operator_secret = await issue(pool, agency_code="VPCP", role=CallerRole.OPERATOR, issued_by="codec test")
    operator = bearer(operator_secret)
    own_ministry = bearer(await token(pool, "BCT", CallerRole.LEAD_MINISTRY))
    other_ministry = bearer(await token(pool, "BGDDT", CallerRole.LEAD_MINISTRY))

    assert titles(await decoded(http, ordinary_input, operator)) == [ordinary]
    assert titles(await decoded(http, ordinary_input, other_ministry)) == [ordinary]
    # A classified draft opens for its own lead ministry only.
    assert titles(await decoded(http, secret_input, operator)) == [None]
    assert titles(await decoded(http, secret_input, other_ministry)) == [None]
    assert titles(await decoded(http, secret_input, own_ministry)) == [secret]
    both = {"payloads": ordinary_input["payloads"] + secret_input["payloads"]}
    assert titles(await decoded(http, both, operator)) == [ordinary, None]
    # The access log names the token that decoded, as for any request of the API.
    logged = caplog.text + capsys.readouterr().out
    assert any("path=/codec/decode" in line and f"token_id={operator_id}" in line for line in logged.splitlines()), logged[-3000:]


async def test_a_consultation_rounds_payloads_follow_its_draft_and_others_are_for_operators(codec, dev_env, pool):
    http, task_queue = codec
    request = start_request(ministry="BCT", classified=True)
    request = request.model_copy(update={"submission_id": f"A-{request.submission_id}"})
    await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
    await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = $1", request.submission_id), bool)

    async def sealed_for(workflow_id: str | None) -> dict:
        converter = data_converter(TEST_KEYS)
        if workflow_id is not None:
            converter = converter.with_context(WorkflowSerializationContext(namespace="default", workflow_id=workflow_id))
        return json_format.MessageToDict(Payloads(payloads=await converter.encode([{"title": "round"}])))

    operator = bearer(await token(pool, "VPCP", CallerRole.OPERATOR))
    own_ministry = bearer(await token(pool, "BCT", CallerRole.LEAD_MINISTRY))
    round_payload = await sealed_for(round_workflow_id(request.submission_id, "r-1"))
    assert titles(await decoded(http, round_payload, operator)) == [None]
    assert titles(await decoded(http, round_payload, own_ministry)) == ["round"]
    delivery = await sealed_for("webhook-delivery-7")
    assert titles(await decoded(http, delivery, operator)) == ["round"]
    assert titles(await decoded(http, delivery, own_ministry)) == [None]
    unknown_draft = await sealed_for("draft-law-NEVER-STARTED")
    unbound = await sealed_for(None)
    for withheld in (unknown_draft, unbound):
        assert titles(await decoded(http, withheld, operator)) == [None]

    # Encoding seals with the current key and binds to no workflow: nothing the codec server opens.
    plain = json_format.MessageToDict(Payloads(payloads=[Payload(metadata={"encoding": b"json/plain"}, data=b'{"title": "x"}')]))
    encoded = await http.post("/codec/encode", json=plain, headers=operator)
    assert encoded.status_code == 200 and titles(encoded) == [None]
    assert titles(await decoded(http, encoded.json(), operator)) == [None]


async def test_callers_without_a_decoding_token_are_refused(codec, pool):
    http, _ = codec
    payloads = {"payloads": []}
    missing = await http.post("/codec/decode", json=payloads)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.json()["rule"] == "token_required"
    unknown = await decoded(http, payloads, bearer("legis_000000000000_nothing"))
    assert unknown.status_code == 401 and unknown.json()["rule"] == "token_unknown"
    basic = await decoded(http, payloads, {"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401 and basic.json()["rule"] == "bearer_only"  # as the API says it
    moj = await decoded(http, payloads, bearer(await token(pool, "BTP", CallerRole.MOJ)))
    assert moj.status_code == 403 and moj.json()["rule"] == "codec_for_operators_and_lead_ministries"

    operator = bearer(await token(pool, "VPCP", CallerRole.OPERATOR))
    other_namespace = await decoded(http, payloads, operator | {"X-Namespace": "elsewhere"})
    assert other_namespace.status_code == 403
    assert (await http.post("/codec/decode", content=b"not json", headers=operator)).status_code == 400
    # Found by a new user: data that is not base64 was dropped and the payload answered as {}, and {"payload": []} (a
    # misspelt key) as an empty list.
    for malformed, field in (({"payload": []}, "payloads"), ({"payloads": "x"}, "payloads"), ({"payloads": [3]}, "payloads.0"),
                             ({"payloads": [{"metadata": {}, "data": "!!!"}]}, "payloads.0.data"),
                             ({"payloads": [{"metadata": {"encoding": "a b"}, "data": ""}]}, "payloads.0.metadata.encoding")):
        refused = await decoded(http, malformed, operator)
        assert (refused.status_code, refused.json()["rule"], refused.json()["field"]) == (400, "payloads_malformed", field), refused.text
        # No empty `errors` beside its field and rule, as the API's problems (found by a fresh-user trial).
        assert "errors" not in refused.json() and "errors_omitted" not in refused.json() and refused.json()["kind"] == "INVALID"
    # {} is proto3's JSON for no payloads, which the Temporal CLI sends to encode a query's missing arguments (found by
    # a fresh-user trial: `temporal workflow query --codec-endpoint ...` was refused).
    for path in ("/codec/encode", "/codec/decode"):
        empty = await http.post(path, json={}, headers=operator)
        assert empty.status_code == 200 and json_format.ParseDict(empty.json(), Payloads()).payloads == [], empty.text
    fine = {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJhIjoxfQ=="}]}
    assert (await decoded(http, fine, operator)).json() == fine  # not sealed: answered as it came
    unpadded = {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg"}, "data": "eyJhIjoxfQ"}]}
    assert (await decoded(http, unpadded, operator)).json() == fine
    too_large = await http.post("/codec/decode", content=b"x" * (MAX_BODY + 1), headers=operator)
    assert too_large.status_code == 413


async def test_browsers_of_the_web_ui_only_with_credentials(codec, pool):
    http, _ = codec
    preflight = await http.options("/codec/decode", headers={"Origin": UI, "Access-Control-Request-Method": "POST",
                                                             "Access-Control-Request-Headers": "content-type,x-namespace"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == UI and preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-Namespace" in preflight.headers["Access-Control-Allow-Headers"]
    elsewhere = await http.options("/codec/decode", headers={"Origin": "http://127.0.0.1:9999", "Access-Control-Request-Method": "POST"})
    assert elsewhere.status_code == 403 and "Access-Control-Allow-Origin" not in elsewhere.headers

    operator = bearer(await token(pool, "VPCP", CallerRole.OPERATOR))
    answered = await decoded(http, {"payloads": []}, operator | {"Origin": UI})
    assert answered.status_code == 200 and answered.headers["Access-Control-Allow-Origin"] == UI
    assert (await decoded(http, {"payloads": []}, operator | {"Origin": "http://evil.test"})).status_code == 403


async def test_signing_in_sets_a_cookie_the_codec_reads(codec, dev_env, pool):
    http, task_queue = codec
    secret, secret_input = await started_input(dev_env, pool, task_queue, ministry="BCT", classified=True)
    lead_token = await token(pool, "BCT", CallerRole.LEAD_MINISTRY)
    # Found in a user trial: the sign-in form had no CSRF token, unlike the board's; a form without it is refused as there.
    for path in ("/codec/sign-in", "/codec/sign-out"):
        forged = await http.post(path, data={"token": lead_token})
        assert forged.status_code == 403 and "csrf_token" in forged.text and COOKIE not in forged.cookies, forged.text
    csrf = token_of(await http.get("/codec/"))
    elsewhere = await http.post("/codec/sign-in", data={"token": lead_token, "csrftoken": csrf}, headers={"Origin": "http://127.0.0.1:9999"})
    assert elsewhere.status_code == 403 and COOKIE not in elsewhere.cookies
    refused = await http.post("/codec/sign-in", data={"token": await token(pool, "BTP", CallerRole.MOJ), "csrftoken": csrf})
    assert refused.status_code == 403 and "operators and lead ministries" in refused.text and COOKIE not in refused.cookies
    assert "(rule: codec_for_operators_and_lead_ministries)" in refused.text, refused.text
    # A token not valid, refused on the sign-in page itself: the rule named, not "sign in at /codec/".
    unknown = await http.post("/codec/sign-in", data={"token": "legis_000000000000_nothing", "csrftoken": token_of(refused)})
    assert unknown.status_code == 401 and "token: no such token (rule: token_unknown)" in unknown.text, unknown.text
    assert "sign in at /codec/" not in unknown.text

    signed = await http.post("/codec/sign-in", data={"token": lead_token, "csrftoken": csrf}, headers={"Origin": "http://legis.test"})
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/codec" in cookie
    page = await http.get("/codec/")
    assert "Signed in as <b>BCT</b> (LEAD_MINISTRY)" in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    head = await http.head("/codec/")  # as every GET (a breaker: 405)
    assert (head.status_code, head.content, head.headers["Content-Security-Policy"]) == (200, b"", page.headers["Content-Security-Policy"])
    assert titles(await http.post("/codec/decode", json=secret_input, headers={"X-Namespace": "default"})) == [secret]

    await http.post("/codec/sign-out", data={"csrftoken": token_of(page)})
    unsigned = await http.post("/codec/decode", json=secret_input)
    assert unsigned.status_code == 401 and unsigned.json()["detail"].endswith("(or sign in at /codec/)"), unsigned.text
    assert "Token <input" in (await http.get("/codec/")).text


@pytest.mark.parametrize("payload", [{"data": "é"}, {"metadata": {"encoding": "ê"}, "data": "e30="}], ids=["data", "metadata"])
@pytest.mark.parametrize("path", ["/codec/decode", "/codec/encode"])
async def test_a_payload_holding_text_that_is_not_ascii_is_malformed_not_a_500(codec, pool, path, payload):
    """Found by a breaker: base64's decoder refuses a text that is not ASCII with a ValueError of its own, which answered
    500 once the payloads' shape was checked apart from their parsing."""
    http, _ = codec
    answer = await http.post(path, json={"payloads": [payload]}, headers=bearer(await token(pool, "VPCP", CallerRole.OPERATOR)) | {"Origin": UI})
    assert (answer.status_code, answer.json()["rule"], answer.json()["kind"]) == (400, "payloads_malformed", "INVALID"), answer.text
    assert answer.headers.get("access-control-allow-origin") == UI  # the Web UI reads the refusal, not a network error


async def test_a_token_pasted_as_a_metadata_key_is_named_by_its_id_only(codec, pool):
    """Found by a breaker: the codec server's refusals quoted a metadata key whole, in the answer and in its log line, where
    the API's name a token by its ID (`schemas.redaction`)."""
    http, _ = codec
    pasted = await token(pool, "VPCP", CallerRole.OPERATOR)
    secret = pasted.split("_", 2)[2]
    with capture_logs() as lines:
        answer = await http.post("/codec/decode", json={"payloads": [{"metadata": {pasted: "!"}, "data": "e30="}]}, headers=bearer(pasted))
    assert (answer.status_code, answer.json()["rule"]) == (400, "payloads_malformed")
    assert secret not in answer.text and secret not in json.dumps(lines, default=str)


@pytest.mark.parametrize("bound_to", [b"draft-law-\xff", b"draft-law-BGDDT\x00", b"consultation-BGDDT\x00-r1"], ids=["not-utf8", "nul", "round-nul"])
@pytest.mark.parametrize("role", [CallerRole.OPERATOR, CallerRole.LEAD_MINISTRY])
async def test_a_payload_bound_to_an_id_no_workflow_can_have_is_answered_sealed_not_a_500(codec, pool, bound_to, role):
    """Found by a breaker: a binding that is not UTF-8 failed its decoding, and one holding a NUL reached PostgreSQL,
    which refuses the character: 500. It is bound to no workflow anybody may read: answered as it came."""
    http, _ = codec
    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    payload = {"metadata": {"encoding": b64(b"binary/encrypted"), "legis-workflow-id": b64(bound_to)}, "data": b64(b"sealed bytes")}
    secret = await token(pool, "VPCP" if role is CallerRole.OPERATOR else "BGDDT", role)
    answer = await http.post("/codec/decode", json={"payloads": [payload]}, headers=bearer(secret))
    assert (answer.status_code, answer.json()) == (200, {"payloads": [payload]}), answer.text
