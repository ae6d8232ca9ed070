"""Idempotency keys on every POST, as payment APIs do them (`Idempotency-Key` header).

The key, a hash of the request (method, path, and the body's JSON value: keys in any order, any spacing) and the
first answer are recorded per caller (its agency and role: `key_scope`, so that a retry after its system's token is
rotated is still known), before the draft's checks: a request refused before its route runs (its path, its
token, a body that does not decode or validate) is refused first, and its key is not kept.
A retry with the same key and body gets that answer again, even if a check would now refuse the request; the same
key with another body is refused (`idempotency_key_reused`); a retry while the first is still being answered is asked
to come back (`request_in_progress`). Answers of 5xx and 429 are not kept, so that a retry runs the request again.
Keys reach the draft as its request ID too, which it remembers across runs. A key is kept `KEPT_DAYS` days.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from fastapi import Request, Response
from fastapi_problem.error import Problem

from api.deps import database
from api.problems import from_draft, problem, problem_body
from api.tokens import Caller
from schemas.refusal import RefusalKind, Refused

log = structlog.get_logger(__name__)
KEPT_HEADERS = ("location", "link")
# A key answers its retries for this long, then is forgotten (and may be used again).
KEPT_DAYS = 30


def key_scope(who: Caller) -> str:
    """What a key is unique within: the caller's agency and role ("BGDDT/LEAD_MINISTRY"), which the tokens of one system
    share through a rotation, as payment APIs keep keys per account (found by an integrator's trial: a filing retried
    under its key with the new token was applied a second time)."""
    return f"{who.agency_code}/{who.role.value}"


async def answer_once(http: Request, caller: str, key: str | None, run: Callable[[], Awaitable[Response]]) -> Response:
    """Run a POST once per (caller, key), the caller by its `key_scope`; raises the problems `run` raises, after recording them.

    A claim whose answer was never recorded (its API process killed while it ran, PostgreSQL lost before the answer could
    be written: found by a breaker, every retry was told `request_in_progress` for the 30 days the key is kept) is taken
    over by a retry once the first could no longer be running (`_claim_seconds`): the request runs again under the same
    key, which the draft remembers as its request ID, and so answers it as the first (`duplicate`) if it was applied."""
    if key is None:
        return await run()
    pool: asyncpg.Pool = http.app.state.pool
    digest = await _digest(http, canonical=True)
    held = _claim_seconds(http)
    claimed = await database(pool.fetchval(
        f"""INSERT INTO idempotency_keys (caller, key, method, path, request_sha256) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (caller, key) DO UPDATE SET method = $3, path = $4, request_sha256 = $5, status = NULL, headers = NULL,
                body = NULL, created_at = now()
            WHERE idempotency_keys.created_at < now() - interval '{KEPT_DAYS} days'
               OR (idempotency_keys.status IS NULL AND idempotency_keys.request_sha256 = $5
                   AND idempotency_keys.created_at < now() - make_interval(secs => $6))
            RETURNING true""",
        caller, key, http.method, http.url.path, digest, held,
    ))
    # Every caller's lapsed keys, those kept per token before `keyscopev28` too, which no caller names any more (found
    # by a breaker); by the index on `created_at`, a range that is nearly always empty.
    await database(pool.execute(f"DELETE FROM idempotency_keys WHERE created_at < now() - interval '{KEPT_DAYS} days'"))
    if not claimed:
        return await _first_answer(pool, caller, key, (digest, await _digest(http, canonical=False)), held)
    try:
        response = await run()
    except (Problem, Refused) as refused:
        # A refusal is an answer: kept, so that a retry after the draft has moved on is refused again, not applied then.
        answer = from_draft(refused) if isinstance(refused, Refused) else refused
        await _keep(pool, caller, key, answer.status, {"content-type": "application/problem+json", **(answer.headers or {})},
                    problem_body(answer))
        raise
    except BaseException:
        with contextlib.suppress(Problem):  # the database down: left claimed, a retry takes it over in `_claim_seconds`
            await database(pool.execute("DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2", caller, key))
        raise
    await _keep(pool, caller, key, response.status_code, dict(response.headers), response.body)
    return response


def _claim_seconds(http: Request) -> float:
    """How long a claim holds before a retry may take it over: longer than any request runs (the API's wait for Temporal,
    `LEGIS_API_TIMEOUT`, with the database's calls around it)."""
    return float(http.app.state.timeout) + 30


async def _digest(http: Request, *, canonical: bool) -> str:
    """SHA-256 of the method, the path and the body: its JSON value written one way (a client that sends its retry with
    its keys in another order, or spaced otherwise, sends the same request), or (`canonical=False`) its bytes, as keys
    recorded before this rule were hashed. The body has been decoded by then (`api.plumbing.decode_body`: each key
    once), so the value is the body's whole meaning."""
    raw = await http.body()
    if canonical and raw:
        raw = json.dumps(await http.json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(b"\n".join([http.method.encode(), http.url.path.encode(), raw])).hexdigest()


async def _keep(pool: asyncpg.Pool, caller: str, key: str, status: int, headers: dict[str, str], body: bytes) -> None:
    """Record the answer; the answer is given whether or not it could be (PostgreSQL lost meanwhile: found by a breaker,
    an applied decision answered 500), and a retry then takes the claim over (`answer_once`)."""
    kept = {name: value for name, value in headers.items() if name.lower() in (*KEPT_HEADERS, "content-type")}
    try:
        if status >= 500 or status == 429:
            await database(pool.execute("DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2", caller, key))
        else:
            await database(pool.execute("UPDATE idempotency_keys SET status = $3, headers = $4::jsonb, body = $5 WHERE caller = $1 "
                                        "AND key = $2", caller, key, status, json.dumps(kept), body))
    except Problem:
        log.warning("idempotency answer not recorded: the database is unavailable; a retry under the key runs the request again "
                    "once the claim lapses, and the draft answers it as the first", status=status)


async def _first_answer(pool: asyncpg.Pool, caller: str, key: str, digests: tuple[str, str], held: float) -> Response:
    row = await database(pool.fetchrow(
        "SELECT request_sha256, status, headers, body, greatest(1, ceil(extract(epoch FROM created_at + make_interval(secs => $3) - now()))) "
        "AS lapses_in FROM idempotency_keys WHERE caller = $1 AND key = $2", caller, key, held))
    if row is None or row["request_sha256"] not in digests:
        raise problem(Refused("Idempotency-Key", "idempotency_key_reused",
                              f"the key {key!r} was used for another request; send this one with a new key", RefusalKind.INVALID))
    if row["status"] is None:
        wait = int(min(row["lapses_in"], 5))  # asked again soon: the first's answer is most often recorded within seconds
        raise problem(Refused("Idempotency-Key", "request_in_progress", f"the request with key {key!r} is still being answered; retry "
                              f"shortly (one whose answer was lost is run again {int(row['lapses_in'])} s from now at the latest)",
                              RefusalKind.CONFLICT), headers={"Retry-After": str(wait)})
    headers = {**json.loads(row["headers"]), "Idempotent-Replayed": "true"}
    return Response(bytes(row["body"]), status_code=row["status"], headers=headers)
