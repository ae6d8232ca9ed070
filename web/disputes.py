"""Points of disagreement awaiting a ruling (điểm còn ý kiến khác nhau), as the pages show them: in the inbox of who must
rule (the Deputy Prime Minister in charge, then the Prime Minister: `Rulebook.arbitration`) and of the Government Office,
which coordinates and cannot approve its review while one is open; and on the draft's page (found by a Government Office
official's trial: a point awaiting the Deputy Prime Minister was in no inbox and on no page, only in `legis status`).

The registry finds the drafts whose current stage raised a point; each draft says which of its points are open and with
whom (`OpenPoint`), asked for at most `ASK_SECONDS`, as the pages ask a draft for its title."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import Request

from api.deps import database
from schemas.enums import Actor
from schemas.records import RegistryRow
from schemas.views import OpenPoint
from store import board
from web.board import asked_status, own_agency
from web.marks import rulebook

# At most so many drafts with a point raised are asked at once for their open points (a handful are open at a time).
MAX_DISPUTED_ASKED = 20

# The agency that coordinates the ministries' disagreements and sees every open point, whoever must rule on it.
COORDINATING_AGENCY = "VPCP"


@dataclass(frozen=True)
class AwaitingRuling:
    """An open point of a draft the reader may see; `point` None: the draft did not answer in time (`legis status` says)."""

    row: RegistryRow
    point: OpenPoint | None
    roles: tuple[str, ...] = ()  # the reader's roles that rule on it, where it awaits the reader's ruling (its form)
    above: Actor | None = None  # the level it may be escalated to instead (the Deputy Prime Minister's: the Prime Minister)


@dataclass(frozen=True)
class Disputes:
    """What the inbox says of open points: those listed; those of classified drafts the reader may not see, by submission
    ID and point number (their IDs say nothing, README); and how many more drafts with such points were not asked."""

    shown: list[AwaitingRuling]
    unseen: list[tuple[str, str]]
    more: int
    asked: int = 0  # the drafts asked at most


async def awaiting_ruling(request: Request, who) -> Disputes:
    """The open points the reader's inbox lists: those awaiting its actor's ruling, or every one for the Government Office,
    of at most `MAX_DISPUTED_ASKED` drafts (the registry picks those whose points await the reader, found by a breaker: the
    first 20 drafts with any point were asked, and a 21st awaiting the Prime Minister was in no inbox)."""
    actor, agency = who.role.actor, who.agency_code
    if agency != COORDINATING_AGENCY and actor not in (Actor.DEPUTY_PM, Actor.PM):
        return Disputes([], [], 0)
    awaiting = None if agency == COORDINATING_AGENCY else actor.value
    disputed, total = await database(board.disputed(request.app.state.pool, own_agency=own_agency(who), awaiting=awaiting,
                                                    limit=MAX_DISPUTED_ASKED))
    answers = await asyncio.gather(*(asked_status(request, row.submission_id) for row, _ in disputed))
    shown, unseen = [], []
    for (row, visible), view in zip(disputed, answers, strict=True):
        mine = None if view is None else [p for p in view.open_points if awaiting is None or p.with_actor is actor]
        if visible and view is not None and row.title is None:  # a classified draft's, shown to its lead ministry: the draft gives it
            row = row.model_copy(update={"title": view.title})
        if not visible:
            unseen.extend((row.submission_id, p.point.point_id) for p in mine or ())
        elif mine is None:
            shown.append(AwaitingRuling(row, None))
        else:
            shown.extend(_with_form(row, p, actor) for p in mine)
    return Disputes(shown, unseen, total - len(disputed), MAX_DISPUTED_ASKED)


def _with_form(row: RegistryRow, point: OpenPoint, actor: Actor | None) -> AwaitingRuling:
    """The point with what its ruling form offers the reader, by the rulebook of the draft's process version (every
    edition's `arbitration` is the Deputy Prime Minister's, then the Prime Minister's; the draft checks its own)."""
    if point.with_actor is not actor:
        return AwaitingRuling(row, point)
    levels = rulebook(row.process_version).arbitration
    at = next((i for i, level in enumerate(levels) if level.actor is actor), None)
    if at is None:
        return AwaitingRuling(row, point)
    return AwaitingRuling(row, point, roles=tuple(sorted(r.value for r in levels[at].roles)),
                          above=levels[at + 1].actor if at + 1 < len(levels) else None)
