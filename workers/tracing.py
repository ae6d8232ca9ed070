"""OpenTelemetry traces through the HTTP API (FastAPI), the Temporal client and worker (`temporalio.contrib.opentelemetry`)
and PostgreSQL (asyncpg), with the trace and span IDs on every log line written inside a span.

Trace context always travels (HTTP `traceparent` in, Temporal headers between the API and the workers), so log lines of
one request carry one trace ID in every process. Spans are recorded and sent only when `LEGIS_OTLP_ENDPOINT` names an
OTLP/HTTP receiver; otherwise nothing is sampled and nothing is sent anywhere.

Spans carry no request body and no title: HTTP spans keep the path and route but not the query string (`q=` searches
titles), SQL spans the statement but not its parameters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import opentelemetry.context
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio import client, worker
from temporalio.api.common.v1 import Payload
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.converter import PayloadConverter

from schemas.redaction import tokens_redacted
from workers.settings import Settings

# Where TracingInterceptor carries the trace context in Temporal headers.
TRACE_HEADER = "_tracer-data"
# The activities that write a draft's audit trail; their input holds the events (`entries`, or one `entry`).
AUDIT_ACTIVITIES = frozenset({"record_events", "record_event"})
# Probes are answered every few seconds and tell nothing worth a trace.
UNTRACED_PATHS = "/healthz,/readyz"
_UNTRACED = frozenset(UNTRACED_PATHS.split(","))
_PROPAGATOR = TraceContextTextMapPropagator()
_TRACE_HEADERS = frozenset({b"traceparent", b"tracestate"})
# HTTP span attributes that hold the query string, by semantic-convention version.
_URL_ATTRIBUTES = ("http.target", "http.url", "url.full")


@dataclass(frozen=True)
class Tracing:
    """One process's tracer provider and the instrumentation that uses it."""

    provider: TracerProvider
    database: bool = False

    def client_interceptors(self) -> list[client.Interceptor]:
        # Given to the client, TracingInterceptor also runs in every worker made with that client.
        return [TracingInterceptor(self.provider.get_tracer("legis"))]

    def worker_interceptors(self) -> list[worker.Interceptor]:
        # After the client's TracingInterceptor, so that its spans see the context this one attaches.
        return [UpdateTraceContext()]

    def instrument_api(self, app: FastAPI) -> None:
        """A server span per request when spans are recorded; else only the request's trace context (`TraceContext`)."""
        if self.provider.sampler is ALWAYS_OFF:
            app.add_middleware(TraceContext, tracer=self.provider.get_tracer("legis.api"))
            return
        FastAPIInstrumentor.instrument_app(app, tracer_provider=self.provider, server_request_hook=without_query,
                                           excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"])

    def close(self) -> None:
        """Send the spans still buffered and stop instrumenting."""
        if self.database:
            AsyncPGInstrumentor().uninstrument()
        self.provider.shutdown()


class TraceContext:
    """With no span recorded, what a request needs of tracing is its trace context: the caller's `traceparent`, or a new
    trace, current while the request runs, for its log lines and the Temporal calls it makes. The instrumentor would also
    collect the span's attributes, match the route for its name and wrap every message sent, for a span nobody records:
    a fifth of the API's CPU per public comment."""

    def __init__(self, app: ASGIApp, tracer: trace.Tracer) -> None:
        self.app, self.tracer = app, tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNTRACED:
            await self.app(scope, receive, send)
            return
        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"] if name in _TRACE_HEADERS}
        with self.tracer.start_as_current_span("HTTP", context=_PROPAGATOR.extract(carrier), kind=trace.SpanKind.SERVER):
            await self.app(scope, receive, send)


def start_tracing(settings: Settings, service: str) -> Tracing:
    """Tracing for a process named `service`: spans exported over OTLP/HTTP when `settings.otlp_endpoint` is set; else
    trace IDs only (for the logs and for the processes after this one), no span recorded."""
    resource = Resource.create({SERVICE_NAME: service})
    if settings.otlp_endpoint is None:
        return Tracing(TracerProvider(resource=resource, sampler=ALWAYS_OFF))
    # The sampler is the SDK's default (parent-based, always on) unless OTEL_TRACES_SAMPLER says otherwise.
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint.rstrip('/')}/v1/traces")))
    return recording(provider)


def recording(provider: TracerProvider) -> Tracing:
    """Tracing that records spans through `provider`, SQL spans of every asyncpg query included (statements without
    their parameters)."""
    AsyncPGInstrumentor(capture_parameters=False).instrument(tracer_provider=provider)
    return Tracing(provider, database=True)


def without_query(span: trace.Span, scope: Mapping[str, Any]) -> None:
    """FastAPI server-request hook: the URL attributes lose their query string, which may hold a title search, and a
    token's secret pasted into the path keeps the token's ID only (found by a breaker)."""
    if span is None or not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for key in _URL_ATTRIBUTES:
        value = attributes.get(key)
        if isinstance(value, str) and (cut := tokens_redacted(value.split("?", 1)[0])) != value:
            span.set_attribute(key, cut)
    if "url.query" in attributes:
        span.set_attribute("url.query", "")


def context_of(headers: Mapping[str, Payload]) -> opentelemetry.context.Context | None:
    """The caller's trace context that TracingInterceptor put in a message's Temporal headers, if any."""
    payload = headers.get(TRACE_HEADER)
    if not payload:
        return None
    carrier = PayloadConverter.default.from_payloads([payload])[0]
    context = TraceContextTextMapPropagator().extract(carrier)
    return context if trace.get_current_span(context).get_span_context().is_valid else None


@contextlib.contextmanager
def attached(context: opentelemetry.context.Context) -> Iterator[None]:
    token = opentelemetry.context.attach(context)
    try:
        yield
    finally:
        # A handler abandoned by an evicted workflow ends wherever garbage collection runs, where the token is not valid.
        with contextlib.suppress(ValueError):
            token.var.reset(token)


class UpdateTraceContext(worker.Interceptor):
    """The work an update causes joins its caller's trace: what its handler does, and the audit write of the events it
    recorded, which the workflow's main loop schedules later.

    TracingInterceptor puts a workflow's own spans in the trace of its start and only links an update's caller; without
    this, a decision sent over HTTP would end at the update call, and its audit write would belong to the draft's start.
    Only headers change: the workflow's commands, and so its replay, are the same with or without it.
    """

    def workflow_interceptor_class(self, input: worker.WorkflowInterceptorClassInput) -> type[worker.WorkflowInboundInterceptor]:
        return _UpdateContextInbound


class _UpdateContextInbound(worker.WorkflowInboundInterceptor):
    def __init__(self, next: worker.WorkflowInboundInterceptor) -> None:
        super().__init__(next)
        # Audit sequence number -> the trace context of the update that recorded the event, until its write is scheduled.
        self._by_seq: dict[int, opentelemetry.context.Context] = {}

    def init(self, outbound: worker.WorkflowOutboundInterceptor) -> None:
        super().init(_AuditWriteOutbound(outbound, self._by_seq))

    async def handle_update_handler(self, input: worker.HandleUpdateInput) -> Any:
        context = context_of(input.headers)
        if context is None:
            return await super().handle_update_handler(input)
        with attached(context):
            receipt = await super().handle_update_handler(input)
        # The draft's updates answer with a receipt naming the audit events they recorded.
        first, count = getattr(receipt, "first_seq", None), getattr(receipt, "events", 0)
        if isinstance(first, int) and not getattr(receipt, "duplicate", False):
            self._by_seq.update(dict.fromkeys(range(first, first + count), context))
        return receipt


class _AuditWriteOutbound(worker.WorkflowOutboundInterceptor):
    def __init__(self, next: worker.WorkflowOutboundInterceptor, by_seq: dict[int, opentelemetry.context.Context]) -> None:
        super().__init__(next)
        self._by_seq = by_seq

    def start_activity(self, input: worker.StartActivityInput) -> Any:
        if input.activity not in AUDIT_ACTIVITIES or not input.args:
            return super().start_activity(input)
        request = input.args[0]
        entries = getattr(request, "entries", None) or [getattr(request, "entry", None)]
        contexts = [self._by_seq.pop(entry.seq) for entry in entries if entry is not None and entry.seq in self._by_seq]
        if not contexts:
            return super().start_activity(input)
        # A batch holding the events of several updates joins the first one's trace.
        with attached(contexts[0]):
            return super().start_activity(input)
