"""The HTTP API for upstream systems and operators: the draft core's operations behind per-agency tokens.

Every failure is a problem (RFC 9457, `api.problems`); every POST takes an `Idempotency-Key`; lists page by cursor;
`/docs` and `/redoc` are served with their scripts from this process (no CDN).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from temporalio.client import Client
from temporalio.runtime import Runtime

from activities import webhooks
from activities.database import close_pool
from api import problems
from api.codec_server import codec_router
from api.deps import rate
from api.docs import serve_offline
from api.plumbing import PROBES, AroundRequest, BodyLimit, TrailingSlash
from api.problems import ProblemDetail
from api.routes import consultation, events, health, public, reports, submissions
from schemas import glossary
from schemas.text import PG_BIGINT_MAX
from schemas.views import WebhookEvent
from web import auth as web_auth
from web import board as web_board
from web import inbox as web_inbox
from web import ministries as web_ministries
from web import public_pages as web_public
from web.csrf import PageForms
from web.refusals import not_found
from workers.settings import Settings
from workers.tracing import Tracing
from workflows.draft_law import TASK_QUEUE

DESCRIPTION = """The intake for ministries' and offices' systems, and the reads for operators.

Every request carries `Authorization: Bearer <token>` (`legis tokens issue`); a token acts as one agency in one role.
Every failure answers `application/problem+json` (RFC 9457) with the `field` and the `rule` it breaks. Every POST that
carries a token takes an `Idempotency-Key`, kept for the token's agency and role: sent again with the same body, it gets
the first answer. Dates are Ha Noi dates (YYYY-MM-DD) from 2000-01-01 to 2100-12-31 (`date_in_range`); instants carry
their offset. `responsible` names the agency expected to act by its code where one agency acts for its draft (the lead
ministry, the examining committee), else the deciding body (`MOJ`, `GOVERNMENT`, `UBTVQH`), which a filter may also name
by the body's agency code (`BTP`, `CP`)."""

TAGS = [
    {"name": "drafts", "description": "Opening submissions; the registry; a draft's status, history and dossier versions"},
    {"name": "events", "description": "Decisions, filings, postponements, arbitration and programme changes, in an actor's name"},
    {"name": "consultation", "description": "Consultation rounds: opening, opinions, the compilation"},
    {"name": "public consultation", "description": "The public's comments on a posted draft (no token) and the answers it reads"},
    {"name": "reports", "description": "Deadline reports and refused attempts"},
    {"name": "health", "description": "Liveness and readiness"},
    {"name": "webhooks", "description": "What legis sends to each subscriber's URL: one signed POST per audit event"},
]


# The public's comments first: every request is matched against the routes in this order (by the router, and again by
# the tracing middleware for the span's name), and those are the requests that come by the thousand a second.
ROUTERS = (public.router, submissions.router, events.router, consultation.router, reports.router, health.router)
# The board's and the public's HTML pages: plain routes (forms, not strict JSON), left out of the OpenAPI document.
PAGES = (web_auth.router, web_board.router, web_ministries.router, web_inbox.router, web_public.router)


def create_app(
    *,
    client: Client | None = None,
    pool: asyncpg.Pool | None = None,
    connect: Callable[[], Awaitable[tuple[Client, asyncpg.Pool]]] | None = None,
    task_queue: str = TASK_QUEUE,
    settings: Settings | None = None,
    runtime: Runtime | None = None,
    tracing: Tracing | None = None,
) -> FastAPI:
    """The API over a Temporal client and the application's database pool (or a way to make them); with the Temporal
    runtime whose /metrics it counts its requests on, and the tracing its requests start their traces with."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if connect is not None:
            app.state.client, app.state.pool = await connect()
            try:
                yield
            finally:
                await close_pool(app.state.pool)
                # The last line of a clean stop, as a worker's is (found by an operator's trial: uvicorn's lines alone).
                structlog.get_logger("legis.api").info("api stopped")
        else:
            yield

    app = FastAPIOffline(title="legis", version="1", summary="Draft laws of Viet Nam on their statutory path.", description=DESCRIPTION,
                         lifespan=lifespan, openapi_tags=TAGS, redirect_slashes=False,
                         responses={status: {"model": ProblemDetail, "description": description}
                                    for status, description in problems.RESPONSES.items()})
    app.state.client, app.state.pool, app.state.task_queue = client, pool, task_queue
    app.state.timeout = settings.api_timeout
    app.state.token_limit, app.state.address_limit = rate(settings.api_rate_per_token), rate(settings.api_rate_per_address)
    app.state.refusals_limit = rate(settings.api_refusals_recorded)
    app.state.not_classified = {}  # `api.plumbing`: drafts the access line found not classified
    app.state.public_comment_limit = rate(settings.public_comment_rate)
    app.state.temporal_ui = f"http://127.0.0.1:{settings.ui_port}/namespaces/{settings.namespace}"
    app.add_exception_handler(404, not_found(problems.install(app)))
    serve_offline(app)
    app.add_middleware(PageForms)
    # The body's limit inside the request's middleware, so that a body refused as too large is logged and written to
    # `access_refusals` as every refusal is, with the request's ID and access line (found by an upstream system's trial).
    app.add_middleware(BodyLimit)
    app.add_middleware(AroundRequest)
    app.add_middleware(TrailingSlash)
    for router in (*ROUTERS, *PAGES):
        app.include_router(router)
    app.include_router(codec_router(settings.ui_origin()), include_in_schema=False)
    for route in app.routes:  # the docs' pages answer HEAD as GET too, as the API's routes (`plumbing.Router`) and the pages do
        if isinstance(route, APIRoute) and route.methods == {"GET"}:
            route.methods.add("HEAD")
    app.webhooks.post("auditEvent", summary="An audit event, to each webhook subscriber", tags=["webhooks"],
                      operation_id="receiveAuditEvent")(_audit_event)
    app.openapi = _with_problems_content(app)
    # OpenTelemetry's name for it; Prometheus reads http_server_request_duration_seconds (histogram; its _count, the requests).
    app.state.request_duration = runtime.metric_meter.create_histogram_float(
        "http_server_request_duration", "duration of HTTP requests, by method, route and status", "seconds") if runtime else None
    if tracing is not None:
        tracing.instrument_api(app)
    return app


def _audit_event(event: WebhookEvent) -> None:
    """Sent by legis to each subscriber (`legis subscribers add AGENCY URL`), one per event recorded in the audit trail, in
    order within each draft: answer 2xx to take it, within 10 seconds; 5xx or no answer in time and it is sent again,
    backing off up to five minutes; 400, 413, 415 or 422 and it becomes a dead letter. Deduplicate on `webhook-id`; verify
    `webhook-signature` with the subscriber's secret (Standard Webhooks)."""


def _header(name: str, description: str, example: str) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": True, "description": description, "schema": {"type": "string", "example": example}}


# The headers every webhook request carries (found by an integrator's trial: the document named them in prose alone, so
# that a client made from it read none of them).
_WEBHOOK_HEADERS = [
    _header(webhooks.ID_HEADER, "the event's message ID for this subscriber, the same on every retry: deduplicate on it",
            "7:BGDDT-2026-017:4"),
    _header(webhooks.TIMESTAMP_HEADER, "when this request was signed, in Unix seconds: refuse one too far from now", "1796522400"),
    _header(webhooks.SIGNATURE_HEADER, "`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the subscriber's secret (Standard "
            "Webhooks); while a secret is rotated, two, space-separated, the new one first", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
    _header(webhooks.IDEMPOTENCY_HEADER, "the event's key, the same for every subscriber: `<submission_id>:<seq>`", "BGDDT-2026-017:4"),
    _header("User-Agent", "legis-webhooks and the release that sent it", webhooks.USER_AGENT),
]


HEALTH = {"$ref": "#/components/schemas/Health"}


def _with_problems_content(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Errors are `application/problem+json`, and requests other than health checks and the public's need the bearer
    token."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    # A health check's answer is its own shape, a failing one too (found by an integrator's trial: declared a problem).
                    own = path in PROBES and answer.get("content", {}).get("application/json", {}).get("schema") == HEALTH
                    if status.startswith(("4", "5")) and "application/json" in answer.get("content", {}) and not own:
                        answer["content"] = {"application/problem+json": answer["content"]["application/json"]}
                if path in ("/healthz", "/readyz") or path.startswith("/v1/public/"):  # no token asked: none refused
                    operation.pop("security", None)
                    for status in ("401", "403"):
                        operation.get("responses", {}).pop(status, None)
        for webhook in schema.get("webhooks", {}).values():  # a receiver's answers are its own: what legis does with each
            webhook["post"]["responses"] = {"2XX": {"description": "taken"}, "5XX": {"description": "sent again later, backing off"},
                                            "4XX": {"description": "400, 413, 415, 422: kept as a dead letter; others sent again"}}
            webhook["post"]["parameters"] = _WEBHOOK_HEADERS
        components = schema["components"]["schemas"]
        for unused in ("HTTPValidationError", "Problem", "ValidationError"):
            if f'"#/components/schemas/{unused}"' not in json.dumps(schema["paths"]):
                components.pop(unused, None)
        glossary.describe(components)
        _whole_bounds(schema)
        _with_answer_examples(schema)
        _with_headers(schema)
        app.openapi_schema = schema
        return schema

    return openapi


# FastAPI's OpenAPI models hold a bound as a float: an integer's 2**63 - 1 came out as 9.223372036854776e+18, one above
# PostgreSQL's bigint, which client generators refuse (found by a ministry's trial). The bigint is the one bound past 2**53.
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _whole_bounds(node: Any) -> None:
    """An integer's bounds written as integers, in place: `PG_BIGINT_MAX` for the float it was rounded to."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for bound in _BOUNDS:
                if isinstance(value := node.get(bound), float):
                    node[bound] = PG_BIGINT_MAX if value >= PG_BIGINT_MAX else int(value)
        for child in node.values():
            _whole_bounds(child)
    elif isinstance(node, list):
        for child in node:
            _whole_bounds(child)


def _header(description: str, example: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}, "example": example}


# The headers the answers carry (found by an integrator: the document named none, so a generated client read none).
REQUEST_ID = _header("the request's ID: the caller's `X-Request-ID` (at most 100 characters) or a new one; the logs file the request under it",
                     "3f2a9c0e8b7d4e5f9a1b2c3d4e5f6a7b")
UNREAD_REQUEST_ID = _header("a new ID for a request the server could not read (its own `X-Request-ID` was not read); the logs file it "
                            "under it", "3f2a9c0e8b7d4e5f9a1b2c3d4e5f6a7b")
LINK = _header("the next page, `<...>; rel=\"next\"`; absent on the last page", '</v1/submissions?cursor=QkdERFQtMjAyNi0wMTc%3D>; rel="next"')
LOCATION = _header("the submission opened", "/v1/submissions/BGDDT-2026-017")
REPLAYED = _header("`true` when the answer is the one first given to this `Idempotency-Key`, not a new one", "true")
RETRY_AFTER = _header("seconds to wait before sending again", "30")
CHALLENGE = _header("the scheme the token goes in", "Bearer")
ALLOW = _header("the methods the path takes", "GET, HEAD")
# The operations whose answers are read a page at a time by `Link` (`api.deps.link_after`, `link_next`).
PAGED = frozenset({"listSubmissions", "readHistory", "readVersions", "readPublicComments", "readOpinionComments", "listPublicConsultations",
                   "readPublicConsultation"})


def _with_headers(schema: dict[str, Any]) -> None:
    for operations in schema["paths"].values():
        for operation in operations.values():
            keyed = any(parameter.get("name") == "Idempotency-Key" for parameter in operation.get("parameters", ()))
            for status, answer in operation["responses"].items():
                headers = answer.setdefault("headers", {})
                # A request the HTTP server could not read has no header read either (found by a breaker).
                headers["X-Request-ID"] = UNREAD_REQUEST_ID if status == "400" else REQUEST_ID
                if status.startswith("2") and operation["operationId"] in PAGED:
                    headers["Link"] = LINK
                if status in ("200", "201") and operation["operationId"] == "startSubmission":
                    headers["Location"] = LOCATION
                # Every answer under 500 but 429 is kept for its key (`api.idempotency`); the token is checked first.
                if keyed and status < "500" and status not in ("400", "401", "413", "415", "429"):
                    headers["Idempotent-Replayed"] = REPLAYED
                # A key's request still being answered is 409 `request_in_progress`, with when to retry.
                if status in ("429", "503") or keyed and status == "409":
                    headers["Retry-After"] = RETRY_AFTER
                if status == "401":
                    headers["WWW-Authenticate"] = CHALLENGE
                if status == "405":
                    headers["Allow"] = ALLOW


def answer_example(operation_id: str) -> Any | None:
    """The walkthrough's answer to an operation (`schemas/examples/answers/`, written by `tests.record_examples`)."""
    found = resources.files("schemas.examples").joinpath("answers", f"{operation_id}.json")
    return json.loads(found.read_text(encoding="utf-8")) if found.is_file() else None


def _with_answer_examples(schema: dict[str, Any]) -> None:
    for operations in schema["paths"].values():
        for operation in operations.values():
            example = answer_example(operation["operationId"])
            success = next((answer for status, answer in operation["responses"].items() if status.startswith("2")), None)
            if example is not None and success is not None and "application/json" in success.get("content", {}):
                success["content"]["application/json"]["example"] = example
