"""A list the CLI cuts at its `--limit` says so (found by a new user: `legis list` and `legis dead-letters list` stopped at
their limit and said nothing, read as all there was; the dead letters left out were the newest, those looked for after
an incident)."""

from __future__ import annotations

import json
import uuid

from tests.drafts import start_request
from tests.polling import eventually


async def test_legis_list_says_when_it_shows_fewer_drafts_than_match(cli, tmp_path):
    ministry = f"LM{uuid.uuid4().hex[:6].upper()}"
    for n in range(3):
        (tmp_path / f"start-{n}.json").write_text(start_request(ministry=ministry).model_dump_json(), encoding="utf-8")
        code, _, err = await cli("start", str(tmp_path / f"start-{n}.json"))
        assert code == 0, err
    await eventually(lambda: cli("list", "--ministry", ministry, "--output", "json"), lambda answer: answer[0] == 0 and len(json.loads(answer[1])) == 3)
    code, out, err = await cli("list", "--ministry", ministry, "--limit", "2")
    assert code == 0 and sum("draft-law-" in line for line in out.splitlines()) == 2, out
    assert "the first 2 shown; more match, the others: give --limit N" in " ".join(err.split()), err
    code, out, err = await cli("list", "--ministry", ministry, "--limit", "2", "--output", "json")
    assert code == 0 and len(json.loads(out)) == 2 and "--limit" in err  # the JSON stays a list; the warning on standard error
    code, out, err = await cli("list", "--ministry", ministry, "--limit", "3")
    assert code == 0 and "--limit" not in err, err  # all of them shown: nothing said


async def test_legis_dead_letters_list_and_refusals_say_which_they_leave_out(cli, fresh_database_url):
    from activities.database import create_pool
    from store import dead_letters

    sid = f"S53-NU-{uuid.uuid4().hex[:6].upper()}"
    pool = await create_pool(fresh_database_url)
    try:
        for n in range(3):
            await dead_letters.record(pool, dead_letters.Kind.AUDIT, f"{sid}:{n}", submission_id=sid, seq=n + 1, event="DECISION",
                                      payload="{}", reason=dead_letters.Reason("23514", "check constraint"), classified=False)
            await pool.execute("INSERT INTO access_refusals (action, submission_id, status, field, rule, message) VALUES "
                               "('decide', $1, 403, 'role', 'stage_authority', 'x')", sid)
    finally:
        await pool.close()
    code, out, err = await cli("dead-letters", "list", "--submission-id", sid, "--limit", "2")
    assert code == 0 and sum(sid in line for line in out.splitlines()) == 2, out
    assert "more match, the newer ones: give --limit N" in " ".join(err.split()), err
    code, out, err = await cli("refusals", "--submission-id", sid, "--limit", "2")
    assert code == 0 and sum(sid in line for line in out.splitlines()) == 2, out
    assert "more match, the older ones: give --limit N" in " ".join(err.split()), err
