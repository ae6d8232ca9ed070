"""A citizen reading the public pages in English while PostgreSQL is down is told the service is temporarily
unavailable, not the operators' instructions and the exception's class.

Found by the public's trial (a served `legis dev`, its PostgreSQL stopped, `/public/<id>/<round>` with the English
switch on, and the comment form sent): the 503 page reads "(the database does not answer (FileNotFoundError); send the
same request again in a moment (a POST with its Idempotency-Key); if it goes on, the operators check that PostgreSQL
runs and is reachable (LEGIS_DATABASE_URL))" beside "The database does not answer: try again in a moment." README
("The board and public consultation"): a service down is named "Hệ thống" (System), never by its code, on a page that
says nothing chosen is at fault; a citizen has no Idempotency-Key to send and no setting to check, and the name of a
Python exception and of an environment variable are the operators' (the Vietnamese page rightly says the sentence alone).
"""

from __future__ import annotations

import asyncio

import pytest
from pgserver._commands import pg_ctl

from tests.http_api import api_client
from tests.test_api_outages import own_postgres
from tests.test_statement_timeout import answer_of

OPERATORS_WORDS = ("FileNotFoundError", "LEGIS_DATABASE_URL", "Idempotency-Key", "ConnectionRefusedError", "OSError")


@pytest.mark.timeout(150)
async def test_the_english_public_page_during_an_outage_says_nothing_of_the_operators(dev_env):
    async with own_postgres() as (server, pool), api_client(dev_env.client, pool, worker=False) as api:
        assert (await api.get("/public")).status_code == 200  # the pages' CSRF key read while PostgreSQL answers
        api.cookies.set("legis_lang", "en")
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
        try:
            response = await answer_of(asyncio.wait_for(api.get("/public"), 60))
        finally:
            server.ensure_postgres_running()
        assert response.status_code == 503, (response.status_code, response.text[:300])
        page = response.text
        assert "Temporarily unavailable" in page, page[-1500:]
        leaked = [word for word in OPERATORS_WORDS if word in page]
        assert not leaked, f"the public's English page names {leaked}: {page[page.find('<main'):][:1200]}"
