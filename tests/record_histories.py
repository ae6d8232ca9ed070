"""Record the committed histories that the replay gate replays: `python -m tests.record_histories [TAG [SCENARIO...]]`.

With a TAG the files are named `<scenario>-<TAG>.json`, so that new recordings sit beside the old;
naming scenarios records only those ("" as TAG keeps the plain names).

Run it after a deliberate, versioned change to DraftLawWorkflow (see the README), review the diff
of tests/histories/, and commit it. It starts its own time-skipping server and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import uuid
from pathlib import Path

import pgserver
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.database import create_pool, migrate
from tests.conftest import TIME_SKIPPING_FLAGS
from tests.scenarios import SCENARIOS
from workers.dev_stack import temporal_binary
from workers.log_config import configure_logging
from workers.worker import create_worker
from workflows import client as drafts
from workflows import search_attributes as sa

HISTORIES = Path(__file__).resolve().parent / "histories"


def load_history(path: Path) -> WorkflowHistory:
    """A committed history, under the workflow ID it was recorded with (the workflow checks it)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    workflow_id = raw["events"][0]["workflowExecutionStartedEventAttributes"]["workflowId"]
    return WorkflowHistory.from_json(workflow_id, raw)


async def record(tag: str = "", only: tuple[str, ...] = ()) -> None:
    with tempfile.TemporaryDirectory(prefix="legis-record-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        try:
            url = server.get_uri()
            await migrate(url)
            pool = await create_pool(url)
            env = await WorkflowEnvironment.start_time_skipping_v2(
                dev_server_existing_path=temporal_binary(),
                dev_server_extra_args=TIME_SKIPPING_FLAGS,
                search_attributes=sa.ALL,
                # Without the payload codec: a committed history must replay on any machine, with no key, and the
                # scenarios' drafts are made up.
                data_converter=pydantic_data_converter,
            )
            try:
                task_queue = f"record-{uuid.uuid4().hex[:8]}"
                async with create_worker(env.client, pool, task_queue=task_queue):
                    for name, (make_request, drive) in SCENARIOS.items():
                        if only and name not in only:
                            continue
                        request = make_request()
                        await drafts.start_submission(env.client, request, task_queue=task_queue)
                        await drive(env.client, request)
                        handle = drafts.draft(env.client, request.submission_id)
                        await handle.result()
                        history = await handle.fetch_history()
                        (HISTORIES / f"{name}{'-' + tag if tag else ''}.json").write_text(history.to_json(), encoding="utf-8")
                        print(f"recorded {name}: {len(history.events)} events")
            finally:
                await env.shutdown()
                await pool.close()
        finally:
            server.cleanup()


if __name__ == "__main__":
    configure_logging("WARNING")
    asyncio.run(record(sys.argv[1] if len(sys.argv) > 1 else "", tuple(sys.argv[2:])))
