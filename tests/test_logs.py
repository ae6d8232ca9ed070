"""Logs that cannot leak: `legis api` and `legis worker`, run as an operator runs them, go through the failures
that once printed tokens and titles (the database down while callers authenticate, an activity failing on a
classified draft's decision, a 1 MB request), and neither a classified text nor a token shows in any line they
write."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pgserver
import pytest
import structlog
from temporalio import activity, workflow
from temporalio.client import WorkflowUpdateStage

from activities.database import migrate
from api.tokens import issue
from schemas.enums import CallerRole, ProgrammeChangeKind, Stage
from schemas.messages import StartRequest
from tests.conftest import TEST_KEY_ENTRY, TEST_KEYS
from tests.drafts import decision, example_text, programme_change
from tests.http_api import bearer, body, started_at_drafting
from tests.polling import eventually
from tests.ports import free_port
from tests.stack import LEGIS, stopped
from workers.dev_stack import temporal_binary
from workers.log_config import MAX_FIELD, REDACTED, Throttle, configure_logging, redact, scrub
from workflows import client as drafts
from workflows import search_attributes as sa


def running(command: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen([LEGIS, command], env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("json_lines", [False, True], ids=["console", "json"])
async def test_failures_leave_no_title_and_no_token_in_the_logs(dev_env, tmp_path, json_lines):
    run = uuid.uuid4().hex[:8]
    # ASCII markers: a JSON line escapes other characters, and would hide a leak.
    title, forged = f"SECRET-TITLE-{run}", f"legis_0123456789ab_TOKENMARK{run}"
    with tempfile.TemporaryDirectory(prefix="legis-logs-pg-") as pgdata:
        database = pgserver.get_server(pgdata, cleanup_mode="delete")
        try:
            url = database.get_uri()
            await migrate(url)
            connection = await asyncpg.connect(url)
            try:
                _, real = await issue(connection, agency_code="BCT", role=CallerRole.LEAD_MINISTRY, issued_by="log test")
            finally:
                await connection.close()
            port = free_port()
            env = {**os.environ, "LEGIS_DATABASE_URL": url, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
                   "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TASK_QUEUE": f"logs-{run}", "LEGIS_API_PORT": str(port),
                   "LEGIS_HEALTH_PORT": "none", "LEGIS_METRICS_PORT": "none", "LEGIS_LOG_JSON": str(json_lines).lower(),
                   "LEGIS_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
            logs = {"api": tmp_path / "api.log", "worker": tmp_path / "worker.log"}
            api, worker = running("api", env, logs["api"]), running("worker", env, logs["worker"])
            try:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                    await eventually(lambda: _ready(http), bool)
                    await eventually(lambda: logged(logs["worker"], "worker running"), bool)
                    lead = {"Authorization": f"Bearer {real}"}
                    start = json.loads(example_text("start-request.json")) | {
                        "submission_id": f"LOG-{run}", "lead_ministry": "BCT", "title": title, "classified": True}
                    assert (await http.post("/v1/submissions", json=start, headers=lead)).status_code == 201

                    # A 1 MB request, made of the classified title.
                    huge = start | {"submission_id": f"LOG-HUGE-{run}", "title": title * (1_000_000 // len(title))}
                    assert (await http.post("/v1/submissions", json=huge, headers=lead)).status_code == 422

                    database.cleanup()  # the database goes down
                    for token in (forged, real):
                        # Answered 503 (a logger that chokes on what it prints may close the connection instead: the
                        # log, read below, tells).
                        with contextlib.suppress(httpx.TransportError):
                            down = await http.get(f"/v1/submissions/LOG-{run}", headers={"Authorization": f"Bearer {token}"})
                            assert down.status_code == 503

                # A decision on the classified draft, whose reasons are as classified as its title: the workflow
                # takes it, and the activity writing it to the audit trail fails while the database is down.
                decided = decision(StartRequest.model_validate(start), Stage.POLICY_PROPOSAL).model_copy(update={"reasons": title})
                await drafts.draft(dev_env.client, f"LOG-{run}").start_update("decide", decided, wait_for_stage=WorkflowUpdateStage.ACCEPTED)
                await eventually(lambda: logged(logs["worker"], "PostgreSQL does not answer; the activity is retried"), bool)
            finally:
                await stopped(api)
                await stopped(worker)
        finally:
            database.cleanup()

    written = {name: path.read_text(encoding="utf-8", errors="replace") for name, path in logs.items()}
    # The failures happened, and were logged: the outage as one warning line per request refused (no traceback each time).
    assert written["api"].count("database_unavailable: the database does not answer") == 2, written["api"][-3000:]
    assert "Traceback" not in written["api"] and '"exc_type"' not in written["api"], written["api"][-3000:]
    assert "PostgreSQL does not answer; the activity is retried" in written["worker"]
    for name, text in written.items():
        for secret in (title, f"TOKENMARK{run}", real.split("_", 2)[2]):
            assert secret not in text, f"{name} log leaks {secret[:20]}...:\n" + "\n".join(line[:300] for line in text.splitlines() if secret in line)
        assert len(text.splitlines()) < 5_000 and max(map(len, text.splitlines())) < 60_000


async def logged(log: Path, text: str) -> bool:
    return text in log.read_text(encoding="utf-8", errors="replace")


async def _ready(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/readyz")).status_code == 200
    except httpx.TransportError:
        return False



@pytest.mark.timeout(120)
async def test_the_sdk_cores_lines_are_json_lines_too_when_temporal_goes_down(tmp_path, fresh_database_url):
    """Found by a trial: with LEGIS_LOG_JSON the SDK core's own lines (its retries while Temporal is down) were written
    straight to stderr, in colour, past the rate limit; a log shipper choked on them."""
    port = free_port()
    server = subprocess.Popen([temporal_binary(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port),
                               "--log-level", "error", *sa.dev_server_flags()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = tmp_path / "worker.log"
    env = {**os.environ, "LEGIS_DATABASE_URL": fresh_database_url, "LEGIS_TEMPORAL_ADDRESS": f"127.0.0.1:{port}", "LEGIS_LOG_JSON": "true",
           "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_HEALTH_PORT": "none", "LEGIS_METRICS_PORT": "none",
           "LEGIS_DATA_DIR": str(tmp_path / "data")}
    try:
        await eventually(lambda: _answers(port), bool, seconds=60)
        worker = running("worker", env, log)
        try:
            await eventually(lambda: logged(log, "worker running"), bool, seconds=60)
            server.terminate()
            await asyncio.to_thread(server.wait, 30)
            await eventually(lambda: logged(log, "retried"), bool, seconds=60)  # the core retrying its calls
        finally:
            await stopped(worker)
    finally:
        server.kill()
        server.wait()
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]  # every line a JSON object
    core = [line for line in lines if line["logger"].startswith("temporalio.core")]
    assert core and all("\x1b" not in line["event"] for line in core), core[:3]
    assert len(core) <= 2 * 20  # rate-limited: at most 20 a message a window, "retried N times" one message whatever N


async def _answers(port: int) -> bool:
    try:
        await drafts.connect(f"127.0.0.1:{port}", keys=TEST_KEYS)
    except RuntimeError:
        return False
    return True


def test_repeated_warnings_are_bounded_and_the_next_line_counts_the_dropped():
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.Formatter("%(message)s suppressed=%(suppressed)s", defaults={"suppressed": 0}))
    handler.addFilter(Throttle(burst=3, window=0.2))
    logger = logging.getLogger(f"test-throttle-{uuid.uuid4().hex[:6]}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for _ in range(50):
        logger.warning("attempt refused")
        logger.info("audit event recorded")  # below warnings: never dropped
    time.sleep(0.25)
    logger.warning("attempt refused")
    written = lines.getvalue().splitlines()
    assert written.count("attempt refused suppressed=0") == 3 and written.count("audit event recorded suppressed=0") == 50
    assert written[-1] == "attempt refused suppressed=47"


def test_secrets_are_cut_from_every_text_and_field():
    token = "legis_0123456789ab_c2VjcmV0LXNlY3JldA"
    assert scrub(f"no such token {token}") == f"no such token legis_0123456789ab_{REDACTED}"
    assert scrub("Authorization: Bearer abc.def-ghi") == f"Authorization: Bearer {REDACTED}"
    assert scrub("1 validation error\n  input_value='Luật mật', input_type=str") == f"1 validation error\n  input_value={REDACTED}, input_type=str"
    event = redact(None, "warning", {"event": f"refused {token}", "title": "Luật mật", "context": {"reasons": "mật", "stage": "DRAFTING"},
                                     "note": "x" * (MAX_FIELD + 10), "payload": b"\x00" * 5})
    assert event == {"event": f"refused legis_0123456789ab_{REDACTED}", "title": REDACTED, "context": {"reasons": REDACTED, "stage": "DRAFTING"},
                     "note": "x" * MAX_FIELD + "... [10 more characters cut]", "payload": "<5 bytes>"}


def test_control_characters_are_written_escaped():
    """Found by a new user: a request for `/v1/submissions/X/consultations/%00` wrote a NUL into the console's access log,
    and grep took the log for a binary file. Tabs and newlines (a traceback's) stay."""
    event = redact(None, "info", {"event": "request", "path": "/v1/submissions/X/consultations/\x00\x1b[2J\x9b\x85", "exception": "a\n\tb"})
    assert event == {"event": "request", "path": "/v1/submissions/X/consultations/\\x00\\x1b[2J\\x9b\\x85", "exception": "a\n\tb"}


@contextlib.contextmanager
def logging_as(level: str):
    """The process's logging configured at `level` for the block, then as it was, for the tests after this one."""
    root, chatty = logging.getLogger(), [logging.getLogger(name) for name in ("pgserver", "httpx", "httpcore")]
    saved = structlog.get_config(), root.handlers[:], root.level, [logger.level for logger in chatty]
    # The SDK's loggers' flags too (found by a CI run: a test after this one in its process read no workflow ID in a message).
    flags = workflow.logger.workflow_info_on_message, activity.logger.activity_info_on_message
    try:
        configure_logging(level)
        # Not cached: a logger first used in the block would keep these processors for the tests after it (found by a CI
        # run: the tracing test, after this one in its process, captured no access line).
        structlog.configure(cache_logger_on_first_use=False)
        yield
    finally:
        config, root.handlers[:], level_was, levels = saved
        structlog.configure(**config)
        root.setLevel(level_was)
        for logger, was in zip(chatty, levels, strict=True):
            logger.setLevel(was)
        workflow.logger.workflow_info_on_message, activity.logger.activity_info_on_message = flags


def test_a_webhooks_url_is_not_logged_by_the_http_client(capfd):
    """Found by a new user: httpx wrote every delivery's whole URL at INFO, a chat service's secret in its query included."""
    with logging_as("INFO"):
        with httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(204))) as http:
            http.post("http://127.0.0.1:9/hook?access_token=QSECRET123456")
        logging.getLogger("legis.test").info("delivered")
        written = capfd.readouterr().err
    assert "delivered" in written and "QSECRET" not in written


async def test_a_classified_drafts_refusal_is_not_written_whole_in_the_debug_log(api, pool, capfd):
    """Found by a breaker: at LEGIS_LOG_LEVEL=DEBUG the SDK's "Update raised failure" line carried a traceback whose last
    line was a classified draft's refusal whole (its session's dates), which the API withholds from the caller."""
    with logging_as("DEBUG"):
        request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
        path = f"/v1/submissions/{request.submission_id}"
        assert (await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)).status_code == 200
        ubtvqh = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
        earlier = request.target_session.model_copy(update={"opens_on": request.target_session.opens_on - timedelta(days=30)})
        moved = await api.post(f"{path}/programme-changes", headers=ubtvqh,
                               json=body(programme_change(ProgrammeChangeKind.DEFER, to_session=earlier)))
        assert moved.status_code in (409, 422) and "withheld" in moved.text  # the caller is told field and rule only
        written = capfd.readouterr().err
    said = [line for line in written.splitlines() if str(request.target_session.opens_on) in line]
    assert not said, said
    failed = [line for line in written.splitlines() if "Update raised failure" in line]
    assert failed and all("rule=" in line for line in failed), failed


@pytest.mark.parametrize(("status", "one_line"), [(503, True), (504, True), (500, False)])
def test_a_part_that_does_not_answer_is_one_warning_line_a_fault_its_traceback(caplog, status, one_line):
    """Found by a breaker: with its only worker killed, every write answered 504 `timed_out` was logged at error level
    with a traceback, as a fault of the server's own is."""
    from fastapi_problem.error import Problem

    from api.problems import _Outages

    caplog.set_level(logging.WARNING, logger="legis.test.outages")
    failure = Problem(title="timed_out", status=status, detail="no answer within 10 s")
    try:
        raise failure
    except Problem:
        _Outages(logging.getLogger("legis.test.outages")).exception("request failed", exc_info=sys.exc_info())
    [record] = caplog.records
    assert (record.levelno, record.exc_info is None) == ((logging.WARNING, True) if one_line else (logging.ERROR, False)), record
