"""A draft's history as Akoma Ntoso (OASIS LegalDocML 3.0): the versions of its text as `<lifecycle>`
`<eventRef>`s, every decision and programme change as a `<workflow>` `<step>` with date, agent, role and outcome, and
the parts of a law the Assembly voted down in its body.

The document is valid against the OASIS Akoma Ntoso 3.0 schema (tests/akoma_ntoso/, checked in the tests). Every
date is the Ha Noi day of the instant (a decision at 06:30 in Ha Noi on 1 December is dated 1 December, not by its
UTC day); every text and name has the characters XML 1.0 forbids replaced, so that any reader can parse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from schemas.enums import DocumentKind, EventKind
from schemas.time import in_hanoi
from schemas.views import REDACTED, HistoryEntry, HistoryView, StatusView

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
ET.register_namespace("", AKN)


def _q(tag: str) -> str:
    return f"{{{AKN}}}{tag}"


# What XML 1.0 does not allow in a document at all (its `Char` production): C0 controls but tab, newline and carriage
# return, surrogates, U+FFFE and U+FFFF. ElementTree would write them as they are, and every parser would refuse the file.
_NOT_XML_10 = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What an eId may hold (an NCName, ASCII here): anything else becomes "_".
_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]")


def xml_text(text: str) -> str:
    """Text as XML 1.0 can carry it: each character it forbids replaced by U+FFFD, and line ends as a parser reads
    them (it turns a carriage return into a newline)."""
    return _NOT_XML_10.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _id(name: str) -> str:
    cleaned = _NOT_ID.sub("_", name) or "_"
    return cleaned if cleaned[0].isalpha() or cleaned[0] == "_" else f"_{cleaned}"


def _agent(code: str | None) -> str:
    """An organisation's eId: its code, `classified` for one withheld (`schemas.views.REDACTED`)."""
    return "classified" if code == REDACTED else _id(code or "unknown")


def hanoi_day(moment: datetime) -> str:
    """The Ha Noi day of an instant, as `YYYY-MM-DD`."""
    return in_hanoi(moment).date().isoformat()


def happened_on(entry: HistoryEntry) -> str:
    """The Ha Noi day a step happened, as `YYYY-MM-DD`: the day it was entered as happening (`occurred_on`, a step
    entered afterwards or imported), else the day it was recorded."""
    return entry.occurred_on.isoformat() if entry.occurred_on else hanoi_day(entry.at)


@dataclass(frozen=True)
class Step:
    """One decision as a `<step>` says it."""

    seq: int
    date: str
    agent: str
    role: str
    outcome: str
    stage: str


@dataclass(frozen=True)
class Version:
    """One version of the draft text as an `<eventRef>`: the filing that produced it."""

    seq: int
    date: str
    sha256: str


def steps_of(history: HistoryView) -> list[Step]:
    """Each decision, and each programme change of the Standing Committee (which may end a draft: its outcome is then the
    final stage, WITHDRAWN, else PROGRAMME_CHANGED), as a step at the stage where it was taken; a vote's outcome with
    its result (`_outcome`)."""
    return [
        Step(seq=e.seq, date=happened_on(e), agent=_agent(e.agency_code), role=e.role.value if e.role else "",
             outcome=_outcome(e), stage=e.stage.value)
        for e in history.entries
        if e.event in (EventKind.DECISION, EventKind.PROGRAMME_CHANGED)
    ]


def _outcome(entry: HistoryEntry) -> str:
    """The step's outcome; a vote's says whether the Assembly adopted the law (VOTE_PASSED, VOTE_PASSED_IN_PART with
    articles voted down, VOTE_FAILED), which a reader of the export alone could not tell otherwise."""
    if entry.event is EventKind.PROGRAMME_CHANGED:
        return entry.to_stage.value if entry.to_stage.is_terminal else "PROGRAMME_CHANGED"
    if entry.vote is not None:
        return "VOTE_FAILED" if not entry.vote.passed else "VOTE_PASSED_IN_PART" if entry.vote.parts_not_passed else "VOTE_PASSED"
    return entry.outcome.value if entry.outcome else ""


def versions_of(history: HistoryView) -> list[Version]:
    """Each new content hash of the draft text (DRAFT_TEXT) filed or attached is a new version."""
    seen: set[str] = set()
    found = []
    for entry in history.entries:
        for doc in entry.documents:
            if doc.kind is DocumentKind.DRAFT_TEXT and doc.sha256 not in seen:
                seen.add(doc.sha256)
                found.append(Version(seq=entry.seq, date=happened_on(entry), sha256=doc.sha256))
    return found


def to_akoma_ntoso(status: StatusView, history: HistoryView) -> str:
    """Well-formed Akoma Ntoso XML for a draft as `status` and `history` show it: a classified draft's are given as
    `api.permissions.exported` redacts them, and its title stays out."""
    # A draft entered under way was submitted before the steps it had passed (imported): the work is dated by the earliest.
    first_day = min([happened_on(history.entries[0]), *(happened_on(entry) for entry in history.entries if entry.imported)])
    year = first_day[:4]
    work = f"/akn/vn/bill/{year}/{xml_text(status.submission_id)}"
    lead = _agent(status.lead_ministry)
    root = ET.Element(_q("akomaNtoso"))
    bill = ET.SubElement(root, _q("bill"), name="draftLaw")
    meta = ET.SubElement(bill, _q("meta"))
    identification = ET.SubElement(meta, _q("identification"), source="#legis")
    for level, uri in (("FRBRWork", work), ("FRBRExpression", f"{work}/vie@"), ("FRBRManifestation", f"{work}/vie@.akn")):
        frbr = ET.SubElement(identification, _q(level))
        ET.SubElement(frbr, _q("FRBRthis"), value=f"{uri}/!main" if level == "FRBRWork" else uri)
        ET.SubElement(frbr, _q("FRBRuri"), value=uri)
        ET.SubElement(frbr, _q("FRBRdate"), date=first_day, name="submission")
        ET.SubElement(frbr, _q("FRBRauthor"), href=f"#{lead}")
        if level == "FRBRWork":
            ET.SubElement(frbr, _q("FRBRcountry"), value="vn")
        if level == "FRBRExpression":
            ET.SubElement(frbr, _q("FRBRlanguage"), language="vie")

    # Both are optional and, when present, hold at least one child: a draft with no text filed or no decision yet has none.
    versions, steps = versions_of(history), steps_of(history)
    if versions:
        lifecycle = ET.SubElement(meta, _q("lifecycle"), source="#legis")
        for number, version in enumerate(versions, 1):
            ET.SubElement(lifecycle, _q("eventRef"), eId=f"evt_{version.seq}", date=version.date,
                          source=f"#text_v{number}", type="generation" if number == 1 else "amendment")
    if steps:
        workflow = ET.SubElement(meta, _q("workflow"), source="#legis")
        for step in steps:
            ET.SubElement(workflow, _q("step"), eId=f"step_{step.seq}", date=step.date, by=f"#{step.agent}",
                          **{"as": f"#{step.role}"}, outcome=f"#{step.outcome}", refersTo=f"#{step.stage}")

    references = ET.SubElement(meta, _q("references"), source="#legis")
    ET.SubElement(references, _q("TLCOrganization"), eId="legis", href="/ontology/organization/vn/legis", showAs="legis")
    for agent in sorted({s.agent for s in steps} | {lead}):
        ET.SubElement(references, _q("TLCOrganization"), eId=agent, href=f"/ontology/organization/vn/{agent}", showAs=agent)
    for role in sorted({s.role for s in steps}):
        ET.SubElement(references, _q("TLCRole"), eId=role, href=f"/ontology/role/vn/{role}", showAs=role)
    for concept in sorted({s.outcome for s in steps} | {s.stage for s in steps}):
        ET.SubElement(references, _q("TLCConcept"), eId=concept, href=f"/ontology/concept/legis/{concept}", showAs=concept)
    for number, version in enumerate(versions, 1):
        ET.SubElement(references, _q("TLCReference"), eId=f"text_v{number}", href=f"/sha256/{version.sha256}",
                      name="draftText", showAs=f"draft text v{number}")

    preface = ET.SubElement(bill, _q("preface"))
    long_title = ET.SubElement(ET.SubElement(preface, _q("longTitle")), _q("p"))
    long_title.text = xml_text(f"Draft law {status.submission_id}" if status.classified else status.title)
    body = ET.SubElement(bill, _q("body"))
    content = ET.SubElement(ET.SubElement(body, _q("paragraph"), eId="para_1"), _q("content"))
    ET.SubElement(content, _q("p")).text = "The text is held by the lead ministry's document system; its versions are listed by hash."
    # What the Assembly voted down of a law it passed in part: the vote's step says so (VOTE_PASSED_IN_PART), its parts here.
    for entry in history.entries:
        if entry.vote is not None and entry.vote.parts_not_passed:
            parts = entry.vote.parts_not_passed
            named = f"{len(parts)} part{'s' * (len(parts) != 1)}" if status.classified else "; ".join(parts)
            ET.SubElement(content, _q("p"), refersTo=f"#step_{entry.seq}").text = xml_text(
                f"Not passed at the vote of {happened_on(entry)} (step_{entry.seq}): {named}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
