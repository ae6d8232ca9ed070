"""One refusal, whoever refuses: the draft core, a consultation round, the HTTP API's access rules or the CLI.

A refusal names the field of the message at fault, a stable rule name and a sentence for a person.
Its kind says what the caller can do about it, and so which HTTP status and CLI exit code it gets.
"""

from __future__ import annotations

import difflib
import math
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from schemas.bounds import MAX_ERRORS


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

    def withheld(self) -> Refused:
        """The same refusal naming its field and rule only: what a classified draft's refusal says to whom may not read
        the draft (its words may quote what the draft holds: its session, dates, points)."""
        return Refused(self.field, self.rule, f"refused by rule {self.rule} (details withheld: classified draft)", self.kind)

    def within(self, part: str) -> Refused:
        """The same rule broken by a part of a larger message (`passed.2`: a start request's third step), which the
        message breaks as a whole: INVALID, whatever it would be sent on its own."""
        return Refused(f"{part}.{self.field}", self.rule, self.message, RefusalKind.INVALID)

    def sealed_details(self) -> dict[str, str]:
        """The details of a classified draft's refusal, whose failure message is withheld (`withheld`): its own sentence
        travels in them, sealed with the draft's payloads, for the clients that hold the keys."""
        return {**self.details, "message": self.message}

    @classmethod
    def from_details(cls, message: str, details: dict) -> Refused:
        """The refusal a failure carries: its sentence from the details where they hold it (`sealed_details`), else from
        the failure's message."""
        kind = details.get("kind")
        said = details.get("message")
        return cls(
            str(details.get("field", "body")),
            str(details.get("rule", "refused")),
            said if isinstance(said, str) else message.removesuffix(f" (rule: {details.get('rule')})").removeprefix(f"{details.get('field')}: "),
            RefusalKind(kind) if kind in RefusalKind._value2member_map_ else RefusalKind.CONFLICT,
        )

    @classmethod
    def invalid(cls, error: ValidationError) -> Refused:
        """A message that does not validate against its model: its first problem's field and rule (pydantic's error
        type, which the project's validators name after their rule, `schemas.text.invalid`), and the other problems
        named after it (`MAX_ERRORS` in all, and how many more); in pydantic's words, never quoting the input; without the
        echo of a list whose items failed, as the API and the CLI leave it out (`without_echoes`; found by a re-check)."""
        return cls.of_errors(without_echoes(error.errors(include_url=False)))

    @classmethod
    def of_errors(cls, errors: list[dict]) -> Refused:
        """`invalid` for pydantic's errors as a list (`schemas.bounds.over_bounds` gives them so): bounded in size whatever
        the message held (found by a breaker: 60,000 empty documents in a raw update were refused in 6 MB of words, which
        Temporal would not take, so that the draft's workflow task failed in their place)."""
        problems = [described(e) for e in errors[:MAX_ERRORS]] or [("input", "invalid", "invalid")]
        (field, rule, message), more = problems[0], problems[1:]
        if more:
            named = ", ".join(f"{f} ({r})" for f, r, _ in more)
            message += f" (and {len(errors) - 1} more: {named}" + (", ..." if len(errors) > len(problems) else "") + ")"
        return cls(field, rule, message, RefusalKind.INVALID)


# The longest field a refusal names: a location's parts are the message's own keys.
MAX_FIELD = 200

# Pydantic's words where they name Python's types, not what a caller writes in JSON.
_WORDING = {
    "tuple_type": "Input should be a list (a JSON array)",
    "date_from_datetime_parsing": "Input should be a date written YYYY-MM-DD",
    "date_parsing": "Input should be a date written YYYY-MM-DD",
    "date_type": "Input should be a date written YYYY-MM-DD",
}


def without_echoes(errors: list[dict]) -> list[dict]:
    """Pydantic's errors less its echo of a list whose items failed as "too short" (its valid items counted, not 0 as
    sent): long enough as sent, only the items are wrong. The API and the CLI leave it out alike (found by a lead
    ministry's trial: the CLI said an http:// address's list of one document had "at least 1 item, not 0")."""
    beneath = {error["loc"][:depth] for error in errors for depth in range(1, len(error["loc"]))}
    return [error for error in errors if not (
        error["type"] == "too_short" and isinstance(error.get("input"), list | tuple)
        and len(error["input"]) >= (error.get("ctx") or {}).get("min_length", 0) and error["loc"] in beneath)]


def described(error: dict, *, whole: str = "input", skip: tuple[str, ...] = ()) -> tuple[str, str, str]:
    """One of pydantic's errors as field, rule and sentence: the rule is the error's type, which the project's own
    validators name after their rule (`schemas.text.invalid`); the whole message's field is `whole`, the location's
    parts in `skip` are left out (the HTTP API's `body`, `query`), and a model-level check names its field in its
    context."""
    named = (error.get("ctx") or {}).get("field")
    location = [str(part) for part in error["loc"] if part not in skip]
    field = ".".join([*location, *([named] if named else [])]) or whole
    if len(field) > MAX_FIELD:  # an unknown key is the caller's, of any length
        field = field[:MAX_FIELD] + "..."
    said = error["msg"].removeprefix("Value error, ").removeprefix(f"{named}: ")
    if (plain := _WORDING.get(error["type"])) is not None:
        said = plain + (f" ({said.split(', ', 1)[1]})" if ", " in said else "")
    elif error["type"] in ("too_short", "too_long") and said.startswith("Tuple "):  # a JSON array, to whom sent it
        said = "List " + said.removeprefix("Tuple ").replace(" after validation", "")
    return field, error["type"], said


def finite(written: str) -> float:
    """A JSON number read as a float (`json.loads`'s `parse_float`) when it is within a float's range: `1e999` would read
    as infinity, which JSON cannot write, and is refused as `Infinity` is (a ValueError, which the API's body and the
    CLI's files name as they name Python's other limits, `beyond_json_limits`)."""
    if math.isinf(number := float(written)):
        raise ValueError(f"the number {written[:40]} is beyond a float's range (it would read as infinity, which is not a JSON number)")
    return number


def beyond_json_limits(error: RecursionError | ValueError) -> str:
    """Which limit of Python's JSON (or TOML) reader a text passed, in words (the API's body, the CLI's files)."""
    if isinstance(error, RecursionError):
        return "its arrays or objects are nested too deeply"
    return "a number has more than 4300 digits" if "digits" in str(error) else str(error)


def with_nearest_fields(model: type[BaseModel], errors: list[dict]) -> list[dict]:
    """Each key its model does not know (`extra_forbidden`) said with the field nearest it, where one is near (found by a
    new user: `ocurred_on` was "Extra inputs are not permitted", where a misspelled option is offered the right one). The
    CLI's files and the API's bodies."""
    return [{**error, "msg": f"{error['msg']}; did you mean {near}?"}
            if error["type"] == "extra_forbidden" and (near := _nearest_field(model, error["loc"])) else error for error in errors]


def _nearest_field(model: type[BaseModel], location: tuple) -> str | None:
    current: type[BaseModel] | None = model
    for part in location[:-1]:
        if isinstance(part, int):  # an item of a list: its model is the list's
            continue
        field = current.model_fields.get(part) if current is not None else None
        current = next((t for t in _types_in(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None) if field else None
    if current is None or not location or not isinstance(location[-1], str):
        return None
    return next(iter(difflib.get_close_matches(location[-1], list(current.model_fields), n=1, cutoff=0.75)), None)


def _types_in(annotation: Any) -> list[Any]:
    return [annotation, *(t for arg in typing.get_args(annotation) for t in _types_in(arg))]
