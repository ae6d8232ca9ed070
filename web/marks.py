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


def standing(row: RegistryRow, sitting_on: date, today: date, *, meeting: bool = False) -> Standing:
    book = rulebook(row.process_version)
    order = [rule.stage for rule in book.stages]
    if row.stage.is_terminal or row.stage not in order:
        return Standing(Mark.ON_TRACK, None, None)
    for rule in book.stages[order.index(row.stage):]:
        limit = rule.meeting_cutoff if meeting else rule.time_limit
        wanted = DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING if meeting else DeadlineAnchor.BEFORE_NA_SESSION
        if limit is None or limit.anchor is not wanted:
            continue
        own = rule.stage is row.stage and row.stage_deadline is not None
        cutoff = row.stage_deadline if own else sitting_on - timedelta(days=limit.days)
        assert cutoff is not None
        if today > cutoff:
            return Standing(Mark.MISSED, cutoff, rule.stage)
        threshold = max(book.follow_up.warn_days_before, default=0)
        late_here = row.stage_deadline is not None and row.stage_deadline < today
        return Standing(Mark.AT_RISK if (cutoff - today).days <= threshold or late_here else Mark.ON_TRACK, cutoff, rule.stage)
    return Standing(Mark.ON_TRACK, None, None)
