"""What every log line of a worker says about where it comes from: submission, workflow, run,
activity and attempt; and, written inside a span, its trace and span IDs."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import structlog
from opentelemetry import trace
from temporalio import activity
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from workflows.draft_law import WORKFLOW_ID_PREFIX


def submission_of(workflow_id: str) -> str | None:
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX) if workflow_id.startswith(WORKFLOW_ID_PREFIX) else None


def temporal_context(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: the SDK's `temporal_workflow` / `temporal_activity` extras as flat keys.

    The workflow logger of the SDK drops its records while a workflow replays, so a draft rebuilt
    from history logs nothing twice.
    """
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    if (info := event.pop("temporal_workflow", None)) is not None:
        event.setdefault("workflow_id", info.get("workflow_id"))
        event.setdefault("run_id", info.get("run_id"))
        event.setdefault("workflow_type", info.get("workflow_type"))
    if (info := event.pop("temporal_activity", None)) is not None:
        event.setdefault("workflow_id", info.get("workflow_id"))
        event.setdefault("run_id", info.get("workflow_run_id"))
        event.setdefault("activity", info.get("activity_type"))
        event.setdefault("attempt", info.get("attempt"))
    if isinstance(workflow_id := event.get("workflow_id"), str) and (submission := submission_of(workflow_id)):
        event.setdefault("submission_id", submission)
    return event


def trace_ids(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the current span's trace and span IDs (W3C hex) on a line written inside a span."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", trace.format_trace_id(context.trace_id))
        event.setdefault("span_id", trace.format_span_id(context.span_id))
    return event


class ActivityLogContext(Interceptor):
    """Binds the activity's context for every structlog line written while it runs."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _BindContext(next)


class _BindContext(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        context = {"workflow_id": info.workflow_id, "run_id": info.workflow_run_id, "activity": info.activity_type, "attempt": info.attempt}
        if info.workflow_id and (submission := submission_of(info.workflow_id)):
            context["submission_id"] = submission
        with structlog.contextvars.bound_contextvars(**context):
            return await super().execute_activity(input)
