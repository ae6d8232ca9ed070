"""Found by an operator's trial: `legis worker` with LEGIS_TASK_QUEUE set but empty (`LEGIS_TASK_QUEUE=` in
an environment file) starts, logs `worker running task_queue=`, answers `/readyz` 200 ("worker": "ok") and logs no
warning, while Temporal refuses a task queue without a name (`legis start` with the same setting: "Temporal refused the
request: missing task queue name (rule: temporal_accepts)"): a worker that says it is ready and runs no draft.
README, "Configuration": every setting is checked when a command starts, before it creates anything; a malformed one
stops it with exit code 2, naming the variable.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from tests.stack import LEGIS, isolated_env


@pytest.mark.timeout(120)
async def test_an_empty_task_queue_is_refused_naming_the_setting(dev_env, fresh_database_url, tmp_path):
    health = free_port()
    env = isolated_env(tmp_path / "config", LEGIS_DATA_DIR=str(tmp_path / "data"), LEGIS_DATABASE_URL=fresh_database_url,
                       LEGIS_TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host, LEGIS_TASK_QUEUE="",
                       LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY, LEGIS_HEALTH_PORT=str(health), LEGIS_METRICS_PORT=str(free_port()))
    process = await asyncio.create_subprocess_exec(LEGIS, "--timeout", "10", "worker", env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        try:
            out, err = await asyncio.wait_for(process.communicate(), 40)
        except TimeoutError:
            async with httpx.AsyncClient() as http:
                ready = await http.get(f"http://127.0.0.1:{health}/readyz")
            pytest.fail(f"legis worker runs on an empty task queue; /readyz answers {ready.status_code} {ready.text}")
        said = (out + err).decode()
        assert process.returncode == 2 and "LEGIS_TASK_QUEUE" in said and "(rule: not_blank)" in said, (process.returncode, said[-600:])
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await process.wait()
