"""Dead letters: messages an activity could not carry out because of their data, kept with the reason.

A refusal for the data (a value the database will not store, a constraint it breaks) comes back the
same however often it is retried, and a retry without end would hold up everything queued behind it.
So the activity keeps the message here, raises `legis_dead_letters_total{kind}` and a log line, and
goes on; `legis dead-letters retry` carries it out again once the cause is fixed. A refusal for any
other reason (the database down, a lost connection, a lock) is left to Temporal's retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base
from pydantic import BaseModel

from schemas.time import Instant


class Kind(str, Enum):
    AUDIT = "AUDIT"  # an audit event (with the registry row it brings up to date)
    WEBHOOK = "WEBHOOK"  # one event to one webhook subscriber


# Refusals that depend on the values sent and nothing else: class 22 (data exception: out of range, too long, a
# character the encoding refuses, ...), the constraints a row breaks, and the client's own refusal to encode an
# argument (an integer over int4). A unique violation is left out: between concurrent writers it passes on a retry.
_FOR_ITS_DATA = (
    asyncpg.DataError,
    asyncpg.CheckViolationError,
    asyncpg.NotNullViolationError,
    asyncpg.ForeignKeyViolationError,
    asyncpg.ExclusionViolationError,
    asyncpg_base.DataError,
)


def refused_for_its_data(failure: BaseException) -> bool:
    return isinstance(failure, _FOR_ITS_DATA)


@dataclass(frozen=True)
class Reason:
    """Why the database refused, without the refused values: the server's detail line ("Failing row contains ...")
    would carry a classified draft's texts into logs and listings, so only the message and names are kept."""

    sqlstate: str | None
    text: str

    @classmethod
    def of(cls, failure: BaseException, *, classified: bool) -> Reason:
        """For a classified draft the message is left out too: some quote the value refused (a client-side encoding
        error always does)."""
        sqlstate = getattr(failure, "sqlstate", None)
        named = [f"{what} {value}" for what in ("table", "column", "constraint") if (value := getattr(failure, f"{what}_name", None))]
        message = "(message withheld: classified draft)" if classified else str(getattr(failure, "message", None) or failure).splitlines()[0][:500]
        where = f" ({', '.join(named)})" if named else ""
        return cls(sqlstate, f"{type(failure).__name__}{f' [{sqlstate}]' if sqlstate else ''}: {message}{where}")

    def fields(self, failure: BaseException) -> dict[str, str | None]:
        """What a log line may say: the codes and names, never the message (it may quote a value)."""
        return {"sqlstate": self.sqlstate, "error": type(failure).__name__,
                "constraint": getattr(failure, "constraint_name", None), "column": getattr(failure, "column_name", None)}


class DeadLetter(BaseModel):
    """One dead letter as `legis dead-letters` shows it; `payload` is what a retry sends again (JSON text)."""

    id: int
    kind: Kind
    submission_id: str
    seq: int
    event: str
    workflow_id: str | None
    run_id: str | None
    subscriber_id: int | None
    sqlstate: str | None
    reason: str
    classified: bool
    created_at: Instant
    retries: int
    last_retry_at: Instant | None
    last_error: str | None
    resolved_at: Instant | None
    payload: str | None = None


_INSERT = """
INSERT INTO dead_letters (kind, key, submission_id, seq, event, workflow_id, run_id, subscriber_id, payload, sqlstate, reason, classified)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (kind, key) DO UPDATE SET sqlstate = EXCLUDED.sqlstate, reason = EXCLUDED.reason, resolved_at = NULL
RETURNING id, (xmax = 0) AS new
"""
_COLUMNS = """id, kind, submission_id, seq, event, workflow_id, run_id, subscriber_id, sqlstate, reason, classified, created_at,
              retries, last_retry_at, last_error, resolved_at"""


async def record(
    db: asyncpg.Pool | asyncpg.Connection, kind: Kind, key: str, *, submission_id: str, seq: int, event: str, payload: str,
    reason: Reason, classified: bool, workflow_id: str | None = None, run_id: str | None = None, subscriber_id: int | None = None,
) -> tuple[int, bool]:
    """Keep a refused message; (its ID, whether it is new). The same message refused again is the same letter, open again."""
    row = await db.fetchrow(_INSERT, kind.value, key, submission_id, seq, event, workflow_id, run_id, subscriber_id, payload,
                            reason.sqlstate, reason.text, classified)
    return row["id"], row["new"]


async def listed(db, *, open_only: bool = True, submission_id: str | None = None, kind: Kind | None = None,
                 limit: int = 100) -> list[DeadLetter]:
    """Dead letters, oldest first: the open ones, or all with `open_only=False`."""
    rows = await db.fetch(
        f"""SELECT {_COLUMNS} FROM dead_letters
            WHERE (NOT $1 OR resolved_at IS NULL) AND ($2::text IS NULL OR submission_id = $2) AND ($3::text IS NULL OR kind = $3)
            ORDER BY id LIMIT $4""",
        open_only, submission_id, kind.value if kind else None, limit,
    )
    return [DeadLetter(**dict(row)) for row in rows]


async def one(db, letter_id: int) -> DeadLetter | None:
    row = await db.fetchrow(f"SELECT {_COLUMNS}, payload FROM dead_letters WHERE id = $1", letter_id)
    return DeadLetter(**dict(row)) if row else None


async def retried(db, letter_id: int, *, error: Reason | None) -> None:
    """After a retry: resolved, or still open with the error it met this time."""
    await db.execute(
        """UPDATE dead_letters SET retries = retries + 1, last_retry_at = now(), last_error = $2,
                  resolved_at = CASE WHEN $2::text IS NULL THEN now() END
           WHERE id = $1""",
        letter_id, error.text if error else None,
    )

