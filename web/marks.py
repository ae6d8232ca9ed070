"""How a draft stands against the session or meeting it aims at: on track, at risk, missed. Pure, from the rulebook.

The cut-off is the first deadline counted back from the sitting (`BEFORE_NA_SESSION`, or a Standing Committee meeting's
`meeting_cutoff`) on a stage the draft has not yet finished; the stage's own registry deadline when the draft stands at
that stage (the workflow computed it with the working calendar), else the sitting's date less the rule's calendar days.
At risk: the cut-off is within the largest of the rulebook's `follow_up.warn_days_before` days, or the draft is already
past its current stage's deadline. Missed: the cut-off has passed (the draft will slip to the next sitting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cache

from schemas.enums import DeadlineAnchor, ProcessVersion, Stage
from schemas.records import RegistryRow
from schemas.rulebook import Rulebook, load_rulebook


class Mark(str, Enum):
    ON_TRACK = "ON_TRACK"  # đúng tiến độ
    AT_RISK = "AT_RISK"  # có nguy cơ chậm
    MISSED = "MISSED"  # lỡ hạn, chuyển kỳ sau


@dataclass(frozen=True)
class Standing:
    mark: Mark
    cutoff: date | None
    cutoff_stage: Stage | None


@cache
def rulebook(version: ProcessVersion) -> Rulebook:
    return load_rulebook(version)


def stage_name_vi(version: ProcessVersion | str, stage: Stage | str) -> str:
    """The rulebook's Vietnamese name of a stage (a final state has none: its English name)."""
    stage = Stage(stage)
    rule = next((r for r in rulebook(ProcessVersion(version)).stages if r.stage is stage), None)
    return rule.name_vi if rule else stage.value


@cache
def next_cutoff_rule(version: ProcessVersion, stage: Stage, meeting: bool) -> tuple[Stage, int] | None:
    """The first stage from `stage` on whose limit counts back from the sitting, with its days; None when there is none."""
    book = rulebook(version)
    order = [rule.stage for rule in book.stages]
    if stage.is_terminal or stage not in order:
        return None
    wanted = DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING if meeting else DeadlineAnchor.BEFORE_NA_SESSION
    for rule in book.stages[order.index(stage):]:
        limit = rule.meeting_cutoff if meeting else rule.time_limit
        if limit is not None and limit.anchor is wanted:
            return rule.stage, limit.days
    return None


@cache
def threshold_days(version: ProcessVersion) -> int:
    return max(rulebook(version).follow_up.warn_days_before, default=0)


def standing_of(version: ProcessVersion, stage: Stage, stage_deadline: date | None, sitting_on: date, today: date, *,
                meeting: bool = False) -> Standing:
    """The mark from the draft's process version, stage and stage deadline (what the registry holds)."""
    found = next_cutoff_rule(version, stage, meeting)
    if found is None:
        return Standing(Mark.ON_TRACK, None, None)
    cutoff_stage, days = found
    cutoff = stage_deadline if cutoff_stage is stage and stage_deadline is not None else sitting_on - timedelta(days=days)
    if today > cutoff:
        return Standing(Mark.MISSED, cutoff, cutoff_stage)
    late_here = stage_deadline is not None and stage_deadline < today
    at_risk = (cutoff - today).days <= threshold_days(version) or late_here
    return Standing(Mark.AT_RISK if at_risk else Mark.ON_TRACK, cutoff, cutoff_stage)


def standing(row: RegistryRow, sitting_on: date, today: date, *, meeting: bool = False) -> Standing:
    return standing_of(row.process_version, row.stage, row.stage_deadline, sitting_on, today, meeting=meeting)
