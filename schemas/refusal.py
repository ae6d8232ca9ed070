"""One refusal, whoever refuses: the draft core, a consultation round, the HTTP API's access rules or the CLI.

A refusal names the field of the message at fault, a stable rule name and a sentence for a person.
Its kind says what the caller can do about it, and so which HTTP status and CLI exit code it gets.
"""

from __future__ import annotations

from enum import Enum


class RefusalKind(str, Enum):
    INVALID = "INVALID"  # the message breaks a rule of its own (422): correct it
    FORBIDDEN = "FORBIDDEN"  # the caller may not do this (403)
    CONFLICT = "CONFLICT"  # the draft's state does not allow it now (409)
    STALE = "STALE"  # the draft moved on since the caller looked (409): read it again
    CLOSED = "CLOSED"  # the draft is in a final state (409)
    NOT_FOUND = "NOT_FOUND"  # no such draft, round or token (404)
    BUSY = "BUSY"  # the draft cannot take it this moment (503): send the same message again shortly


class Refused(ValueError):
    """Raised by every check; `str()` reads "field: message (rule: rule)"."""

    def __init__(self, field: str, rule: str, message: str, kind: RefusalKind = RefusalKind.CONFLICT) -> None:
        super().__init__(f"{field}: {message} (rule: {rule})")
        self.field = field
        self.rule = rule
        self.message = message
        self.kind = kind

    @property
    def details(self) -> dict[str, str]:
        """What travels with the refusal through Temporal (an ApplicationError's details) and into the API's answer."""
        return {"field": self.field, "rule": self.rule, "kind": self.kind.value}

    @classmethod
    def from_details(cls, message: str, details: dict) -> Refused:
        kind = details.get("kind")
        return cls(
            str(details.get("field", "body")),
            str(details.get("rule", "refused")),
            message.removesuffix(f" (rule: {details.get('rule')})").removeprefix(f"{details.get('field')}: "),
            RefusalKind(kind) if kind in RefusalKind._value2member_map_ else RefusalKind.CONFLICT,
        )
