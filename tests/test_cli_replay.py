"""`legis replay`: an engineer upgrading a release checks that it replays the histories a deployment exported (found by an
upgrade's trial: the README named no way to replay one). No server: the command reads files and replays them."""

from __future__ import annotations

import json

from tests.conftest import TEST_KEY_ENTRY
from tests.record_histories import HISTORIES
from tests.stack import Cli, isolated_env


async def test_exported_histories_are_replayed_and_one_that_does_not_replay_is_named(tmp_path):
    cli = Cli(isolated_env(tmp_path / "config", LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY))
    draft, round_ = HISTORIES / "reconsidering_meeting_moved-s49.json", next((HISTORIES / "rounds").glob("*.json"))
    code, out, err = await cli("replay", str(draft), str(round_))
    assert code == 0 and out.count(" replays") == 2, out + err
    # The same history with an activity its code never schedules: what a change of workflow code without a patch gives.
    raw = json.loads(draft.read_text(encoding="utf-8"))
    scheduled = next(e for e in raw["events"] if "activityTaskScheduledEventAttributes" in e)
    scheduled["activityTaskScheduledEventAttributes"]["activityType"]["name"] = "not_this_releases"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(raw), encoding="utf-8")
    code, out, err = await cli("replay", str(draft), str(changed), "--output", "json")
    refused = json.loads(out)
    assert code == 3 and refused["rule"] == "replays" and "1 of 2 histories do not replay" in refused["message"], out + err
    [replays, fails] = refused["problems"]
    assert replays["failure"] is None and fails["failure"] and fails["file"] == str(changed), out
    (tmp_path / "not-a-history.json").write_text("{}", encoding="utf-8")
    code, _, err = await cli("replay", str(tmp_path / "not-a-history.json"))
    assert code == 2 and "history_json" in err, err
