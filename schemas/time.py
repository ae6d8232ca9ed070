"""Time as people in Viet Nam read it: the Ha Noi offset, and answers that write every instant with it.

A day is a Ha Noi date (YYYY-MM-DD); an instant is ISO 8601 in Ha Noi time with its offset
(`2026-11-30T19:33:20+07:00`), in every answer of the API and the CLI alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel, SerializerFunctionWrapHandler, field_serializer

VIETNAM = timezone(timedelta(hours=7), "ICT")


def in_hanoi(moment: datetime) -> datetime:
    """The same instant at the Ha Noi offset; a naive one is taken as UTC (as Temporal and PostgreSQL give them)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(VIETNAM)


class HanoiInstants(BaseModel):
    """A model whose JSON writes each of its instants in Ha Noi time; the instant itself is unchanged."""

    @field_serializer("*", mode="wrap", when_used="json")
    def _hanoi(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        return in_hanoi(value).isoformat() if isinstance(value, datetime) else handler(value)
