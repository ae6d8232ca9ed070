"""Time as people in Viet Nam read it: the Ha Noi offset, and answers that write every instant with it.

A day is a Ha Noi date (YYYY-MM-DD); an instant is ISO 8601 in Ha Noi time with its offset
(`2026-11-30T19:33:20+07:00`), in every answer of the API and the CLI alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

VIETNAM = timezone(timedelta(hours=7), "ICT")


def in_hanoi(moment: datetime) -> datetime:
    """The same instant at the Ha Noi offset; a naive one is taken as UTC (as Temporal and PostgreSQL give them)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(VIETNAM)


# An instant that answers write in Ha Noi time with its offset; the instant itself is unchanged.
Instant = Annotated[
    datetime,
    PlainSerializer(lambda moment: in_hanoi(moment).isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-11-30T19:33:20+07:00"]}),
]
