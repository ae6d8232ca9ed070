"""One refusal, whoever refuses: the draft core, a consultation round, the HTTP API's access rules or the CLI.

A refusal names the field of the message at fault, a stable rule name and a sentence for a person.
Its kind says what the caller can do about it, and so which HTTP status and CLI exit code it gets.
"""

from __future__ import annotations

from enum import Enum

from pydantic import ValidationError


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

    @classmethod
    def invalid(cls, error: ValidationError) -> Refused:
        """A message that does not validate against its model: its first problem's field and rule (pydantic's error
        type, which the project's validators name after their rule, `schemas.text.invalid`), and the other problems
        named after it; in pydantic's words, never quoting the input."""
        problems = [_problem(e) for e in error.errors(include_url=False, include_input=False)] or [("input", "invalid", "invalid")]
        (field, rule, message), more = problems[0], problems[1:]
        if more:
            message += f" (and {len(more)} more: " + ", ".join(f"{f} ({r})" for f, r, _ in more) + ")"
        return cls(field, rule, message, RefusalKind.INVALID)


def _problem(error: dict) -> tuple[str, str, str]:
    """One of pydantic's errors as field, rule and sentence; the whole message's field is `input`, and a model-level
    check names its field in its context."""
    named = (error.get("ctx") or {}).get("field")
    field = ".".join([*(str(part) for part in error["loc"]), *([named] if named else [])]) or "input"
    return field, error["type"], error["msg"].removeprefix("Value error, ").removeprefix(f"{named}: ")
