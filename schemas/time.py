"""Time as people in Viet Nam read it: the Ha Noi offset, and answers that write every instant with it.

A day is a Ha Noi date (YYYY-MM-DD); an instant is ISO 8601 in Ha Noi time with its offset
(`2026-11-30T19:33:20+07:00`), in every answer of the API and the CLI alike.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

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


_WRITTEN_AS_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_as_day(value: object) -> object:
    # Pydantic alone would take a number as seconds since 1970 (a UTC day) and an instant at midnight as its day.
    if (isinstance(value, str) and _WRITTEN_AS_DAY.fullmatch(value)) or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise PydanticCustomError("date_from_datetime_parsing", "Input should be a date written YYYY-MM-DD")


# A Ha Noi day as a caller gives it: `YYYY-MM-DD` (or a date, from Python), nothing else. Refused with the rule
# `date_from_datetime_parsing`, as pydantic names a day it cannot read, so that every refusal of a day says the same.
Day = Annotated[date, BeforeValidator(_written_as_day)]
