"""Who a client is, to the API's rate limits and the public's comments: the address that connects, or, from a reverse
proxy the operator names (`LEGIS_TRUSTED_PROXIES`), the address it forwards (found by a breaker of the public pages).
Served as `legis dev` serves the API (`workers.health.serving`) and as `legis api` runs it, over real sockets."""

from __future__ import annotations

import asyncio
import os
import signal

import httpx

from tests.conftest import TEST_KEY_ENTRY
from tests.http_api import served_api
from tests.polling import eventually
from tests.ports import free_port
from tests.stack import LEGIS
from tests.test_board_forms import posted_round

COMMENTS = "/v1/public/consultations/{sid}/cong-khai/comments"


async def test_behind_a_proxy_it_names_the_api_tells_one_citizen_from_another(pool):
    """A proxy that is not on 127.0.0.1 (its own container, another host; here 127.0.0.2) was every citizen at once: two
    people writing the same words were one comment, and the 11th comment of the whole country in a minute was refused."""
    sid = await posted_round(pool, "PROXY")
    async with served_api(pool, trusted_proxies="127.0.0.2", public_comment_rate="10/minute") as base, \
            httpx.AsyncClient(base_url=base, transport=httpx.AsyncHTTPTransport(local_address="127.0.0.2")) as proxy:
        # As nginx's $proxy_add_x_forwarded_for: the proxy appends the address that connected to it.
        same = [await proxy.post(COMMENTS.format(sid=sid), json={"text": "Đồng ý với dự thảo."},
                                 headers={"X-Forwarded-For": f"203.0.113.{n}"}) for n in (1, 2)]
        assert [r.status_code for r in same] == [201, 201], [r.text for r in same]
        others = [await proxy.post(COMMENTS.format(sid=sid), json={"text": f"Ý kiến số {n}."}, headers={"X-Forwarded-For": f"198.51.100.{n}"})
                  for n in range(1, 12)]
        assert [r.status_code for r in others] == [201] * 11, [r.text[:120] for r in others if r.status_code != 201]


async def test_a_client_that_is_no_proxy_named_cannot_choose_its_address_by_a_header(pool):
    """uvicorn's default believed X-Forwarded-For from any connection from 127.0.0.1: through a TLS terminator on the host
    that passes headers on, an SSH tunnel, or any process of the host, a client wrote another address in each request,
    was never rate limited, and sent one text as many senders. With or without proxies named, it is its own address."""
    for trusted, local in (("", "127.0.0.1"), ("127.0.0.2", "127.0.0.4")):
        sid = await posted_round(pool, "SPOOF")
        async with served_api(pool, trusted_proxies=trusted, public_comment_rate="2/minute") as base, \
                httpx.AsyncClient(base_url=base, transport=httpx.AsyncHTTPTransport(local_address=local)) as client:
            sent = [(await client.post(COMMENTS.format(sid=sid), json={"text": "Đồng ý."}, headers={"X-Forwarded-For": f"10.0.{n}.1"})).status_code
                    for n in range(4)]
        assert sent == [201, 200, 429, 429], (trusted, sent)


async def test_legis_api_believes_no_forwarded_address_unless_told_to(dev_env, database_url):
    """`legis api` runs uvicorn itself (`cli.stack`): a request's X-Forwarded-For is not its address there either."""
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
           "LEGIS_DATABASE_URL": database_url, "LEGIS_API_PORT": str(port), "LEGIS_METRICS_PORT": str(metrics_port),
           "LEGIS_API_RATE_PER_ADDRESS": "1/minute"}
    env.pop("LEGIS_TRUSTED_PROXIES", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    process = await asyncio.create_subprocess_exec(LEGIS, "api", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            async def up() -> bool:
                try:
                    return (await http.get("/healthz")).status_code == 200  # a probe, not counted
                except httpx.TransportError:
                    return False
            await eventually(up, bool, seconds=30)
            first, second = [await http.get("/v1/submissions", headers={"X-Forwarded-For": f"203.0.113.{n}"}) for n in (1, 2)]
        assert first.status_code == 401 and second.status_code == 429, (first.text, second.text)
        assert second.json()["detail"].endswith("from 127.0.0.1"), second.json()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
