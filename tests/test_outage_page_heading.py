"""Found by an operator's trial: while PostgreSQL is down, the board and the public pages answer 503 with the
page of a refusal: title and heading "Bị từ chối" (Refused), "Không thể hiển thị trang với các lựa chọn này" (This page
cannot be shown with these choices) and a link "Mở trang không kèm các lựa chọn này" (The page without these choices),
though the address carried no choice and nothing the reader did was refused: the service is down for a moment. An
official (or a citizen) reads that their choices were refused, and the link offered brings back the same outage.

Reproduced live: `legis dev` on its own ports, its PostgreSQL stopped (`kill -INT <postmaster>`), then
`curl http://127.0.0.1:<api>/board` and `/public`: 503, `<h1>Bị từ chối</h1>`.
README ("Logs, metrics, traces and health"): the board's and the public's pages answer 503 while PostgreSQL does not
answer; common rules: a confusing message an official could not act on.
"""

from __future__ import annotations

import asyncio

import pytest
from pgserver._commands import pg_ctl

from tests.http_api import api_client
from tests.test_api_outages import own_postgres
from tests.test_statement_timeout import answer_of


@pytest.mark.timeout(150)
@pytest.mark.parametrize("path", ["/public", "/board/signin"])
async def test_a_page_asked_while_postgresql_is_down_does_not_say_its_choices_were_refused(dev_env, path):
    async with own_postgres() as (server, pool), api_client(dev_env.client, pool, worker=False) as api:
        assert (await api.get("/readyz")).status_code == 200
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
        try:
            response = await answer_of(asyncio.wait_for(api.get(path), 60))
        finally:
            server.ensure_postgres_running()
        assert response.status_code == 503, (response.status_code, response.text[:300])
        page = response.text
        assert "Cơ sở dữ liệu không phản hồi" in page, page[-1500:]
        # An outage, not a refusal of what the reader chose: no choice was given.
        assert "Không thể hiển thị trang với các lựa chọn này" not in page, page[-1500:]
        assert "không kèm các lựa chọn này" not in page, page[-1500:]
        assert "<h1>Bị từ chối</h1>" not in page, page[-1500:]
        assert "<h1>Tạm thời chưa phục vụ được</h1>" in page and f'<a href="{path}">Thử lại</a>' in page, page[-1500:]
