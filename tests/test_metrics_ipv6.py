"""Found by an operator's trial: with the HTTP endpoints bound to an IPv6 address (LEGIS_HTTP_HOST=:: for a dual-stack
container, or ::1), the metrics endpoint cannot be made: its address is written `:::9464` rather than `[::]:9464`.
`legis worker` stops with exit 2 blaming LEGIS_METRICS_PORT ("Invalid Prometheus address: invalid socket address
syntax (rule: worker_settings)"), a port that is right, and `legis api` stops with exit 1 and a traceback ("error:
unexpected; the trace below is for a bug report"). With LEGIS_METRICS_PORT=none both start on `::` (the health
endpoints and the API bind `[::]` fine).

README: LEGIS_HTTP_HOST is "address the HTTP API, health and metrics endpoints bind"; "`legis worker` and `legis api`
refuse their own ports ... on IPv4 or IPv6"; LEGIS_TRUSTED_PROXIES: "an API bound to `::` sees an IPv4 proxy as
`::ffff:10.0.0.5`"."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from tests.stack import isolated_env
from workers.settings import WORKER_SERVICE, Settings, metrics_runtime

LEGIS = str(Path(sys.executable).parent / "legis")


@pytest.mark.parametrize("host", ["::1", "::"])
def test_the_metrics_endpoint_binds_an_ipv6_host(monkeypatch, host):
    monkeypatch.setenv("LEGIS_HTTP_HOST", host)
    monkeypatch.setenv("LEGIS_METRICS_PORT", str(free_port()))
    settings = Settings()
    assert metrics_runtime(settings, WORKER_SERVICE) is not None


async def test_legis_api_on_an_ipv6_host_does_not_stop_with_a_traceback(tmp_path, fresh_database_url, dev_env):
    env = isolated_env(tmp_path / "config", LEGIS_HTTP_HOST="::1", LEGIS_API_PORT=str(free_port()), LEGIS_METRICS_PORT=str(free_port()),
                       LEGIS_DATABASE_URL=fresh_database_url, LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY,
                       LEGIS_TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host)
    process = await asyncio.create_subprocess_exec(LEGIS, "api", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        said = b""
        async with asyncio.timeout(60):
            while b"Uvicorn running" not in said and process.returncode is None:
                line = await process.stdout.readline()
                if not line:
                    break
                said += line
        assert b"Uvicorn running" in said, said.decode(errors="replace")[-800:]
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
