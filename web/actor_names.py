"""What each actor, official's role and decision's outcome is called on the board: English here (the catalogue's message
IDs), Vietnamese in `locales/vi/LC_MESSAGES/legis.po`. The code (`schemas.enums.Actor`, `Role`, `Outcome`) is shown
beside its name, as the API and the CLI take it; an agency's own code (BTP, BGDDT) is shown as it is."""

from __future__ import annotations

from gettext import NullTranslations

from schemas.enums import Actor, Outcome, Role

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


# Found by two trials: the inbox's decision form offered bare codes on its Vietnamese page.
ROLE_NAMES = {
    Role.MINISTER: "Minister",
    Role.DEPUTY_MINISTER: "Deputy Minister",
    Role.HEAD_OF_GOVERNMENT_OFFICE: "Minister, Head of the Government Office",
    Role.DEPUTY_HEAD_OF_GOVERNMENT_OFFICE: "Deputy Head of the Government Office",
    Role.PRIME_MINISTER: "Prime Minister",
    Role.DEPUTY_PRIME_MINISTER: "Deputy Prime Minister",
    Role.COMMITTEE_CHAIR: "Chair of the committee",
    Role.COMMITTEE_VICE_CHAIR: "Vice Chair of the committee",
    Role.NA_CHAIR: "Chair of the National Assembly",
    Role.NA_VICE_CHAIR: "Vice Chair of the National Assembly",
    Role.NA_SECRETARY_GENERAL: "Secretary General of the National Assembly",
    Role.STATE_PRESIDENT: "President of the State",
}
OUTCOME_NAMES = {
    Outcome.APPROVE: "Approve, on to the next stage",
    Outcome.RETURN_FOR_REVISION: "Return for revision",
    Outcome.REJECT: "Reject",
    Outcome.WITHDRAW: "Withdraw the draft",
    Outcome.VOTE: "Vote",
    Outcome.CARRY_OVER: "Carry over to a later session",
    Outcome.REFER_TO_ASSEMBLY: "Refer to the National Assembly",
}


def role_name(code: str, catalogue: NullTranslations) -> str:
    """The name of an official's role in the catalogue's language, the code itself for one it does not know."""
    return catalogue.gettext(ROLE_NAMES[Role(code)]) if code in Role.__members__ else code


def outcome_name(code: str, catalogue: NullTranslations) -> str:
    """The name of a decision's outcome in the catalogue's language, the code itself for one it does not know."""
    return catalogue.gettext(OUTCOME_NAMES[Outcome(code)]) if code in Outcome.__members__ else code
