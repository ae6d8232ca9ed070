"""The public page's rate sentence, in English, counts a single comment in the singular.

Found by the public's trial: with `LEGIS_PUBLIC_COMMENT_RATE=1/90 minutes` (or `1/second`, `1/day`), the English
public page says "At most 1 comments from one address in 90 minutes.", and a refusal past the rate says "more than 1
comments per ..."; the template's sentence takes no plural form (`_()`, not `ngettext`). README ("History, reports and
texts"): counts are said in the singular for one ("1 comment", "1 opinion"; earlier generations recorded "1 comments").
"""

from __future__ import annotations

import re

import pytest

from tests.test_board_forms import app_client, posted_round


@pytest.mark.parametrize("rate", ["1/second", "1/90 minutes", "1/day"])
async def test_a_rate_of_one_comment_is_said_in_the_singular(pool, rate):
    sid = await posted_round(pool, "ONE")
    async with app_client(pool, public_comment_rate=rate) as http:
        http.cookies.set("legis_lang", "en")
        page = (await http.get(f"/public/{sid}/cong-khai")).text
        said = re.search(r'<p class="vi">(At most [^<]*)</p>', page)
        assert said, page[page.find("<form"):][:2000]
        assert "1 comments" not in said.group(1), said.group(1)
        assert said.group(1).startswith("At most 1 comment from one address"), said.group(1)


async def test_a_refusal_past_a_rate_of_one_comment_is_said_in_the_singular(pool):
    sid = await posted_round(pool, "ONE")
    async with app_client(pool, public_comment_rate="1/day") as http:
        first = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"text": "Ý kiến thứ nhất."})
        assert first.status_code == 201, first.text
        second = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"text": "Ý kiến thứ hai."})
        assert second.status_code == 429, second.text
        assert "1 comments" not in second.json()["detail"], second.json()["detail"]
