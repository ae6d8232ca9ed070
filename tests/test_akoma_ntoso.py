"""Akoma Ntoso export: valid against the OASIS Akoma Ntoso 3.0 schema, dated by the Ha Noi day, free of what XML 1.0
forbids, and read back to the same decisions and text versions."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from api.permissions import exported
from schemas.akoma_ntoso import AKN, steps_of, to_akoma_ntoso, versions_of, xml_text
from schemas.calendar import FIRST_DAY, LAST_DAY
from schemas.enums import DocumentKind, EventKind, Outcome, ProcessVersion, Role, SessionProcedure, Stage
from schemas.views import HistoryEntry, HistoryView, StatusView
from tests.akoma_ntoso_reader import parse_steps
from tests.drafts import FAILING_VOTE, PASSING_VOTE, core_request, decision, document
from workflows.deadlines import VIETNAM

REQUEST = core_request()


def history_with_two_text_versions() -> HistoryView:
    at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    entries = [HistoryEntry(seq=1, at=at, event=EventKind.SUBMITTED, stage=Stage.POLICY_PROPOSAL, to_stage=Stage.POLICY_PROPOSAL)]
    path = [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING]
    for i, stage in enumerate(path, 2):
        d = decision(REQUEST, stage, label="v1")
        entries.append(HistoryEntry(seq=i, at=at + timedelta(days=i), event=EventKind.DECISION, stage=stage, to_stage=Stage.DRAFTING,
                                    outcome=d.outcome, actor=d.actor, agency_code=d.agency_code, role=d.role, official=d.official,
                                    documents=d.documents))
    back = decision(REQUEST, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION)
    entries.append(HistoryEntry(seq=5, at=at + timedelta(days=20), event=EventKind.DECISION, stage=Stage.APPRAISAL, to_stage=Stage.DRAFTING,
                                outcome=back.outcome, actor=back.actor, agency_code=back.agency_code, role=back.role, official="x"))
    redraft = decision(REQUEST, Stage.DRAFTING, label="v2")
    entries.append(HistoryEntry(seq=6, at=at + timedelta(days=30), event=EventKind.DECISION, stage=Stage.DRAFTING, to_stage=Stage.APPRAISAL,
                                outcome=redraft.outcome, actor=redraft.actor, agency_code=redraft.agency_code, role=redraft.role,
                                official="y", documents=redraft.documents))
    return HistoryView(submission_id=REQUEST.submission_id, entries=tuple(entries))


def status_of(history: HistoryView) -> StatusView:
    return StatusView(submission_id=REQUEST.submission_id, workflow_id="w", title=REQUEST.title, lead_ministry=REQUEST.lead_ministry,
                      process_version=ProcessVersion.LAW_2025, rulebook_version="2025.1", session_procedure=SessionProcedure.ONE_SESSION,
                      target_session=REQUEST.target_session, stage=Stage.APPRAISAL, stage_since=history.entries[-1].at,
                      stage_deadline=None, overdue=False, pending=None, revision_loops=1, last_vote=None)


def test_export_is_well_formed_and_parses_back_to_the_same_history():
    history = history_with_two_text_versions()
    xml = to_akoma_ntoso(status_of(history), history)
    root = ET.fromstring(xml)
    assert root.tag == f"{{{AKN}}}akomaNtoso"
    steps, versions = parse_steps(xml)
    assert steps == steps_of(history) and len(steps) == 5
    assert [s.outcome for s in steps] == ["APPROVE", "APPROVE", "APPROVE", "RETURN_FOR_REVISION", "APPROVE"]
    assert versions == versions_of(history) and len(versions) == 2
    assert versions[1].sha256 == document(DocumentKind.DRAFT_TEXT, "v2").sha256
    assert REQUEST.title in xml


def test_programme_changes_are_steps_and_one_that_withdraws_the_draft_says_so():
    """Found by a new user: a draft the Standing Committee withdrew by a programme change exported as if it ran on."""
    history = history_with_two_text_versions()
    at = history.entries[-1].at
    changes = [HistoryEntry(seq=7, at=at + timedelta(days=1), event=EventKind.PROGRAMME_CHANGED, stage=Stage.APPRAISAL, to_stage=Stage.APPRAISAL,
                            agency_code="UBTVQH", role=Role.NA_CHAIR, label="deferred"),
               HistoryEntry(seq=8, at=at + timedelta(days=2), event=EventKind.PROGRAMME_CHANGED, stage=Stage.APPRAISAL, to_stage=Stage.WITHDRAWN,
                            agency_code="UBTVQH", role=Role.NA_CHAIR, label="withdrawn from the programme")]
    withdrawn = history.model_copy(update={"entries": (*history.entries, *changes)})
    xml = to_akoma_ntoso(status_of(withdrawn).model_copy(update={"stage": Stage.WITHDRAWN}), withdrawn)
    steps, _ = parse_steps(xml)
    assert [(s.seq, s.agent, s.role, s.outcome, s.stage) for s in steps[-2:]] == [
        (7, "UBTVQH", "NA_CHAIR", "PROGRAMME_CHANGED", "APPRAISAL"), (8, "UBTVQH", "NA_CHAIR", "WITHDRAWN", "APPRAISAL")]
    assert_valid(xml)


def test_a_vote_s_step_says_whether_the_law_passed():
    """Found by a fresh-user trial: a failed vote and a passing one exported as the same `outcome="#VOTE"`."""
    history = history_with_two_text_versions()
    at = history.entries[-1].at
    votes = [(FAILING_VOTE, Stage.NA_SESSION), (PASSING_VOTE.model_copy(update={"parts_not_passed": ("Điều 12",)}), Stage.PROMULGATION),
             (PASSING_VOTE, Stage.PROMULGATION)]
    entries = [HistoryEntry(seq=7 + i, at=at + timedelta(days=i + 1), event=EventKind.DECISION, stage=Stage.NA_SESSION, to_stage=to,
                            outcome=Outcome.VOTE, agency_code="QH", role=Role.NA_CHAIR, vote=vote) for i, (vote, to) in enumerate(votes)]
    voted = history.model_copy(update={"entries": (*history.entries, *entries)})
    xml = to_akoma_ntoso(status_of(voted), voted)
    assert [s.outcome for s in parse_steps(xml)[0][-3:]] == ["VOTE_FAILED", "VOTE_PASSED_IN_PART", "VOTE_PASSED"]
    assert_valid(xml)
    # Which parts were voted down (found by a review: the export said "in part", never which).
    assert f'refersTo="#step_8">Not passed at the vote of {entries[1].at.astimezone(VIETNAM).date()} (step_8): Điều 12</p>' in xml, xml
    secret = to_akoma_ntoso(*exported(status_of(voted).model_copy(update={"classified": True}), voted))
    assert "(step_8): 1 part</p>" in secret and "Điều 12" not in secret
    assert_valid(secret)


def classified_export(history: HistoryView) -> str:
    """The export of a classified draft as `legis export` writes it."""
    return to_akoma_ntoso(*exported(status_of(history).model_copy(update={"classified": True}), history))


def test_a_classified_draft_exports_without_its_title_or_lead_ministry():
    history = history_with_two_text_versions()
    assert REQUEST.lead_ministry in {e.agency_code for e in history.entries}
    xml = classified_export(history)
    assert REQUEST.title not in xml and f"Draft law {REQUEST.submission_id}" in xml
    assert REQUEST.lead_ministry not in xml.replace(REQUEST.submission_id, "")
    steps, _ = parse_steps(xml)
    assert [s.agent for s in steps] == [s.agent if s.agent != REQUEST.lead_ministry else "classified" for s in steps_of(history)]
    assert 'FRBRauthor href="#classified"' in xml


@functools.cache
def oasis_schema() -> xmlschema.XMLSchema:
    """The OASIS schema as committed (tests/akoma_ntoso/LICENSE.md); xmlschema supplies the xml.xsd it imports."""
    return xmlschema.XMLSchema(Path(__file__).resolve().parent / "akoma_ntoso" / "akomantoso30.xsd")


def assert_valid(xml: str) -> None:
    errors = [f"{e.path}: {e.reason}" for e in oasis_schema().iter_errors(xml)]
    assert not errors, errors


def test_the_export_is_valid_against_the_oasis_schema():
    history = history_with_two_text_versions()
    assert_valid(to_akoma_ntoso(status_of(history), history))
    assert_valid(classified_export(history))


def test_a_draft_without_a_text_or_a_decision_yet_exports_valid():
    """Found by a new user: a draft just submitted, or decided on before its text was filed (policy, programme,
    withdrawn early), exported an empty `<lifecycle/>`, which the schema refuses (and an empty `<workflow/>` alike)."""
    history = history_with_two_text_versions()
    for kept in (1, 3):
        early = HistoryView(submission_id=history.submission_id, entries=history.entries[:kept])
        xml = to_akoma_ntoso(status_of(early), early)
        assert_valid(xml)
        assert parse_steps(xml) == (steps_of(early), [])


def test_a_decision_is_dated_by_its_ha_noi_day():
    """06:30 in Ha Noi on 1 December is 23:30 UTC on 30 November: the step says 1 December."""
    history = history_with_two_text_versions()
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    entries = (history.entries[0].model_copy(update={"at": late - timedelta(days=1)}), history.entries[1].model_copy(update={"at": late}))
    shifted = history.model_copy(update={"entries": entries + history.entries[2:]})
    xml = to_akoma_ntoso(status_of(shifted), shifted)
    steps, _ = parse_steps(xml)
    assert steps[0].date == "2026-12-01"
    assert 'date="2026-11-30" name="submission"' in xml  # 06:30 on 30 November in Ha Noi
    assert_valid(xml)


def test_a_step_entered_afterwards_is_dated_by_the_day_it_happened():
    """Found by a new user: a draft entered with the steps it had already passed exported every step, and its text's
    versions, on the day they were entered. A step with `occurred_on` is dated by it; the work by the earliest."""
    history = history_with_two_text_versions()
    # As a draft entered under way records them: its SUBMITTED event on the day it was entered, its steps on their days.
    entries = [history.entries[0], *(e.model_copy(update={"occurred_on": e.at.date() - timedelta(days=400), "imported": True})
                                     for e in history.entries[1:4])]
    imported = history.model_copy(update={"entries": tuple(entries) + history.entries[4:]})
    xml = to_akoma_ntoso(status_of(imported), imported)
    steps, versions = parse_steps(xml)
    assert [s.date for s in steps[:3]] == [e.occurred_on.isoformat() for e in entries[1:4]]
    assert steps[3].date == "2026-03-21"  # recorded, with no day of its own: its Ha Noi day
    assert versions[0].date == entries[3].occurred_on.isoformat()  # the draft text filed at DRAFTING
    # Found by a fresh-user trial: the work was dated by the day the draft was entered, after the steps it had passed.
    assert f'date="{entries[1].occurred_on.isoformat()}" name="submission"' in xml and "/akn/vn/bill/2025/" in xml
    assert_valid(xml)


# Any text, the characters XML 1.0 forbids included (C0 controls, lone surrogates, U+FFFE and U+FFFF).
any_text = st.text(st.characters(codec=None, categories=None, exclude_categories=()), min_size=1, max_size=40)
instants = st.datetimes(min_value=datetime(FIRST_DAY.year, 1, 1), max_value=datetime(LAST_DAY.year, 12, 31, 23, 59),
                        timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-12))]))


@settings(max_examples=40, deadline=None)
@given(title=any_text, official=any_text, first=instants, step=st.integers(0, 400))
def test_any_title_and_any_instant_in_reach_export_valid_xml_with_ha_noi_days(title, official, first, step):
    history = history_with_two_text_versions()
    entries = tuple(e.model_copy(update={"at": first + timedelta(hours=step * i), "official": official}) for i, e in enumerate(history.entries))
    dated = history.model_copy(update={"entries": entries})
    status = status_of(dated).model_copy(update={"title": title})
    xml = to_akoma_ntoso(status, dated)
    assert_valid(xml)
    steps, _ = parse_steps(xml)
    hanoi = timezone(timedelta(hours=7))
    assert [s.date for s in steps] == [e.at.astimezone(hanoi).date().isoformat() for e in entries if e.event is EventKind.DECISION]
    assert xml_text(title) in ET.fromstring(xml).find(f".//{{{AKN}}}longTitle/{{{AKN}}}p").text
