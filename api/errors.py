"""Every refusal as one JSON shape: {"error": {"status", "field", "rule", "message"}}."""

from __future__ import annotations

import re
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    status: int
    field: str = Field(description="the field (or header, or path part) the refusal is about")
    rule: str = Field(description="a stable name of the rule that refused it")
    message: str
    errors: list[dict[str, Any]] = Field(default_factory=list, description="for invalid bodies: every problem found")


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiRefusal(Exception):
    def __init__(self, status: int, field: str, rule: str, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.detail = ErrorDetail(status=status, field=field, rule=rule, message=message, errors=errors or [])


def refusal_response(refusal: ApiRefusal) -> JSONResponse:
    return JSONResponse(ErrorBody(error=refusal.detail).model_dump(mode="json"), status_code=refusal.detail.status)


# A model-level rule names its field at the start of its message: "amended_law: required when ...".
_FIELD_IN_MESSAGE = re.compile(r"^(?:Value error, )?([a-z_][a-z0-9_.]*): ")


def from_validation(invalid: RequestValidationError) -> ApiRefusal:
    problems = []
    for error in invalid.errors():
        location = [str(part) for part in error["loc"] if part not in ("body",)]
        named = _FIELD_IN_MESSAGE.match(error["msg"])
        field = ".".join(location) or (named.group(1) if named else "body")
        problems.append({"field": field, "rule": error["type"], "message": error["msg"]})
    first = problems[0] if problems else {"field": "body", "rule": "invalid", "message": "invalid request"}
    return ApiRefusal(422, first["field"], first["rule"], first["message"], problems)


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "no token, or a token unknown or revoked"),
        (403, "the token's agency or role may not do this"),
        (404, "no such draft"),
        (409, "the draft refused the message: wrong stage, outcome, documents, or the draft is closed"),
        (422, "the body is malformed: a field breaks a rule"),
        (503, "the draft is starting (its rulebook is not pinned yet): retry"),
    )
}
