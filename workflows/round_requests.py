"""A round's request IDs: a caller's key sent again with another message is refused, as a draft refuses it.

A round's message sent under an idempotency key (`--request-id`, `Idempotency-Key`) carries it in its update ID,
`<caller>:<key>:<digest>`, the digest that of the message (`update_id`). Temporal answers an update ID it has seen with
that update's outcome before any code of the round runs, so the same key with the same message gets the first answer,
even after the round has ended. The same key with another message is another update ID: the round refuses it
(`idempotency_key_reused`) when it has taken that key before, where Temporal alone would have answered it with the first
message's outcome and dropped it (found by a breaker). Pure: no Temporal import.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel

from schemas.refusal import RefusalKind, Refused

# The caller of a round's message sent from the command line; an API caller is its token's pseudonym in the draft (12 hex
# digits, `api.tokens.Caller.pseudonym`; a release before this one gave the token's ID, which named its ministry to the
# Web UI's readers).
CLI_CALLER = "cli"
# The keys a round remembers, the latest last: a round takes one opinion per consultee and the public's through the lead
# ministry's system; a key older than these is taken as new.
REMEMBERED = 256
# The callers: the command line, or an API token's pseudonym (or its ID, before this release); a raw Temporal client's own update IDs are not keys (a breaker).
_UPDATE_ID = re.compile(r"(?P<caller>cli|[0-9a-f]{12}):(?P<key>.+):(?P<digest>[0-9a-f]{16})", re.DOTALL)


def update_id(caller: str, key: str | None, message: BaseModel) -> str | None:
    """The round's update ID for `message` sent by `caller` (an API token's pseudonym, or `cli`) under `key`; None without a key
    (Temporal makes one). Another caller's same key is another message's."""
    if key is None:
        return None
    digest = hashlib.sha256(f"{type(message).__name__}\n{message.model_dump_json()}".encode()).hexdigest()[:16]
    return f"{caller}:{key}:{digest}"


def sent_before(token_id: str, key: str | None, message: BaseModel) -> tuple[str, ...]:
    """The update IDs the releases before this one gave an API token's `message` under `key`, the latest first: the
    token's ID in place of its pseudonym, then also without the message's digest (`<token>:<key>`)."""
    if key is None:
        return ()
    named = update_id(token_id, key, message)
    return named, named.rsplit(":", 1)[0]


class RoundRequests:
    """The keys a round has taken messages under, with their messages' digests."""

    def __init__(self) -> None:
        self._digests: dict[str, str] = {}

    def check(self, update_id: str | None) -> None:
        """Raises Refused (INVALID, `request_id`, `idempotency_key_reused`) for a key taken before with another message."""
        if (found := _UPDATE_ID.fullmatch(update_id or "")) is None:
            return
        taken = self._digests.get(f"{found['caller']}:{found['key']}")
        if taken is not None and taken != found["digest"]:
            raise Refused("request_id", "idempotency_key_reused",
                          f"request ID {found['key']!r} was taken with another message by this round; send this one under a new request ID",
                          RefusalKind.INVALID)

    def remember(self, update_id: str | None) -> None:
        if (found := _UPDATE_ID.fullmatch(update_id or "")) is None:
            return
        key = f"{found['caller']}:{found['key']}"
        self._digests.pop(key, None)
        self._digests[key] = found["digest"]
        if len(self._digests) > REMEMBERED:
            del self._digests[next(iter(self._digests))]
