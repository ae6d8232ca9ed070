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
    # In words, with what to do next (found by a new user: the SDK's raw dump alone).
    code, out, err = await cli("replay", str(changed))
    assert code == 3 and "does not replay" in out and "What next:" in out and "temporal workflow reset" in out, out + err
    (tmp_path / "not-a-history.json").write_text("{}", encoding="utf-8")
    code, _, err = await cli("replay", str(tmp_path / "not-a-history.json"))
    assert code == 2 and "history_json" in err, err


def _sealed_copy(history: dict, workflow_id: str, keys) -> dict:
    """The exported history with each payload sealed as a deployment's worker seals it (`EncryptionCodec`)."""
    from google.protobuf import json_format
    from temporalio.api.common.v1 import Payload

    from workflows.codec import EncryptionCodec
    codec = EncryptionCodec(keys, workflow_id)

    def walk(node):
        if isinstance(node, dict):
            if "metadata" in node and "data" in node and isinstance(node["metadata"], dict):
                return json_format.MessageToDict(codec.seal(json_format.ParseDict(node, Payload())))
            # Search attributes and patch markers are never passed through a codec (README, What stays readable); a memo
            # left readable passes through it, as a payload written before encryption does.
            return {k: v if k in ("searchAttributes", "markerRecordedEventAttributes", "memo") else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node
    return walk(history)


async def test_replay_with_a_key_the_deployment_did_not_give_says_so_not_that_the_release_does_not_replay(tmp_path):
    """Found by a re-check: with another environment's keys, a sound history was said not to replay with this release
    (exit 3, `replays`), which would stop a sound upgrade; the keys are named instead (exit 2)."""
    from workflows.codec import KeyRing, new_key_entry

    source = HISTORIES / "reconsidering_meeting_moved-s49.json"
    raw = json.loads(source.read_text(encoding="utf-8"))
    workflow_id = raw["events"][0]["workflowExecutionStartedEventAttributes"].get("workflowId")
    sealed = tmp_path / "sealed.json"
    deployment = new_key_entry("deployment")
    sealed.write_text(json.dumps(_sealed_copy(raw, workflow_id, KeyRing.parse(deployment))), encoding="utf-8")
    own = Cli(isolated_env(tmp_path / "own", LEGIS_ENCRYPTION_KEYS=deployment))
    code, out, err = await own("replay", str(sealed))
    assert code == 0 and " replays" in out, out + err  # the sealed copy replays with the deployment's key
    other = Cli(isolated_env(tmp_path / "config", LEGIS_ENCRYPTION_KEYS=new_key_entry("other-env")))
    code, out, err = await other("replay", str(sealed), "--output", "json")
    answer = json.loads(out)
    assert code == 2 and answer["rule"] == "encryption_keys_configured" and "deployment's keys" in answer["message"], out + err
    assert "Traceback" not in err and len(err.splitlines()) < 5, err  # no screen of the SDK's tracebacks before it (found by a breaker)
