"""What routes share: the caller's token, bounded calls to Temporal and PostgreSQL turned into problems, and the
query parameters a route knows (any other is refused)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Generic, TypeVar
from urllib.parse import unquote, unquote_to_bytes

import structlog
from fastapi import Depends, Header, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_pagination.cursor import CursorParams
from fastapi_problem.error import Problem
from limits import parse
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from starlette.datastructures import URL
from temporalio.client import WorkflowQueryFailedError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.database import DATABASE_DOWN, DATABASE_GAVE_UP, within
from api import permissions
from api.plumbing import limiter, over, retry_after
from api.problems import from_draft, problem
from api.tokens import Caller, Unauthenticated, authenticate, bearer_token
from schemas.messages import IDEMPOTENCY_KEY, LONGEST_REQUEST_ID
from schemas.redaction import secret_in
from schemas.refusal import RefusalKind, Refused
from schemas.text import name, shows_nothing
from store import board
from workflows import client as drafts
from workflows import round_client
from workflows.codec import KeyRingError
from workflows.draft_law import workflow_id_for as draft_id_for

T = TypeVar("T")
log = structlog.get_logger(__name__)
bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer legis_<id>_<secret>`, issued with `legis tokens issue`")
CHALLENGE = 'Bearer realm="legis"'
def _no_secret(key: str | None) -> str | None:
    # The key is the draft's request ID: kept in its state, in Temporal's update IDs and receipts (found by a breaker).
    if key is not None and (token := secret_in(key)) is not None:
        raise PydanticCustomError("not_a_secret", "holds an API token's secret ({token}): send a key of your own, and revoke that "
                                  "token (`legis tokens revoke`)", {"token": token})
    return key


IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=LONGEST_REQUEST_ID, pattern=IDEMPOTENCY_KEY,
           description="the same key and body sent again get the first answer; the key becomes the draft's request ID"),
    AfterValidator(_no_secret),
]

# Words of a draft's title to search for, in the API's list and on the board.
# A state or a stage in any letter case, as the CLI takes a stage (found by a Government Office's trial: `state=overdue` refused
# on the board; by a new user: `stage=drafting` in the API's list).
InAnyCase = BeforeValidator(lambda value: value.upper() if isinstance(value, str) else value)
TitleWords = name(200, 2)  # NFC, as titles are stored; a control character is refused before the database sees it


async def caller(http: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
    """The token's agency and role; refused (401, with `WWW-Authenticate`) without a valid `Bearer` token, and (429) past
    the token's rate. Asked once per request: the route asks it before reading a body (`before_body`)."""
    if (known := getattr(http.state, "caller", None)) is not None:
        return known
    try:
        # Read from the header, not `credentials`: HTTPBearer answers None for the Bearer scheme without a token too.
        token = credentials.credentials if credentials is not None else bearer_token(http.headers.get("authorization"))
    except Unauthenticated as refused:
        raise problem(refused, headers={"WWW-Authenticate": CHALLENGE}) from None
    try:
        who = await database(authenticate(http.app.state.pool, token))
    except Unauthenticated as refused:
        # Not `caller`, which says the request is authenticated: only its refusal's record names whom the token acted for.
        http.state.token_id, http.state.refused_caller = refused.token_id, refused.caller
        raise problem(refused, headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'}) from None
    http.state.caller, http.state.token_id = who, who.token_id
    limit = http.app.state.token_limit
    if limit is not None and not await limiter.hit(limit, "token", who.token_id):
        raise problem(Refused("Authorization", "rate_limited", f"{over(limit)} for token {who.token_id}", RefusalKind.BUSY),
                      headers=await retry_after(limiter, limit, "token", who.token_id))
    return who


async def _caller_before_body(http: Request) -> Caller:
    return await caller(http, await bearer(http))


caller.before_body = _caller_before_body  # type: ignore[attr-defined]
Authenticated = Annotated[Caller, Depends(caller)]


def shared_link_parameter(name: str) -> bool:
    """What a social network or a newsletter adds to every link it carries (Facebook's `fbclid`, Zalo's `zarsrc`, the
    `utm_` campaign tags): nothing a reader chose."""
    folded = name.lower()
    return folded.startswith("utm_") or folded in SHARED_LINK_PARAMETERS


SHARED_LINK_PARAMETERS = frozenset({"fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "ttclid", "twclid", "yclid", "zarsrc", "igshid",
                                    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "_gl", "_ga", "mkt_tok", "li_fat_id", "ref_src"})


def _not_utf8(query: bytes) -> str | None:
    """The name of the first parameter of a raw query string whose name or value is not UTF-8 once %-decoded; None if none."""
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name).decode("utf-8", errors="replace")
    return None


def known_parameters(*names: str, repeatable: tuple[str, ...] = (), shared: bool = False) -> Callable[[Request], None]:
    """A dependency refusing query parameters the route does not know (a typo must not silently widen a list), and one
    given twice that takes one value (the last would win, unseen: `session=16-2&session=16-3`). `shared`: a page reached
    by links people share (the public's), which takes the parameters such links carry (`shared_link_parameter`) and
    ignores them."""
    allowed = set(names)

    def check(http: Request) -> None:
        # A percent-encoded byte that is not UTF-8 is decoded as U+FFFD, unseen (found by an integrator's trial: `q=%FF%FF`
        # listed nothing where it should have been refused); read off the raw query, so that a U+FFFD sent as such is text.
        if (mangled := _not_utf8(http.scope.get("query_string", b""))) is not None and not (shared and shared_link_parameter(mangled)):
            raise problem(Refused(_parameter(mangled.replace("\ufffd", "?"))[0], "query_utf8", "this parameter is not UTF-8 once its %-escapes are "
                                  "decoded: encode the text as UTF-8 before percent-encoding it", RefusalKind.INVALID))
        unknown = sorted(name for name in set(http.query_params) - allowed if not (shared and shared_link_parameter(name)))
        if unknown:
            field, named = _parameter(unknown[0])
            raise problem(Refused(field, "unknown_parameter", f"{named} is not a parameter of this route; known: "
                                  f"{', '.join(sorted(allowed)) or 'none'}", RefusalKind.INVALID))
        repeated = sorted(name for name in set(http.query_params) - set(repeatable)
                          if len(http.query_params.getlist(name)) > 1 and not (shared and shared_link_parameter(name)))
        if repeated:
            takes_many = f"; only {', '.join(repeatable)} may be repeated" if repeatable else ""
            field, named = _parameter(repeated[0])
            raise problem(Refused(field, "parameter_once", f"{named} is given {len(http.query_params.getlist(repeated[0]))} times and "
                                  f"takes one value{takes_many}", RefusalKind.INVALID))

    return check


# The field that names a query parameter or form field with no name (`?=x`), which no route or form takes by that name.
NAMELESS = "(no name)"


def _parameter(name: str, part: str = "query") -> tuple[str, str]:
    """A query parameter's (or, `part` "form", a form field's) name as a refusal names it, in its field and its text: cut to
    60 characters, as it is echoed; one that shows nothing (empty, blank, a zero-width character: `?=x`, a script joining an
    empty name; found by an integrator's trial and a breaker) is `NAMELESS`."""
    if not name or shows_nothing(name):
        return NAMELESS, f"a {'field' if part == 'form' else 'parameter'} with no name ({name[:60]!r})"
    return name[:60], name[:60]


async def known_form_fields(http: Request) -> None:
    """A dependency of a page's form route refusing a field the route does not take, and one given twice (a typo, or a
    field of another form, must not be dropped unseen, nor a value but the last: a decision's `occurred_on` dropped
    would date it today); the CSRF token (`web.csrf`) is every form's."""
    route = http.scope["route"]
    # A form takes its fields in its body; one in the address is not taken for it (found by a new user: a decision sent to
    # `...?dry_run=1` was recorded, the parameter dropped unseen).
    if queried := sorted(http.query_params):
        field, named = _parameter(queried[0])
        raise problem(Refused(field, "unknown_parameter", f"{named} is not a parameter of this form's address: a form "
                              "takes its fields in its body", RefusalKind.INVALID))
    taken = {"csrftoken"} | {field.alias for field in route.dependant.body_params}
    form = await http.form()
    if unknown := sorted(set(form.keys()) - taken):
        field, named = _parameter(unknown[0], "form")
        raise problem(Refused(field, "unknown_parameter",
                              f"{named} is not a field of this form; known: {', '.join(sorted(taken))}", RefusalKind.INVALID))
    if repeated := sorted(name for name in set(form.keys()) if len(form.getlist(name)) > 1):
        field, named = _parameter(repeated[0], "form")
        raise problem(Refused(field, "parameter_once", f"{named} is given {len(form.getlist(repeated[0]))} times and takes one value",
                              RefusalKind.INVALID))


def withhold_refusals(http: Request, who: Caller, draft: permissions.Draft) -> None:
    """Mark the request, once its route has read the draft: to whom may not read a classified draft, the refusals relayed
    from it and its rounds give their field and rule only (found by a hunt for leaks: a round's `asked_only` and
    `round_closed` gave their sentences, where a draft's own refusals withheld them)."""
    http.state.read_by = (who, draft)


def relayed(http: Request, refused: Refused) -> Problem:
    """A draft's or a round's refusal as the caller may read it (`withhold_refusals`, `permissions.refused_for`)."""
    if (read_by := getattr(http.state, "read_by", None)) is not None:
        who, draft = read_by
        refused = permissions.refused_for(who, refused, classified=draft.classified, lead_ministry=draft.lead_ministry)
    return from_draft(refused)


async def temporal(http: Request, call: Awaitable[T], missing: str = "submission_id") -> T:
    """A call to Temporal within the API's bounded wait; its failures as problems."""
    try:
        async with asyncio.timeout(http.app.state.timeout):
            return await call
    except WorkflowUpdateFailedError as failed:
        if (refused := drafts.refused_by_the_draft(failed)) is not None:
            raise relayed(http, refused) from None
        if drafts.unprocessed(failed):  # still so after the client's retries: nothing applied, nothing kept under its key
            raise problem(Refused("submission_id", "draft_busy", "the draft's worker did not take the message (Temporal: "
                                  f"{failed.cause.message}); send the same request again in a moment", RefusalKind.BUSY)) from None
        cause = failed.cause
        raise problem(Refused("body", "refused", str(cause.message if isinstance(cause, ApplicationError) else failed),
                              RefusalKind.CONFLICT)) from None
    except WorkflowQueryFailedError as failed:
        # A draft whose start was refused never becomes ready, and one whose start input was not a draft's cannot even
        # run to answer: it has ended.
        if (ended := await _closed(http, missing, queried=True)) is not None:
            raise relayed(http, ended) from None
        if "draft_not_ready" in str(failed):
            raise problem(Refused("submission_id", "draft_not_ready", "the draft is starting (pinning its rulebook); retry shortly",
                                  RefusalKind.BUSY)) from None
        if drafts.refused_query(failed):
            raise problem(Refused("submission_id", "query_failed", str(failed), RefusalKind.CONFLICT)) from None
        submission_id = http.path_params.get("submission_id", "")
        log.error("query failing on a worker", submission_id=submission_id, failure=str(failed)[:200])
        raise problem(Refused(missing, "draft_task_failing", f"submission {submission_id}: {drafts.unanswered_query_message(failed)}",
                              RefusalKind.BUSY)) from None
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise problem(Refused("submission_id", "timed_out", f"no answer within {http.app.state.timeout:g} s: is Temporal answering, and a "
                              f"worker running on task queue {http.app.state.task_queue}? Send the same request again (with its Idempotency-Key) to apply it once",
                              RefusalKind.BUSY)) from None
    except KeyRingError as keys:
        # The answer came sealed with a key this process lacks or holds otherwise (a rotation given to the workers only):
        # the operators' to mend, told in the log; the caller learns no key's name (found by a hunt for leaks: a 500).
        log.error("a payload this API cannot open: give legis api the workers' LEGIS_ENCRYPTION_KEYS (README, Rotation)",
                  submission_id=http.path_params.get("submission_id", ""), failure=str(keys)[:300])
        raise problem(Refused(missing, "payload_keys_held", "the API cannot open this draft's data, sealed with a key "
                              "it lacks or holds otherwise (a key rotation not given to every process alike); the operators are "
                              "told in its log; retry once they have mended it", RefusalKind.BUSY)) from None
    except RPCError as rpc:
        if rpc.status is RPCStatusCode.NOT_FOUND and (ended := await _closed(http, missing)) is not None:
            raise relayed(http, ended) from None
        if rpc.status is RPCStatusCode.NOT_FOUND and (named := await _in_other_case(http, missing)) is not None:
            what, rule = ("consultation round of this draft", "round_unknown") if missing == "round_id" else ("draft", "draft_unknown")
            raise problem(Refused(missing, rule, f"no such {what}; {named} differs from it only in letter case", RefusalKind.NOT_FOUND)) from None
        raise _from_rpc(http, rpc, missing) from None


# The 404's hint waits this long for the registry, whatever the wait for Temporal.
HINT_SECONDS = 2.0


async def _in_other_case(http: Request, missing: str) -> str | None:
    """The draft a submission ID written in other letter case names, or the draft's round a round ID does (`missing`:
    round_id), for the caller's 404 (of a draft it may see)."""
    if missing not in ("submission_id", "round_id"):
        return None
    who = getattr(http.state, "caller", None)
    round_id = http.path_params.get("round_id", "")[:40] if missing == "round_id" else None
    try:
        return await database(board.in_other_case(http.app.state.pool, http.path_params.get("submission_id", "")[:64],
                                                  own_agency=who.agency_code if who is not None and permissions.leads(who) else None,
                                                  round_id=round_id),
                              seconds=HINT_SECONDS)
    except Exception:  # a courtesy: a database that cannot say (slow, locked, closing) leaves the 404 as Temporal gave it
        return None


async def _closed(http: Request, missing: str, *, queried: bool = False) -> Refused | None:
    """A draft or round that Temporal knows but answered NOT_FOUND (or a draft never ready) has ended: 409 naming its
    end, not "no such draft" nor "retry shortly"."""
    submission_id, round_id = http.path_params.get("submission_id", ""), http.path_params.get("round_id")
    client = http.app.state.client
    try:
        async with asyncio.timeout(http.app.state.timeout):
            if missing == "round_id" and round_id is not None:
                workflow_id, what, rule = (await round_client.round_workflow(client, submission_id, round_id)).id, f"round {round_id}", "round_closed"
            else:
                workflow_id, what, rule = draft_id_for(submission_id), "the draft", "draft_closed"
            return await drafts.closed(client, workflow_id, field=missing, what=what, rule=rule, queried=queried)
    except (RPCError, TimeoutError):
        return None  # Temporal cannot say more: the caller is told what the first answer said


def _from_rpc(http: Request, rpc: RPCError, missing: str) -> Problem:
    """Every answer of Temporal's that is not the call's result, as a problem: none reaches the caller as a 500."""
    if rpc.status is RPCStatusCode.NOT_FOUND:
        if missing == "round_id":
            return problem(Refused("round_id", "round_unknown", "no such consultation round of this draft", RefusalKind.NOT_FOUND))
        return problem(Refused("submission_id", "draft_unknown", "no such draft", RefusalKind.NOT_FOUND))
    if drafts.task_failing(rpc):
        submission_id, round_id = http.path_params.get("submission_id", ""), http.path_params.get("round_id")
        workflow_id = round_client.found_workflow_id(submission_id, round_id) if missing == "round_id" else draft_id_for(submission_id)
        log.error("workflow task failing", submission_id=submission_id, workflow_id=workflow_id)
        return problem(Refused(missing, "draft_task_failing", f"submission {submission_id}: {drafts.task_failing_message(workflow_id)}",
                               RefusalKind.BUSY))
    if rpc.status is RPCStatusCode.FAILED_PRECONDITION and "poller" in rpc.message:
        # Found by a breaker: with every worker stopped, the draft was said not to have run its first task.
        return problem(Refused(missing, "worker_unavailable", f"no worker polls task queue {http.app.state.task_queue}, which runs the "
                               "draft (Temporal: no poller seen recently): start one (legis worker), then send the same request again "
                               "(with its Idempotency-Key) to apply it once", RefusalKind.BUSY))
    if rpc.status is RPCStatusCode.FAILED_PRECONDITION:
        return problem(Refused(missing, "draft_not_ready", f"the workflow has not run its first task yet; retry shortly ({rpc.message})",
                               RefusalKind.BUSY))
    if rpc.status is RPCStatusCode.CANCELLED:
        return problem(Refused(missing, "timed_out", f"Temporal gave up waiting for a worker's answer ({rpc.message}): is a worker "
                               f"running on task queue {http.app.state.task_queue}? Send the same request again (with its Idempotency-Key) "
                               "to apply it once", RefusalKind.BUSY))
    if rpc.status is RPCStatusCode.INVALID_ARGUMENT:
        return problem(Refused("body", "temporal_accepts", drafts.refused_message(rpc), RefusalKind.INVALID))
    if drafts.draft_full(rpc):
        return problem(Refused("submission_id", "draft_busy", f"the draft has as many messages in flight as Temporal takes at once "
                               f"({rpc.message}); send the same request again in a moment; if it goes on, check that a worker polls "
                               f"task queue {http.app.state.task_queue} (legis worker)", RefusalKind.BUSY))
    if rpc.status not in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.RESOURCE_EXHAUSTED):
        log.error("Temporal refused a call", status=rpc.status.name, message=rpc.message)
    return problem(Refused("submission_id", "temporal_unavailable", f"Temporal does not answer ({rpc.status.name}): {rpc.message}; send "
                           "the same request again in a moment (a POST with its Idempotency-Key); if it goes on, the operators check that "
                           "the Temporal frontend runs and is reachable (LEGIS_TEMPORAL_ADDRESS)", RefusalKind.BUSY))


class ListPage(BaseModel, Generic[T]):
    """A page of a list, read forward: fastapi-pagination's cursor page without the backward and current cursors, which
    this API never gives (found by an integrator: always null, though described as working)."""

    items: list[T]
    total: int | None = Field(default=None, description="every item that matches, over all pages")
    next_page: str | None = Field(default=None, description="the cursor of the next page (pass it as `cursor`; also the `Link` header's "
                                  "`next`); none on the last page")

    @classmethod
    def of(cls, items: list[T], params: CursorParams, *, following: str | None, total: int) -> ListPage[T]:
        return cls(items=items, total=total, next_page=params.encode_cursor(following))


def cursor_of(params: CursorParams, position: str, *, given_in: str = "its `next_page`") -> str | None:
    """The position a list's `cursor` names, decoded; refused (422 `cursor_invalid`) unless it is base64 of UTF-8 that
    fully matches `position`, as the list gives it (`given_in`: where its answer carries it; a NUL byte, say, answered
    500 from the database)."""
    try:
        after = params.to_raw_params().cursor
    except HTTPException:  # not base64 of UTF-8
        after = ""
    if after is not None and not re.fullmatch(position, after):
        raise problem(Refused("cursor", "cursor_invalid", f"the cursor is not one this list gave (take {given_in} as it is)", RefusalKind.INVALID))
    return after


def link_next(http: Request, response: Response, next_page: str | None) -> None:
    """The `Link: <...>; rel="next"` header of a page that has a next one. `next_page` is written URL-encoded already:
    the link carries it once encoded, to be followed as it is."""
    if next_page:
        response.headers["Link"] = _next(http.url.include_query_params(cursor=unquote(next_page)))


def link_after(http: Request, response: Response, after: int | None) -> None:
    """The `Link: <...>; rel="next"` header of a page read by `after` (a draft's history, its dossier's versions) that has
    a next one."""
    if after is not None:
        response.headers["Link"] = _next(http.url.include_query_params(after=after))


def _next(url: URL) -> str:
    """The link to the next page, by its path and query: relative to the page asked for (RFC 8288), never naming the host a
    request's `Host` header claims (found by a breaker: `Host: evil.example` was written back into the link)."""
    return f'<{url.path}?{url.query}>; rel="next"'


async def database(call: Awaitable[T], *, seconds: float = 10) -> T:
    """A call to PostgreSQL; an outage (no answer within `seconds`) as 503 with Retry-After, not a bare 500. The call runs
    as a task of its own, cancelled and left to end when it does: a cancelled query's connection is given back to the
    pool only once the server answers asyncpg's cancel request, which a server that takes connections and answers
    nothing never does (found by a breaker: every read hung, the timeout waiting for that)."""
    try:
        return await within(call, seconds)
    except (TimeoutError, *DATABASE_DOWN, *DATABASE_GAVE_UP) as down:
        raise problem(Refused("database", "database_unavailable", f"the database does not answer ({type(down).__name__}); send the "
                              "same request again in a moment (a POST with its Idempotency-Key); if it goes on, the operators check "
                              "that PostgreSQL runs and is reachable (LEGIS_DATABASE_URL)", RefusalKind.BUSY)) from None


def rate(text: str | None):
    """A rate such as "600/minute" from the settings; none for an empty or `none` setting."""
    return parse(text) if text and text != "none" else None
