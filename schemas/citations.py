"""Whether each number and rule of a rulebook was read in a law text: its article and the URL of the text read, or
the `unverified` flag that says it was not (issue 14: officials trust a deadline only if it is the law's).

A number or rule that says `unverified: false` must name its article in `source` ("Art. 34(1)", "Arts. 23-26",
"Điều 37") and give the `url` where that text was read; one that says `unverified: true` explains in its source
what is missing. The rules with no source field of their own (who withdraws, files, arbitrates, changes the
programme or approves a postponement) are cited in the rulebook's `citations`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import get_args

from pydantic import BaseModel

from schemas.rulebook import CitedRule, ConsultationWindow, FollowUp, Rulebook, StageLadder, TimeLimit

ARTICLE = re.compile(r"\b(Arts?\.|Điều) ?\d+")


def flags(book: Rulebook) -> Iterator[tuple[str, BaseModel]]:
    """Every part of the rulebook that says whether it was read in a law text, with where it sits
    (`stages.APPRAISAL.time_limit`, `citations.withdrawal`); parts of earlier editions that did not say are left out."""
    yield from _walk(book, "")


def _walk(value: object, where: str) -> Iterator[tuple[str, BaseModel]]:
    if isinstance(value, BaseModel):
        if "unverified" in type(value).model_fields and value.unverified is not None:
            yield where, value
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{where}.{name}" if where else name)
    elif isinstance(value, tuple):
        for position, item in enumerate(value):
            key = next((getattr(item, k) for k in ("stage", "track", "kind", "day", "rule") if hasattr(item, k)), position)
            yield from _walk(item, f"{where}.{key.isoformat() if isinstance(key, date) else getattr(key, 'value', key)}")


def is_number(part: BaseModel) -> bool:
    """A number (a time limit, a consultation window, the follow-up ladder) rather than a rule (a stage, a track, a citation)."""
    return isinstance(part, (TimeLimit, ConsultationWindow, FollowUp, StageLadder))


def unverified(book: Rulebook) -> tuple[str, ...]:
    """Where the numbers and rules not yet read in a law text sit."""
    return tuple(where for where, part in flags(book) if part.unverified)


def uncited(book: Rulebook) -> tuple[str, ...]:
    """What the rulebook claims without saying where it is read: a part marked verified without its article or URL,
    a stage that does not say, or a rule with no entry in `citations`. Empty for the shipped editions (a test says so)."""
    found = []
    for where, part in flags(book):
        article, url = ARTICLE.search(getattr(part, "source", "")), getattr(part, "url", None)
        if not part.unverified and not (article and url):
            found.append(f"{where}: verified without {'a URL' if article else 'an article'}")
    found += [f"stages.{rule.stage.value}: says neither verified nor unverified" for rule in book.stages if rule.unverified is None]
    given = {
        "withdrawal": book.withdrawal, "filing": book.filing, "arbitration": book.arbitration, "programme_changes": book.programme_changes,
        "postponement_authority": tuple(d for rule in book.stages for d in rule.postponement_authority),
    }
    found += [f"citations.{rule}: not cited" for rule in get_args(CitedRule) if given[rule] and book.citation(rule) is None]
    return tuple(found)
