"""A draft's memory of the requests it applied: the idempotency window across runs (README, "Idempotency across runs").

A request ID (a caller's `--request-id` or `Idempotency-Key`, else the update's own ID) applied once is remembered with a
digest of its message and the receipt it got, the last `REMEMBERED_REQUESTS` of them, carried from run to run: sent
again, it gets that receipt (`duplicate`) and applies nothing; sent again with another message, it is refused
(`idempotency_key_reused`). Pure: no Temporal, no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import re

from schemas.refusal import RefusalKind, Refused
from schemas.state import REMEMBERED_REQUESTS, DraftState, SeenRequest

# An update ID the client gives a call with a request ID: the request ID and a nonce, so that callers sending one request
# ID at once are each an update (`workflows.client.send`); any other update ID (a call without a request ID, another
# Temporal client's, an older history's) is the request ID whole, spaces included.
_NONCED = re.compile(r"(?P<request_id>\S+) legis-[0-9a-f]{32}")


def update_id_for(request_id: str, nonce: str) -> str:
    """`nonce`: 32 lowercase hexadecimal digits (a UUID's)."""
    return f"{request_id} legis-{nonce}"


def request_id_of(update_id: str) -> str:
    return found["request_id"] if (found := _NONCED.fullmatch(update_id)) else update_id


def remembered(state: DraftState, request_id: str | None) -> SeenRequest | None:
    return None if request_id is None else next((r for r in reversed(state.seen) if r.request_id == request_id), None)


def check_retry(seen: SeenRequest, message: object) -> None:
    if seen.digest != digest(message):
        raise Refused("request_id", "idempotency_key_reused",
                      f"request ID {seen.request_id!r} was applied with another message; send this one under a new request ID", RefusalKind.INVALID)


def digest(message: object) -> str:
    dump = message.model_dump_json() if hasattr(message, "model_dump_json") else repr(message)
    return hashlib.sha256(dump.encode()).hexdigest()[:16]


def remember(state: DraftState, seen: SeenRequest) -> tuple[SeenRequest, ...]:
    """The requests remembered once `seen` is: the last `REMEMBERED_REQUESTS`. From the thirty-second generation a message
    legis sends to every running draft goes first when one must go, so that the window is the callers' last 256 requests
    (found by a breaker: each calendar change took a place among them, and a caller's retry inside the window was applied
    twice)."""
    kept = (*state.seen, seen)
    if state.generation < 32:
        return kept[-REMEMBERED_REQUESTS:]
    while len(kept) > REMEMBERED_REQUESTS:
        first = next((i for i, r in enumerate(kept) if r.broadcast), 0)
        kept = kept[:first] + kept[first + 1:]
    return kept


def delivered_again(state: DraftState, request_id: str | None, update_id: str) -> bool:
    """Whether the request was applied by this very update: Temporal delivers an update that a run completed to the next run
    again when the run continues as new before its caller has the answer; that caller sent it once, and is answered as it
    was the first time, not as a duplicate (found by a breaker of a draft's long life: callers of messages sent once were
    told "already applied")."""
    seen = remembered(state, request_id)
    return seen is not None and seen.update_id == update_id
