"""When to warn and when to escalate, for one stage's deadline: a pure schedule of alarms."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from schemas.enums import EscalationLevel, EventKind
from schemas.rulebook import EscalationStep, FollowUp
from workflows.deadlines import passes_at


@dataclass(frozen=True)
class Alarm:
    at: datetime
    event: EventKind  # WARNING, DEADLINE_PASSED or ESCALATION
    label: str  # what an official reads: "half of the window", "5 days before", the escalation level
    level: EscalationLevel | None = None

    @property
    def key(self) -> str:
        return f"{self.event.value}:{self.label}"


def alarms(rules: FollowUp, *, window_start: datetime, deadline: date, late_from: datetime | None = None,
           ladder: tuple[EscalationStep, ...] | None = None) -> list[Alarm]:
    """Every alarm for a deadline, in time order (`_schedule`)."""
    return list(_schedule(rules, window_start, deadline, late_from, ladder))


# A draft asks its schedule after each message (`draft.receive`) and again for its next wake, with the same arguments:
# computed once (found by the benchmark: asked twice, a lifecycle cost 10 ms more of the worker's CPU). Pure, so a
# schedule shared by every draft of the process is the one each would compute.
@functools.lru_cache(maxsize=4096)
def _schedule(rules: FollowUp, window_start: datetime, deadline: date, late_from: datetime | None,
              ladder: tuple[EscalationStep, ...] | None) -> tuple[Alarm, ...]:
    """Every alarm for a deadline, in time order; warnings that would fall before the window opens are dropped.
    `late_from`: when the deadline was set (eighteenth generation on): a deadline set after it had passed is missed from
    then, and its escalation ladder counts its calendar days from then (a session brought forward past a draft's cut-off
    made it late that day, and every level of the ladder was raised at once). `ladder`: the stage's own escalation (the
    Assembly's, the President's), else the follow-up's (the Government Office's)."""
    due = passes_at(deadline)
    missed = max(due, late_from) if late_from is not None else due
    found = [Alarm(at=missed, event=EventKind.DEADLINE_PASSED, label=f"deadline {deadline.isoformat()} passed")]
    for fraction in rules.warn_at_fractions:
        found.append(Alarm(at=window_start + (due - window_start) * fraction, event=EventKind.WARNING,
                           label=f"{round(fraction * 100)}% of the window elapsed"))
    for days in rules.warn_days_before:
        found.append(Alarm(at=due - timedelta(days=days), event=EventKind.WARNING, label=f"{days} days before the deadline"))
    for step in ladder or rules.escalation:
        found.append(Alarm(at=missed + timedelta(days=step.days_after), event=EventKind.ESCALATION,
                           label=f"escalated to {step.level.value}", level=step.level))
    order = {EventKind.WARNING: 0, EventKind.DEADLINE_PASSED: 1, EventKind.ESCALATION: 2}
    return tuple(sorted(
        (a for a in found if a.event is not EventKind.WARNING or a.at > window_start),
        key=lambda a: (a.at, order[a.event]),
    ))


def is_late_request(rules: FollowUp, *, deadline: date, asked_on: date) -> bool:
    """A postponement asked in the last `late_request_days` before the deadline, or after it, is late (xin lùi sát hạn)."""
    return (deadline - asked_on).days < rules.late_request_days
