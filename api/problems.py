"""Every failure as RFC 9457 problem details (`application/problem+json`), with the field and the rule as members.

| status | when | rule (examples) |
|---|---|---|
| 400 | the codec server's body is not a Payloads message (`api.codec_server`) | `payloads_malformed` |
| 401 | no token, a token unknown, revoked or expired, or not a `Bearer` token | `token_required`, `token_expired` |
| 403 | the token may not send this (its role, its agency) or the draft's rules forbid it | `callers_own_agency`, `stage_authority` |
| 404 | no such draft, round, route | `draft_unknown`, `round_unknown`, `route_unknown` |
| 405 | the route takes other methods | `method_not_allowed` |
| 409 | the draft's state refuses it; `draft_closed` names the final state (`round_closed`, a round's end); a decision on a stage the draft has left is `current_stage_only` (stale) | `consultation_open` |
| 413 | the body is over the limit | `body_too_large` |
| 415 | the body is not UTF-8 JSON, or it is compressed | `utf8_json_only`, `uncompressed_only` |
| 422 | the message breaks a rule of its own; each problem in `errors` with its field and rule | `vote_counts_fit`, `idempotency_key_reused` |
| 429 | too many requests for this token or address; `Retry-After` says when to come back | `rate_limited` |
| 500 | a failure of the server's own, naming the request's ID (`X-Request-ID`) | `internal_error` |
| 503 | Temporal, a worker or PostgreSQL is unavailable, the draft is busy, its workflow task is failing, or the API lacks the workers' payload key; `Retry-After` | `temporal_unavailable`, `draft_busy`, `draft_task_failing`, `payload_keys_held` |
| 504 | no answer within the API's bounded wait | `timed_out` |
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi_problem.error import Problem
from fastapi_problem.handler import add_exception_handler, new_exception_handler
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import Match, compile_path

from api.bounds import MAX_ERRORS
from schemas.messages import IDEMPOTENCY_KEY
from schemas.redaction import tokens_redacted
from schemas.refusal import RefusalKind, Refused, described, with_nearest_fields, without_echoes

STATUS = {
    RefusalKind.INVALID: 422,
    RefusalKind.FORBIDDEN: 403,
    RefusalKind.CONFLICT: 409,
    RefusalKind.STALE: 409,
    RefusalKind.CLOSED: 409,
    RefusalKind.NOT_FOUND: 404,
    RefusalKind.BUSY: 503,
}
# The refusals Starlette raises itself (an unknown route, a method the route does not take): field and rule.
HTTP_RULES = {404: ("path", "route_unknown"), 405: ("method", "method_not_allowed")}
# The rules of HTTP itself, whose status is HTTP's name for them rather than their kind's; their kind follows from it. A
# refusal is answered with the status and kind these give, or else its kind's status: the two never disagree.
HTTP_STATUS: dict[str, tuple[int, RefusalKind]] = {
    **dict.fromkeys(("token_required", "bearer_only", "token_malformed", "token_unknown", "token_revoked", "token_expired"),
                    (401, RefusalKind.FORBIDDEN)),
    "payloads_malformed": (400, RefusalKind.INVALID),
    "http_request_valid": (400, RefusalKind.INVALID),
    "route_unknown": (404, RefusalKind.NOT_FOUND),
    "method_not_allowed": (405, RefusalKind.INVALID),
    "body_too_large": (413, RefusalKind.INVALID),
    **dict.fromkeys(("utf8_json_only", "json_content_type", "uncompressed_only"), (415, RefusalKind.INVALID)),
    "rate_limited": (429, RefusalKind.BUSY),
    "internal_error": (500, RefusalKind.BUSY),
    "timed_out": (504, RefusalKind.BUSY),
}


RETRY_SECONDS = "2"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
RESPONSES = {
    400: "the request is not HTTP the server reads (`http_request_valid`: a path in raw UTF-8, a header it cannot parse)",
    401: "no valid Bearer token (`WWW-Authenticate` says why)",
    403: "the token's role or agency may not do this",
    404: "no such draft or round",
    409: "the draft's state refuses it (closed, stale, a conflict)",
    413: "the body is over 4 MB",
    415: "the body is not UTF-8 JSON, or it is compressed (a `Content-Encoding` other than identity)",
    405: "the path takes other methods (`Allow` names them)",
    422: "the request breaks a rule: its problems (the first 20) with their field and rule",
    429: "too many requests (`Retry-After`)",
    500: "a failure of the server's own: `internal_error`, naming the request's ID (the log has the rest)",
    503: "Temporal, a worker or PostgreSQL is unavailable, or the draft is busy (`Retry-After`)",
    504: "no answer within the API's bounded wait",
}


def answered_as(refused: Refused) -> tuple[int, RefusalKind]:
    """The HTTP status and kind a refusal is answered with: a rule of HTTP's own by `HTTP_STATUS`, any other by its kind."""
    return HTTP_STATUS.get(refused.rule) or (STATUS[refused.kind], refused.kind)


class ProblemDetail(BaseModel):
    """What every failure answers (RFC 9457), as `application/problem+json`."""

    type: str = Field(description="a URI naming the rule, urn:legis:rule:<rule>", examples=["urn:legis:rule:current_stage_only"])
    title: str = Field(description="the rule's name", examples=["current_stage_only"])
    status: int = Field(examples=[409])
    detail: str = Field(description="what was refused and why, for a person", examples=["the draft is at APPRAISAL, not DRAFTING"])
    field: str = Field(description="the field (header, path part) the refusal is about", examples=["stage"])
    rule: str = Field(description="a stable name of the rule that refused it", examples=["current_stage_only"])
    kind: str = Field(description="INVALID, FORBIDDEN, CONFLICT, STALE, CLOSED, NOT_FOUND, BUSY: what the caller can do about it; one "
                      "rule has one kind wherever it refuses", examples=["STALE"])
    errors: list[dict[str, Any]] = Field(default_factory=list, description=f"for an invalid body: the problems found (the first {MAX_ERRORS}), "
                                         "each with field and rule")
    errors_omitted: int = Field(default=0, description="how many problems were found beyond those listed in errors; absent when none")


def problem(refused: Refused, *, errors: list | None = None, errors_omitted: int = 0, headers: dict[str, str] | None = None) -> Problem:
    """The answer to a refusal, whoever refused (the draft core, a round, the API's own rules, HTTP's): its status and
    kind by `answered_as`; `errors`, a body's problems each with field and rule; `Retry-After` on 429 and 503 unless
    `headers` say otherwise."""
    status, kind = answered_as(refused)
    return _answer(status, kind, refused.field, refused.rule, refused.message, errors=errors, errors_omitted=errors_omitted, headers=headers)


def from_draft(refused: Refused) -> Problem:
    """The answer to a draft's (or a round's) refusal: the draft's request ID is the caller's `Idempotency-Key` here, so
    the field named is the header the caller sent, and the text says so (a parameter or body key named `request_id` keeps its name).
    Over HTTP a "request ID" reads as `X-Request-ID`, whose change does not help (found by an integrator's trial)."""
    if refused.field != "request_id":
        return problem(refused)
    return problem(Refused("Idempotency-Key", refused.rule, refused.message.replace("request ID", "Idempotency-Key"), refused.kind))


def _answer(status: int, kind: RefusalKind, field: str, rule: str, message: str, *, errors: list | None = None, errors_omitted: int = 0,
            headers: dict[str, str] | None = None) -> Problem:
    if status in (429, 503) and not headers:
        headers = {"Retry-After": RETRY_SECONDS}
    # A token pasted where an ID or a name was expected is echoed with its ID only (`schemas.redaction`).
    field, message = tokens_redacted(field), tokens_redacted(message)
    if errors:
        errors = [{**error, **{name: tokens_redacted(error[name]) for name in ("field", "message") if isinstance(error.get(name), str)}}
                  for error in errors]
    return Problem(title=rule, type_=f"urn:legis:rule:{rule}", detail=message, status=status, headers=headers,
                   field=field, rule=rule, kind=kind.value, **({"errors": errors} if errors else {}),
                   **({"errors_omitted": errors_omitted} if errors_omitted else {}))


def problem_body(problem: Problem) -> bytes:
    """A problem's JSON as every answer writes it (compact, as Starlette's JSONResponse), for the answers written by hand."""
    return json.dumps(problem.marshal(), ensure_ascii=False, separators=(",", ":")).encode()


def _refused(_handler, _request: Request, exc: Refused) -> Problem:
    return from_draft(exc)


def _http(_handler, request: Request, exc: HTTPException) -> Problem:
    headers = exc.headers
    if exc.status_code == 405 and (encoded := _encoded_slash(request)) is not None:
        # A slash kept encoded (`api.plumbing.TrailingSlash`) in a path part made the path one of another route's.
        return problem(Refused(encoded, "path_pattern", f"{encoded} may not hold a slash, encoded (%2F) or not", RefusalKind.INVALID))
    if exc.status_code == 405:
        # Starlette names the methods of the first route that matched the path; a path has a route per method here.
        allowed = [method for method in METHODS if any(route.matches({**request.scope, "method": method})[0] is Match.FULL
                                                       for route in request.app.routes)]
        headers = {"Allow": ", ".join(allowed)}
    if exc.status_code in HTTP_RULES:
        field, rule = HTTP_RULES[exc.status_code]
        # Said what to do, not HTTP's phrase alone (found by an integrator's trial: "Not Found", "Method Not Allowed").
        path = request.url.path if len(request.url.path) <= 200 else f"{request.url.path[:200]}..."
        detail = {404: f"no route {request.method} {path}: the routes are in the OpenAPI document, /openapi.json",
                  405: f"{path} takes {headers.get('Allow', '') if headers else ''}, not {request.method}"}.get(exc.status_code)
        return problem(Refused(field, rule, detail if detail and str(exc.detail) in ("Not Found", "Method Not Allowed") else str(exc.detail),
                               HTTP_STATUS[rule][1]), headers=headers)
    # Any other status Starlette raises (none the API's routes lead to): named by its status.
    kind = RefusalKind.INVALID if exc.status_code < 500 else RefusalKind.BUSY
    return _answer(exc.status_code, kind, "request", f"http_{exc.status_code}", str(exc.detail), headers=headers)


def _encoded_slash(request: Request) -> str | None:
    """The path parameter that holds an encoded slash, of the API's route whose path this is (whatever its method)."""
    if "%2F" not in request.scope["path"]:
        return None
    for template in request.app.openapi()["paths"]:
        if found := compile_path(template)[0].match(request.scope["path"]):
            return next((name for name, value in found.groupdict().items() if "%2F" in value), None)
    return None


def _invalid(_handler, request: Request, exc: RequestValidationError) -> Problem:
    errors = exc.errors()
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("submission_id"), str):
        # A refused start is recorded under the ID it asked for, as its other refusals are (`api.plumbing`, which checks it),
        # and as classified unless it says plainly it is not (found by a re-check: a classified start refused for its title
        # was listed to operators with its lead ministry).
        request.state.submission_id, request.state.classified = body["submission_id"], body.get("classified", False) is not False
    kept = without_echoes(errors)
    # The first MAX_ERRORS, and how many more: the answer's size is bounded whatever the body holds.
    problems = [problem_of_error(error) for error in _with_nearest_fields(request, kept[:MAX_ERRORS])]
    first = problems[0] if problems else {"field": "body", "rule": "invalid", "message": "invalid request"}
    return problem(Refused(first["field"], first["rule"], first["message"], RefusalKind.INVALID), errors=problems,
                   errors_omitted=len(kept) - len(problems))


def _with_nearest_fields(request: Request, errors: list[dict]) -> list[dict]:
    """A body's keys its model does not know said with the field nearest each, as the CLI says a file's (a re-check)."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    model = body_field.field_info.annotation if body_field is not None else None
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return errors
    inside = [{**error, "loc": error["loc"][1:]} if error["loc"][:1] == ("body",) else error for error in errors]
    return [{**said, "loc": error["loc"]} for said, error in zip(with_nearest_fields(model, inside), errors, strict=True)]


# The patterns of the request's headers and query, said in words (a body's codes say theirs: `schemas.text.code`).
PATTERN_WORDS = {IDEMPOTENCY_KEY: "printable ASCII without spaces, '!' to '~'"}
# A refused query value is quoted up to this many characters (a query may be long; the value is for recognising it).
QUOTED = 60


def problem_of_error(error: dict) -> dict[str, str]:
    """One of pydantic's errors as a problem: field, rule and message (the pages list them too)."""
    error = _repeated_parameter(error)
    field, rule, message = described(error, whole="body", skip=("body", "query", "path", "header"))
    if rule == "string_pattern_mismatch" and (words := PATTERN_WORDS.get((error.get("ctx") or {}).get("pattern", ""))):
        message = f"{words} (pattern {error['ctx']['pattern']})"
    return {"field": field, "rule": rule, "message": json.loads(json.dumps(message, default=str))}


def _repeated_parameter(error: dict) -> dict:
    """An error in one value of a repeatable query parameter (`stage=DRAFTING&stage=FOO`) named by the parameter, as
    the caller wrote it, with the value refused in its message: pydantic's location (`stage.1`) names no parameter
    (found by a new user)."""
    location = error["loc"]
    if not (len(location) == 3 and location[0] == "query" and isinstance(location[2], int)):
        return error
    value = str(error.get("input", ""))
    shown = value if len(value) <= QUOTED else value[:QUOTED] + "..."
    return {**error, "loc": location[:2], "msg": f"{shown!r} is refused: {error['msg']}"}


# What every answer says that a browser or a cache must not do with it, where the route has not said otherwise: read a JSON
# problem or a draft's status as another type, keep an answer given to one token for the next reader (found by a breaker:
# the API's answers, and the 400 uvicorn's parser gives, carried none; the pages had theirs).
HARDENING = ((b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"))


def _unhandled(_handler, request: Request, _exc: Exception) -> Problem:
    """A failure of the server's own: the caller learns that, not the exception's text (which may name the code's
    internals); the log has it with its traceback under the request's ID (the answer's `X-Request-ID`)."""
    request_id = (request.scope.get("state") or {}).get("request_id", "")
    return problem(Refused("request", "internal_error", f"the server failed on this request; its log has the details under the request's "
                           f"ID, {request_id} (X-Request-ID)", RefusalKind.BUSY),
                   # Written outside the middleware that hardens every other answer (found by a breaker: neither header).
                   headers={**({"X-Request-ID": request_id} if request_id else {}), **{name.decode(): value.decode() for name, value in HARDENING}})


class _Outages(logging.LoggerAdapter):
    """The problem handler's logger: a part that does not answer (503: PostgreSQL, Temporal; 504: no worker answered in
    time, found by a breaker logged with a traceback each) is one warning line per request, naming it, where the handler
    would log its traceback each time; any other failure keeps its traceback."""

    def exception(self, msg: object, *args: object, exc_info: object = True, **kwargs: object) -> None:
        failure = exc_info[1] if isinstance(exc_info, tuple) else None
        if isinstance(failure, Problem) and failure.status in (HTTPStatus.SERVICE_UNAVAILABLE, HTTPStatus.GATEWAY_TIMEOUT):
            self.logger.warning("%s: %s", msg, failure.detail)
            return
        self.logger.exception(msg, *args, exc_info=exc_info, **kwargs)


def install(app: FastAPI) -> Callable[[Request, Exception], Response]:
    """Answer every failure of `app` as a problem: refusals, invalid requests, unknown routes and methods, the rest.
    Returns the handler, for an answer that is a problem only outside the pages (`web.refusals.not_found`)."""
    handler = new_exception_handler(
        logger=_Outages(logging.getLogger("legis.api")),
        handlers={Refused: _refused, HTTPException: _http, RequestValidationError: _invalid, Exception: _unhandled},
        http_exception_handler=_http,
        request_validation_handler=_invalid,
    )
    add_exception_handler(app, handler, generic_swagger_defaults=False)
    # Registered by type, a refusal is answered where it is raised, not by the last-resort handler (which re-raises).
    app.add_exception_handler(Refused, handler)
    return handler
