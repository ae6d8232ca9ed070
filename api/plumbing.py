"""What every request goes through before and after its route: body limits and decoding, a request ID and an access
line, per-address rate limits, and the refusals written to the audit trail at a bounded rate."""

from __future__ import annotations

import json
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import asyncpg
import structlog
from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIRouter
from limits import RateLimitItem
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import RateLimiter, SlidingWindowCounterRateLimiter
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import bounds
from api.problems import HARDENING, RETRY_SECONDS, problem, problem_body
from api.tokens import record_refusal, refusal_logged
from schemas import json_keys
from schemas.messages import MAX_MESSAGE_BYTES, ROUND_ID, ROUND_ID_WORDS, SUBMISSION_ID, SUBMISSION_ID_WORDS
from schemas.redaction import secret_in, tokens_redacted
from schemas.refusal import RefusalKind, Refused, beyond_json_limits, finite
from workflows.admissions import admits_nothing_misread

log = structlog.get_logger(__name__)
access_log = structlog.get_logger("legis.access")

MAX_BODY_BYTES = MAX_MESSAGE_BYTES
# A sliding window counted in two fixed windows, the last one's hits weighted by how much of it the window still covers:
# constant work and memory per token or address, whatever the limit and however many addresses call. A moving window,
# tried after an upstream system's trial (615 requests passed in 40 s of a token limited to 600 a minute), keeps every hit
# of the window: up to the limit's count per address, which many addresses make a memory to exhaust, and each hit moves
# them all (a limit of thousands a minute made it slow). The weighting lets a burst pass a little over the limit in some
# stretches of the window's length; a steady rate over it is refused.
limiter = SlidingWindowCounterRateLimiter(MemoryStorage())


# Probes of liveness and readiness often share an address with the traffic (a proxy, a NAT, the compose network): a
# probe refused for the traffic's rate would have a healthy API restarted.
PROBES = frozenset({"/healthz", "/readyz"})


def over(limit: RateLimitItem, what: str = "request") -> str:
    """A limit in words: "more than 5 requests per minute", "more than 1 comment per day", "more than 10 comments per 2
    hours" (`what` in the singular)."""
    unit = limit.GRANULARITY.name
    return f"more than {limit.amount} {what}{'' if limit.amount == 1 else 's'} per {unit if limit.multiples == 1 else f'{limit.multiples} {unit}s'}"


async def retry_after(limited: RateLimiter, item: RateLimitItem, *identifiers: str) -> dict[str, str]:
    """`Retry-After` for a request `limited` refused: the seconds until its window resets, at least one (a client that
    waits that long is taken again; told a constant, it would come back, be refused, and come back again)."""
    stats = await limited.get_window_stats(item, *identifiers)
    return {"Retry-After": str(max(1, math.ceil(stats.reset_time - time.time())))}
# Checked before anything else the route does (the token's lookup included), so that no query sees a malformed one.
PATH_PATTERNS = {"submission_id": (re.compile(SUBMISSION_ID), SUBMISSION_ID_WORDS), "round_id": (re.compile(ROUND_ID), ROUND_ID_WORDS)}


def decode_body(raw: bytes) -> Any:
    """A JSON body as UTF-8, with or without a byte-order mark; anything else, or a key given twice, is refused (a key by
    its path, `documents.0.kind`)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) > 1 and (raw[0] == 0 or raw[1] == 0)):
        raise problem(Refused("body", "utf8_json_only", "the body must be JSON in UTF-8 (this looks like UTF-16 or UTF-32)", RefusalKind.INVALID))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise problem(Refused("body", "utf8_json_only", f"the body is not UTF-8 (byte {bad.start})", RefusalKind.INVALID)) from None
    try:
        return json_keys.loads(text, parse_constant=_no_constant, parse_float=finite)
    except json_keys.KeyRefused as refused:  # a key holding a lone surrogate is named escaped (a problem's JSON cannot hold it)
        raise problem(refused) from None
    except json.JSONDecodeError as bad:
        raise problem(Refused("body", "json_invalid", f"the body is not JSON: {bad.msg} (line {bad.lineno}, column {bad.colno})",
                              RefusalKind.INVALID)) from None
    except (RecursionError, ValueError) as beyond:  # Python's own limits: nesting depth, digits of an integer, a float's range
        raise problem(Refused("body", "json_invalid", f"the body is not read: {beyond_json_limits(beyond)}", RefusalKind.INVALID)) from None


def _no_constant(name: str) -> Any:
    raise problem(Refused("body", "json_invalid", f"{name} is not a JSON number", RefusalKind.INVALID))


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class StrictJSONRoute(APIRoute):
    """A route whose JSON body is decoded by `decode_body` before FastAPI validates it against the route's model."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()
        authenticate = _authentication(self.dependant)
        # What a write takes from its query (the reads say theirs with `api.deps.known_parameters`, with their repeats).
        queried = _query_names(self.dependant)

        async def decoded(request: Request) -> Response:
            # The token is checked right after the path, before anything else of the request: a caller without one is
            # answered 401 whatever it sent, and a refusal of a caller with one names its token (an integrator found a
            # query parameter refused first, recorded with no token, where a read answered 401).
            _once(request, "Authorization")
            for name, value in request.path_params.items():
                if name in PATH_PATTERNS and not (pattern := PATH_PATTERNS[name][0]).fullmatch(value):
                    raise problem(Refused(name, "path_pattern", f"{name} must be {PATH_PATTERNS[name][1]} (pattern {pattern.pattern})",
                                          RefusalKind.INVALID))
                if (token := secret_in(value)) is not None:
                    # Never sent on to Temporal as a workflow's ID, where its client's spans carry it (found by a breaker).
                    raise problem(Refused(name, "not_a_secret", f"holds an API token's secret ({token}): revoke that token (legis tokens "
                                          "revoke)", RefusalKind.INVALID))
            if authenticate is not None:
                await authenticate(request)
            for header in _ONCE:
                _once(request, header)
            if request.method in WRITES and (unknown := sorted(set(request.query_params) - queried)):
                # Found by a new user: `POST .../decisions?dry_run=true` decided for real, the parameter dropped unseen.
                raise problem(Refused(unknown[0][:60], "unknown_parameter", f"{unknown[0][:60]} is not a parameter of this route; known: "
                                      f"{', '.join(sorted(queried)) or 'none'}", RefusalKind.INVALID))
            if request.method in ("POST", "PUT", "PATCH"):
                raw = await request.body()
                if raw:
                    check_uncompressed(request.headers.get("content-encoding"))
                    _check_content_type(request.headers.get("content-type"))
                    request._json = decode_body(raw)  # FastAPI reads the body through Request.json(), which keeps this
                    _nothing_misread(request._json)
                    if self.body_field is not None and not self._embed_body_fields:
                        bounds.check(self.body_field.field_info.annotation, request._json)
            return await handler(request)

        return decoded


def _once(request: Request, header: str) -> None:
    if len(request.headers.getlist(header)) > 1:
        raise problem(Refused(header, "header_once", f"give {header} once: which of its values was meant cannot be known", RefusalKind.INVALID))


def _nothing_misread(body: Any) -> None:
    """Every body's texts, whatever route takes them (a start, a reason, a comment stored before a round is told of it),
    refused with a bidirectional control or a line separator (`admissions.admits_nothing_misread`): new input only, where its sender is
    told, never a message a draft's history holds."""
    try:
        admits_nothing_misread(body)
    except Refused as refused:
        raise problem(refused) from None


def _query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route and its dependencies take, by the names callers send."""
    return frozenset({param.alias for param in dependant.query_params}.union(*(_query_names(d) for d in dependant.dependencies)))


def _authentication(dependant: Dependant) -> Callable[[Request], Awaitable[Any]] | None:
    """The check of the caller's token a route depends on, if any (`api.deps.caller`'s `before_body`): run before the
    body is read, so that a caller without a valid token is answered 401 whatever its body, which is not decoded."""
    for dependency in dependant.dependencies:
        found = getattr(dependency.call, "before_body", None) or _authentication(dependency)
        if found is not None:
            return found
    return None


# Headers that say what the body is and which request it repeats, as `Authorization` says who calls: one of each, or the
# first would win unseen.
_ONCE = ("Idempotency-Key", "Content-Type")
UNCOMPRESSED = "the body is compressed (Content-Encoding: {}): bodies are taken uncompressed only; send it without Content-Encoding"


def uncompressed(encoding: str | None) -> bool:
    """Whether a body sent with this `Content-Encoding` header is as it was written: none, or `identity`."""
    return not (encoding or "").strip() or encoding.strip().lower() == "identity"


def check_uncompressed(encoding: str | None) -> None:
    """A compressed body (gzip, deflate, br) is refused as such, 415 `uncompressed_only`, not read as bytes that are not
    UTF-8 (found by a fresh-user trial: told "not UTF-8 (byte 1)" of a gzip body)."""
    if not uncompressed(encoding):
        raise problem(Refused("Content-Encoding", "uncompressed_only", UNCOMPRESSED.format(encoding.strip()[:40]), RefusalKind.INVALID))


def _check_content_type(declared: str | None) -> None:
    """A body is taken as `application/json` (or `application/<x>+json`) in UTF-8 only: a header naming another type or
    charset, and a body sent without the header (a client that names no type sends, as often as not, a form), are 415."""
    if not (declared or "").strip():
        raise problem(Refused("Content-Type", "json_content_type", "the body came without a Content-Type header; send it as application/json",
                              RefusalKind.INVALID))
    media, *parameters = declared.split(";")
    media = media.strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise problem(Refused("Content-Type", "json_content_type", f"send the body as application/json, not {media}", RefusalKind.INVALID))
    charsets = [value.strip().strip('"').lower() for key, _, value in (p.partition("=") for p in parameters) if key.strip().lower() == "charset"]
    if len(charsets) > 1:
        raise problem(Refused("Content-Type", "header_once", "give the charset once: which of its values was meant cannot be known",
                              RefusalKind.INVALID))
    charset = charsets[0] if charsets else "utf-8"
    if charset not in ("utf-8", "utf8"):
        raise problem(Refused("Content-Type", "utf8_json_only", f"the body must be JSON in UTF-8, not {charset[:40]}", RefusalKind.INVALID))


class Router(APIRouter):
    """Routes with strict JSON bodies; every GET answers HEAD too (RFC 9110), listed once in the OpenAPI document."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=StrictJSONRoute, **kwargs)

    def add_api_route(self, path: str, endpoint: Callable[..., Any], *, methods: Any = None, **kwargs: Any) -> None:
        super().add_api_route(path, endpoint, methods=methods, **kwargs)
        if methods and "GET" in methods:
            super().add_api_route(path, endpoint, methods=["HEAD"], **{**kwargs, "include_in_schema": False, "operation_id": None})


# The body of a request with one, as `BodyLimit` read it whole, for the middlewares after it (`web.csrf`).
WHOLE_BODY = "legis.body"


class BodyLimit:
    """Refuse a body over `MAX_BODY_BYTES` (413) before the application reads it: by its Content-Length, or as it streams
    in; a body within the limit is handed on as it came. Runs inside `AroundRequest`."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, send)
            return
        chunks, received, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.limit:
                await self._too_large(scope, send)
                return
            more = message.get("more_body", False)
        replayed, scope[WHOLE_BODY] = False, b"".join(chunks)

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": scope[WHOLE_BODY], "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        # `AroundRequest`, around this, gives the answer its request ID and access line, and records the refusal (not the body).
        from web.csrf import has_forms  # the pages' modules read the API's

        if has_forms(scope["path"]):
            # A page's form is refused on a page, as its other refusals are (found by a new user: a JSON problem).
            from web.refusals import refused

            await refused(Request(scope), 413, [{"field": "body", "rule": "body_too_large", "message": f"the form is over {self.limit} bytes"}])(
                scope, disconnected, send)
            return
        body = problem_body(problem(Refused("body", "body_too_large", f"the body is over {self.limit} bytes", RefusalKind.INVALID)))
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


async def disconnected() -> Message:
    """The `receive` of an answer given without reading the request (a refusal before any route)."""
    return {"type": "http.disconnect"}


class TrailingSlash:
    """`/v1/submissions/` is `/v1/submissions`: served, not redirected (a redirect loses a POST's body in many clients).

    A slash sent percent-encoded (`%2F`) stays in the path part that holds it, as `%2F`: the server decodes it before
    routing, so that `FZ-A%2Fhistory` was read as FZ-A's history. Kept encoded, it is part of the path parameter, whose
    pattern refuses it (422 `path_pattern`, naming the parameter)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            raw = scope.get("raw_path") or b""
            if b"%2f" in raw.lower():
                path = "/".join(unquote(part).replace("/", "%2F") for part in raw.decode("latin-1").split("/"))
            if len(path) > 1 and path.endswith("/"):
                path = path.rstrip("/") or "/"
            if path != scope["path"]:
                scope = {**scope, "path": path}
        await self.app(scope, receive, send)


class AroundRequest:
    """A request ID (the caller's X-Request-ID, or a new one) in every log line and the answer; an access line; a
    per-address rate limit; refusals written to the audit trail, at a bounded rate per caller.

    Pure ASGI, so that a request costs one call of this object and no extra task or copy of the response (Starlette's
    `BaseHTTPMiddleware` runs the route in a task of its own and streams every answer through a queue). Only an answer
    of 400-499 other than 429 is held whole, to be recorded before it leaves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = caller_request_id(scope)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        trace.get_current_span().set_attribute("legis.request_id", request_id)
        started = time.perf_counter()
        state = scope["app"].state
        # The request's state (token ID, caller) as the route leaves it, in a dict shared with any copy of the scope.
        scope.setdefault("state", {})["request_id"] = request_id  # for the answer to a failure of the server's own (`api.problems`)
        status, responded = 500, False
        held: list[Message] = []

        async def answer(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status, responded = message["status"], True
                message = {**message, "headers": _hardened([*message.get("headers", ()), (b"x-request-id", request_id.encode("latin-1"))])}
            if 400 <= status < 500 and status != 429:
                held.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    await _recorded(scope, status, held)
                    for kept in held:
                        await send(kept)
                return
            await send(message)

        try:
            limit: RateLimitItem | None = getattr(state, "address_limit", None)
            address = scope["client"][0] if scope.get("client") else "unknown"
            if limit is not None and scope["path"] not in PROBES and not await limiter.hit(limit, "address", address):
                await _problem_response(problem(Refused("request", "rate_limited", f"{over(limit)} from {address}", RefusalKind.BUSY),
                                                headers=await retry_after(limiter, limit, "address", address)))(scope, receive, answer)
            else:
                await self.app(scope, receive, answer)
            if not responded:
                status = 499  # the client left before its answer, its body cut off as it streamed in (`BodyLimit`): none was sent
            seconds = time.perf_counter() - started
            access_log.info("request", method=scope["method"], path=scope["path"], status=status, ms=round(seconds * 1000, 1),
                            token_id=await _logged_token(scope))
            _count(state, scope, status, seconds)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")


def _hardened(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    named = {name.lower() for name, _ in headers}
    if b"etag" in named:
        named.add(b"cache-control")  # a static file of the docs, which a browser may keep and ask again by its tag
    return headers + [(name, value) for name, value in HARDENING if name not in named]


def caller_request_id(scope: Scope) -> str:
    """The request's ID: the caller's X-Request-ID (at most 100 characters; a token's secret in it cut to the token's ID, as
    in the logs, for the spans that carry it too: found by a breaker), or a new one."""
    return tokens_redacted(_header(scope, b"x-request-id")[:100]) or uuid.uuid4().hex


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def _count(state: Any, scope: Scope, status: int, seconds: float) -> None:
    """The request in `http_server_request_duration_seconds`, labelled as OpenTelemetry's HTTP conventions name them (the
    route's template, never the path, so that a label has a bounded number of values)."""
    histogram = getattr(state, "request_duration", None)
    if histogram is not None:
        histogram.record(seconds, {"http_request_method": scope["method"], "http_route": getattr(scope.get("route"), "path", ""),
                                   "http_response_status_code": str(status)})


def _problem_response(problem) -> Response:
    headers = problem.headers or ({"Retry-After": RETRY_SECONDS} if problem.status in (429, 503) else {})
    return Response(problem_body(problem), status_code=problem.status, media_type="application/problem+json", headers=headers)


async def _recorded(scope: Scope, status: int, held: list[Message]) -> None:
    """Write a refusal to `access_refusals` (at most `api_refusals_recorded` per caller); the answer is unchanged."""
    body = b"".join(message.get("body", b"") for message in held if message["type"] == "http.response.body")
    state, request_state = scope["app"].state, scope.get("state", {})
    pool: asyncpg.Pool | None = getattr(state, "pool", None)
    token_id = request_state.get("token_id")
    caller_key = token_id or (scope["client"][0] if scope.get("client") else "unknown")
    # A page's refusal is HTML: the page left its problem, route and draft in the request's state (`web.render.noted`).
    noted = request_state.get("refusal") or {}
    try:
        problem = noted or json.loads(body)
    except ValueError:
        return
    if not isinstance(problem, dict):
        return
    submission_id = _named_draft(scope)
    endpoint = noted.get("action") or getattr(scope.get("endpoint"), "__name__", None)
    refused = {"caller": request_state.get("caller") or request_state.get("refused_caller"), "token_id": token_id, "action": endpoint or f"{scope['method']} {scope['path']}"[:200],
               "submission_id": submission_id if submission_id and _valid_id(submission_id) else None, "status": status,
               "field": str(problem.get("field", "request"))[:200], "rule": str(problem.get("rule", "refused"))[:100]}
    limit: RateLimitItem | None = getattr(state, "refusals_limit", None)
    if pool is None or (limit is not None and not await limiter.hit(limit, "refusals", caller_key)):
        # Who, by the caller's key, only of an attempt on no draft: the registry is not asked here (`refusal_logged`).
        log.info("refusal not recorded: over the rate for this caller", **({} if refused["submission_id"] else {"caller": caller_key}),
                 **refusal_logged(**refused))
        return
    try:
        await record_refusal(pool, **refused, message=str(problem.get("detail", ""))[:1000], said_classified=request_state.get("classified"))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as down:
        log.warning("refusal not recorded: the database is unavailable", error=type(down).__name__)


def _named_draft(scope: Scope) -> str | None:
    """The submission ID a request names: a page's refusal's, the path's, or a start's (its body's, `api.routes.submissions`)."""
    request_state = scope.get("state", {})
    noted = request_state.get("refusal") or {}
    return noted.get("submission_id") or scope.get("path_params", {}).get("submission_id") or request_state.get("submission_id")


# Drafts the access line found not classified, by submission ID: a draft's flag never changes, so each is asked once.
KNOWN_NOT_CLASSIFIED = 4096


async def _logged_token(scope: Scope) -> str | None:
    """The token ID of the access line, left out beside a classified draft's ID, as its refusals' rows and lines leave it
    out: its lead ministry's own requests would name it beside the draft (found by a Government Office's trial). A draft
    the registry cannot say is not classified (not written yet, or no answer within a second) is taken as classified,
    but for a start saying it is not (`classified` in the request's state), whose draft no start claimed otherwise."""
    request_state = scope.get("state", {})
    token_id, submission_id = request_state.get("token_id"), _named_draft(scope)
    if token_id is None or submission_id is None:
        return token_id
    if request_state.get("classified"):
        return None
    state = scope["app"].state
    known: dict[str, None] = getattr(state, "not_classified", {})
    if submission_id in known:
        return token_id
    pool: asyncpg.Pool | None = getattr(state, "pool", None)
    try:
        # The registry's word, else a start's claim (`submission_ids`), else what a start says of itself: a start saying it is
        # not classified of a draft that is (found by a breaker) is the draft's, not the body's.
        classified, registered = (True, False) if pool is None else await pool.fetchrow(
            "SELECT coalesce((SELECT classified FROM submissions WHERE submission_id = $1), (SELECT classified FROM submission_ids "
            "WHERE folded = lower($1) AND submission_id = $1), $2) AS classified, EXISTS (SELECT 1 FROM submissions WHERE submission_id = $1) AS registered",
            submission_id, request_state.get("classified", True), timeout=1)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return None
    if classified:
        return None
    if not registered:
        return token_id
    if len(known) >= KNOWN_NOT_CLASSIFIED:
        known.pop(next(iter(known)))
    known[submission_id] = None
    return token_id


def _valid_id(value: str) -> bool:
    return PATH_PATTERNS["submission_id"][0].fullmatch(value) is not None
