"""Who sends a public comment, as its rate and its fingerprint know the sender (`api.senders`)."""

from __future__ import annotations

import ipaddress
import types

import httpx
import pytest

from api.app import create_app
from api.senders import client_address, senders_key
from schemas.public import PublicComment
from store import public
from tests.conftest import TEST_KEYS
from tests.test_board_forms import app_client, posted_round
from workers.settings import Settings
from workflows.codec import KeyRing, new_key_entry

SENDER = "203.0.113.77"


def client_at(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 50000)), base_url="http://legis.test")


async def test_one_ipv6_subscriber_cannot_walk_past_the_rate_nor_the_repeat_check_by_changing_address(pool):
    """Found by the public's trial: with a rate of 1 comment a day, a second address of one /64 (a home's or a phone's,
    whose privacy addresses change by themselves, RFC 8981) sent a second comment, taken; and the same comment again,
    counted again. Another /64, and an IPv4 address, are other senders."""
    sid = await posted_round(pool, "V6")
    settings = Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none", public_comment_rate="1/day")
    app = create_app(pool=pool, settings=settings)
    url = f"/v1/public/consultations/{sid}/cong-khai/comments"
    async with client_at(app, "2001:db8:1:2::a") as first, client_at(app, "2001:db8:1:2::b") as second, \
            client_at(app, "2001:db8:1:3::a") as neighbour:
        taken = await first.post(url, json={"article": 3, "text": "Ý kiến về Điều 3."})
        assert taken.status_code == 201, taken.text
        again = await second.post(url, json={"article": 4, "text": "Ý kiến khác, về Điều 4."})
        assert again.status_code == 429 and "more than 1 comment per day" in again.json()["detail"], again.text
        assert (await neighbour.post(url, json={"article": 3, "text": "Ý kiến về Điều 3."})).status_code == 201
    app = create_app(pool=pool, settings=Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none",
                                                  public_comment_rate="none"))
    async with client_at(app, "2001:db8:1:2::a") as first, client_at(app, "2001:db8:1:2::c") as second:
        one = (await first.post(url, json={"article": 5, "text": "Cùng một ý kiến."})).json()
        repeat = await second.post(url, json={"article": 5, "text": "Cùng một ý kiến."})
        assert repeat.status_code == 200 and repeat.json()["comment_id"] == one["comment_id"], repeat.text


@pytest.mark.parametrize(("host", "counted"), [
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("::ffff:198.51.100.7", "198.51.100.7"),
    ("198.51.100.7", "198.51.100.7"),
    ("testclient", "testclient"),
])
def test_a_client_is_counted_by_its_ipv4_address_or_its_ipv6_64(host, counted):
    assert client_address(types.SimpleNamespace(client=types.SimpleNamespace(host=host))) == counted


async def test_the_database_alone_does_not_give_back_a_commenters_address(pool):
    """Found by the public's trial: the key of the senders' hashes stood in the same database as the comments'
    fingerprints, and trying the addresses of a /24 gave back a commenter's at once (the README: "the address is not
    stored"). The key is derived from the payload keys, which no database holds; the one once stored is dropped."""
    sid = await posted_round(pool, "ADDR")
    async with app_client(pool, address=SENDER) as http:
        sent = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments",
                               json={"article": 5, "text": "Điều 5 hạn chế quyền của người dân, đề nghị bỏ."})
        assert sent.status_code == 201, sent.text
    assert await pool.fetchval("SELECT to_regclass('public.public_sender_key')") is None
    tables = await pool.fetch("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                              "AND data_type = 'bytea' AND column_name LIKE '%key%'")
    assert not tables, tables  # no key kept elsewhere in the database either
    row = await pool.fetchrow("SELECT submission_id, round_id, article, body, fingerprint FROM public_comments WHERE comment_id = $1",
                              sent.json()["comment_id"])
    comment = PublicComment(article=row["article"], text=row["body"])

    def found(key: bytes) -> list[str]:
        return [str(a) for a in ipaddress.ip_network("203.0.113.0/24")
                if public.fingerprint(row["submission_id"], row["round_id"], public.sender_hash(key, str(a)), comment) == bytes(row["fingerprint"])]

    # This app had no Temporal client, so a key of its process alone: nothing outside it finds the sender.
    assert found(bytes(32)) == []
    # With the payload keys, the key is theirs, and the same in every API process that holds them.
    with_keys = types.SimpleNamespace(state=types.SimpleNamespace(client=types.SimpleNamespace(data_converter=_sealing()), sender_key=None))
    assert senders_key(with_keys) == TEST_KEYS.derived(b"legis public senders") != KeyRing.parse(new_key_entry("other")).derived(b"legis public senders")


def _sealing():
    from workflows.codec import data_converter

    return data_converter(TEST_KEYS)
