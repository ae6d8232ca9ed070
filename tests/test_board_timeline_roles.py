"""Found by a Government Office inspector's audit: the board's timeline of a draft names the agency, the actor
and the official typed on the message, but never the role the step was taken in. `legis history`, the API's history
and the Akoma Ntoso export (`as="#DEPUTY_PRIME_MINISTER"`) all carry it; the page an official reads does not, so a
decision by the Deputy Prime Minister and one by the Prime Minister read alike when the official's name does not say
which (an official is free text: "Nguyễn Văn A")."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest

from schemas.enums import Actor, EventKind, Outcome, ProcessVersion, Role, Stage
from schemas.records import RegistryRow
from schemas.views import HistoryEntry
from web.render import environment


def _timeline(language: str, entries: list[HistoryEntry]) -> str:
    at = entries[0].at
    row = RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật thử", lead_ministry="BTC",
                      process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=Stage.EXAMINATION, stage_since=at,
                      stage_deadline=None, responsible="NA_COMMITTEE", classified=False)
    return environment(language).get_template("draft.html").render(
        request=None, path="/board/drafts/T-1", row=row, entries=entries, versions=[], today=date(2026, 12, 7),
        temporal_link=None, who=None, csrftoken=lambda: "")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("stage", "to_stage", "actor", "agency", "role"), [
    (Stage.GOVERNMENT_DECISION, Stage.EXAMINATION, Actor.GOVERNMENT, "CP", Role.DEPUTY_PRIME_MINISTER),
    (Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW, Actor.MOJ, "BTP", Role.MINISTER),
    (Stage.DRAFTING, Stage.APPRAISAL, Actor.LEAD_MINISTRY, "BTC", Role.DEPUTY_MINISTER),
])
def test_each_step_of_the_timeline_says_in_what_role_it_was_taken(language, stage, to_stage, actor, agency, role):
    entries = [HistoryEntry(seq=9, at=datetime(2026, 12, 7, 13, 37, tzinfo=UTC), event=EventKind.DECISION, stage=stage,
                            to_stage=to_stage, outcome=Outcome.APPROVE, actor=actor, agency_code=agency, role=role,
                            official="Nguyễn Văn A")]
    items = re.findall(r"<li>(.*?)</li>", html.unescape(_timeline(language, entries)), re.S)
    assert len(items) == 1
    assert "Nguyễn Văn A" in items[0]  # who: shown
    said = re.sub(r"(<[^>]+>|\s)+", " ", items[0])
    assert role.value in items[0], f"the role {role.value} is not on the step: {said}"
