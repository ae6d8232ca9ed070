"""A body checked against its model's bounds before the model validates it (`schemas.bounds`), refused as FastAPI refuses."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError

from schemas.bounds import MAX_ERRORS, over_bounds

__all__ = ["MAX_ERRORS", "check"]


def check(annotation: Any, value: Any) -> None:
    """Raise `RequestValidationError` for the first bound the body `value` breaks (`schemas.bounds.over_bounds`)."""
    if errors := over_bounds(annotation, value, ("body",)):
        raise RequestValidationError(errors)
