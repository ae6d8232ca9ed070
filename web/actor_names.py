"""What each actor, official's role and decision's outcome is called on the board: English here (the catalogue's message
IDs), Vietnamese in `locales/vi/LC_MESSAGES/legis.po`. The code (`schemas.enums.Actor`, `Role`, `Outcome`) is shown
beside its name, as the API and the CLI take it; an agency's own code (BTP, BGDDT) is shown as it is."""

from __future__ import annotations

from collections.abc import Callable
from gettext import NullTranslations

from schemas.enums import Actor, Outcome, Role, Stage

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


# The agencies whose codes the Government Office and the National Assembly Office use, as they are named (found by
# trials: the inbox of VPQH, the report's rows, the public's page named them by their codes alone). An agency's code is
# its token's, free to the operator: one not here is shown as its code. Those merged in 2025 are kept for the drafts
# they began.
AGENCY_NAMES = {
    "CP": "Government", "VPCP": "Government Office", "QH": "National Assembly", "VPQH": "National Assembly Office",
    "VPCTN": "Office of the President", "CTN": "President of the State",
    "BQP": "Ministry of National Defence", "BCA": "Ministry of Public Security", "BNG": "Ministry of Foreign Affairs",
    "BNV": "Ministry of Home Affairs", "BTP": "Ministry of Justice", "BTC": "Ministry of Finance",
    "BCT": "Ministry of Industry and Trade", "BNNMT": "Ministry of Agriculture and Environment", "BXD": "Ministry of Construction",
    "BVHTTDL": "Ministry of Culture, Sports and Tourism", "BKHCN": "Ministry of Science and Technology",
    "BGDDT": "Ministry of Education and Training", "BYT": "Ministry of Health", "BDTTG": "Ministry of Ethnic and Religious Affairs",
    "NHNN": "State Bank of Viet Nam", "TTCP": "Government Inspectorate",
    "BTNMT": "Ministry of Natural Resources and Environment", "BNNPTNT": "Ministry of Agriculture and Rural Development",
    "BKHDT": "Ministry of Planning and Investment", "BLDTBXH": "Ministry of Labour, Invalids and Social Affairs",
    "BTTTT": "Ministry of Information and Communications", "BGTVT": "Ministry of Transport",
    "UBDT": "Committee for Ethnic Minority Affairs",
    "HDDT": "Council of Ethnic Affairs", "UBPLTP": "Committee on Law and Justice", "UBKTTC": "Committee on Economy and Finance",
    "UBQPANDN": "Committee on National Defence, Security and Foreign Affairs", "UBVHXH": "Committee on Culture and Society",
    "UBKHCNMT": "Committee on Science, Technology and Environment",
    "UBPL": "Committee on Legal Affairs", "UBTP": "Committee on Judicial Affairs", "UBKT": "Economic Committee",
    "UBTCNS": "Committee on Finance and Budget", "UBQPAN": "Committee on National Defence and Security",
    "UBVHGD": "Committee on Culture and Education", "UBXH": "Committee on Social Affairs", "UBDN": "Committee on Foreign Affairs",
}


# The deadline report's row of classified drafts' lead ministries, whose codes stay out (`activities.reports`): named as
# the row it is (found by a Government Office's trial: the row read CLASSIFIED, a code).
CLASSIFIED_ROW = "CLASSIFIED"


def actor_name(code: str, catalogue: NullTranslations) -> str | None:
    """The name of the actor or agency `code` in the catalogue's language; None for a code it does not know."""
    if code == CLASSIFIED_ROW:
        return catalogue.gettext("Lead ministries of classified drafts (mật)")
    if code in Actor.__members__:
        return catalogue.gettext(ACTOR_NAMES[Actor(code)])
    return catalogue.gettext(AGENCY_NAMES[code]) if code in AGENCY_NAMES else None


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

# An outcome the President's decision names otherwise (found by a committee's trial: his sending an ordinance back read as
# the draft returned "for revision", to its drafters).
STAGE_OUTCOME_NAMES = {
    (Stage.PROMULGATION, Outcome.RETURN_FOR_REVISION): "Ask the Standing Committee to reconsider the ordinance",
}


def agency_label(catalogue: NullTranslations) -> Callable[[str], str]:
    """A chart's label for an actor's or agency's code: its name with the code ("Bộ Tư pháp (BTP)"), the code alone for one
    not known (the Ministry of Justice is MOJ as an actor, BTP as an agency: both rows are named, and told apart)."""
    return lambda code: f"{name} ({code})" if (name := actor_name(code, catalogue)) else code


def role_name(code: str, catalogue: NullTranslations) -> str:
    """The name of an official's role in the catalogue's language, the code itself for one it does not know."""
    return catalogue.gettext(ROLE_NAMES[Role(code)]) if code in Role.__members__ else code


def outcome_name(code: str, catalogue: NullTranslations, stage: Stage | None = None) -> str:
    """The name of a decision's outcome at `stage` in the catalogue's language, the code itself for one it does not know."""
    if code not in Outcome.__members__:
        return code
    return catalogue.gettext(STAGE_OUTCOME_NAMES.get((stage, Outcome(code))) or OUTCOME_NAMES[Outcome(code)])
