"""What each actor is called on the board: English here (the catalogue's message IDs), Vietnamese in
`locales/vi/LC_MESSAGES/legis.po`. The actor's code (`schemas.enums.Actor`) is shown beside its name; an agency's own
code (BTP, BGDDT) is shown as it is."""

from __future__ import annotations

from gettext import NullTranslations

from schemas.enums import Actor

ACTOR_NAMES = {
    Actor.LEAD_MINISTRY: "Lead ministry",
    Actor.MOJ: "Ministry of Justice",
    Actor.VPCP: "Government Office",
    Actor.DEPUTY_PM: "Deputy Prime Minister",
    Actor.PM: "Prime Minister",
    Actor.GOVERNMENT: "Government",
    Actor.NA_COMMITTEE: "Assembly committee",
    Actor.UBTVQH: "Standing Committee of the National Assembly",
    Actor.NA: "National Assembly",
    Actor.PRESIDENT: "President",
    Actor.MTTQ: "Fatherland Front",
    Actor.CONSULTEE: "Consulted agency",
}


def actor_name(code: str, catalogue: NullTranslations) -> str | None:
    """The name of the actor `code` in the catalogue's language; None for a code that is an agency's, not an actor's."""
    return catalogue.gettext(ACTOR_NAMES[Actor(code)]) if code in Actor.__members__ else None
