"""Found by a Ministry of Justice audit of the board's timeline: a session moved by the National Assembly Office
(`legis calendar set-session 16-2 --opens-on ... --by "Trần Thị B, Văn phòng Quốc hội"`, whose `--by` is "who changes
the calendar (recorded in each draft)") is recorded in each draft as SESSION_RESCHEDULED with that official; `legis
history` shows it in its "by" column. The board's draft page shows the event and its note but not who made the change:
`draft.html` writes the official only beside an agency code, which a calendar change does not carry. An inspector reading
the board cannot tell who moved the session the draft's cut-offs count back from (the same for a Standing Committee
meeting set, MEETING_SCHEDULED)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schemas.enums import EventKind, ProcessVersion, Stage
from schemas.records import RegistryRow
from schemas.views import HistoryEntry
from web.render import environment


def _page(language: str, entries: list[HistoryEntry]) -> str:
    row = RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật thử", lead_ministry="BGDDT",
                      process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=Stage.DRAFTING,
                      stage_since=entries[0].at, stage_deadline=None, responsible="LEAD_MINISTRY", classified=False)
    return environment(language).get_template("draft.html").render(
        request=None, path="/board/drafts/T-1", row=row, entries=entries, versions=[], today=date(2026, 12, 8),
        temporal_link=None, who=None, csrftoken=lambda: "")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_timeline_names_who_moved_the_session(language):
    at = datetime(2026, 12, 7, 16, 27, tzinfo=UTC)
    entries = [HistoryEntry(seq=1, at=at, event=EventKind.SUBMITTED, stage=Stage.DRAFTING),
               HistoryEntry(seq=2, at=at, event=EventKind.SESSION_RESCHEDULED, stage=Stage.DRAFTING,
                            official="Trần Thị B, Văn phòng Quốc hội", label="session 16-2 now opens 2027-05-10 (was 2027-05-20)")]
    shown = _page(language, entries)
    assert "2027" in shown and "16-2" in shown  # the event and its note are there
    assert "Trần Thị B" in shown, "the board's timeline does not say who moved the session (legis history does)"
