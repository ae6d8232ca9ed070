"""Race a draft's first update against the pinning of its rulebook and a worker killed with -9, then
replay the history that was written (the case tests/histories/cases/draft-stuck-after-restart.history.json).

    python -m tests.reproduce_update_while_pinning [--update TIMING] [--quick] [--reset] [--log-activations]

It starts, on 127.0.0.1 only, a Temporal dev server, an embedded PostgreSQL and worker processes,
and stops every one of them by its PID:
- worker A runs the draft's first workflow task and is killed with -9 while the rulebook pin is in
  flight (with --quick, A runs no activities: the pin waits unstarted, and no 30 s time-out passes);
- worker C, activities only, then pins the rulebook, so that no workflow worker is alive when the
  pin's result is recorded;
- worker B, the real worker, is started last.

TIMING says when the update (the case's own decision) is sent:
- during-pin: while the pin is in flight;
- after-pin: once the pin is recorded, before worker B starts;
- after-query: as the HTTP API does (api/app.py `_draft`), once a status query shows the rulebook;
- query-race (the case): a status query waits from before the pin is recorded, and the update is
  sent once the pin is recorded, both before worker B starts. Worker B answers the query from the
  whole history and so runs the draft ahead of its workflow task (sdk-core applies the pin's
  result for the query); the update then comes with that task.

Exit status 0: the history replays; 1: it does not. With --reset, a history that does not replay
is repaired with `temporal workflow reset` to the workflow task that accepted the update, and the
new run is replayed too.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

from schemas.records import PinInput
from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "histories" / "cases" / "draft-stuck-after-restart.history.json"
TIMINGS = ("during-pin", "after-pin", "after-query", "query-race")


def case_inputs() -> tuple[dict, dict]:
    """The start request and the first decision of the recorded case, as plain JSON."""
    raw = json.loads(CASE.read_text(encoding="utf-8"))
    start = accepted = None
    for event in raw["events"]:
        if "workflowExecutionStartedEventAttributes" in event:
            start = event["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]["data"]
        if "workflowExecutionUpdateAcceptedEventAttributes" in event and accepted is None:
            accepted = event["workflowExecutionUpdateAcceptedEventAttributes"]["acceptedRequest"]["input"]["args"]["payloads"][0]["data"]
    assert start and accepted
    start_json = json.loads(base64.b64decode(start))
    start_json.pop("carried", None)
    return start_json, json.loads(base64.b64decode(accepted))


# What a history says -----------------------------------------------------------------------------


def ran_ahead(history) -> bool:
    """Whether the draft's first audit entry carries the first workflow task's time.

    The entry is written when the pin's result is applied, stamped with `workflow.now()`. In a
    workflow task that is the task's start; in an activation run for a query, with the pin's result
    read from the history before its workflow task started, it is still the first task's start.
    """
    from temporalio.contrib.pydantic import pydantic_data_converter

    from schemas.records import RecordEventInput, RecordEventsInput

    first_task = next(e for e in history.events if e.WhichOneof("attributes") == "workflow_task_started_event_attributes")
    for event in history.events:
        attrs = event.activity_task_scheduled_event_attributes
        if event.WhichOneof("attributes") != "activity_task_scheduled_event_attributes":
            continue
        if attrs.activity_type.name in ("record_event", "record_events"):
            if attrs.activity_type.name == "record_event":
                entry = pydantic_data_converter.payload_converter.from_payload(attrs.input.payloads[0], RecordEventInput).entry
            else:
                entry = pydantic_data_converter.payload_converter.from_payload(attrs.input.payloads[0], RecordEventsInput).entries[0]
            # workflow.now() rounds the task's nanoseconds to microseconds; ToDatetime truncates them
            return abs(entry.at - first_task.event_time.ToDatetime(tzinfo=UTC)) <= timedelta(microseconds=1)
    return False


def accepted_at(history) -> int | None:
    """The event ID of the first update's acceptance."""
    kind = "workflow_execution_update_accepted_event_attributes"
    return next((e.event_id for e in history.events if e.WhichOneof("attributes") == kind), None)


def describe(history, limit: int = 24) -> str:
    return "\n".join(
        f"{e.event_id:>4} {(e.WhichOneof('attributes') or '').removesuffix('_event_attributes')}" for e in history.events[:limit]
    )


async def replay_failure(history) -> Exception | None:
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Replayer

    from workflows.draft_law import DraftLawWorkflow

    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=pydantic_data_converter)
    return (await replayer.replay_workflow(history, raise_on_replay_failure=False)).replay_failure


# Worker processes --------------------------------------------------------------------------------


async def worker_main(args: argparse.Namespace) -> None:
    from temporalio import activity
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Worker

    import workers.worker as worker_module
    from activities.audit import AuditActivities
    from activities.database import create_pool
    from activities.rulebook import PinningActivities

    if args.log_activations:
        import logging

        import temporalio.worker._workflow as workflow_worker

        workflow_worker.LOG_PROTOS = True
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        logging.getLogger("temporalio.worker._workflow").setLevel(logging.DEBUG)
    client = await Client.connect(args.address, data_converter=pydantic_data_converter)
    pool = await create_pool(args.database_url)
    if args.role == "a-stuck":

        class Stuck(PinningActivities):
            @activity.defn(name="pin_rules")
            async def pin_rules(self, request: PinInput):  # this worker is killed while it runs
                print("WORKER-A: pinning started", flush=True)
                await asyncio.sleep(3600)

        worker_module.PinningActivities = Stuck
        worker = worker_module.create_worker(client, pool, task_queue=args.task_queue)
    elif args.role == "a-workflows":
        worker = Worker(client, task_queue=args.task_queue, workflows=list(worker_module.WORKFLOWS))
    elif args.role == "c-activities":
        pinning = PinningActivities(pool, client)
        audit = AuditActivities(pool)
        activities = [worker_module.load_pinned_rulebook, pinning.pin_rules, pinning.describe_workflow, audit.record_event, audit.record_events]
        worker = Worker(client, task_queue=args.task_queue, activities=activities)
    else:
        extra = {} if args.max_cached_workflows is None else {"max_cached_workflows": args.max_cached_workflows}
        worker = worker_module.create_worker(client, pool, task_queue=args.task_queue, **extra)
    async with worker:
        print("WORKER: running", flush=True)
        await asyncio.Event().wait()


# Orchestration -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    history: object  # temporalio.client.WorkflowHistory
    ran_ahead: bool
    accepted_at: int | None
    replay_failure: Exception | None
    reset_history: object | None = None
    reset_replay_failure: Exception | None = None


def _spawn(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop one process that this module started, by its PID."""
    if proc is None or proc.poll() is not None:
        return
    os.kill(proc.pid, sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


async def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


async def _connect_when_healthy(address: str, timeout: float = 60):
    """A client of the dev server at `address`, once its frontend answers: it listens before it is healthy (found by a
    CI run on a busy machine: "Frontend is not healthy yet")."""
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    deadline = time.monotonic() + timeout
    while True:
        try:
            return await Client.connect(address, data_converter=pydantic_data_converter)
        except RuntimeError as failed:
            if "not healthy" not in str(failed) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def _wait_for_line(log: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{log.name}: no {text!r}")


async def _status_once_a_worker_answers(client, submission_id: str, timeout: float = 120):
    """The draft's status, asked again when the server gives up waiting for a worker to answer (`CANCELLED`: on a loaded
    machine the workers started meanwhile may take longer than the server waits for a query)."""
    from temporalio.service import RPCError, RPCStatusCode

    from workflows import client as drafts

    deadline = time.monotonic() + timeout
    while True:
        try:
            return await drafts.status(client, submission_id)
        except RPCError as gave_up:
            if gave_up.status is not RPCStatusCode.CANCELLED or time.monotonic() > deadline:
                raise


async def _wait_for_event(handle, attributes: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        history = await handle.fetch_history()
        if any(e.WhichOneof("attributes") == attributes for e in history.events):
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no {attributes} in the history")


async def race(
    timing: str,
    *,
    quick: bool = True,
    port: int | None = None,
    reset: bool = False,
    worker_b_args: Sequence[str] = (),
    log_activations: bool = False,
    keep_logs: Path | None = None,
    say=lambda line: None,
) -> Outcome:
    import pgserver

    from activities.database import migrate
    from schemas.messages import Decision, StartRequest
    from workers.dev_stack import temporal_binary
    from workflows import client as drafts
    from workflows import search_attributes as sa

    assert timing in TIMINGS, timing
    start_json, decision_json = case_inputs()
    submission_id = f"REPRO-{uuid.uuid4().hex[:6]}"
    request = StartRequest.model_validate({**start_json, "submission_id": submission_id})
    decision = Decision.model_validate(decision_json)
    port = port or free_port()
    address = f"127.0.0.1:{port}"
    task_queue = f"repro-{uuid.uuid4().hex[:6]}"

    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="legis-repro-") as tmp:
        tmpdir = Path(tmp)
        pg = pgserver.get_server(tmpdir / "pg", cleanup_mode="delete")
        try:
            database_url = pg.get_uri()
            await migrate(database_url)
            procs.append(_spawn(
                [temporal_binary(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port),
                 "--log-level", "warn", *sa.dev_server_flags()],
                tmpdir / "server.log",
            ))
            await _wait_for_port(port)
            client = await _connect_when_healthy(address)
            worker_cmd = [sys.executable, "-m", "tests.reproduce_update_while_pinning", "--worker", "--address", address,
                          "--database-url", database_url, "--task-queue", task_queue]

            def spawn_worker(name: str, role: str, *extra: str) -> subprocess.Popen:
                proc = _spawn([*worker_cmd, "--role", role, *extra], tmpdir / f"worker-{name}.log")
                procs.append(proc)
                return proc

            worker_a = spawn_worker("a", "a-workflows" if quick else "a-stuck")
            await _wait_for_line(tmpdir / "worker-a.log", "WORKER: running")
            await drafts.start_submission(client, request, task_queue=task_queue)
            handle = drafts.draft(client, submission_id)
            if quick:
                await _wait_for_event(handle, "activity_task_scheduled_event_attributes", timeout=30)
            else:
                await _wait_for_line(tmpdir / "worker-a.log", "WORKER-A: pinning started")
            say(f"{submission_id}: rulebook pin {'scheduled' if quick else 'in flight'} on worker A (pid {worker_a.pid}); kill -9")
            _stop(worker_a, signal.SIGKILL)

            def send_update() -> asyncio.Task:
                # As the API and the CLI send it (workflows.client), `catching_up` refusals sent again.
                return asyncio.create_task(drafts.decide(client, submission_id, decision, request_id=f"{submission_id}:policy"))

            update = send_update() if timing == "during-pin" else None
            # A status query sent with no worker alive waits in the server for one.
            query = asyncio.create_task(_status_once_a_worker_answers(client, submission_id)) if timing in ("after-query", "query-race") else None
            await asyncio.sleep(2)
            worker_c = spawn_worker("c", "c-activities")
            say(f"activity worker C (pid {worker_c.pid}) started" + ("" if quick else "; the pin's first attempt times out after 30 s"))
            await _wait_for_event(handle, "activity_task_completed_event_attributes", timeout=90)
            if timing in ("after-pin", "query-race"):
                update = send_update()
                await asyncio.sleep(1)
            worker_b = spawn_worker("b", "b", *worker_b_args, *(["--log-activations"] if log_activations else []))
            say(f"rulebook pinned; worker B (pid {worker_b.pid}) started")
            if query is not None:
                seen = await asyncio.wait_for(query, timeout=150)
                say(f"status query answered by worker B: rulebook {seen.rulebook_version!r}")
                if update is None:
                    update = send_update()
            assert update is not None
            status = await asyncio.wait_for(update, timeout=120)
            say(f"update answered: stage {status.stage.value}")
            await asyncio.sleep(2)  # the audit activities land
            history = await handle.fetch_history()
            outcome = Outcome(history, ran_ahead(history), accepted_at(history), await replay_failure(history))
            if reset and outcome.replay_failure is not None:
                await _reset(outcome, client, handle, spawn_worker, worker_b, address, say)
            return outcome
        finally:
            for proc in reversed(procs):
                _stop(proc)
            if keep_logs is not None:
                for log in tmpdir.glob("*.log"):
                    (keep_logs.parent / f"{keep_logs.stem}.{log.name}").write_text(log.read_text(errors="replace"))
            pg.cleanup()


async def _reset(outcome: Outcome, client, handle, spawn_worker, worker_b, address: str, say) -> None:
    """Repair a draft whose history no longer replays: reset it to the workflow task that accepted the
    update behind other commands. The server re-applies the update (and any later one) as an
    admitted event, which every replay reads in the same place."""
    from workers.dev_stack import temporal_binary
    from workflows.draft_law import DraftLawWorkflow

    _stop(worker_b)  # its cache holds the run; any other worker replays it, and fails
    spawn_worker("d", "b")
    history = outcome.history
    task_completed = max(
        e.event_id for e in history.events
        if e.event_id < (outcome.accepted_at or 0) and e.WhichOneof("attributes") == "workflow_task_completed_event_attributes"
    )
    command = [temporal_binary(), "workflow", "reset", "--address", address, "--workflow-id", handle.id,
               "--event-id", str(task_completed), "--reason", "update accepted behind commands run ahead of their task"]
    say("$ temporal " + " ".join(command[1:]))
    say(subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip())
    latest = client.get_workflow_handle(handle.id)
    await _wait_for_event(latest, "workflow_execution_update_completed_event_attributes", timeout=60)
    await asyncio.sleep(2)
    outcome.reset_history = await latest.fetch_history()
    status = await latest.query(DraftLawWorkflow.status)
    say(f"after the reset: stage {status.stage.value}, rulebook {status.rulebook_version}")
    say(describe(outcome.reset_history))
    outcome.reset_replay_failure = await replay_failure(outcome.reset_history)


async def cli(args: argparse.Namespace) -> int:
    worker_b_args = [] if args.max_cached_workflows is None else ["--max-cached-workflows", str(args.max_cached_workflows)]
    outcome = await race(
        args.update, quick=args.quick, port=args.port, reset=args.reset, worker_b_args=worker_b_args,
        log_activations=args.log_activations, keep_logs=args.out if args.log_activations else None, say=print,
    )
    args.out.write_text(outcome.history.to_json(), encoding="utf-8")
    print(describe(outcome.history))
    print(f"history written to {args.out}")
    print(f"worker B ran the draft ahead of its workflow task: {'yes' if outcome.ran_ahead else 'no'}; "
          f"update accepted at event {outcome.accepted_at}")
    print("REPLAY:", "ok" if outcome.replay_failure is None else f"FAILS: {outcome.replay_failure}")
    if outcome.reset_history is not None:
        args.out.with_suffix(".reset.json").write_text(outcome.reset_history.to_json(), encoding="utf-8")
        failure = outcome.reset_replay_failure
        print("REPLAY after the reset:", "ok" if failure is None else f"FAILS: {failure}")
    return 0 if outcome.replay_failure is None else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", choices=TIMINGS, default="query-race", help="when the update is sent (see above)")
    parser.add_argument("--quick", action="store_true", help="worker A runs no activities: no 30 s time-out")
    parser.add_argument("--reset", action="store_true", help="repair a history that does not replay with a reset")
    parser.add_argument("--max-cached-workflows", type=int, help="worker B's workflow cache (default: the project's)")
    parser.add_argument("--log-activations", action="store_true", help="worker B logs every activation; logs kept beside --out")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "repro-update-while-pinning.json")
    parser.add_argument("--port", type=int, help="the dev server's port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--role", help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--task-queue", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker_main(args))
    else:
        sys.exit(asyncio.run(cli(args)))
