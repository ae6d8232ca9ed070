"""Callers' tokens, kept hashed in PostgreSQL, and the refused attempts written to the audit trail.

A token reads `legis_<token id>_<secret>`. The ID finds the row; only the secret's SHA-256 is
stored, so a stolen database cannot be replayed against the API. Secrets carry 256 random bits:
a plain hash is enough, there is nothing to stretch.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from datetime import datetime

import asyncpg
import structlog
from pydantic import BaseModel, Field

from schemas.consultation import PUBLIC
from schemas.enums import CallerRole
from schemas.redaction import tokens_redacted
from schemas.refusal import RefusalKind, Refused
from schemas.time import Instant, in_hanoi
from schemas.views import REDACTED

log = structlog.get_logger(__name__)

PREFIX = "legis"


class Caller(BaseModel):
    token_id: str
    agency_code: str
    role: CallerRole
    # What names the caller where Temporal shows it (a round's update IDs, `workflows.round_requests`): a key drawn from the
    # token's secret (`pseudonym_key`), so that a reader of the Web UI can match it neither with the token's ID, which the
    # token list and the refusals' record set beside its ministry, nor across drafts (`pseudonym`), where a draft whose
    # ministry Temporal shows would name a classified one's (found by a hunt for leaks, then by its re-check).
    pseudonym_key: bytes = Field(default=b"", exclude=True, repr=False)

    def pseudonym(self, submission_id: str) -> str:
        """12 hex digits naming this token in `submission_id`'s rounds: one token and draft, one pseudonym; another draft,
        another; a token's rotation gives another, as its ID did."""
        return hmac.new(self.pseudonym_key, submission_id.encode(), hashlib.sha256).hexdigest()[:12]


class TokenRow(Caller):
    label: str
    issued_by: str
    issued_at: Instant
    revoked_at: Instant | None
    expires_at: Instant | None = None


class Unauthenticated(Refused):
    """A refusal of the token in `Authorization` (answered 401: `api.problems.HTTP_STATUS`); `caller`: whom a revoked
    or expired token acted for (its secret matched), which its refusal's record names."""

    def __init__(self, rule: str, message: str, token_id: str | None = None, caller: Caller | None = None) -> None:
        super().__init__("Authorization", rule, message, RefusalKind.FORBIDDEN)
        self.token_id = token_id
        self.caller = caller


def bearer_token(header: str | None) -> str:
    """The token an `Authorization` header carries (the API's and the codec server's alike): none, or the Bearer scheme
    alone (`Bearer`, `bearer`), is a token missing, `token_required` (found by an upstream system's trial: told "only the
    Bearer scheme is accepted" of the Bearer scheme); another scheme, `bearer_only`."""
    scheme, _, token = (header or "").strip().partition(" ")
    if not scheme:
        raise Unauthenticated("token_required", "send `Authorization: Bearer <token>`")
    if scheme.lower() != "bearer":
        raise Unauthenticated("bearer_only", "only the Bearer scheme is accepted: `Authorization: Bearer <token>`")
    if not token.strip():
        raise Unauthenticated("token_required", "the Bearer scheme came without its token: send `Authorization: Bearer <token>`")
    return token.strip()


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _pseudonym_key(secret: str) -> bytes:
    """A token's key for its pseudonyms (`Caller.pseudonym`): a digest of its secret apart from the one stored (`_digest`)."""
    return hashlib.sha256(f"legis caller pseudonym\n{secret}".encode()).digest()


async def issue(pool: asyncpg.Pool, *, agency_code: str, role: CallerRole, issued_by: str, label: str = "",
                expires_at: datetime | None = None) -> tuple[str, str]:
    """A new token, valid until `expires_at` if given; returns (token ID, the whole token). The whole token is never stored."""
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO api_tokens (token_id, agency_code, role, label, secret_sha256, issued_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        token_id, agency_code, role.value, label, _digest(secret), issued_by, expires_at,
    )
    return token_id, f"{PREFIX}_{token_id}_{secret}"


async def revoke(pool: asyncpg.Pool, token_id: str, *, revoked_by: str) -> bool:
    """Revoke a token; False when there is no such live token."""
    status = await pool.execute(
        "UPDATE api_tokens SET revoked_at = now(), revoked_by = $2 WHERE token_id = $1 AND revoked_at IS NULL", token_id, revoked_by
    )
    return status == "UPDATE 1"


def tokenless_warning(agencies: list[str]) -> str:
    """What a round's opening says of the consultees no token acts for (the API's receipt, `legis consult open`)."""
    return (f"no API token acts for {', '.join(agencies)}: its opinion cannot be sent through the API until one is issued "
            "(legis tokens issue CODE CONSULTEE --by WHO); a code mistyped is answered by no one, and the round waits for it "
            "until its window closes (legis consult cancel, before it has taken an opinion)")


async def agencies_without_tokens(pool: asyncpg.Pool | asyncpg.Connection, agencies: tuple[str, ...]) -> list[str]:
    """Those of `agencies` for which no token in force acts (revoked, expired and operators' tokens do not), in order; never
    the public (PUBLIC), whose comments the lead ministry's system forwards under its own token (found by a public trial:
    told to issue a token for PUBLIC, which every route then refused)."""
    agencies = tuple(agency for agency in agencies if agency != PUBLIC)
    held = {row[0] for row in await pool.fetch(
        "SELECT DISTINCT agency_code FROM api_tokens WHERE agency_code = ANY($1) AND role <> 'OPERATOR' AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > now())", list(agencies))}
    return [agency for agency in agencies if agency not in held]


async def list_tokens(pool: asyncpg.Pool) -> list[TokenRow]:
    rows = await pool.fetch(
        "SELECT token_id, agency_code, role, label, issued_by, issued_at, revoked_at, expires_at FROM api_tokens ORDER BY issued_at, token_id"
    )
    return [TokenRow(**dict(row)) for row in rows]


_TOKEN_ID = re.compile(r"[0-9a-f]{12}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,200}")


async def authenticate(pool: asyncpg.Pool, token: str | None) -> Caller:
    if not token:
        raise Unauthenticated("token_required", "send `Authorization: Bearer <token>`; operators issue tokens with `legis tokens issue`")
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    # As `issue` writes them: an ID of 12 hex digits, a URL-safe secret (a stray character pasted with it is the token's
    # shape broken, not a token unknown: found by an integrator).
    if prefix != PREFIX or not _TOKEN_ID.fullmatch(token_id) or not _SECRET.fullmatch(secret):
        raise Unauthenticated("token_malformed", "a token reads legis_<id>_<secret>: 12 hex digits, then letters, digits, '-' and '_'")
    row = await pool.fetchrow(
        "SELECT agency_code, role, secret_sha256, revoked_at, expires_at, expires_at <= now() AS expired FROM api_tokens WHERE token_id = $1",
        token_id)
    if row is None or not hmac.compare_digest(bytes(row["secret_sha256"]), _digest(secret)):
        raise Unauthenticated("token_unknown", "no such token", token_id if row is not None else None)
    caller = Caller(token_id=token_id, agency_code=row["agency_code"], role=CallerRole(row["role"]), pseudonym_key=_pseudonym_key(secret))
    if row["revoked_at"] is not None:
        raise Unauthenticated("token_revoked", f"token {token_id} was revoked on {in_hanoi(row['revoked_at']).date()} (Ha Noi)", token_id, caller)
    if row["expired"]:
        raise Unauthenticated("token_expired", f"token {token_id} expired at {in_hanoi(row['expires_at']).isoformat()}", token_id, caller)
    return caller


class Refusal(BaseModel):
    occurred_at: Instant
    token_id: str | None
    agency_code: str | None
    role: str | None
    action: str
    submission_id: str | None
    status: int
    field: str
    rule: str
    message: str


def refusal_logged(*, caller: Caller | None, token_id: str | None, action: str, submission_id: str | None, status: int, field: str,
                   rule: str, classified: bool | None = None) -> dict[str, object]:
    """What a refusal's log line carries, recorded or not: who (the token's public ID, never its secret), what, and why
    (the field and the rule; not the message, which may quote a classified draft). Of an attempt on a `classified` draft,
    not who: its lead ministry's own attempts would name it beside the draft (found by a breaker); none (not known, the
    registry not asked): not who of an attempt on any draft."""
    if classified is None:
        classified = submission_id is not None
    who = {} if classified else {"token_id": token_id, "agency_code": caller.agency_code if caller else None,
                                 "caller_role": caller.role.value if caller else None}
    return {**who, "action": action, "submission_id": submission_id, "status": status, "field": field, "rule": rule}


def _storable(text: str) -> str:
    """What the caller sent, as PostgreSQL's text takes it: a NUL, or a lone surrogate (a byte that was not UTF-8), written
    as its escape (found by a breaker: the database refused the row, and a caller adding a NUL to each attempt left
    none in the audit trail)."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


async def record_refusal(
    pool: asyncpg.Pool,
    *,
    caller: Caller | None,
    token_id: str | None,
    action: str,
    submission_id: str | None,
    status: int,
    field: str,
    rule: str,
    message: str,
    said_classified: bool | None = None,
) -> None:
    """Write a refused attempt to `access_refusals` and log it; `said_classified` is what a refused start said of its draft."""
    # What the caller sent (a path part, a parameter's name) is quoted here as operators will read it: a token pasted in
    # place of a submission ID keeps its ID only, as in the logs (`schemas.redaction`).
    action, field, message = (_storable(tokens_redacted(text)) for text in (action, field, message))
    submission_id = _storable(tokens_redacted(submission_id)) if submission_id else submission_id
    # Withheld while the registry cannot say the draft is not classified (a draft just started has no row yet: found by
    # a breaker), nor answers within a second (its table locked by a migration: the answer waits for this line), and
    # when the database does not answer.
    classified = submission_id is not None
    try:
        await pool.execute(
            """INSERT INTO access_refusals (token_id, agency_code, role, action, submission_id, status, field, rule, message, classified)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            token_id, caller.agency_code if caller else None, caller.role.value if caller else None,
            action, submission_id, status, field, rule, message[:1000], said_classified,
        )
        if submission_id is not None:
            with contextlib.suppress(TimeoutError):
                classified = await pool.fetchval("SELECT coalesce((SELECT classified FROM submissions WHERE submission_id = $1), true)",
                                                 submission_id, timeout=1)
    finally:
        log.warning("attempt refused", **refusal_logged(caller=caller, token_id=token_id, action=action, submission_id=submission_id,
                                                       status=status, field=field, rule=rule, classified=classified))


async def list_refusals(pool: asyncpg.Pool, *, submission_id: str | None = None, limit: int = 100) -> list[Refusal]:
    """Refused attempts, newest first, as operators read them: a classified draft's say their field and rule only (what
    its lead ministry was told may quote the draft: its session, its dates; found by a review), and not who was refused
    (its lead ministry's own attempts named it beside the draft, by its agency, role and token: found by a breaker). A
    refused start that said it was classified stays so, whatever started under its ID later; another attempt's draft is
    as the registry holds it, else as a start claimed its ID in any letter case (found by breakers: a classified start
    refused before it started was listed whole, and again once a plain start took its ID)."""
    rows = await pool.fetch(
        """SELECT r.occurred_at, r.token_id, r.agency_code, r.role, r.action, r.submission_id, r.status, r.field, r.rule, r.message,
                  coalesce(r.classified, false) OR coalesce(s.classified, (SELECT c.classified FROM submission_ids c
                                                                           WHERE c.folded = lower(r.submission_id)), false) AS classified
           FROM access_refusals r LEFT JOIN submissions s USING (submission_id)
           WHERE ($1::text IS NULL OR r.submission_id = $1) ORDER BY r.id DESC LIMIT $2""",
        submission_id, limit,
    )
    listed = []
    for row in rows:
        # Rows written before refusals were redacted on their way in may quote a token whole.
        fields = {name: tokens_redacted(value) if name in ("action", "submission_id", "field", "message") and value else value
                  for name, value in row.items() if name != "classified"}
        if row["classified"]:
            fields["message"] = Refused(fields["field"], fields["rule"], fields["message"]).withheld().message
            fields.update(token_id=None, agency_code=REDACTED, role=REDACTED)
        listed.append(Refusal(**fields))
    return listed
