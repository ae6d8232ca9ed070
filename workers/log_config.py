"""structlog set up once per process; the standard library's records (Temporal's too) go through it."""

from __future__ import annotations

import logging

import structlog
from temporalio import activity, workflow

from workers.log_context import temporal_context, trace_ids


def configure_logging(level: str = "INFO", *, json_lines: bool = False) -> None:
    native = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        # The trace and span IDs of the span a line is written in (workers.tracing).
        trace_ids,
    ]
    # Records of the standard library (the SDK's workflow and activity loggers) carry their context as extras.
    shared = [*native, structlog.stdlib.ExtraAdder(), temporal_context]
    # The context goes into fields of its own, not into the message text.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    renderer = structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*native, temporal_context, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
        structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The embedded PostgreSQL narrates every start at INFO; its warnings are enough.
    logging.getLogger("pgserver").setLevel(max(logging.WARNING, root.level))
