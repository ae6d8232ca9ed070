"""The public form says the client's rate (`LEGIS_PUBLIC_COMMENT_RATE`) as it is (found by a public trial).

README (Public comments at national scale): the rate is "said on the form: 'Mỗi địa chỉ gửi tối đa 10 ý kiến trong 1
phút.'". The setting takes the `limits` notation, whose period may be a multiple (`3/100 minutes`, `20/36 hours`, which
the setting's `rate_notation` check accepts), and the limiter counts that period; the form rounds it to one unit of Babel's
`format_timedelta(threshold=1)`: "3 ý kiến trong 2 giờ" for 100 minutes, "20 ... trong 2 ngày" for 36 hours, "in 2
minutes" for 90 seconds: a window the limiter does not keep."""

from __future__ import annotations

import pytest

from tests.test_board_forms import app_client, posted_round


@pytest.mark.parametrize(("rate", "vietnamese", "wrong"), [
    ("3/100 minutes", "trong 100 phút", "trong 2 giờ"),
    ("20/36 hours", "trong 36 giờ", "trong 2 ngày"),
    ("5/90 seconds", "trong 90 giây", "trong 2 phút"),
])
async def test_the_form_says_the_rates_period_as_the_setting_gives_it(pool, rate, vietnamese, wrong):
    sid = await posted_round(pool, "RATE")
    async with app_client(pool, public_comment_rate=rate) as http:
        page = await http.get(f"/public/{sid}/cong-khai")
        assert page.status_code == 200, page.text[:300]
        said = " ".join(page.text.split())
        assert "Mỗi địa chỉ gửi tối đa" in said
        assert wrong not in said and vietnamese in said, said[said.index("Mỗi địa chỉ"):][:120]
