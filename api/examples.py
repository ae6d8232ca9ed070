"""The walkthrough's messages (`schemas/examples/`), shown as examples in the OpenAPI document and Swagger UI."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fastapi.openapi.models import Example


@cache
def example(name: str) -> dict[str, Any]:
    return json.loads(resources.files("schemas.examples").joinpath(f"{name}.json").read_text(encoding="utf-8"))


def examples(*names: str) -> dict[str, Example]:
    """Request examples for a route's body, named after their files."""
    return {name: Example(summary=name.replace("-", " "), value=example(name)) for name in names}
