"""Akoma Ntoso export: well-formed, and read back to the same decisions and text versions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

from schemas.akoma_ntoso import AKN, parse_steps, steps_of, to_akoma_ntoso, versions_of
from schemas.enums import DocumentKind, EventKind, Outcome, ProcessVersion, SessionProcedure, Stage
from schemas.views import HistoryEntry, HistoryView, StatusView
from tests.drafts import decision, document, start_request

REQUEST = start_request()


def history_with_two_text_versions() -> HistoryView:
    at = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
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
    xml = to_akoma_ntoso(status_of(history), history, classified=False)
    root = ET.fromstring(xml)
    assert root.tag == f"{{{AKN}}}akomaNtoso"
    steps, versions = parse_steps(xml)
    assert steps == steps_of(history) and len(steps) == 5
    assert [s.outcome for s in steps] == ["APPROVE", "APPROVE", "APPROVE", "RETURN_FOR_REVISION", "APPROVE"]
    assert versions == versions_of(history) and len(versions) == 2
    assert versions[1].sha256 == document(DocumentKind.DRAFT_TEXT, "v2").sha256
    assert REQUEST.title in xml


def test_a_classified_draft_exports_without_its_title():
    history = history_with_two_text_versions()
    xml = to_akoma_ntoso(status_of(history), history, classified=True)
    assert REQUEST.title not in xml and f"Draft law {REQUEST.submission_id}" in xml
