"""The application's own metrics, counted from inside the workflow.

They go through the workflow's metric meter, which the SDK silences while a workflow replays, so a
worker that rebuilds an evicted draft from its history counts nothing twice. The worker's runtime
exports them beside the SDK's own on its Prometheus endpoint.
"""

from __future__ import annotations

from temporalio import workflow

from schemas.enums import EventKind
from schemas.views import HistoryEntry


def count_event(entry: HistoryEntry) -> None:
    meter = workflow.metric_meter()
    if entry.event is EventKind.DECISION:
        meter.create_counter("legis_decisions", "decisions recorded, by stage and outcome").add(
            1, {"stage": entry.stage.value, "outcome": entry.outcome.value if entry.outcome else ""}
        )
    elif entry.event is EventKind.WARNING:
        meter.create_counter("legis_warnings", "early warnings before a stage's deadline").add(1, {"stage": entry.stage.value})
    elif entry.event is EventKind.ESCALATION:
        meter.create_counter("legis_escalations", "escalations after a missed deadline, by level").add(
            1, {"stage": entry.stage.value, "level": entry.escalation_level.value if entry.escalation_level else ""}
        )
    elif entry.event is EventKind.DEADLINE_PASSED:
        meter.create_counter("legis_deadlines_missed", "stage deadlines that passed with the stage still open").add(
            1, {"stage": entry.stage.value}
        )
