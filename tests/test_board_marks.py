"""The board's marks against a session (pure): on track, at risk within the rulebook's follow-up threshold, missed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from schemas.enums import ProcessVersion, Stage
from schemas.records import RegistryRow
from store.board import quarters
from web.marks import Mark, rulebook, stage_name_vi, standing

SESSION = date(2027, 5, 20)  # the Government's decision is due 45 days before: 5 April 2027


def row(stage: Stage, deadline: date | None = None) -> RegistryRow:
    return RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật Nhà giáo", lead_ministry="BGDDT",
                       process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=stage,
                       stage_since=datetime(2026, 1, 5, tzinfo=UTC), stage_deadline=deadline, responsible="BGDDT", classified=False)


def test_marks_follow_the_cutoff_counted_back_from_the_session():
    threshold = max(rulebook(ProcessVersion.LAW_2025).follow_up.warn_days_before)
    cutoff = date(2027, 4, 5)
    assert standing(row(Stage.DRAFTING), SESSION, date(2027, 1, 10)).mark is Mark.ON_TRACK
    assert standing(row(Stage.DRAFTING), SESSION, date(2027, 1, 10)).cutoff == cutoff
    assert standing(row(Stage.DRAFTING), SESSION, date.fromordinal(cutoff.toordinal() - threshold)).mark is Mark.AT_RISK
    assert standing(row(Stage.DRAFTING), SESSION, date.fromordinal(cutoff.toordinal() - threshold - 1)).mark is Mark.ON_TRACK
    assert standing(row(Stage.DRAFTING), SESSION, date(2027, 4, 6)).mark is Mark.MISSED


def test_a_draft_late_at_its_stage_is_at_risk_and_the_stage_deadline_is_its_own_cutoff():
    assert standing(row(Stage.APPRAISAL, date(2027, 1, 1)), SESSION, date(2027, 1, 10)).mark is Mark.AT_RISK
    own = standing(row(Stage.GOVERNMENT_DECISION, date(2027, 4, 2)), SESSION, date(2027, 4, 3))
    assert (own.mark, own.cutoff) == (Mark.MISSED, date(2027, 4, 2))


def test_past_every_cutoff_a_draft_is_on_track():
    assert standing(row(Stage.NA_SESSION), SESSION, date(2027, 5, 30)).mark is Mark.ON_TRACK
    assert standing(row(Stage.PROMULGATED), SESSION, date(2027, 6, 30)).mark is Mark.ON_TRACK


def test_vietnamese_stage_names_and_quarters():
    assert stage_name_vi("LAW_2025", "APPRAISAL") == "Thẩm định"
    assert [label for label, _, _ in quarters(date(2027, 2, 3))] == ["2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    assert quarters(date(2027, 2, 3))[-1][1:] == (date(2027, 1, 1), date(2027, 4, 1))
    assert quarters(date(2026, 12, 31))[-1][1:] == (date(2026, 10, 1), date(2027, 1, 1))
