"""structlog set up once per process; the standard library's records (Temporal's, uvicorn's) go through it.

Logs cannot leak what they are never given, and are cut where they might be:

- tracebacks never show local variables (a frame's locals hold tokens, titles, request bodies): the console
  renderer prints Python's own traceback, JSON lines carry a structured one (`exception`: frames and messages);
- fields named like secrets or draft contents (`REDACTED_FIELDS`: tokens, secrets, keys, Authorization, cookies,
  titles, reasons, bodies, texts) are replaced by `[redacted]`, at any depth;
- in every text, traceback messages included, a legis token keeps its ID only, a bearer credential and a
  pydantic error's echo of its input are cut (`scrub`);
- every field is at most `MAX_FIELD` characters (a traceback `MAX_TRACEBACK`), so that no request can write a
  line of its own size;
- warnings and errors repeating the same message (numbers aside) from the same logger (refusals, an activity failing for every
  draft) are written at most `BURST` times per `WINDOW` seconds; the next one written says how many were left out.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import MutableMapping
from typing import Any

import structlog
from structlog.processors import ExceptionRenderer
from structlog.tracebacks import ExceptionDictTransformer
from temporalio import activity, workflow
from temporalio.runtime import LogForwardingConfig, LoggingConfig, TelemetryFilter

from schemas.redaction import REDACTED, TOKEN
from schemas.refusal import Refused
from workers.log_context import temporal_context, trace_ids

REDACTED_FIELDS = frozenset({
    "token", "tokens", "secret", "secrets", "password", "api_key", "key", "keys", "encryption_keys", "authorization", "cookie",
    "cookies", "title", "titles", "reason", "reasons", "body", "text", "texts", "comment", "comments",
})
MAX_FIELD = 2_000
MAX_TRACEBACK = 20_000
BURST = 20
WINDOW = 10.0

_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]+")
# pydantic's errors repeat what they were given: "input_value='...', input_type=str".
_INPUT_ECHO = re.compile(r"input_value=.*?(?=, input_type=|\]$|$)", re.MULTILINE)


# Whether a text may hold any of the three: one search instead of three substitutions for the texts that hold none.
_SUSPECT = re.compile(r"(?i)legis_|bearer|basic|input_value=")


def scrub(text: str) -> str:
    """`text` without the secrets it may quote: a token's secret part, a bearer credential, a validation error's input."""
    if not _SUSPECT.search(text):
        return text
    return _INPUT_ECHO.sub(f"input_value={REDACTED}", TOKEN.sub(rf"\1{REDACTED}", _BEARER.sub(rf"\1 {REDACTED}", text)))


# Control characters but tab and newline (a traceback's), C1's included (a CSI, a NEL): written escaped, so that a
# request's path holding a NUL does not make the log a binary file to grep, nor an escape sequence drive the terminal
# that shows it, nor a NEL start a line of its own.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        cleaned = scrub(value)
        if not cleaned.isprintable():
            cleaned = _CONTROL.sub(lambda control: f"\\x{ord(control.group()):02x}", cleaned)
        return cleaned if len(cleaned) <= limit else f"{cleaned[:limit]}... [{len(cleaned) - limit} more characters cut]"
    if isinstance(value, dict):
        return {k: REDACTED if str(k).lower() in REDACTED_FIELDS else _clean(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item, limit) for item in value[:100]]
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    return value


def redact(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: secret fields redacted, texts scrubbed and cut (see the module)."""
    for name, value in list(event.items()):
        if name.startswith("_"):  # the formatter's own (the stdlib record)
            continue
        if name.lower() in REDACTED_FIELDS:
            event[name] = REDACTED
        else:
            event[name] = _clean(value, MAX_TRACEBACK if name == "exception" else MAX_FIELD)
    return event


_NUMBERS = re.compile(r"[0-9]+")


class Throttle(logging.Filter):
    """A warning or error repeating the same message (numbers aside) from the same logger is dropped past `burst` lines in a
    `window` of seconds; the first one written after a drop carries `suppressed` (how many were dropped)."""

    def __init__(self, burst: int = BURST, window: float = WINDOW) -> None:
        super().__init__()
        self._burst, self._window = burst, window
        self._seen: dict[tuple[str, str], tuple[float, int, int]] = {}  # (logger, message) -> (window start, written, dropped)
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        # structlog's own records carry their event dict as the message; the standard library's, a text.
        native = record.msg if isinstance(record.msg, dict) else None
        message = str(native.get("event")) if native is not None else str(record.msg)
        # Numbers aside: a retry's count or an event's number makes no message of its own (found by a trial: the SDK core's
        # "retried 11 times", "retried 12 times" each passed).
        key, now = (record.name, _NUMBERS.sub("#", message[:200])), time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:  # many distinct messages: forget the old ones rather than grow without bound
                self._seen.clear()
            started, written, dropped = self._seen.get(key, (now, 0, 0))
            if now - started >= self._window:
                started, written = now, 0
            if written >= self._burst:
                self._seen[key] = (started, written, dropped + 1)
                return False
            self._seen[key] = (started, written + 1, 0)
        if dropped:
            if native is not None:
                native["suppressed"] = dropped
            else:
                record.suppressed = dropped  # the formatter's ExtraAdder makes it a field
        return True


# The SDK core's records (its retries, a query it fails), forwarded to the process's logging under this logger's name.
CORE_LOGGER = "temporalio.core"


def core_logging() -> LoggingConfig:
    """The SDK core's log lines (warnings and errors) through the process's logging, so that they are JSON lines with
    the others, redacted, cut and rate-limited alike (found by a trial: written to stderr in colour, past the limit)."""
    return LoggingConfig(filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                         forwarding=LogForwardingConfig(logger=logging.getLogger(CORE_LOGGER), append_log_fields_to_message=False))


class CoreFields(logging.Filter):
    """A forwarded core record's fields as one field of the line (`core_fields`), apart from its message, so that the
    message repeats as the rate limit counts it."""

    def filter(self, record: logging.LogRecord) -> bool:
        entry = record.__dict__.pop("temporal_log", None)
        if entry is not None and entry.fields:
            record.core_fields = {str(name): str(value) for name, value in entry.fields.items()}
        return True


# The SDK's logger of what happens inside a workflow's activation, and its line for a signal whose input does not decode.
_INSTANCE_LOGGER = "temporalio.worker._workflow_instance"
_SIGNAL_DROPPED = "Failed deserializing signal input"


class DroppedSignal(logging.Filter):
    """The SDK's line for a signal whose input does not decode (any client of Temporal can send one): a warning naming
    the error, not an error with its traceback, written once per run and signal in a worker process, so that a draft
    replayed in the same worker (evicted from its cache, its next task) does not write it again (found by a trial: an
    error and a traceback at every replay). The SDK writes it before the workflow's loop runs, where whether it replays
    cannot be asked; a worker started since writes it once more as it rebuilds the draft."""

    def __init__(self, remembered: int = 4096) -> None:
        super().__init__()
        self._written: dict[str, None] = {}  # in order written: the oldest forgotten first
        self._remembered = remembered
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if not message.startswith(_SIGNAL_DROPPED):
            return True
        with self._lock:
            if message in self._written:
                return False
            self._written[message] = None
            if len(self._written) > self._remembered:
                del self._written[next(iter(self._written))]
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        if record.exc_info and record.exc_info[1] is not None:
            # The converter's refusal names the field and the rule, never the value given.
            record.error = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        record.exc_info, record.exc_text = None, None
        return True


_UPDATE_FAILED = "Update raised failure"


class UpdateFailure(logging.Filter):
    """The SDK's DEBUG line for an update a workflow refused or failed: its error's type, and a refusal's field and rule,
    without the traceback, whose last line is the refusal's message, which may quote a classified draft (its session's
    dates, its lead ministry: found by a breaker, where the API tells the caller "details withheld")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(_UPDATE_FAILED) and record.exc_info and (error := record.exc_info[1]) is not None:
            details = getattr(error, "details", None)
            said = error.details if isinstance(error, Refused) else details[0] if isinstance(details, tuple | list) and details else {}
            said = said if isinstance(said, dict) else {}
            record.error = type(error).__name__ + "".join(f" {name}={said[name]}" for name in ("field", "rule") if name in said)
            record.exc_info, record.exc_text = None, None
        return True


def drop_signals_quietly() -> None:
    """Install `DroppedSignal` and `UpdateFailure` on the SDK's workflow-instance logger, once per process."""
    logger = logging.getLogger(_INSTANCE_LOGGER)
    for kind in (DroppedSignal, UpdateFailure):
        if not any(isinstance(installed, kind) for installed in logger.filters):
            logger.addFilter(kind())


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
    if json_lines:
        tracebacks = ExceptionRenderer(ExceptionDictTransformer(show_locals=False))
        renderer: Any = structlog.processors.JSONRenderer()
    else:
        # The traceback is rendered (by Python's own formatter, without locals) before it is scrubbed.
        tracebacks = structlog.processors.format_exc_info
        renderer = structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    structlog.configure(
        # A line below the level is dropped first, before any processor formats its time or gathers its context.
        processors=[structlog.stdlib.filter_by_level, *native, temporal_context, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
        structlog.stdlib.ProcessorFormatter.remove_processors_meta, tracebacks, redact, renderer]))
    handler.addFilter(CoreFields())
    handler.addFilter(Throttle())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The embedded PostgreSQL narrates every start at INFO; its warnings are enough. The HTTP client writes each
    # request's whole URL at INFO, and a webhook's URL may carry its receiver's secret (a chat service's hook): the
    # deliveries log their own lines, with the URL cut (activities/webhooks.py).
    for chatty in ("pgserver", "httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
