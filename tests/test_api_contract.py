"""The HTTP API's contract with integrators: methods and paths, bodies and their encodings, lists, idempotency keys,
rate limits and bounded waits; every refusal an RFC 9457 problem naming its field and rule."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
import time
import unicodedata
import uuid

import pytest
from limits import parse

from api import plumbing, tokens
from api.app import create_app
from api.plumbing import limiter
from api.tokens import issue
from schemas.enums import CallerRole, DocumentKind, Stage
from schemas.messages import DossierFiling
from schemas.rulebook import load_rulebook
from tests.drafts import decision, example_text, start_request
from tests.http_api import api_client, bearer, body, problem, started_at_drafting
from tests.log_lines import LogLines
from tests.polling import eventually


async def test_unknown_routes_and_methods_are_problems_and_a_trailing_slash_is_served_not_redirected(api, lead):
    unknown = problem(await api.get("/v1/nothing-here", headers=lead), 404, "route_unknown", "path")
    wrong = await api.delete("/v1/submissions", headers=lead)
    refused = problem(wrong, 405, "method_not_allowed", "method")
    assert set(wrong.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}
    # Each says what to do, not HTTP's phrase alone (found by an integrator's trial).
    assert unknown["detail"] == "no route GET /v1/nothing-here: the routes are in the OpenAPI document, /openapi.json", unknown
    assert refused["detail"] == f"/v1/submissions takes {wrong.headers['allow']}, not DELETE", refused
    assert len(problem(await api.get("/v1/" + "x" * 5000, headers=lead), 404, "route_unknown")["detail"]) < 300

    request = start_request()
    started = await api.post("/v1/submissions/", json=body(request), headers=lead)
    assert started.status_code == 201, started.text
    assert (await api.get(f"/v1/submissions/{request.submission_id}/", headers=lead)).json()["submission_id"] == request.submission_id


async def test_a_start_aimed_at_a_regular_session_above_12_is_refused_before_anything_starts(api, lead):
    """Found by a new user: 16-13 was accepted (201), though no list could filter by it; 16-E13 is the extraordinary one."""
    request = start_request()
    aimed = body(request) | {"target_session": {**body(request)["target_session"], "session": 13}}
    answer = problem(await api.post("/v1/submissions", json=aimed, headers=lead), 422, "regular_session_ordinal", "target_session.session")
    assert "E13" in answer["detail"]
    problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)


async def test_every_get_in_the_openapi_document_answers_head_with_its_status_and_no_body(api, lead):
    request = start_request()
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    paths = [path for path, operations in create_app().openapi()["paths"].items() if "get" in operations]
    assert len(paths) >= 8
    for path in paths:
        concrete = path.replace("{submission_id}", request.submission_id).replace("{round_id}", "r1")
        got, head = await api.get(concrete, headers=lead), await api.head(concrete, headers=lead)
        assert head.status_code == got.status_code != 405, (path, got.status_code, head.status_code)
        assert head.content == b""


async def test_path_parameters_are_checked_before_the_token_is_looked_up(dev_env, pool, caplog):
    closed = await create_pool_then_close(pool)
    async with api_client(dev_env.client, closed, worker=False) as http:
        headers = {"Authorization": "Bearer legis_000000000000_x"}
        bad_id = problem(await http.get("/v1/submissions/bad%20id%00", headers=headers), 422, "path_pattern", "submission_id")
        assert bad_id["detail"].startswith("submission_id must be letters, digits, '.', '_' or '-', 1 to 64 characters"), bad_id
        bad_round = problem(await http.get("/v1/submissions/OK-1/consultations/r%201", headers=headers), 422, "path_pattern", "round_id")
        assert "e.g. Y-KIEN-BO-NGANH (pattern ^[A-Za-z0-9._-]{1,40}$)" in bad_round["detail"], bad_round
        # A slash sent encoded is part of the path parameter that holds it, not a separator (found by a breaker:
        # FZ-A%2Fhistory answered FZ-A's history), whatever the route and the method.
        for path in ("/v1/submissions/FZ-A%2Fhistory", "/v1/submissions/FZ-A%2fversions/", "/v1/submissions/FZ-A%2F..%2FFZ-B"):
            problem(await http.get(path, headers=headers), 422, "path_pattern", "submission_id")
        problem(await http.post("/v1/submissions/FZ-A%2Fx/decisions", json={}, headers=headers), 422, "path_pattern", "submission_id")
        problem(await http.post("/v1/submissions/FZ-A%2Fdecisions", json={}, headers=headers), 422, "path_pattern", "submission_id")
        problem(await http.get("/v1/submissions/FZ-A/consultations/r%2F1", headers=headers), 422, "path_pattern", "round_id")
        problem(await http.get("/v1/submissions/FZ-A/consultations/r1%2Fcomments", headers=headers), 422, "path_pattern", "round_id")
        # A well-formed path goes on to the token, whose lookup finds the database unavailable: 503, with Retry-After.
        with caplog.at_level(logging.WARNING, logger="legis.api"):
            down = problem(await http.get("/v1/submissions/OK-1", headers=headers), 503, "database_unavailable")
        assert down["field"] == "database"
        # One line per refused request, not the problem's traceback each time (found in a trial of an outage).
        [said] = [r for r in caplog.records if r.name == "legis.api"]
        assert said.levelno == logging.WARNING and said.exc_info is None and "the database does not answer" in said.getMessage(), said


async def test_a_body_without_content_type_is_refused_as_a_wrong_content_type_on_every_json_route(api, lead):
    """Found in a user trial: a valid JSON object sent with no Content-Type got 422 `model_attributes_type` ("Input should
    be a valid dictionary"), a message that sent its reader to the body. The header is what is missing: 415."""
    request = start_request()
    text = json.dumps(body(request)).encode()
    posts = [path for path, operations in create_app().openapi()["paths"].items() if "post" in operations]
    assert len(posts) >= 10 and "/v1/public/consultations/{submission_id}/{round_id}/comments" in posts
    for path in posts:
        concrete = path.replace("{submission_id}", request.submission_id).replace("{round_id}", "r1")
        for headers in (lead, lead | {"Content-Type": ""}):
            refused = problem(await api.post(concrete, content=text, headers=headers), 415, "json_content_type", "Content-Type")
            assert "Content-Type" in refused["detail"] and refused["kind"] == "INVALID", (path, refused)
    problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)  # nothing started


async def create_pool_then_close(pool):
    from activities.database import create_pool

    url = pool._connect_args[0]
    closed = await create_pool(url)
    await closed.close()
    return closed


async def test_bodies_must_be_utf8_json_with_each_key_once_and_strict_types(api, lead, pool):
    request = body(start_request())
    text = json.dumps(request, ensure_ascii=False)
    json_header = lead | {"Content-Type": "application/json"}
    with_bom = await api.post("/v1/submissions", content=b"\xef\xbb\xbf" + text.encode(), headers=json_header)
    assert with_bom.status_code == 201, with_bom.text
    problem(await api.post("/v1/submissions", content=text.encode("utf-16"), headers=json_header), 415, "utf8_json_only", "body")
    latin = json.dumps(body(start_request()) | {"official": "Lê Văn Đức"}, ensure_ascii=False).encode("cp1258", errors="replace")
    problem(await api.post("/v1/submissions", content=latin.replace(b"?", b"\xe9"), headers=json_header), 415, "utf8_json_only")
    problem(await api.post("/v1/submissions", content=text.encode(), headers=lead | {"Content-Type": "text/plain"}), 415,
            "json_content_type", "Content-Type")
    problem(await api.post("/v1/submissions", content=b'{"a": NaN}', headers=json_header), 422, "json_invalid")
    # Found by a fresh-user trial: a gzip body was told it was "not UTF-8 (byte 1)"; a compressed body is refused as such.
    for encoding in ("gzip", "br", "deflate, gzip"):
        compressed = await api.post("/v1/submissions", content=gzip.compress(text.encode()), headers=json_header | {"Content-Encoding": encoding})
        assert encoding in problem(compressed, 415, "uncompressed_only", "Content-Encoding")["detail"]
    assert (await api.post("/v1/submissions", content=text.encode(), headers=json_header | {"Content-Encoding": "identity"})).status_code == 200
    # Found by a fresh-user trial: a number beyond a float's range was read as infinity, where Infinity is refused.
    for beyond in (b"1e999", b"-1E400", b"1.5e309"):
        refused = problem(await api.post("/v1/submissions", content=b'{"a": ' + beyond + b"}", headers=json_header), 422, "json_invalid", "body")
        assert f"{beyond.decode()} is beyond a float's range" in refused["detail"], refused
    # A charset other than UTF-8, and a header given twice whose first value would win unseen (found by a breaker).
    problem(await api.post("/v1/submissions", content=text.encode(), headers=lead | {"Content-Type": "application/json; charset=latin-1"}),
            415, "utf8_json_only", "Content-Type")
    assert (await api.post("/v1/submissions", content=text.encode(), headers=lead | {"Content-Type": 'application/json; charset="UTF-8"'})
            ).status_code == 200
    problem(await api.post("/v1/submissions", content=text.encode(), headers=lead | {"Content-Type": "application/json; charset=utf-8; charset=utf-16"}),
            422, "header_once", "Content-Type")
    other = body(start_request())
    for header, values in (("Idempotency-Key", ["dupA", "dupB"]), ("Content-Type", ["application/json", "text/plain"]),
                           ("Authorization", [lead["Authorization"], "Bearer other"])):
        headers = [(name, value) for name, value in (lead | {"Content-Type": "application/json"}).items() if name != header]
        sent = await api.post("/v1/submissions", content=json.dumps(other).encode(), headers=headers + [(header, v) for v in values])
        problem(sent, 422, "header_once", header)
    assert (await api.get(f"/v1/submissions/{other['submission_id']}", headers=lead)).status_code == 404, "nothing started"
    # Past the limits of Python's reader (depth, an integer's digits): refused, never a 500; on a route that takes a token,
    # a caller without one is told so, and its body is not read (found by a breaker: it was told what the body broke).
    public_comments = f"/v1/public/consultations/{other['submission_id']}/r1/comments"
    for beyond in (b'{"a":' * 1000 + b"1" + b"}" * 1000, b'{"stage": ' + b"1" * 5000 + b"}"):
        problem(await api.post("/v1/submissions/S-1/decisions", content=beyond, headers=json_header), 422, "json_invalid", "body")
        problem(await api.post(public_comments, content=beyond, headers={"Content-Type": "application/json"}), 422, "json_invalid", "body")
        for unauthenticated, rule in (({}, "token_required"), ({"Authorization": "Bearer legis_abcdef012345_not-the-secret"}, "token_unknown")):
            for headers in (unauthenticated | {"Content-Type": "application/json"}, unauthenticated | {"Content-Type": "text/plain"}):
                problem(await api.post("/v1/submissions/S-1/decisions", content=beyond, headers=headers), 401, rule, "Authorization")
    # A token with a character pasted with it is its shape broken, not a token unknown (found by an integrator).
    token = lead["Authorization"].removeprefix("Bearer ")
    for broken in (f"{token}é", f"{token} extra", token.replace("legis_", "legis_X", 1)):
        problem(await api.get("/v1/submissions", headers={"Authorization": f"Bearer {broken}".encode()}), 401, "token_malformed", "Authorization")
    over_bound = {"documents": [{}] * 60_000}
    problem(await api.post("/v1/submissions/S-1/decisions", json=over_bound), 401, "token_required", "Authorization")
    problem(await api.post("/v1/submissions/S-1/decisions", json=over_bound, headers=lead), 422, "too_long", "documents")

    twice = text[:-1] + ', "title": "Luật khác"}'
    problem(await api.post("/v1/submissions", content=twice.encode(), headers=json_header), 422, "duplicate_key", "title")
    # A key holding a lone surrogate is named, escaped (found by a breaker: refused as the body's, naming no key).
    odd = text[:-1] + ', "x\\ud800": 1}'
    problem(await api.post("/v1/submissions", content=odd.encode(), headers=json_header), 422, "valid_unicode", "x\\ud800")

    sid = (await _started(api, lead))
    drafted = body(decision(start_request(), Stage.POLICY_PROPOSAL))
    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    for size in (True, "1024", 10**28, -1):
        filed = drafted | {"documents": [drafted["documents"][0] | {"size_bytes": size}]}
        refused = problem(await api.post(f"/v1/submissions/{sid}/decisions", json=filed, headers=government), 422)
        assert refused["field"] == "documents.0.size_bytes", refused
    filing = {k: v for k, v in drafted.items() if k in DossierFiling.model_fields} | {"documents": [drafted["documents"][0] | {"sha256": "XYZ"}]}
    one_bad = problem(await api.post(f"/v1/submissions/{sid}/dossier", json=filing, headers=lead), 422, "string_pattern_mismatch")
    assert [e["field"] for e in one_bad["errors"]] == ["documents.0.sha256"], one_bad  # the list is not said to be empty too
    point = json.loads(example_text("07-disagreement.json")) | {"parties": ["bad code"]}  # too short as sent, and its item bad
    short = problem(await api.post(f"/v1/submissions/{sid}/disagreements", json=point, headers=lead), 422)
    assert {(e["field"], e["rule"]) for e in short["errors"]} == {("parties.0", "string_pattern_mismatch"), ("parties", "too_short")}, short
    empty = problem(await api.post(f"/v1/submissions/{sid}/dossier", json=filing | {"documents": []}, headers=lead), 422, "too_short", "documents")
    assert empty["detail"] == "List should have at least 1 item, not 0", empty  # in JSON's words
    for number in (16.0, "16"):  # a session's numbers are integers, as JSON writes them
        aimed = body(start_request())
        aimed["target_session"]["legislature"] = number
        problem(await api.post("/v1/submissions", json=aimed, headers=lead), 422, "int_type", "target_session.legislature")
    nul = problem(await api.post("/v1/submissions", json=request | {"title": "Luật\x00 Nhà giáo"}, headers=lead), 422, field="title")
    assert nul["rule"] != "value_error"


async def _started(api, lead) -> str:
    request = start_request()
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    return request.submission_id


async def test_a_body_over_the_limit_is_413_before_it_is_read(api, lead):
    big = b'{"title": "' + b"a" * (4 * 1024 * 1024) + b'"}'
    too_large = await api.post("/v1/submissions", content=big, headers=lead | {"Content-Type": "application/json", "X-Request-ID": "big-1"})
    problem(too_large, 413, "body_too_large", "body")
    assert too_large.headers["x-request-id"] == "big-1" and too_large.json()["kind"] == "INVALID"

    async def streamed():
        for _ in range(5):
            yield b"a" * (1024 * 1024)

    problem(await api.post("/v1/submissions", content=streamed(), headers=lead | {"Content-Type": "application/json"}), 413, "body_too_large")


async def test_refusals_name_lengths_in_characters_and_a_kind_each(api, lead):
    request = body(start_request()) | {"title": "Luật " + "a" * 600}
    too_long = problem(await api.post("/v1/submissions", json=request, headers=lead), 422, "string_too_long", "title")
    assert "at most 500 characters" in too_long["detail"] and "items" not in too_long["detail"]
    unauthenticated = problem(await api.get("/v1/submissions"), 401, "token_required")
    assert unauthenticated["kind"] == "FORBIDDEN"
    # Dates and lists in the words of the JSON a caller writes, not of Python's types.
    dated = body(start_request()) | {"passed": [body(decision(start_request(), Stage.POLICY_PROPOSAL)) | {"occurred_on": "30/11/2026"}]}
    misdated = problem(await api.post("/v1/submissions", json=dated, headers=lead), 422, "date_from_datetime_parsing", "passed.0.occurred_on")
    assert "YYYY-MM-DD" in misdated["detail"]
    # A Ha Noi day is written as one: not seconds since 1970, not an instant at midnight (pydantic alone reads both).
    for day in (1764547200, "2026-11-30T00:00:00"):
        dated = body(start_request()) | {"passed": [body(decision(start_request(), Stage.POLICY_PROPOSAL)) | {"occurred_on": day}]}
        problem(await api.post("/v1/submissions", json=dated, headers=lead), 422, "date_from_datetime_parsing", "passed.0.occurred_on")
    not_a_list = problem(await api.post("/v1/submissions", json=body(start_request()) | {"passed": "POLICY_PROPOSAL"}, headers=lead), 422,
                         "tuple_type", "passed")
    assert "a list (a JSON array)" in not_a_list["detail"] and "tuple" not in not_a_list["detail"]


async def test_lists_page_by_cursor_in_a_stable_order_and_refuse_what_they_do_not_know(api, lead, pool):
    words = f"Luật thử nghiệm {asyncio.get_running_loop().time():.0f}"
    started = []
    for _ in range(5):
        request = start_request().model_copy(update={"title": words})
        assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        started.append(request.submission_id)
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)

    async def listed():
        return (await api.get("/v1/submissions", params={"q": words, "size": 100}, headers=operator)).json()["total"]

    await eventually(listed, lambda total: total == 5, seconds=30)
    # The words are NFC, as titles are stored, and a control character is refused before the database sees it.
    decomposed = await api.get("/v1/submissions", params={"q": unicodedata.normalize("NFD", words), "size": 100}, headers=operator)
    assert decomposed.json()["total"] == 5, decomposed.text
    # Without diacritics, and in another letter case, as officials type (found by a fresh-user trial: "dat dai" found
    # nothing where "đất đai" found the draft).
    for typed in (words.replace("Luật thử nghiệm", "luat thu nghiem"), words.replace("Luật thử nghiệm", "LUẬT THỬ NGHIỆM")):
        folded = await api.get("/v1/submissions", params={"q": typed, "size": 100}, headers=operator)
        assert folded.json()["total"] == 5, (typed, folded.text)
    problem(await api.get("/v1/submissions", params={"q": "ab\x00"}, headers=operator), 422, "no_control_characters", "q")
    seen, cursor, pages = [], None, 0
    while True:
        params = {"q": words, "size": 2} | ({"cursor": cursor} if cursor else {})
        page = await api.get("/v1/submissions", params=params, headers=operator)
        assert page.status_code == 200 and page.json()["total"] == 5
        # Forward only, as it says: no backward or current cursors that would always be null (found by an integrator).
        assert set(page.json()) == {"items", "total", "next_page"}, page.json().keys()
        seen += [row["submission_id"] for row in page.json()["items"]]
        cursor, pages = page.json()["next_page"], pages + 1
        if cursor is None:
            assert "link" not in page.headers
            break
        assert 'rel="next"' in page.headers["link"]
        # The link, followed as it is, gives the page the body's cursor gives.
        linked = await api.get(page.headers["link"].removeprefix("<").partition(">")[0], headers=operator)
        assert linked.json()["items"] == (await api.get("/v1/submissions", params=params | {"cursor": cursor}, headers=operator)).json()["items"]
        assert "%25" not in page.headers["link"]
    assert (seen, pages) == (sorted(started), 3)

    both = await api.get("/v1/submissions", params=[("q", words), ("stage", "POLICY_PROPOSAL"), ("stage", "DRAFTING")], headers=operator)
    assert both.json()["total"] == 5  # a repeated parameter means "any of"
    # In any letter case, as the CLI and the board read a stage (found by a new user: `stage=drafting` refused here alone).
    cased = await api.get("/v1/submissions", params=[("q", words), ("stage", "policy_proposal"), ("stage", "Drafting")], headers=operator)
    assert cased.json()["items"] == both.json()["items"]
    none = await api.get("/v1/submissions", params=[("q", words), ("stage", "DRAFTING")], headers=operator)
    assert none.json()["total"] == 0
    problem(await api.get("/v1/submissions", params={"limit": 5}, headers=operator), 422, "unknown_parameter", "limit")
    # Every read refuses a parameter it does not take, not only the lists (found by a new user: five ignored one).
    sid = started[0]
    for path in (f"/v1/submissions/{sid}", f"/v1/submissions/{sid}/versions", f"/v1/submissions/{sid}/consultations/R-1",
                 f"/v1/submissions/{sid}/consultations/R-1/articles", f"/v1/public/consultations/{sid}/R-1"):
        problem(await api.get(path, params={"x": "1"}, headers=operator), 422, "unknown_parameter", "x")
    # Bytes that are not UTF-8 once decoded are refused, not read as U+FFFD (found by an integrator's trial: `q=%FF%FF` listed nothing).
    for query in ("q=%FF%FF", "q=ab%C3", "%FFq=ab"):
        problem(await api.get(f"/v1/submissions?{query}", headers=operator), 422, "query_utf8")
    assert (await api.get("/v1/submissions?q=%EF%BF%BD%20lu%E1%BA%ADt", headers=operator)).status_code == 200  # U+FFFD sent as such (a breaker)
    # One that takes one value, given twice, is refused: the last would win unseen (found by a new user).
    for twice in ([("session", "16-2"), ("session", "16-3")], [("size", "1"), ("size", "100")]):
        problem(await api.get("/v1/submissions", params=twice, headers=operator), 422, "parameter_once", twice[0][0])
    # Base64 of a NUL byte, of characters a submission ID never has, and a long run: no position in the list (a NUL answered 500).
    for cursor in ("not a cursor!", "AA==", "AAAA", "A" * 10_000, base64.b64encode("ID có dấu".encode()).decode()):
        problem(await api.get("/v1/submissions", params={"cursor": cursor}, headers=operator), 422, "cursor_invalid", "cursor")
    problem(await api.get("/v1/submissions", params={"stage": "NOWHERE"}, headers=operator), 422, field="stage")
    problem(await api.get("/v1/submissions", params={"session": "15-95"}, headers=operator), 422, "regular_session_ordinal", "session")
    assert (await api.get("/v1/submissions", params={"q": words, "session": "16-E9"}, headers=operator)).json()["total"] == 0
    # A page holds at least one draft; agency codes are checked as in every message.
    for size in (0, -1, 101):
        problem(await api.get("/v1/submissions", params={"size": size}, headers=operator), 422, field="size")
    problem(await api.get("/v1/submissions", params={"ministry": " "}, headers=operator), 422, "string_pattern_mismatch", "ministry")
    problem(await api.get("/v1/submissions", params={"responsible": "zz z"}, headers=operator), 422, "string_pattern_mismatch", "responsible")
    problem(await api.get("/v1/reports/deadlines", params={"ministry": "zz z"}, headers=operator), 422, "string_pattern_mismatch", "ministry")


async def test_rate_limits_answer_429_with_retry_after_per_token(dev_env, pool):
    async with api_client(dev_env.client, pool, worker=False, api_rate_per_token="3/minute") as http:
        token_id, secret = await issue(pool, agency_code="BGDDT", role=CallerRole.LEAD_MINISTRY, issued_by="test operator")
        lead = {"Authorization": f"Bearer {secret}"}
        answers = [await http.get("/v1/submissions", headers=lead) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        problem(answers[-1], 429, "rate_limited", "Authorization")
        # The seconds until the token's window lets it in again, not a constant (found by a new user: told 2 s for 46).
        window = await limiter.get_window_stats(parse("3/minute"), "token", token_id)
        assert abs(int(answers[-1].headers["retry-after"]) - (window.reset_time - time.time())) <= 2 and window.remaining == 0
        other = await bearer(pool, "BCT", CallerRole.LEAD_MINISTRY)
        assert (await http.get("/v1/submissions", headers=other)).status_code == 200


async def test_every_problem_carries_a_kind_one_per_rule_wherever_it_refuses(dev_env, pool):
    """Found in a user trial: 409 `submission_exists`, 413 `body_too_large` and 429 carried no `kind`, and the codec server's
    problems `"kind": ""`. Every problem carries one (`tests.http_api.problem` checks it on every answer of these tests).
    The limit is per hour: the sliding window counts the previous window's hits at a weight that falls with time, and a
    per-minute limit let the seventh request through once, in a suite run beside other load."""
    async with api_client(dev_env.client, pool, api_rate_per_address="6/hour") as http:
        lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
        request = body(start_request())
        assert (await http.post("/v1/submissions", json=request, headers=lead)).status_code == 201
        kinds = {
            problem(await http.post("/v1/submissions", json=request | {"title": "Luật khác"}, headers=lead), 409, "submission_exists")["kind"],
            problem(await http.post("/v1/submissions", content=b" " * (4 * 1024 * 1024 + 1), headers=lead | {"Content-Type": "application/json"}),
                    413, "body_too_large")["kind"],
            problem(await http.get("/v1/submissions"), 401, "token_required")["kind"],
            problem(await http.post("/codec/decode", json={"payloads": []}), 401)["kind"],
        }
        assert kinds == {"CONFLICT", "INVALID", "FORBIDDEN"}, kinds
        answers = [await http.get("/v1/submissions", headers=lead) for _ in range(3)]
        limited = problem(answers[-1], 429, "rate_limited")
        assert limited["kind"] == "BUSY" and limited["detail"].startswith("more than 6 requests per hour from "), limited
        # Found by a new user: probes shared the address's limit, and a healthy API answered its liveness probe 429.
        assert [(await http.get(probe)).status_code for probe in ("/healthz", "/readyz", "/healthz")] == [200, 200, 200]


async def test_no_worker_means_a_bounded_wait_then_504_naming_the_task_queue(dev_env, pool):
    async with api_client(dev_env.client, pool, worker=False, api_timeout=1.5) as http:
        lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
        request = start_request()
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
        waited = asyncio.get_running_loop().time()
        timed_out = await http.post(f"/v1/submissions/{request.submission_id}/decisions",
                                    json=body(decision(request, Stage.POLICY_PROPOSAL)), headers=government)
        assert asyncio.get_running_loop().time() - waited < 10
        assert "is Temporal answering, and a worker running on task queue api-" in problem(timed_out, 504, "timed_out")["detail"]


async def test_a_malformed_body_gets_a_bounded_problem_whatever_its_size(api, lead):
    """Found by a breaker: every item of an array over its maxItems, and every unknown key, had an entry of its own; 60,000
    empty documents answered 13.9 MB in 2.3 s, 300,000 unknown keys 26 MB."""
    submission_id = await _started(api, lead)
    dossier = json.loads(example_text("dossier-filing.json")) | {"documents": [{}] * 60000}
    answer = await api.post(f"/v1/submissions/{submission_id}/dossier", json=dossier, headers=lead)
    # Refused as a list over its bound, before any item is validated (`schemas.bounds.over_bounds`), in a bounded answer.
    refused = problem(answer, 422, "too_long", "documents")
    assert "at most 50" in refused["detail"] and len(answer.content) < 8192 and "errors_omitted" not in refused, len(answer.content)
    # Within the bound, every item is validated; the answer lists the first 20 problems and counts the rest.
    fifty = json.loads(example_text("dossier-filing.json")) | {"documents": [{}] * 50}
    refused = problem(await api.post(f"/v1/submissions/{submission_id}/dossier", json=fifty, headers=lead), 422, "missing",
                      "documents.0.kind")
    assert len(refused["errors"]) == 20 and refused["errors_omitted"] == 150 - 20, refused
    extra = json.loads(example_text("06-approve-postponement.json")) | {f"k{i}": 0 for i in range(200000)}
    answer = await api.post(f"/v1/submissions/{submission_id}/postponement-decisions", json=extra, headers=lead)
    refused = problem(answer, 422, "extra_forbidden")
    assert len(answer.content) < 8192, len(answer.content)
    assert len(refused["errors"]) == 20 and refused["errors_omitted"] == 200000 - 20, refused
    assert all(error["field"] and error["rule"] == "extra_forbidden" for error in refused["errors"])
    # A few problems are each listed, as before.
    few = json.loads(example_text("06-approve-postponement.json")) | {"a": 1, "b": 2}
    refused = problem(await api.post(f"/v1/submissions/{submission_id}/postponement-decisions", json=few, headers=lead), 422,
                      "extra_forbidden", "a")
    assert [error["field"] for error in refused["errors"]] == ["a", "b"] and "errors_omitted" not in refused
    # A misspelled key is told the field nearest it, as the CLI tells a file's (found by a re-check).
    misspelled = json.loads(example_text("06-approve-postponement.json")) | {"ocurred_on": "2026-12-01"}
    refused = problem(await api.post(f"/v1/submissions/{submission_id}/postponement-decisions", json=misspelled, headers=lead), 422,
                      "extra_forbidden", "ocurred_on")
    assert "did you mean occurred_on?" in refused["errors"][0]["message"], refused


async def test_a_refusal_over_the_recording_rate_is_logged_with_what_a_recorded_one_is(dev_env, pool, monkeypatch):
    """Found by a breaker: past the 20 a minute recorded, the log line said the caller and the rule only. Who was refused
    is said of an attempt on no draft; of one on a draft the registry does not say is not classified (here, none it holds),
    not (a breaker: a classified draft's lead ministry named beside it)."""
    logs = LogLines()
    monkeypatch.setattr(tokens, "log", logs)
    monkeypatch.setattr(plumbing, "log", logs)
    async with api_client(dev_env.client, pool, worker=False, api_refusals_recorded="1/minute") as http:
        lead, another = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY), await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
        for _ in range(2):  # the rate is each caller's: one recorded, one over it
            problem(await http.post("/v1/submissions/OK-1/decisions", json={}, headers=lead | {"X-Request-ID": "over-1"}), 422)
        for _ in range(2):
            problem(await http.post("/v1/submissions", json={}, headers=another | {"X-Request-ID": "over-2"}), 422)
    recorded = [line for line in logs if line["event"] == "attempt refused"]
    unrecorded = [line for line in logs if line["event"] == "refusal not recorded: over the rate for this caller"]
    assert len(recorded) == len(unrecorded) == 2, logs
    for on_draft, line in ((True, recorded[0]), (True, unrecorded[0]), (False, recorded[1]), (False, unrecorded[1])):
        assert line["action"] in ("decide", "start_submission") and line["status"] == 422 and line["field"], line
        assert ("agency_code" in line) is not on_draft and ("token_id" in line) is not on_draft and "legis_" not in repr(line), line
    assert unrecorded[0]["submission_id"] == recorded[0]["submission_id"] == "OK-1"
    assert unrecorded[1]["agency_code"] == recorded[1]["agency_code"] == "BGDDT" and unrecorded[1]["token_id"] == recorded[1]["token_id"]


# Filings of a document of each kind, enough for a history of more than one page (about 1.1 MB).
FILINGS = 90


async def test_a_drafts_history_and_versions_are_read_a_bounded_page_at_a_time(api, pool):
    """Found by a breaker: `/versions` had no paging and grew by ~10 KB a filing, and a history page of 1,000 events,
    each with its documents, could be tens of MB. Versions come 20 a page, a history page stops at about 1 MB; each
    page says where the next starts (`next_after`, `Link`)."""
    request, lead = await started_at_drafting(api, pool)
    sid = request.submission_id
    filing = json.loads(example_text("dossier-filing.json"))
    filed_kinds = [kind for kind in DocumentKind if kind not in load_rulebook(request.process_version).filed_with_decisions]
    for number in range(FILINGS):  # a document of each kind a ministry files, 300 characters (900 bytes) each: about 13 KB an event
        documents = [{"kind": kind.value, "name": f"Tài liệu {number:02d}-{i:02d} " + "ầ" * 285,
                      "sha256": f"{number:02x}{i:02x}".ljust(64, "a")} for i, kind in enumerate(filed_kinds)]
        filed = await api.post(f"/v1/submissions/{sid}/dossier", json=filing | {"documents": documents}, headers=lead)
        assert filed.status_code == 200, filed.text
    # Two documents of a kind in one filing: the dossier keeps one of each kind, so the second would replace the first
    # unseen (found by a new user). Refused, naming the kind.
    twice = filing | {"documents": [documents[0], documents[0] | {"sha256": "b" * 64}]}
    refused = problem(await api.post(f"/v1/submissions/{sid}/dossier", json=twice, headers=lead), 422, "kind_once", "documents")
    assert DocumentKind.LAW_MAKING_PROPOSAL.value in refused["detail"], refused

    async def history_pages():
        pages, after = [], 0
        while after is not None:
            page = await api.get(f"/v1/submissions/{sid}/history", params={"after": after}, headers=lead)
            assert page.status_code == 200 and len(page.content) < 1_200_000, len(page.content)
            assert ("link" in page.headers) == ("next_after" in page.json())
            pages.append(page.json()["entries"])
            after = page.json().get("next_after")
        return pages

    # The audit trail is written after the receipt.
    pages = await eventually(history_pages, lambda pages: sum(e["event"] == "DOSSIER_FILED" for entries in pages for e in entries) == FILINGS)
    assert len(pages) >= 2
    seqs = [entry["seq"] for entries in pages for entry in entries]
    assert seqs == list(range(1, len(seqs) + 1))

    versions, after = [], 0
    while True:
        page = await api.get(f"/v1/submissions/{sid}/versions", params={"after": after}, headers=lead)
        numbers = [v["number"] for v in page.json()["versions"]]
        assert page.status_code == 200 and len(numbers) <= 20
        versions += numbers
        if (after := page.json().get("next_after")) is None:
            assert "link" not in page.headers
            break
        assert after == numbers[-1] and len(numbers) == 20 and page.headers["link"].endswith(f'after={after}>; rel="next"'), page.headers
    assert len(versions) >= FILINGS and versions == list(range(1, len(versions) + 1))


@pytest.mark.parametrize(("method", "url", "sent"), [
    ("GET", "/v1/submissions?request_id=1", {}),
    ("GET", "/v1/public/consultations/BGDDT-2099-999/r1?request_id=1", {}),
    ("POST", "/v1/submissions", {"json": {**json.loads(start_request().model_dump_json()), "request_id": "x"}}),
    ("POST", "/v1/submissions", {"content": b'{"request_id": 1, "request_id": 2}', "headers": {"Content-Type": "application/json"}}),
], ids=["query", "public query", "body field", "duplicate key"])
async def test_a_parameter_or_key_named_request_id_is_named_as_sent_not_as_the_idempotency_key(api, lead, method, url, sent):
    """Found by a breaker: the draft's request ID is the caller's `Idempotency-Key`, and a draft's refusal naming it names
    the header; a refusal of a parameter or a body key the caller named `request_id` named the header too."""
    answer = await api.request(method, url, headers=lead | sent.pop("headers", {}), **sent)
    assert (answer.status_code, answer.json()["field"]) == (422, "request_id"), answer.text


async def test_a_page_refusing_a_parameter_named_request_id_names_it_as_sent(api):
    page = await api.get("/public/BGDDT-2099-999/r1?request_id=1")
    assert page.status_code == 422 and "request_id" in page.text and "Idempotency-Key" not in page.text


async def test_a_deciding_body_is_found_by_its_agency_code_as_by_its_name(api, pool):
    """Found by an integrator's trial: the registry names a deciding body by its actor (MOJ), and `responsible=BTP` found
    none of the drafts waiting for the Ministry of Justice."""
    from tests.drafts import start_request

    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    waiting = start_request(ministry="RSP" + uuid.uuid4().hex[:5].upper())
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq, responsible) VALUES ($1, $2, 't', $3, 'LAW_2025', '16-2', 'APPRAISAL', now(), false, "
                       "2, 'MOJ')", waiting.submission_id, f"draft-law-{waiting.submission_id}", waiting.lead_ministry)
    for named in ("BTP", "MOJ"):
        listed = (await api.get("/v1/submissions", params={"responsible": named, "ministry": waiting.lead_ministry}, headers=operator)).json()
        assert [row["submission_id"] for row in listed["items"]] == [waiting.submission_id], (named, listed)
    assert (await api.get("/v1/submissions", params={"responsible": "CP", "ministry": waiting.lead_ministry}, headers=operator)).json()["total"] == 0
