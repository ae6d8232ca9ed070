"""The application's own metrics, counted from inside the workflow.

They go through the workflow's metric meter, which the SDK silences while a workflow replays, so a
worker that rebuilds an evicted draft from its history counts nothing twice. The worker's runtime
exports them beside the SDK's own on its Prometheus endpoint.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import MetricCounter

from schemas.enums import EventKind
from schemas.views import HistoryEntry

# Counted event kinds: the counter's name and description, and the attributes an event is counted under.
_COUNTED = {
    EventKind.DECISION: ("legis_decisions", "decisions recorded, by stage and outcome"),
    EventKind.WARNING: ("legis_warnings", "early warnings before a stage's deadline"),
    EventKind.ESCALATION: ("legis_escalations", "escalations after a missed deadline, by level"),
    EventKind.DEADLINE_PASSED: ("legis_deadlines_missed", "stage deadlines that passed with the stage still open"),
}


class EventCounters:
    """One draft's counters, each made once, when first counted: making a counter is a call into the SDK's core."""

    def __init__(self) -> None:
        self._made: dict[EventKind, MetricCounter] = {}

    def count(self, entry: HistoryEntry) -> None:
        """Count `entry` if its kind is counted: a decision by stage and outcome, an escalation by stage and level,
        a warning or a missed deadline by stage."""
        named = _COUNTED.get(entry.event)
        if named is None:
            return
        counter = self._made.get(entry.event)
        if counter is None:
            counter = self._made[entry.event] = workflow.metric_meter().create_counter(*named)
        attributes = {"stage": entry.stage.value}
        if entry.event is EventKind.DECISION:
            attributes["outcome"] = entry.outcome.value if entry.outcome else ""
        elif entry.event is EventKind.ESCALATION:
            attributes["level"] = entry.escalation_level.value if entry.escalation_level else ""
        counter.add(1, attributes)
