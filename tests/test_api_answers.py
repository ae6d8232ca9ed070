"""What every answer of the API carries, whatever its route: the headers its OpenAPI document names, and a failure of
the server's own answered without its text."""

from __future__ import annotations

import logging

import httpx

from api.app import create_app
from tests.http_api import problem
from workers.settings import Settings


async def test_a_failure_of_the_server_s_own_answers_500_without_its_text_and_logs_its_traceback(pool, caplog):
    """Found by a new user: an unexpected exception answered 500 with its text as the problem's detail (an internal
    library's message); the caller learns it is the server's failure and the request's ID, the log the rest."""
    app = create_app(pool=pool, settings=Settings(api_rate_per_token="none", api_rate_per_address="none"))

    @app.get("/v1/fails")
    async def fails() -> None:
        raise RuntimeError("internal detail: FormParser(FileClass=...)")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="legis.api"):
        async with httpx.AsyncClient(transport=transport, base_url="http://legis.test") as http:
            answer = await http.get("/v1/fails")
    failed = problem(answer, 500, "internal_error", "request")
    assert "FileClass" not in answer.text and "X-Request-ID" in failed["detail"] and answer.headers["x-request-id"]
    [logged] = [r for r in caplog.records if r.name == "legis.api"]
    assert logged.exc_info and "FileClass" in str(logged.exc_info[1])


def test_the_document_names_the_headers_the_answers_carry():
    """Found by an integrator: the OpenAPI document named no response header, where the README relies on them; a client
    generated from it read neither `Location`, nor `Link`, nor `Retry-After`."""
    paths = create_app().openapi()["paths"]
    start = paths["/v1/submissions"]["post"]["responses"]
    assert {"Location", "Idempotent-Replayed", "X-Request-ID"} <= set(start["201"]["headers"])
    assert "WWW-Authenticate" in start["401"]["headers"] and "Retry-After" in start["503"]["headers"] and "Retry-After" in start["409"]["headers"]
    # Every operation says a method it does not take is 405 with `Allow`, and its own failure 500 `internal_error`.
    assert all({"405", "500"} <= set(operation["responses"]) and "Allow" in operation["responses"]["405"]["headers"]
               for operations in paths.values() for operation in operations.values())
    assert "Link" in paths["/v1/submissions/{submission_id}/history"]["get"]["responses"]["200"]["headers"]
    assert "Idempotent-Replayed" not in paths["/v1/submissions"]["get"]["responses"]["200"]["headers"]
    assert all("X-Request-ID" in answer["headers"] for operations in paths.values() for operation in operations.values()
               for answer in operation["responses"].values())
