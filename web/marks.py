"""How a draft stands against the session or meeting it aims at: on track, at risk, missed.

The board counts no cut-off itself. Each draft records with its every event the next cut-off it must meet, as its own
workflow counts it (`workflows.sessions.cutoff_ahead`: the limits that apply to its kind of law, the working calendar
it counts on, the rest-day rule of each limit, the Standing Committee meeting before its session), and the Committee
meeting it still comes before (`committee_meeting_ahead`). The board reads those and compares them with today:
missed when the cut-off has passed (the draft will slip to the next sitting, unless its session is extraordinary, where
it keeps its place: `slips_when_missed`); at risk when the cut-off is within the largest of the rulebook's
`follow_up.warn_days_before` days, the draft is already past its current stage's deadline, or that deadline falls after
the cut-off ahead (it cannot meet the cut-off on its own schedule); else on track. While an approved postponement
conflicts with the sitting (POSTPONEMENT_CONFLICT), the draft records the sitting's cut-off, not the approved date; past
that cut-off it is at risk until the approved date passes, when it slips (missed). A draft
whose row was last written before the cut-offs were recorded is marked as such until its next event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache

from schemas.enums import GOVERNMENT_CUTOFF_STAGES, ProcessVersion, Stage
from schemas.rulebook import Rulebook, load_rulebook
from workflows.sessions import slips_when_missed


class Mark(str, Enum):
    ON_TRACK = "ON_TRACK"  # đúng tiến độ
    AT_RISK = "AT_RISK"  # có nguy cơ chậm
    MISSED = "MISSED"  # lỡ hạn, chuyển kỳ sau
    NOT_RECORDED = "NOT_RECORDED"  # chưa ghi nhận: the draft records its cut-off with its next event


@dataclass(frozen=True)
class Standing:
    mark: Mark
    cutoff: date | None
    cutoff_stage: Stage | None
    # The cut-off is behind (today after it): a draft still marked at risk then keeps its sitting until `kept_until`, the
    # approved postponement's date, or because its session is extraordinary (`slips_when_missed`).
    passed: bool = False
    kept_until: date | None = None
    # Thirtieth generation: on the Government's side the draft keeps it only until its session opens on that day.
    opens_on: date | None = None


@cache
def rulebook(version: ProcessVersion) -> Rulebook:
    return load_rulebook(version)


# The final states, a stage of no rulebook: their names are the catalogue's (English here, Vietnamese in web/locales).
FINAL_NAMES = {Stage.PROMULGATED: "Promulgated", Stage.REJECTED: "Rejected", Stage.WITHDRAWN: "Withdrawn"}


@cache
def stage_name_vi(version: ProcessVersion | str | None, stage: Stage | str) -> str | None:
    """The rulebook's Vietnamese name of a stage: the draft's own rulebook's, else that of the first rulebook with the
    stage (NA_SECOND_SESSION is LAW_2015's only); with no version (a filter over every draft), each rulebook's name,
    the newest first, where they differ (LEGISLATIVE_PROGRAMME); none for a final state (`FINAL_NAMES`)."""
    stage = Stage(stage)
    if version is None:
        names = dict.fromkeys(r.name_vi for v in reversed(ProcessVersion) for r in rulebook(v).stages if r.stage is stage)
        return " / ".join(names) or None
    versions = [ProcessVersion(version), *ProcessVersion]
    return next((r.name_vi for v in versions for r in rulebook(v).stages if r.stage is stage), None)


@cache
def threshold_days(version: ProcessVersion | str) -> int:
    return max(rulebook(ProcessVersion(version)).follow_up.warn_days_before, default=0)


# A stage by its name, once per name: a page marks thousands of drafts.
stage_of = cache(Stage)


def standing(*, recorded: bool, cutoff: date | None, cutoff_stage: Stage | str | None, stage: Stage | str, stage_deadline: date | None,
             process_version: ProcessVersion | str, extraordinary: bool, today: date, opens_on: date | None = None) -> Standing:
    """The mark from what the draft recorded (its registry row: its stage, that stage's deadline in force, its cut-off
    ahead; `opens_on`, its session's opening day, where known) and today (a Ha Noi date)."""
    ahead = stage_of(cutoff_stage) if cutoff_stage else None
    if not recorded:
        return Standing(Mark.NOT_RECORDED, None, None)
    late_here = stage_deadline is not None and stage_deadline < today
    if cutoff is None:
        # Late at its stage, a draft with no cut-off ahead is not on track (found by a Government Office's trial).
        return Standing(Mark.AT_RISK if late_here else Mark.ON_TRACK, None, None)
    # Its deadline in force falls after the cut-off: it cannot meet that cut-off on its own schedule.
    after_cutoff = stage_deadline is not None and stage_deadline > cutoff
    if today > cutoff:
        # An approved date past the sitting's cut-off at the current stage (POSTPONEMENT_CONFLICT): the draft keeps its
        # sitting until that date passes (or the Government Office resolves the conflict), and only then slips; at an
        # extraordinary session it keeps its place whatever the date (found by a fresh-user trial: "then it slips").
        slips = slips_when_missed(extraordinary)
        keeps_until_approved_date = slips and after_cutoff and ahead is stage_of(stage) and today <= stage_deadline
        missed = slips and not keeps_until_approved_date
        if (opens_on is not None and not missed and ahead is stage_of(stage) and ahead in GOVERNMENT_CUTOFF_STAGES
                and not (keeps_until_approved_date and stage_deadline < opens_on)):
            # Kept by an approved date or an extraordinary session, only until the session opens (found by a breaker: "keeps
            # the draft's place until" a date after the opening).
            return Standing(Mark.MISSED if today >= opens_on else Mark.AT_RISK, cutoff, ahead, passed=True, opens_on=opens_on)
        return Standing(Mark.MISSED if missed else Mark.AT_RISK, cutoff, ahead, passed=True,
                        kept_until=stage_deadline if keeps_until_approved_date else None)
    at_risk = (cutoff - today).days <= threshold_days(process_version) or late_here or after_cutoff
    return Standing(Mark.AT_RISK if at_risk else Mark.ON_TRACK, cutoff, ahead)


def standing_of_row(row, today: date) -> Standing:
    """`standing` of a row of `store.board.drafts_aimed_at` (a record with the registry's columns)."""
    return standing(recorded=row["cutoffs_recorded"], cutoff=row["cutoff"], cutoff_stage=row["cutoff_stage"], stage=row["stage"],
                    stage_deadline=row["stage_deadline"], process_version=row["process_version"],
                    extraordinary=bool(row["extraordinary"]), today=today, opens_on=row.get("session_opens_on"))
