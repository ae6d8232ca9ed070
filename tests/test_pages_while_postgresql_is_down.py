"""The first page an API serves while PostgreSQL is down or frozen answers 503 with Retry-After within the database's
bound, as the JSON routes do (found by a breaker of processes: 500, or a hang of every page, while the forms' CSRF key
was read from PostgreSQL; it is derived from the payload keys since, and a page that reads nothing from PostgreSQL is
served)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from pgserver._commands import pg_ctl

from tests.http_api import api_client
from tests.polling import eventually
from tests.test_api_outages import BOUND_SECONDS, frozen, own_postgres
from tests.test_statement_timeout import answer_of


@pytest.mark.timeout(150)
async def test_the_first_page_asked_while_postgresql_is_down_is_503_not_500(dev_env):
    """An API started while PostgreSQL answered (its readiness "ready"), whose first page request (the board, the public
    consultation pages) comes while PostgreSQL is stopped: the pages' CSRF protection reads its key from the database
    on that first request (`web.csrf.PageForms`), outside `api.deps.database`, and the request failed with an exception
    the app let out (a served API: uvicorn's plain 500 "Internal Server Error", a traceback per request) until
    PostgreSQL was back; the API's JSON routes answered 503 `database_unavailable` meanwhile. README: 503 with
    Retry-After (never 500) while PostgreSQL is unavailable."""
    path = "/public"
    async with own_postgres() as (server, pool), api_client(dev_env.client, pool, worker=False) as api:
        assert (await api.get("/readyz")).status_code == 200
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
        try:
            response = await answer_of(asyncio.wait_for(api.get(path), 60))
            # The sign-in page reads nothing from PostgreSQL: its form is served, its CSRF token signed all the same.
            signin = await answer_of(asyncio.wait_for(api.get("/board/signin"), 60))
        finally:
            server.ensure_postgres_running()
        assert signin.status_code == 200 and 'name="csrftoken"' in signin.text, (signin.status_code, signin.text[-600:])
        assert response.status_code == 503, (response.status_code, response.text[:300])
        assert response.headers["retry-after"]
        # Named as the service, not by its code (found by a public trial: a citizen read "database: Cơ sở dữ liệu ...").
        assert "<strong>Hệ thống</strong>: <span>Cơ sở dữ liệu không phản hồi" in response.text, response.text[-1500:]
        # Headed as an outage, not a refusal of choices the address never carried, with the same page to try again (found
        # by an operator's trial: "Bị từ chối", "Mở trang không kèm các lựa chọn này", which brought back the outage).
        page = response.text
        assert "<h1>Tạm thời chưa phục vụ được</h1>" in page and f'<a href="{path}">Thử lại</a>' in page, page[-1500:]
        assert "<h1>Bị từ chối</h1>" not in page and "không kèm các lựa chọn này" not in page, page[-1500:]
        # PostgreSQL back, the page answers: no connection the outage broke is kept.
        await eventually(lambda: api.get(path), lambda again: again.status_code == 200, seconds=30)


@pytest.mark.timeout(150)
async def test_the_first_page_asked_while_postgresql_does_not_answer_is_503_within_the_bound(dev_env):
    """The same first page request while PostgreSQL takes connections and answers nothing (frozen): the pages' CSRF key
    is read without `api.deps.database`'s 10 s bound, under a lock every page request waits on, so the board and the
    public pages hung for as long as PostgreSQL did (a served API: curl gave up after 45 s on both), while the JSON
    routes answered 503 within 10 s. README: the API answers 503 "within 10 s of asking PostgreSQL even where it takes
    connections and answers nothing"."""
    async with own_postgres() as (server, pool), api_client(dev_env.client, pool, worker=False) as api:
        assert (await api.get("/readyz")).status_code == 200
        with frozen(Path(server.pgdata)):
            # Not `wait_for`: cancelling a request stuck on a frozen server waits for that server.
            asked = asyncio.ensure_future(api.get("/public"))
            done, _ = await asyncio.wait({asked}, timeout=BOUND_SECONDS)
        if not done:
            asked.cancel()
            with contextlib.suppress(BaseException):
                await asked
        assert done, f"GET /public: no answer within {BOUND_SECONDS} s while PostgreSQL does not answer"
        response = await answer_of(asked)
        assert response.status_code == 503, (response.status_code, response.text[:300])
