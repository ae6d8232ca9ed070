"""Traces: one decision sent over HTTP is one trace, from the HTTP request through the Temporal update and the audit
write's activity to its SQL, exported in memory; log lines carry its trace ID; spans carry no body, title or secret; and
with no OTLP endpoint nothing is recorded, while with one the spans reach an OTLP/HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import structlog
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from structlog.testing import capture_logs

from api.app import create_app
from schemas.enums import CallerRole, Stage
from tests.conftest import TEST_KEYS
from tests.drafts import decision, start_request
from tests.http_api import bearer, body
from tests.polling import eventually
from workers.log_context import trace_ids
from workers.settings import Settings
from workers.tracing import recording, start_tracing
from workers.worker import create_worker
from workflows.client import connect

DECISIONS_ROUTE = "/v1/submissions/{submission_id}/decisions"


class Records(logging.Handler):
    """The standard library's records (the workflow's own lines) with the trace ID current where each was written."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[tuple[str, str | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record.getMessage(), trace_ids(None, "", {}).get("trace_id")))


def ancestry(span: ReadableSpan, spans: dict[int, ReadableSpan]) -> list[str]:
    """The names from `span` up to its trace's root, following parents recorded in this trace."""
    names = [span.name]
    while span.parent is not None:
        span = spans[span.parent.span_id]
        names.append(span.name)
    return names


def texts(span: ReadableSpan) -> str:
    return " ".join(str(value) for value in (span.attributes or {}).values())


async def test_one_decision_sent_over_http_is_one_trace_from_the_request_to_the_audit_write(dev_env, pool):
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "legis-test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = recording(provider)
    workflow_lines = Records()
    logging.getLogger("temporalio.workflow").addHandler(workflow_lines)
    previous_level = logging.getLogger("temporalio.workflow").level
    logging.getLogger("temporalio.workflow").setLevel(logging.INFO)
    try:
        client = await connect(dev_env.client.service_client.config.target_host, keys=TEST_KEYS, interceptors=tracing.client_interceptors())
        task_queue = f"trace-{uuid.uuid4().hex[:8]}"
        settings = Settings(_env_file=None, api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none")
        app = create_app(client=client, pool=pool, task_queue=task_queue, settings=settings, tracing=tracing)
        request = start_request()
        async with (create_worker(client, pool, task_queue=task_queue, interceptors=tracing.worker_interceptors()),
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://legis.test") as http):
            lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
            assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
            government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
            sent = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"reasons": "Lý do riêng của Chính phủ"})
            with capture_logs(processors=[structlog.contextvars.merge_contextvars, trace_ids]) as lines:
                answer = await http.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(sent),
                                         headers={**government, "X-Request-ID": "trace-test-1"})
                assert answer.status_code == 200, answer.text
                decided = await eventually(
                    lambda: pool.fetchval("SELECT seq FROM audit_events WHERE submission_id = $1 AND event = 'DECISION'", request.submission_id),
                    lambda seq: seq is not None)

                def audit_sql() -> list[ReadableSpan]:
                    return [s for s in exporter.get_finished_spans() if "INSERT INTO audit_events" in str((s.attributes or {}).get("db.statement"))
                            and any(p.name == "RunActivity:record_events" for p in exporter.get_finished_spans()
                                    if s.parent and p.context.span_id == s.parent.span_id)]
                await eventually(lambda: _now(audit_sql()), lambda found: found)
    finally:
        logging.getLogger("temporalio.workflow").removeHandler(workflow_lines)
        logging.getLogger("temporalio.workflow").setLevel(previous_level)
        tracing.close()

    spans = exporter.get_finished_spans()
    [http_span] = [s for s in spans if s.attributes.get("http.route") == DECISIONS_ROUTE and s.kind is trace.SpanKind.SERVER]
    trace_id = http_span.context.trace_id
    in_trace = {s.context.span_id: s for s in spans if s.context.trace_id == trace_id}
    # The request had no caller's trace: it starts one.
    assert http_span.parent is None and http_span.attributes["legis.request_id"] == "trace-test-1"
    # The audit write's SQL is in it, under the activity, under the workflow's scheduling of it, under the update call,
    # under the HTTP request.
    [write] = [s for s in in_trace.values() if "INSERT INTO audit_events" in str(s.attributes.get("db.statement"))]
    chain = ancestry(write, in_trace)
    assert chain[-1] == http_span.name and chain[1:] == ["RunActivity:record_events", "StartActivity:record_events",
                                                         "StartWorkflowUpdate:decide", *chain[4:]], chain
    assert "StartWorkflowUpdate:decide" in chain and "RunActivity:record_events" in chain
    # The workflow's own handling of the update stays in the draft's start trace, linked to the decision's.
    handled = [s for s in spans if s.name == "HandleUpdate:decide"]
    assert handled and all(any(link.context.trace_id == trace_id for link in s.links) for s in handled)
    # The token lookup is in the trace too; nothing of another request is.
    assert any("api_tokens" in str(s.attributes.get("db.statement")) for s in in_trace.values())
    assert all(s.name != "POST /v1/submissions" for s in in_trace.values())

    # Log lines: the access line with the request ID, the audit write's line, and the workflow's own line all carry it.
    hex_id = trace.format_trace_id(trace_id)
    [access] = [line for line in lines if line["event"] == "request" and line.get("path", "").endswith("/decisions")]
    assert access["request_id"] == "trace-test-1" and access["trace_id"] == hex_id and access["span_id"]
    assert any(line["event"] == "audit events recorded" and line["trace_id"] == hex_id and line["last_seq"] >= decided for line in lines)
    assert any(message.startswith("decision recorded") and seen == hex_id for message, seen in workflow_lines.seen), workflow_lines.seen

    # No body, title, reasons or secret in any span.
    secrets = [request.title, sent.reasons, sent.official, government["Authorization"].split()[1], lead["Authorization"].split()[1]]
    assert not [(s.name, secret) for s in spans for secret in secrets if secret in texts(s) or secret in s.name]


async def _now(value):
    return value


def test_without_an_endpoint_trace_ids_exist_but_nothing_is_recorded_or_sent():
    tracing = start_tracing(Settings(_env_file=None), "legis-test")
    try:
        span = tracing.provider.get_tracer("test").start_span("anything")
        assert span.get_span_context().is_valid and not span.is_recording()
        assert not tracing.database
    finally:
        tracing.close()


class Collector(ThreadingHTTPServer):
    """An OTLP/HTTP receiver on 127.0.0.1 that keeps what it is sent."""

    def __init__(self) -> None:
        self.received: list[tuple[str, ExportTraceServiceRequest]] = []
        super().__init__(("127.0.0.1", 0), _Receive)


class _Receive(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        export = ExportTraceServiceRequest()
        export.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append((self.path, export))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_with_an_endpoint_spans_go_to_it_over_otlp_http_named_by_service():
    collector = Collector()
    thread = threading.Thread(target=collector.serve_forever, daemon=True)
    thread.start()
    try:
        tracing = start_tracing(Settings(_env_file=None, otlp_endpoint=f"http://127.0.0.1:{collector.server_address[1]}"), "legis-worker")
        assert tracing.database
        with tracing.provider.get_tracer("test").start_as_current_span("sent"):
            pass
        tracing.close()  # flushes the batch
    finally:
        collector.shutdown()
        collector.server_close()
    [(path, export)] = collector.received
    resource = export.resource_spans[0].resource
    assert path == "/v1/traces"
    assert {a.key: a.value.string_value for a in resource.attributes}[SERVICE_NAME] == "legis-worker"
    assert [span.name for span in export.resource_spans[0].scope_spans[0].spans] == ["sent"]


async def test_a_token_pasted_into_a_request_is_not_exported_whole_in_a_span(dev_env, pool):
    """Found by a breaker: a token pasted where something else belongs kept only its ID in the answer, the logs and the
    audit trail, but the spans took it whole: the request ID attribute (`legis.request_id`), the HTTP span's URL, and the
    Temporal client's span of a query to workflow `draft-law-<the token>`, which the API now refuses to send (422)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: "legis-test"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = recording(provider)
    try:
        client = await connect(dev_env.client.service_client.config.target_host, keys=TEST_KEYS, interceptors=tracing.client_interceptors())
        settings = Settings(_env_file=None, api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none")
        app = create_app(client=client, pool=pool, task_queue=f"spans-{uuid.uuid4().hex[:8]}", settings=settings, tracing=tracing)
        headers = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
        token = headers["Authorization"].split()[1]
        secret = token.split("_", 2)[2]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://legis.test") as http:
            # A client that sends its token as the request ID (a wrong variable in a script), or pastes it as a path part.
            listed = await http.get("/v1/submissions", headers={**headers, "X-Request-ID": token})
            assert listed.status_code == 200, listed.text
            pasted = await http.get(f"/v1/submissions/{token}", headers=headers)
            assert secret not in pasted.text  # the answer keeps the token's ID only, as the logs do
            assert pasted.status_code == 422 and pasted.json()["rule"] == "not_a_secret", pasted.text
    finally:
        tracing.close()
    spans = exporter.get_finished_spans()
    assert spans
    leaked = [(s.name, key) for s in spans for key, value in (s.attributes or {}).items() if secret in str(value)]
    leaked += [(s.name, "name") for s in spans if secret in s.name]
    assert not leaked, leaked
