"""`legis remap-agency` says what it cannot do: a code that leads no running draft, and the webhook subscribers of the old
code, which receive no event of the remapped drafts (found by a fresh-user trial: a ministry's system went quiet)."""

from __future__ import annotations

import json
import uuid

from tests.drafts import example_text
from tests.polling import eventually


async def test_a_remap_names_a_code_leading_nothing_and_the_old_codes_subscribers(cli, tmp_path):
    ministry = "R" + uuid.uuid4().hex[:6].upper()
    code, _, err = await cli("remap-agency", ministry, "BTC", "--by", "VPCP", "--reason", "ministries merged")
    assert code == 0 and f"no running draft is led by {ministry}: nothing to remap" in err, err

    start = tmp_path / "start.json"
    sid = f"REMAP-{uuid.uuid4().hex[:6]}"
    start.write_text(json.dumps(json.loads(example_text("start-request.json")) | {"submission_id": sid, "lead_ministry": ministry}))
    code, _, err = await cli("start", str(start))
    assert code == 0, err
    code, out, err = await cli("subscribers", "add", ministry, "http://127.0.0.1:9/hook", "--output", "json")
    # In JSON too, the worker is said to need the allowed hosts, on standard error (found by a re-check: said in text alone).
    assert code == 0 and "the worker that delivers needs the same setting" in err, err
    subscriber_id = str(json.loads(out)["subscriber_id"])
    code, out, err = await cli("remap-agency", ministry, "BTC", "--by", "VPCP", "--reason", "ministries merged")
    assert code == 0 and "1 running draft told" in out and "running draft" not in err, err  # said once (a fresh-user trial)
    assert f"of {ministry} receives no event of these drafts from now on: they are BTC's (legis subscribers add BTC URL)" in err, err
    assert (await cli("subscribers", "remove", subscriber_id))[0] == 0


async def test_a_merged_committees_code_is_remapped_in_the_drafts_it_examines(cli, dev_env):
    """Found by a committee's trial: a draft started naming a committee merged in 2025 (before such a start was refused)
    waited for it at EXAMINATION, and `legis remap-agency` said no running draft was led by it. Every running draft is
    asked; the one naming the committee takes the new code, the others are passed over, not listed as failures."""
    from schemas.enums import Stage
    from tests.drafts import start_request
    from workflows import client as drafts

    named, other = start_request(ministry="BYT").model_copy(update={"examining_committee": "UBXH"}), start_request(ministry="BYT")
    for request in (named, other):
        await drafts.start_submission(dev_env.client, request, task_queue=cli.task_queue)

    async def listed() -> set[str]:
        code, out, _ = await cli("list", "--ministry", "BYT", "--output", "json")
        return {row["workflow_id"] for row in json.loads(out)} if code == 0 else set()

    await eventually(listed, lambda found: {drafts.workflow_id_for(r.submission_id) for r in (named, other)} <= found)
    code, out, err = await cli("remap-agency", "UBXH", "UBVHXH", "--by", "VPQH", "--reason", "Hợp nhất các Ủy ban năm 2025", "--output", "json")
    assert code == 0, err
    assert json.loads(out)["told"] == 1 and json.loads(out)["not_told"] == [], out
    assert (await drafts.status(dev_env.client, named.submission_id)).examining_committee == "UBVHXH"
    assert (await drafts.status(dev_env.client, other.submission_id)).examining_committee is None
    assert (await drafts.status(dev_env.client, other.submission_id)).stage is Stage.POLICY_PROPOSAL
    # Again: no draft is examined by it now, said as a ministry's code leading nothing is (found by a new user: "0 told" alone).
    code, out, err = await cli("remap-agency", "UBXH", "UBVHXH", "--by", "VPQH", "--reason", "Hợp nhất các Ủy ban năm 2025")
    assert code == 0 and "0 running drafts told" in out and "no running draft is examined by UBXH: nothing to remap" in err, out + err
    assert "led by UBXH" not in err, err  # a ministry's words, of a committee (found by a re-check)


async def test_a_committees_code_is_remapped_to_a_committees_only(cli, tmp_path):
    """Found by a re-check: `legis remap-agency UBXH UBXYZ` asked every draft, each refused it, and the command said to run it
    again, which could never succeed; `BGDDT UBVHXH` made a committee every BGDDT draft's lead ministry. Both are refused
    before any draft is asked, naming the field and the rule."""
    code, _, err = await cli("remap-agency", "UBXH", "UBXYZ", "--by", "VPQH", "--reason", "nhầm mã")
    assert code == 2 and "new_code: UBXYZ is not a committee of the National Assembly" in err and "examining_committee_known" in err, err
    assert "told" not in err
    ministry, start = "R" + uuid.uuid4().hex[:6].upper(), tmp_path / "start.json"
    start.write_text(json.dumps(json.loads(example_text("start-request.json")) | {"submission_id": f"REMAP-{uuid.uuid4().hex[:6]}",
                                                                                  "lead_ministry": ministry}))
    code, _, err = await cli("start", str(start))
    assert code == 0, err
    code, _, err = await cli("remap-agency", ministry, "UBVHXH", "--by", "VPCP", "--reason", "nhầm mã")
    assert code == 2 and f"new_code: UBVHXH is a committee of the National Assembly, and {ministry} leads running drafts" in err, err
    assert "lead_ministry_code" in err
    # Nor to a committee's merged in 2025 (found by a breaker).
    code, _, err = await cli("remap-agency", ministry, "UBXH", "--by", "VPCP", "--reason", "nhầm mã")
    assert code == 2 and "lead_ministry_code" in err, err


async def test_a_committees_remap_names_the_drafts_still_examined_by_the_old_code(cli, dev_env, capsys):
    """Found by a re-check: a run of a generation before the twenty-second refuses a committee's remap (`old_code_leads`),
    and was passed over, uncounted, with the drafts the remap does not concern: those still examined by the old code are
    named, with when they take it."""
    from cli.broadcast import _examined_by_an_earlier_run
    from tests.drafts import start_request
    from workflows import client as drafts

    named, other = start_request(ministry="BYT").model_copy(update={"examining_committee": "UBXH"}), start_request(ministry="BYT")
    for request in (named, other):
        await drafts.start_submission(dev_env.client, request, task_queue=cli.task_queue)
    await eventually(lambda: drafts.status(dev_env.client, other.submission_id), lambda view: view is not None)
    capsys.readouterr()
    await _examined_by_an_earlier_run(dev_env.client, [named.submission_id, other.submission_id], "UBXH")
    err = capsys.readouterr().err
    assert f"not remapped {named.submission_id}: examined by UBXH" in err and f"legis renew {named.submission_id}" in err, err
    assert other.submission_id not in err



async def test_a_draft_of_an_earlier_release_takes_a_committees_remap_once_renewed(cli, dev_env, fresh_database_url):
    """Found by an engineer upgrading a release months old: a draft started under it naming committee UBXH (merged in
    2025) refused `legis remap-agency UBXH UBVHXH` (its run, of the twentieth generation, predates the committee's remap),
    was passed over unsaid ("0 running drafts told"), and stayed examined by UBXH: a run continues as new by itself only
    after thousands of events. It is now named, and `legis renew` has its run take up this release's rules."""
    from temporalio.worker import Worker

    from activities.database import create_pool
    from tests.drafts import start_request
    from workers.worker import create_worker
    from workflows import client as drafts
    from workflows.generations import GENERATIONS

    client, queue = dev_env.client, f"earlier-{uuid.uuid4().hex[:8]}"
    request = start_request(ministry="BYT").model_copy(update={"examining_committee": "UBXH"})
    sid = request.submission_id
    newer = {patch for generation, patch in GENERATIONS if generation > 20}
    pool = await create_pool(fresh_database_url)
    try:
        earlier_release = create_worker(client, pool, task_queue=f"config-{queue}").config() | {
            "task_queue": queue, "patch_activation_callback": lambda asked: asked.patch_id not in newer}
        async with Worker(**earlier_release):
            await drafts.start_submission(client, request, task_queue=queue)
            await eventually(lambda: drafts.status(client, sid), lambda view: view.stage is not None)
        async with create_worker(client, pool, task_queue=queue):  # the upgrade: this release's worker takes the run on
            code, out, err = await cli("remap-agency", "UBXH", "UBVHXH", "--by", "VPQH", "--reason", "Hợp nhất các Ủy ban năm 2025")
            assert code == 0 and f"not remapped {sid}: examined by UBXH" in err and f"legis renew {sid} --by WHO" in err, err
            first_run = (await drafts.draft(client, sid).describe()).run_id
            code, out, err = await cli("renew", sid, "--by", "VPQH")
            assert code == 0 and "1 running draft told" in out, err
            assert (await drafts.draft(client, sid).describe()).run_id != first_run
            code, out, err = await cli("remap-agency", "UBXH", "UBVHXH", "--by", "VPQH", "--reason", "Hợp nhất các Ủy ban năm 2025")
            assert code == 0 and "not remapped" not in err, err
            assert (await drafts.status(client, sid)).examining_committee == "UBVHXH"
    finally:
        await pool.close()
    code, _, err = await cli("renew", sid, "--all", "--by", "VPQH")
    assert code == 2 and "drafts_or_all" in err, err
