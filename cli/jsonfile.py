"""Every JSON file `legis` reads goes through `read_message`: one reading, so that no command is more lenient than another.

A file is UTF-8, with or without a byte-order mark (Windows editors write one); anything else is
refused rather than guessed. A key given twice is refused, naming it: which of the two values was
meant cannot be known (a decision with "outcome" twice must not be applied as either).
"""

from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cli.failures import Invalid, from_refusal
from schemas import json_keys
from schemas.bounds import MAX_ERRORS, over_bounds
from schemas.messages import MAX_MESSAGE_BYTES
from schemas.refusal import Refused, beyond_json_limits, described, finite, with_nearest_fields, without_echoes
from workflows.admissions import admits_no_secret, admits_nothing_misread

M = TypeVar("M", bound=BaseModel)

_WIDE_MARKS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


def _bytes(path: Path) -> bytes:
    """At most one byte over the limit is read, so that a file without end (`/dev/zero`) or of gigabytes is refused, not
    read into memory."""
    try:
        if str(path) == "-":
            raw = sys.stdin.buffer.read(MAX_MESSAGE_BYTES + 1)
        else:
            with path.open("rb") as file:
                raw = file.read(MAX_MESSAGE_BYTES + 1)
    except OSError as unreadable:
        raise Invalid(f"{path}: {unreadable.strerror}", field="file", rule="file_readable") from None
    if len(raw) > MAX_MESSAGE_BYTES:
        raise Invalid(f"{shown(path)}: over {MAX_MESSAGE_BYTES} bytes, the most a message may be (as the API's body)", field="file",
                      rule="file_too_large")
    return raw


def _text(raw: bytes, name: str) -> str:
    for mark, encoding in _WIDE_MARKS.items():
        if raw.startswith(mark):
            raise Invalid(f"{name}: the file is {encoding}; save it as UTF-8", field="file", rule="utf8_only")
    if b"\x00" in raw:
        raise Invalid(f"{name}: the file holds NUL bytes (UTF-16 or UTF-32 without a byte-order mark?); save it as UTF-8",
                      field="file", rule="utf8_only")
    try:
        return raw.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as undecodable:
        raise Invalid(f"{name}: byte {undecodable.start} (0x{raw[undecodable.start]:02x}) is not UTF-8; save the file as UTF-8",
                      field="file", rule="utf8_only") from None


def _no_constant(name: str) -> Any:
    raise Invalid(f"{name} is not a JSON number", field="file", rule="json_syntax")


def shown(path: Path) -> str:
    """How an error names the file read: its path as given, or standard input for `-`."""
    return "standard input" if str(path) == "-" else str(path)


def read_json(path: Path) -> str:
    """The file's text, once it is known to be UTF-8 JSON without a duplicate key."""
    name = shown(path)
    text = _text(_bytes(path), name)
    try:
        json_keys.loads(text, parse_constant=_no_constant, parse_float=finite)
    except json_keys.KeyRefused as refused:  # named by its path, as the API names it
        raise Invalid(f"{name}: {refused.field}: {refused.message}", field=refused.field, rule=refused.rule) from None
    except Invalid as ambiguous:
        raise Invalid(f"{name}: {ambiguous.message}", field=ambiguous.field, rule=ambiguous.rule) from None
    except json.JSONDecodeError as malformed:
        raise Invalid(f"{name}: not JSON: {malformed.msg} at line {malformed.lineno}, column {malformed.colno}",
                      field="file", rule="json_syntax") from None
    except (RecursionError, ValueError) as beyond:  # Python's own limits: nesting depth, digits of an integer, a float's range
        raise Invalid(f"{name}: not read: {beyond_json_limits(beyond)}", field="file", rule="json_syntax") from None
    return text


def describe(invalid: ValidationError | list[dict]) -> list[dict[str, str]]:
    """Pydantic's errors (or `schemas.bounds.over_bounds`'s) as the draft's refusals and the API's problems read: the
    field, the rule and a sentence (`schemas.refusal.described`, so that a date, say, is refused in the same words
    everywhere); the first `MAX_ERRORS`, as the API lists them."""
    errors = invalid.errors(include_url=False, include_input=False) if isinstance(invalid, ValidationError) else invalid
    problems = []
    for error in errors[:MAX_ERRORS]:
        field, rule, message = described(error, whole="body")
        problems.append({"field": field, "rule": rule, "message": message})
    return problems


def invalid_model(what: str, invalid: ValidationError | list[dict]) -> Invalid:
    """`invalid`'s problems in one line after `what` (the file read, or what the command's options made), each with its
    field and rule, the first `MAX_ERRORS` and how many more (found by a breaker: a file of 60,000 empty documents was
    refused in 9.8 MB of words); the operator gave a file or options, never a model, so no model is named."""
    errors = without_echoes(invalid.errors(include_url=False) if isinstance(invalid, ValidationError) else invalid)
    problems, found = describe(errors), len(errors)
    lines = "; ".join(
        (p["message"] if p["message"].startswith(f"{p['field']}:") else f"{p['field']}: {p['message']}") + f" (rule: {p['rule']})"
        for p in problems
    ) + (f"; and {found - len(problems)} more" if found > len(problems) else "")
    return Invalid(f"{what}: {lines}", field=problems[0]["field"], rule=problems[0]["rule"], problems=problems)


def _as_the_api_reads(model: type[BaseModel], text: str, invalid: ValidationError) -> ValidationError:
    """A file that Python's JSON reader took (`read_json`) but pydantic's refused as a whole holds what only pydantic's
    refuses, a lone surrogate escaped (`"\\ud800"`): read as the API reads a body, its field is refused by its own rule,
    `valid_unicode` (found by a breaker: the CLI said "json_invalid: unexpected end of hex escape")."""
    if not any(error["type"] == "json_invalid" for error in invalid.errors()):
        return invalid
    try:
        model.model_validate(json.loads(text))
    except ValidationError as by_field:
        return by_field
    return invalid


def read_message(path: Path, model: type[M]) -> M:
    """A message from a JSON file (or standard input for `-`), validated by its model; one that holds an API token's
    secret (`not_a_secret`) or a bidirectional control or line separator (`no_bidi_controls`, `no_line_separators`) is refused before anything stores it."""
    text = read_json(path)
    if errors := over_bounds(model, json.loads(text)):  # as the API walks a body: pydantic would check each item first
        raise invalid_model(shown(path), errors)
    try:
        message = model.model_validate_json(text)
        admits_no_secret(message)
        admits_nothing_misread(message)
    except ValidationError as invalid:
        raise invalid_model(shown(path), with_nearest_fields(model, _as_the_api_reads(model, text, invalid).errors())) from None
    except Refused as refused:
        raise from_refusal(refused) from None
    return message
