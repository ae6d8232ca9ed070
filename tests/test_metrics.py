"""The Prometheus /metrics of a worker with the HTTP API in its process (as `legis dev` runs them), scraped as
Prometheus does while drafts are decided over HTTP, warned, overrun and escalated in the time-skipping server, a
workflow task fails and PostgreSQL refuses an audit write for a while: the application's counters equal the events in
the draft's history; names and labels follow Prometheus's conventions; the alert rules and the Grafana dashboard read
only metrics and labels that are there."""

from __future__ import annotations

import contextlib
import json
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import promql_parser
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from activities.database import create_pool, migrate
from api.app import create_app
from schemas.enums import CallerRole, Stage
from schemas.views import HistoryView
from tests.conftest import TEST_KEYS
from tests.drafts import decision, start_request
from tests.http_api import bearer, body
from tests.polling import eventually
from tests.ports import free_port
from tests.receiver import silent_listener
from tests.scenarios import approve
from workers.overdue_gauge import KNOWN_AGENCIES
from workers.settings import WORKER_SERVICE, Settings, metrics_runtime
from workers.worker import configured_worker, operations
from workflows import client as drafts
from workflows.client import connect

S = Stage
ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "monitoring" / "alerts.yml"
DASHBOARD = ROOT / "monitoring" / "grafana" / "legis.json"
# Series Prometheus makes itself for every target.
PROMETHEUS_OWN = {"up"}
# Read by the rules and the dashboard, counted only when what the scrape does not cause happens: a message given up on
# (the dead-letter table), PostgreSQL not answering (`test_an_outage_of_postgresql_is_counted_for_its_alert`).
COUNTED_ELSEWHERE = {"legis_dead_letters_total", "legis_database_unavailable_total"}
# Labels Prometheus adds to every series it scrapes.
TARGET_LABELS = {"job", "instance"}


@dataclass(frozen=True)
class Scrape:
    samples: list[Sample]
    types: dict[str, str]
    history: HistoryView

    def named(self, name: str, **labels: str) -> list[Sample]:
        return [s for s in self.samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]

    def total(self, name: str, **labels: str) -> float:
        return sum(s.value for s in self.named(name, **labels))

    def labels_of(self, name: str) -> set[str]:
        return {label for s in self.named(name) for label in s.labels}


@pytest.fixture(scope="module")
async def scrape(time_skipping_env, pg_server, pool) -> Scrape:
    env = time_skipping_env
    database = f"t_{uuid.uuid4().hex[:10]}"
    await pool.execute(f'CREATE DATABASE "{database}"')
    url = pg_server.get_uri(database=database)
    await migrate(url)
    settings = Settings(_env_file=None, metrics_port=free_port(), health_port=None, task_queue=f"metrics-{uuid.uuid4().hex[:8]}",
                        api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none")
    runtime = metrics_runtime(settings, WORKER_SERVICE)
    client = await connect(env.client.service_client.config.target_host, keys=TEST_KEYS, runtime=runtime)
    app_pool = await create_pool(url)
    request, refused = start_request(), start_request()
    try:
        worker = configured_worker(settings, client, app_pool)
        app = create_app(client=client, pool=app_pool, task_queue=settings.task_queue, settings=settings, runtime=runtime)
        async with (worker, operations(settings, client, app_pool, worker, runtime),
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://legis.test") as http):
            lead = await bearer(app_pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
            with env.with_time_skipping_disabled():
                for started in (request, refused):
                    assert (await http.post("/v1/submissions", json=body(started), headers=lead)).status_code == 201
            government = await bearer(app_pool, "CP", CallerRole.GOVERNMENT)
            decided = await http.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, S.POLICY_PROPOSAL)),
                                      headers=government)
            assert decided.status_code == 200, decided.text
            await approve(env.client, request, [S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
            # Appraisal's 30 days run out: warnings, the deadline passed, then the escalation ladder.
            await env.fast_forward(drafts.draft(env.client, request.submission_id), timedelta(days=60))
            history = await drafts.history(env.client, request.submission_id)

            # A workflow task that fails (a workflow type no worker here knows), and an audit write PostgreSQL refuses.
            stuck = await env.client.start_workflow("NoSuchWorkflow", id=f"stuck-{uuid.uuid4().hex[:8]}", task_queue=settings.task_queue)
            # A transient refusal (lock_not_available), which the activity retries; a refusal for the data would be a dead letter.
            await app_pool.execute(f"""
                CREATE FUNCTION refuse_while_locked() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.submission_id = '{refused.submission_id}' THEN
                        RAISE EXCEPTION 'audit_events locked' USING ERRCODE = '55P03';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refused BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_while_locked();""")
            await drafts.decide(env.client, refused.submission_id, decision(refused, S.POLICY_PROPOSAL))
            metrics = f"http://127.0.0.1:{settings.metrics_port}/metrics"
            async with httpx.AsyncClient(timeout=10) as scraper:
                async def scraped() -> str:
                    return (await scraper.get(metrics)).text
                text = await eventually(scraped, lambda t: "temporal_workflow_task_execution_failed_total{" in t
                                        and 'temporal_activity_execution_failed_total{activity_type="record_events"' in t)
            await stuck.terminate()
            await app_pool.execute("DROP TRIGGER refused ON audit_events; DROP FUNCTION refuse_while_locked()")
            await eventually(lambda: app_pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'DECISION'",
                                                       refused.submission_id), lambda n: n == 1)
    finally:
        await app_pool.close()
    families = list(text_string_to_metric_families(text))
    return Scrape([s for f in families for s in f.samples], {s.name: f.type for f in families for s in f.samples}, history)


def test_the_application_counters_equal_the_events_in_the_drafts_history(scrape):
    recorded = {kind: sum(1 for e in scrape.history.entries if e.event.value == kind) for kind in ("WARNING", "DEADLINE_PASSED", "ESCALATION")}
    assert scrape.total("legis_decisions_total", stage="POLICY_PROPOSAL", outcome="APPROVE") == 2
    assert scrape.total("legis_decisions_total", stage="DRAFTING") == 1
    assert scrape.total("legis_warnings_total", stage="APPRAISAL") == recorded["WARNING"] >= 1
    assert scrape.total("legis_deadlines_missed_total", stage="APPRAISAL") == recorded["DEADLINE_PASSED"] == 1
    assert scrape.total("legis_escalations_total", stage="APPRAISAL") == recorded["ESCALATION"] >= 2


def test_names_and_labels_follow_the_prometheus_conventions(scrape):
    counters = {name for name, kind in scrape.types.items() if kind == "counter"}
    assert {"legis_decisions_total", "legis_warnings_total", "legis_escalations_total", "legis_deadlines_missed_total",
            "temporal_request_total"} <= counters
    assert all(name.endswith("_total") for name in counters), sorted(counters)
    # Every histogram here is a duration: in seconds, and named so.
    histograms = {name.rsplit("_", 1)[0] for name, kind in scrape.types.items() if kind == "histogram"}
    assert histograms and all(name.endswith("_seconds") for name in histograms), sorted(histograms)
    # The application's own service_name on every series, the SDK's metrics included.
    assert {s.labels.get("service_name") for s in scrape.samples} == {WORKER_SERVICE}
    assert scrape.labels_of("legis_decisions_total") == {"stage", "outcome", "namespace", "task_queue", "workflow_type", "service_name"}
    # The overdue gauge is there at zero before anything is overdue, for every body known in advance.
    assert {s.labels["agency"]: s.value for s in scrape.named("legis_drafts_overdue")} == dict.fromkeys(KNOWN_AGENCIES, 0)
    # The API's requests, by OpenTelemetry's HTTP attribute names, with the route's template rather than the path.
    assert scrape.total("http_server_request_duration_seconds_count", http_request_method="POST",
                        http_route="/v1/submissions/{submission_id}/decisions", http_response_status_code="200") == 1
    assert scrape.total("http_server_request_duration_seconds_count", http_route="/v1/submissions", http_response_status_code="201") == 2


def selectors(expr: promql_parser.Expr) -> Iterator[promql_parser.VectorSelector]:
    found: list[promql_parser.VectorSelector] = []
    promql_parser.walk(expr, lambda node: found.append(node) if isinstance(node, promql_parser.VectorSelector) else None)
    return iter(found)


def check_expression(scrape: Scrape, text: str) -> set[str] | None:
    """Parse `text` as PromQL; every metric it reads is scraped, and every label it matches or groups by is on that
    metric. Returns the labels its series can carry (None for an expression on a metric counted elsewhere)."""
    expr = promql_parser.parse(text)
    labels: set[str] = set(TARGET_LABELS)
    for selector in selectors(expr):
        if selector.name in COUNTED_ELSEWHERE:
            return None
        if selector.name in PROMETHEUS_OWN:
            continue
        assert scrape.named(selector.name), f"{selector.name} (in {text!r}) is not on /metrics"
        labels |= scrape.labels_of(selector.name)
        for matcher in selector.matchers.matchers:
            assert matcher.name in labels, f"{selector.name} has no label {matcher.name}"
    grouped: list[str] = []
    promql_parser.walk(expr, lambda node: grouped.extend(node.modifier.labels)
                       if isinstance(node, promql_parser.AggregateExpr) and node.modifier else None)
    assert set(grouped) <= labels, f"{text!r} groups by labels its metrics lack: {set(grouped) - labels}"
    return labels


def test_the_alert_rules_parse_and_read_only_metrics_that_are_scraped(scrape):
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    read = set()
    for rule in rules:
        assert rule["labels"]["severity"] in ("critical", "warning") and rule["annotations"]["summary"], rule["alert"]
        read |= {s.name for s in selectors(promql_parser.parse(rule["expr"]))}
        labels = check_expression(scrape, rule["expr"])
        used = {part.split("}}")[0].strip() for text in rule["annotations"].values() for part in text.split("$labels.")[1:]}
        assert labels is None or used <= labels, f"{rule['alert']}: annotations name labels its expression lacks: {used - labels}"
    # Overdue drafts, stuck workflow tasks (failing, or waiting for a worker), dead letters, activity failures.
    assert {"legis_drafts_overdue", "temporal_workflow_task_execution_failed_total", "temporal_workflow_task_schedule_to_start_latency_seconds_bucket",
            "legis_dead_letters_total", "temporal_activity_execution_failed_total"} <= read
    assert len({rule["alert"] for rule in rules}) == len(rules)


def test_the_dashboard_reads_only_metrics_that_are_scraped(scrape):
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    targets = [t for panel in dashboard["panels"] for t in panel.get("targets", [])]
    assert len(targets) >= 15
    for target in targets:
        check_expression(scrape, target["expr"])
        assert target["datasource"]["uid"] == "${datasource}"
    read = {s.name for t in targets for s in selectors(promql_parser.parse(t["expr"]))}
    assert {"legis_drafts_overdue", "legis_decisions_total", "legis_warnings_total", "legis_escalations_total", "legis_deadlines_missed_total",
            "legis_dead_letters_total", "http_server_request_duration_seconds_count"} <= read


def test_a_metrics_port_that_cannot_be_bound_names_its_setting():
    """Found by a re-check: bound by another program between `legis dev`'s check and the exporter's start, the port
    ended the stack in a traceback "for a bug report"."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=rf"127.0.0.1:{port} \(LEGIS_METRICS_PORT, the metrics\): .*already in use"):
            metrics_runtime(Settings(_env_file=None, metrics_port=port), WORKER_SERVICE)


@pytest.mark.parametrize("answers", [False, True], ids=["nothing-listens", "takes-connections-answers-nothing"])
async def test_an_outage_of_postgresql_is_counted_for_its_alert(dev_env, answers):
    """Found by an operator's trial: with PostgreSQL stopped, the audit writes failed attempt after attempt, as a BENIGN
    failure the SDK counts in none of its metrics, and no alert of monitoring/alerts.yml fired (`LegisActivitiesFailing`
    reads `temporal_activity_execution_failed_total`, absent on every worker). `legis_database_unavailable_total` counts
    them, and `LegisDatabaseUnavailable` reads it. Then by a breaker: one that takes connections and answers nothing (a
    stopped process, a hung host) held every attempt until its start-to-close cancelled it, counted nowhere; the pool
    gives up first (`activities.database.CONNECT_SECONDS`)."""
    settings = Settings(_env_file=None, metrics_port=free_port(), health_port=None, task_queue=f"outage-{uuid.uuid4().hex[:8]}")
    client = await connect(dev_env.client.service_client.config.target_host, keys=TEST_KEYS, runtime=metrics_runtime(settings, WORKER_SERVICE))
    request = start_request()
    with silent_listener("127.0.0.1") if answers else contextlib.nullcontext((free_port(), [])) as (port, _):
        down = await create_pool(f"postgresql://postgres@127.0.0.1:{port}/postgres")  # nothing listens there, or nothing answers
        async with configured_worker(settings, client, down), httpx.AsyncClient(timeout=10) as scraper:
            await drafts.start_submission(client, request, task_queue=settings.task_queue)

            async def scraped() -> str:
                return (await scraper.get(f"http://127.0.0.1:{settings.metrics_port}/metrics")).text
            # The draft's first activity (its rulebook pin) fails at every attempt.
            text = await eventually(scraped, lambda t: 'legis_database_unavailable_total{' in t)
            await drafts.draft(client, request.submission_id).terminate("test over")
        await down.close()
    [sample] = [s for f in text_string_to_metric_families(text) for s in f.samples if s.name == "legis_database_unavailable_total"]
    assert sample.value >= 1 and sample.labels["activity_type"] == "pin_rules" and sample.labels["task_queue"] == settings.task_queue, sample
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    assert any("legis_database_unavailable_total" in rule.get("expr", "") for group in rules["groups"] for rule in group["rules"])
