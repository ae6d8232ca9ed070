"""The codec server: the Temporal Web UI (and `temporal ... --codec-endpoint`) opens sealed payloads through it,
for the callers allowed to read them.

The remote codec protocol: `POST /codec/decode` and `POST /codec/encode` with the JSON of a Payloads message,
`{"payloads": [{"metadata": {"encoding": "<base64>", ...}, "data": "<base64>"}, ...]}`, and the header
`X-Namespace`; the answer has the same shape, one payload for each given. A body is at most `MAX_BODY` bytes.

Who may read what:

- the caller shows a legis token: `Authorization: Bearer <token>` (the Temporal CLI's `--codec-auth`), or the
  cookie that signing in at `/codec/` sets (the Web UI sends it to the codec endpoint when its codec settings
  include cross-origin credentials; its own `passAccessToken` passes the UI's login token, not a legis token);
- OPERATOR and LEAD_MINISTRY tokens may decode and encode; others are refused (403), unknown or revoked tokens
  too (401, with `WWW-Authenticate`);
- a sealed payload opens only when the caller may read the workflow it is bound to (`workflows.codec`): a draft's
  (`draft-law-<submission>`) or one of its consultation rounds' (`consultation-<submission>:<round>`, before the nineteenth
  generation `consultation-<submission>-<round>`), read in the
  registry; a classified draft's only for its own lead ministry (`api.permissions.sees_classified`); any other
  workflow's (webhook deliveries) only for operators; a payload bound to no workflow, or to a draft the registry
  does not know yet, for no one. A payload withheld is answered as it came, still sealed.

Browsers may call it only from the Web UI's origin (`Settings.ui_origin`, CORS with credentials). Refused requests
are answered as the API's problem details (`api.problems`) and logged at a bounded rate (`workers.log_config`); the
API's middleware writes them to the audit trail at its own bounded rate, for a Web UI whose user has not signed in
asks for every payload it shows.
"""

from __future__ import annotations

import base64
import html
import json
import urllib.parse
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from api.permissions import sees_classified
from api.problems import answered_as, problem, problem_body
from api.tokens import Caller, Unauthenticated, authenticate, bearer_token
from schemas.enums import CallerRole
from schemas.redaction import tokens_redacted
from schemas.refusal import RefusalKind, Refused
from workflows.codec import EncryptionCodec, KeyRingError, is_sealed, workflow_of
from workflows.draft_law import WORKFLOW_ID_PREFIX
from workflows.rounds import ROUND_ID_SEPARATOR

log = structlog.get_logger(__name__)

MAX_BODY = 8 * 1024 * 1024
MAX_SIGN_IN_BODY = 4096
COOKIE = "legis_codec"
SESSION_SECONDS = 8 * 3600
DECODERS = (CallerRole.OPERATOR, CallerRole.LEAD_MINISTRY)
CORS_HEADERS = {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, X-Namespace",
    "Access-Control-Max-Age": "600",
}
# The sign-in page runs no script, loads nothing and is framed by no one.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                "Cache-Control": "no-store"}


def codec_router(ui_origin: str) -> APIRouter:
    """The codec endpoints under /codec, answering browsers of `ui_origin` (scheme://host:port) only."""
    router = APIRouter(prefix="/codec")

    def cors(request: Request) -> dict[str, str]:
        """The CORS headers for the request's origin: none for a request without one (the CLI); refused for another."""
        origin = request.headers.get("origin")
        if origin is None:
            return {}
        if origin != ui_origin:
            raise Refused("Origin", "origin_not_allowed", f"browsers may call the codec server from {ui_origin} only", RefusalKind.FORBIDDEN)
        return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}

    async def answer(request: Request, convert: Callable[[Request, Caller, list[Payload]], Awaitable[list[Payload]]]) -> Response:
        try:
            headers = cors(request)
        except Refused as refused:
            return refused_response(request, refused)
        try:
            namespace = request.headers.get("x-namespace")
            if namespace is not None and namespace != request.app.state.client.namespace:
                raise Refused("X-Namespace", "namespace_other", f"this codec server serves namespace {request.app.state.client.namespace}",
                              RefusalKind.FORBIDDEN)
            caller = await decoder(request)
            payloads = parse_payloads(await bounded_body(request, MAX_BODY))
        except Refused as refused:
            # With the CORS headers, the Web UI reads the refusal (and says decoding failed) instead of a network error.
            return refused_response(request, refused, headers)
        converted = await convert(request, caller, payloads)
        body = json_format.MessageToDict(Payloads(payloads=converted))
        return JSONResponse({"payloads": body.get("payloads", [])}, headers=headers)

    @router.options("/decode")
    @router.options("/encode")
    async def preflight(request: Request) -> Response:
        try:
            return Response(status_code=204, headers={**cors(request), **CORS_HEADERS})
        except Refused as refused:
            return refused_response(request, refused)

    @router.post("/decode")
    async def decode(request: Request) -> Response:
        """Opens the sealed payloads the caller may read; answers the others as they came."""
        return await answer(request, opened_for)

    @router.post("/encode")
    async def encode(request: Request) -> Response:
        """Seals payloads with the current key, bound to no workflow (so that no one can decode them here)."""
        return await answer(request, lambda http, _caller, payloads: sealed(http, payloads))

    # At /codec: the API serves /codec/ as /codec (api.plumbing.TrailingSlash).
    @router.api_route("", methods=["GET", "HEAD"], response_class=HTMLResponse)  # every GET answers HEAD too
    async def page(request: Request) -> Response:
        """A page to sign in with a token, so that the Web UI may decode what the token may read."""
        signed_in = None
        if token := request.cookies.get(COOKIE):
            try:
                signed_in = await authenticate(request.app.state.pool, token)
            except Unauthenticated:
                signed_in = None
        return sign_in_page(request, ui_origin, signed_in)

    @router.post("/sign-in")
    async def sign_in(request: Request) -> Response:
        """Sets the codec cookie (HttpOnly, SameSite=Strict, path /codec, 8 hours) for a token that may decode."""
        try:
            same_origin(request)
            form = urllib.parse.parse_qs((await bounded_body(request, MAX_SIGN_IN_BODY)).decode("utf-8", "replace"))
            token = (form.get("token") or [""])[0].strip()
            caller = await allowed(request.app.state.pool, token)
        except Refused as refused:
            refused_log(request, refused)
            return sign_in_page(request, ui_origin, None, refused=on_page(refused), status=answered_as(refused)[0])
        response = RedirectResponse(str(request.url_for("page")), status_code=303)
        response.set_cookie(COOKIE, token, max_age=SESSION_SECONDS, path="/codec", httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        log.info("signed in to the codec server", token_id=caller.token_id, agency_code=caller.agency_code, caller_role=caller.role.value)
        return response

    @router.post("/sign-out")
    async def sign_out(request: Request) -> Response:
        try:
            same_origin(request)
        except Refused as refused:
            return refused_response(request, refused)
        response = RedirectResponse(str(request.url_for("page")), status_code=303)
        response.delete_cookie(COOKIE, path="/codec", httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response

    return router


def same_origin(request: Request) -> None:
    """Sign-in and sign-out come from the codec server's own page: another page's form may not sign a browser in
    with a token of its choosing."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise Refused("Origin", "own_page_only", "sign in on the codec server's own page", RefusalKind.FORBIDDEN)


async def decoder(request: Request) -> Caller:
    """The caller by its bearer token, else by the sign-in cookie; its token ID is left for the access log line."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        caller = await allowed(request.app.state.pool, bearer_token(authorization))
    else:
        caller = await allowed(request.app.state.pool, request.cookies.get(COOKIE))
    request.state.token_id = caller.token_id
    return caller


async def allowed(pool: asyncpg.Pool, token: str | None) -> Caller:
    caller = await authenticate(pool, token)
    if caller.role not in DECODERS:
        raise Refused("role", "codec_for_operators_and_lead_ministries",
                      f"the codec server decodes for operators and lead ministries; this token acts as {caller.role.value}", RefusalKind.FORBIDDEN)
    return caller


async def bounded_body(request: Request, limit: int) -> bytes:
    """The request's body, refused past `limit` bytes before more is read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refused("body", "body_too_large", f"at most {limit} bytes", RefusalKind.INVALID)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused("body", "body_too_large", f"at most {limit} bytes", RefusalKind.INVALID)
    return bytes(body)


def parse_payloads(body: bytes) -> list[Payload]:
    """The payloads of a codec request, `{"payloads": [{"metadata": {"<key>": "<base64>"}, "data": "<base64>"}]}`, or
    `{}` for none (proto3's JSON leaves an empty list out: the Temporal CLI sends it for a query without arguments).
    Raises Refused (`payloads_malformed`, answered 400) naming the first field out of that shape: protobuf's JSON reading
    drops what is not base64, and a payload so emptied was answered as `{}` (found by a new user)."""
    malformed = Refused("body", "payloads_malformed", 'send {"payloads": [{"metadata": {...}, "data": "..."}]}', RefusalKind.INVALID)
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise malformed from None
    _check_shape(document)
    try:
        parsed = json_format.ParseDict(document, Payloads(), ignore_unknown_fields=True)
    except (ValueError, RecursionError, json_format.ParseError, AttributeError, TypeError):
        raise malformed from None
    return list(parsed.payloads)


def _check_shape(document: object) -> None:
    if document == {}:
        return
    if not isinstance(document, dict) or not isinstance(document.get("payloads"), list):
        raise Refused("payloads", "payloads_malformed", 'a list is required: {"payloads": [...]}', RefusalKind.INVALID)
    for number, payload in enumerate(document["payloads"]):
        metadata = payload.get("metadata", {}) if isinstance(payload, dict) else None
        if not isinstance(metadata, dict):
            raise Refused(f"payloads.{number}", "payloads_malformed", 'a payload is {"metadata": {...}, "data": "..."}', RefusalKind.INVALID)
        for field, value in (("data", payload.get("data", "")), *((f"metadata.{key[:64]}", value) for key, value in metadata.items())):
            if not _is_base64(value):
                raise Refused(f"payloads.{number}.{field}", "payloads_malformed", "must be base64 (RFC 4648, standard or URL-safe)",
                              RefusalKind.INVALID)


def _is_base64(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        base64.b64decode(value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4), validate=True)
    except ValueError:  # binascii.Error, and a text that is not ASCII
        return False
    return True


def codec_of(request: Request) -> EncryptionCodec:
    return request.app.state.client.data_converter.payload_codec


async def opened_for(request: Request, caller: Caller, payloads: list[Payload]) -> list[Payload]:
    codec, readable, answered, withheld = codec_of(request), {}, [], 0
    for payload in payloads:
        if is_sealed(payload):
            workflow_id = workflow_of(payload)
            if workflow_id not in readable:
                readable[workflow_id] = await may_read(request.app.state.pool, caller, workflow_id)
            if readable[workflow_id]:
                try:
                    payload = codec.open(payload)
                except (KeyRingError, ValueError) as unreadable:
                    log.warning("a payload does not open", workflow_id=workflow_id, error=str(unreadable))
            else:
                withheld += 1
        answered.append(payload)
    if withheld:
        log.info("payloads withheld from a caller", token_id=caller.token_id, caller_role=caller.role.value, withheld=withheld,
                 workflows=sorted(w or "(none)" for w, ok in readable.items() if not ok))
    return answered


async def sealed(request: Request, payloads: list[Payload]) -> list[Payload]:
    return await codec_of(request).encode(payloads)


async def may_read(pool: asyncpg.Pool, caller: Caller, workflow_id: str | None) -> bool:
    """May the caller read the payloads of this workflow? See the module's rules."""
    if workflow_id is None:
        return False
    if workflow_id.startswith(WORKFLOW_ID_PREFIX):
        drafts = await pool.fetch("SELECT classified, lead_ministry FROM submissions WHERE submission_id = $1",
                                  workflow_id.removeprefix(WORKFLOW_ID_PREFIX))
    elif workflow_id.startswith("consultation-") and ROUND_ID_SEPARATOR in workflow_id:
        # consultation-<submission>:<round> (workflows.rounds.round_workflow_id, from the nineteenth generation): one draft.
        drafts = await pool.fetch("SELECT classified, lead_ministry FROM submissions WHERE submission_id = $1",
                                  workflow_id.removeprefix("consultation-").partition(ROUND_ID_SEPARATOR)[0])
    elif workflow_id.startswith("consultation-"):
        # An earlier round's ID, consultation-<submission>-<round>, where both may hold hyphens: every draft whose ID fits
        # must be readable.
        drafts = await pool.fetch(
            "SELECT classified, lead_ministry FROM submissions WHERE starts_with($1, 'consultation-' || submission_id || '-')", workflow_id)
    else:
        return caller.role is CallerRole.OPERATOR
    return bool(drafts) and all(not d["classified"] or sees_classified(caller, lead_ministry=d["lead_ministry"]) for d in drafts)


def on_page(refused: Refused) -> str:
    """What the sign-in page says of a refusal: the field (the form's `token` for the token's own), the message and the rule."""
    return f"{'token' if refused.field == 'Authorization' else refused.field}: {refused.message} (rule: {refused.rule})"


def refused_response(request: Request, refused: Refused, headers: dict[str, str] | None = None) -> Response:
    """A refusal answered as the API's problems are (`api.problems.problem`: a token pasted into a field is named by its
    ID only); a token refused is told a way out for a client elsewhere (the Web UI, the CLI), which the sign-in page
    itself does not say."""
    refused_log(request, refused)
    hint = " (or sign in at /codec/)" if answered_as(refused)[0] == 401 else ""
    answer = problem(Refused(refused.field, refused.rule, refused.message + hint, refused.kind))
    response = Response(problem_body(answer), status_code=answer.status, media_type="application/problem+json", headers=headers)
    if answer.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="legis codec"'
    return response


def refused_log(request: Request, refused: Refused) -> None:
    log.warning("codec request refused", path=request.url.path, status=answered_as(refused)[0], field=tokens_redacted(refused.field),
                rule=refused.rule)


def sign_in_page(request: Request, ui_origin: str, caller: Caller | None, *, refused: str = "", status: int = 200) -> HTMLResponse:
    endpoint = str(request.url_for("page")).rstrip("/")
    # The form's CSRF token (`web.csrf`, as the board's forms carry it); asking for it sets its cookie on this answer.
    csrf = f'<input type="hidden" name="csrftoken" value="{html.escape(request.scope.get("csrftoken", lambda: "")())}">'
    if caller is not None:
        state = (f"<p>Signed in as <b>{html.escape(caller.agency_code)}</b> ({html.escape(caller.role.value)}), token "
                 f"{html.escape(caller.token_id)}: the Web UI at {html.escape(ui_origin)} now shows the payloads this token may read.</p>"
                 f'<form method="post" action="{html.escape(endpoint)}/sign-out">{csrf}<button>Sign out</button></form>')
    else:
        state = ((f'<p role="alert">Not signed in: {html.escape(refused)}</p>' if refused else "")
                 + f'<form method="post" action="{html.escape(endpoint)}/sign-in">{csrf}<label>Token <input name="token" type="password" '
                 'autocomplete="off" size="60" required></label> <button>Sign in</button></form>')
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>legis codec server</title></head>
<body style="font-family: sans-serif; max-width: 48em; margin: 2em auto">
<h1>legis codec server</h1>
{state}
<p>The Temporal Web UI opens sealed payloads here when its codec endpoint is <code>{html.escape(endpoint)}</code>
and its codec settings include cross-origin credentials. Operators and lead ministries sign in with their
<code>legis tokens issue</code> token; a classified draft opens only for its own lead ministry.</p>
</body></html>"""
    return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)
