"""`legis remap-agency` says what it cannot do: a code that leads no running draft, and the webhook subscribers of the old
code, which receive no event of the remapped drafts (found by a fresh-user trial: a ministry's system went quiet)."""

from __future__ import annotations

import json
import uuid

from tests.drafts import example_text


async def test_a_remap_names_a_code_leading_nothing_and_the_old_codes_subscribers(cli, tmp_path):
    ministry = "R" + uuid.uuid4().hex[:6].upper()
    code, _, err = await cli("remap-agency", ministry, "BTC", "--by", "VPCP", "--reason", "ministries merged")
    assert code == 0 and f"no running draft is led by {ministry}: nothing to remap" in err, err

    start = tmp_path / "start.json"
    sid = f"REMAP-{uuid.uuid4().hex[:6]}"
    start.write_text(json.dumps(json.loads(example_text("start-request.json")) | {"submission_id": sid, "lead_ministry": ministry}))
    code, _, err = await cli("start", str(start))
    assert code == 0, err
    code, out, err = await cli("subscribers", "add", ministry, "http://127.0.0.1:9/hook")
    assert code == 0, err
    subscriber_id = out.split()[1].rstrip(":")
    code, out, err = await cli("remap-agency", ministry, "BTC", "--by", "VPCP", "--reason", "ministries merged")
    assert code == 0 and "1 running draft told" in out and "running draft" not in err, err  # said once (a fresh-user trial)
    assert f"of {ministry} receives no event of these drafts from now on: they are BTC's (legis subscribers add BTC URL)" in err, err
    assert (await cli("subscribers", "remove", subscriber_id))[0] == 0
