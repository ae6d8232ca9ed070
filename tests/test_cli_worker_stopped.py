"""Found by an upgrade trial: with the worker stopped for the README's upgrade, a command's timeout said a worker "polled
... but none answered; see their logs", sending the operator to look for a worker that hung: Temporal lists a worker
stopped within the last minutes as it lists a live one."""

from __future__ import annotations

import json
import uuid

from tests.drafts import EXAMPLES
from workers.worker import create_worker


async def test_a_command_to_a_draft_whose_worker_stopped_says_a_stopped_worker_is_still_listed(cli, dev_env, pool, tmp_path):
    queue = f"stopped-{uuid.uuid4().hex[:8]}"
    sid = f"STOP-{uuid.uuid4().hex[:8].upper()}"
    start = tmp_path / "start.json"
    start.write_text(json.dumps(json.loads((EXAMPLES / "start-request.json").read_text(encoding="utf-8")) | {"submission_id": sid}))
    async with create_worker(dev_env.client, pool, task_queue=queue):
        code, _, err = await cli("start", str(start), env=cli.env | {"LEGIS_TASK_QUEUE": queue})
        assert code == 0, err
    code, _, err = await cli("--timeout", "2", "status", sid)
    assert code == 5 and f"1 worker(s) polled task queue {queue} in the last 90 s, the latest" in err, err
    assert "one stopped since is still listed; start `legis worker` if none runs" in err, err
