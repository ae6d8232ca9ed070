"""The readiness probes of a worker and the API (`workers.health`, the same checks for both) while PostgreSQL takes
connections and answers nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from tests.test_api_outages import frozen, own_postgres
from workers.health import PROBE_SECONDS, worker_health_app

# A loaded machine's margin over the probe's own 3 s; far below the freeze the probe must not wait for.
BOUND_SECONDS = PROBE_SECONDS + 10
FROZEN_FOR = 20


async def _answers() -> None:
    return None


# Temporal answers: only PostgreSQL is under test (and no Temporal server is started for it).
TEMPORAL_UP = SimpleNamespace(service_client=SimpleNamespace(check_health=_answers))


@pytest.mark.timeout(150)
async def test_readiness_answers_503_within_its_bound_while_postgresql_is_frozen():
    """Found by an operator's trial: the first probe after PostgreSQL froze (SIGSTOP, as a partition or frozen storage
    leaves it) hung as long as it stayed frozen, on workers and APIs alike, waiting for asyncpg's cancel request; later
    probes, on fresh connections, answered 503 in 3 s."""
    async with own_postgres() as (server, pool):
        app = worker_health_app(TEMPORAL_UP, pool, polling=lambda: True)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker", timeout=None) as http:
            up = await http.get("/readyz")
            assert up.status_code == 200, up.json()
            # The probe left its connection idle in the pool, as every probe of a running worker does.
            with frozen(Path(server.pgdata)):
                began = asyncio.get_running_loop().time()
                probe = asyncio.ensure_future(http.get("/readyz"))
                done, _ = await asyncio.wait({probe}, timeout=FROZEN_FOR)
                took = asyncio.get_running_loop().time() - began
            # Thawed: a probe that hung ends now; one that answered in time was answered while frozen.
            answer = await probe
        assert done, f"/readyz gave no answer within {FROZEN_FOR} s while PostgreSQL was frozen (it answered once thawed: {answer.status_code})"
        assert took < BOUND_SECONDS, f"/readyz took {took:.1f} s"
        assert answer.status_code == 503, answer.json()
        assert answer.json()["checks"]["postgres"].startswith("failing: does not answer"), answer.json()
