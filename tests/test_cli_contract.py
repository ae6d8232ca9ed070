"""What scripts rely on in `legis` (issue 17 point 1, issue 13 point 9): exit codes, JSON files read one way, output
never cut nor failing on the terminal's encoding, one way to write time, profiles. Run through the installed command
against a real Temporal dev server, a worker and PostgreSQL, one of each for the module."""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import json
import os
import pty
import re
import select
import stat
import struct
import termios
import uuid
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.drafts import EXAMPLES, example_text
from tests.ports import free_port
from tests.stack import LEGIS, Cli, cli_with_worker, fresh_database

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
TITLE = "Luật sửa đổi, bổ sung một số điều của Luật Giáo dục nghề nghiệp"


@pytest.fixture(scope="module")
async def database_url_of_module(pg_server, pool) -> str:
    return await fresh_database(pg_server, pool)


@pytest.fixture(scope="module")
async def cli(dev_env, database_url_of_module, tmp_path_factory):
    async with cli_with_worker(dev_env.client, database_url_of_module, tmp_path_factory.mktemp("config")) as run:
        yield run


def examples_for(folder: Path, sid: str, ministry: str) -> Path:
    """The example files with this draft's submission ID and lead ministry, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in EXAMPLES.glob("*.json"):
        text = example_text(source.name).replace("BGDDT-2026-017", sid)
        (folder / source.name).write_text(text.replace('"BGDDT"', f'"{ministry}"'), encoding="utf-8")
    return folder


def _sid(folder: Path) -> str:
    return json.loads((folder / "start-request.json").read_text(encoding="utf-8-sig"))["submission_id"]


async def started(cli: Cli, folder: Path, *decisions: str) -> None:
    """The draft of the folder's start request started, and the decisions of the files named applied."""
    code, _, err = await cli("start", str(folder / "start-request.json"))
    assert code == 0, err
    for name in decisions:
        code, _, err = await cli("decide", _sid(folder), str(folder / name))
        assert code == 0, err


@pytest.fixture(scope="module")
async def at_appraisal(cli, tmp_path_factory) -> Path:
    """A draft with a long submission ID, at APPRAISAL (a stage with a deadline); its example files' folder."""
    sid = f"CONTRACT-{uuid.uuid4().hex}-{uuid.uuid4().hex[:12]}"
    folder = examples_for(tmp_path_factory.mktemp("draft"), sid, "CT" + uuid.uuid4().hex[:6].upper())
    await started(cli, folder, "01-policy-proposal.json", "02-programme.json", "03-drafting.json")
    return folder


async def test_json_files_are_utf8_with_or_without_a_byte_order_mark_and_nothing_else(cli, at_appraisal, tmp_path):
    sid = _sid(at_appraisal)
    code, before, _ = await cli("status", sid, "--output", "json")
    decision = (at_appraisal / "04-appraisal-return.json").read_text(encoding="utf-8")
    files = {
        "utf16.json": (decision.encode("utf-16"), "the file is UTF-16; save it as UTF-8", "utf8_only"),
        "utf16-no-mark.json": (decision.encode("utf-16-le"), "NUL bytes", "utf8_only"),
        "latin1.json": (b'{"official": "B\xe1o"}', "byte 15 (0xe1) is not UTF-8", "utf8_only"),
        "twice.json": (decision.replace('"outcome": "RETURN_FOR_REVISION"', '"outcome": "REJECT", "outcome": "RETURN_FOR_REVISION"').encode(),
                       'the key "outcome" is given twice', "duplicate_key"),
        "cut.json": (decision[:40].encode(), "not JSON: ", "json_syntax"),
        "nan.json": (b'{"vote": NaN}', "NaN is not a JSON number", "json_syntax"),
        # Found by a fresh-user trial: read as infinity, where Infinity is refused.
        "infinity.json": (b'{"vote": 1e999}', "not read: the number 1e999 is beyond a float's range", "json_syntax"),
        "deep.json": (b'{"a":' * 1000 + b"1" + b"}" * 1000, "not read: its arrays or objects are nested too deeply", "json_syntax"),
        "digits.json": (b'{"stage": ' + b"1" * 5000 + b"}", "not read: a number has more than 4300 digits", "json_syntax"),
        # In the API's words (`schemas.refusal.described`).
        "bad-day.json": (decision.replace('"stage"', '"occurred_on": "2026-13-01", "stage"').encode(),
                         "occurred_on: Input should be a date written YYYY-MM-DD", "date_from_datetime_parsing"),
        # Found by a breaker: a lone surrogate, escaped, was refused as the whole file's JSON ("unexpected end of hex escape"),
        # and in a key as the body's `string_unicode`, naming no key.
        "surrogate.json": (decision.replace('"reasons": "', '"reasons": "\\ud800').encode(), "reasons: lone surrogate U+D800 is not allowed",
                           "valid_unicode"),
        "surrogate-key.json": (decision.replace('"reasons":', '"ghi_ch\\ud800": "x", "reasons":').encode(),
                               'ghi_ch\\ud800: the key "ghi_ch\\ud800" holds a lone surrogate U+D800', "valid_unicode"),
        # The API's body limit: read no further than one byte past it (`/dev/zero` below, endless, grew a CLI to 24 GB).
        "huge.json": (b" " * (4 * 1024 * 1024) + decision.encode(), "over 4194304 bytes, the most a message may be", "file_too_large"),
        # Found by a breaker: every item's problems were printed, 9.8 MB of them; the bound first, then at most 20 problems.
        "many.json": (json.dumps(json.loads(decision) | {"documents": [{}] * 60000}).encode(), "documents: List should have at most 50 "
                      "items, not 60000", "too_long"),
        "malformed.json": (json.dumps(json.loads(decision) | {"documents": [{}] * 50}).encode(), "; and 130 more", "missing"),
    }
    for name, (content, _, _) in files.items():
        (tmp_path / name).write_bytes(content)
    answers = await asyncio.gather(*(cli("decide", sid, str(tmp_path / name)) for name in files))
    for (name, (_, message, rule)), (code, _, err) in zip(files.items(), answers, strict=True):
        assert code == 2 and message in err and f"(rule: {rule})" in err and "Traceback" not in err, (name, err)
        assert len(err) < 4096, (name, len(err))
    code, _, err = await cli("decide", sid, "/dev/zero")
    assert code == 2 and err == "invalid: /dev/zero: over 4194304 bytes, the most a message may be (as the API's body) (rule: file_too_large)\n", err
    code, out, _ = await cli("decide", sid, str(tmp_path / "twice.json"), "--output", "json")
    assert code == 2 and json.loads(out) | {"message": ""} == {
        "exit_code": 2, "error": "invalid", "kind": "INVALID", "field": "outcome", "rule": "duplicate_key", "message": ""}
    code, after, _ = await cli("status", sid, "--output", "json")
    assert json.loads(after)["events_recorded"] == json.loads(before)["events_recorded"]

    # A byte-order mark is only a mark: the same request reads the same with it.
    marked = examples_for(tmp_path / "marked", f"BOM-{uuid.uuid4().hex[:8]}", "BOM" + uuid.uuid4().hex[:4].upper())
    (marked / "start-request.json").write_bytes(b"\xef\xbb\xbf" + (marked / "start-request.json").read_bytes())
    code, out, err = await cli("start", str(marked / "start-request.json"), "--output", "json")
    assert code == 0 and json.loads(out)["submission_id"] == _sid(marked), err


async def test_each_kind_of_failure_has_its_exit_code(cli, at_appraisal, tmp_path):
    sid = _sid(at_appraisal)
    nobody = f"nobody-{uuid.uuid4().hex[:8]}"
    idle = examples_for(tmp_path / "idle", f"IDLE-{uuid.uuid4().hex[:8]}", "IDLE" + uuid.uuid4().hex[:4].upper())
    code, _, err = await cli("start", str(idle / "start-request.json"), env=cli.env | {"LEGIS_TASK_QUEUE": nobody})
    assert code == 0, err
    down = f"127.0.0.1:{free_port()}"
    no_database = cli.env | {"LEGIS_DATABASE_URL": f"postgresql://legis@127.0.0.1:{free_port()}/legis"}
    (
        refused, refused_json, missing, missing_history, missing_round, usage, bad_format, namespace, temporal_down, database_down,
        silent_status, silent_decision, no_keys,
    ) = await asyncio.gather(
        cli("decide", sid, str(at_appraisal / "02-programme.json")),
        cli("decide", sid, str(at_appraisal / "02-programme.json"), "--output", "json"),
        cli("status", "NO-SUCH-DRAFT"),
        cli("history", "NO-SUCH-DRAFT"),
        cli("consult", "show", sid, "NO-SUCH-ROUND"),
        cli("status", sid, "--no-such-option"),
        cli("status", sid, "--output", "yaml"),
        cli("--namespace", "no-such-namespace", "status", sid),
        cli("--address", down, "status", sid),
        cli("history", sid, env=no_database),
        cli("--timeout", "2", "status", _sid(idle)),
        cli("--timeout", "2", "decide", _sid(idle), str(idle / "01-policy-proposal.json"), "--request-id", "idle-1"),
        cli("status", sid, env={k: v for k, v in cli.env.items() if k != "LEGIS_ENCRYPTION_KEYS"} | {"LEGIS_DATA_DIR": str(tmp_path)}),
    )
    assert refused[0] == 3 and "refused: stage: the draft is at APPRAISAL, not LEGISLATIVE_PROGRAMME (rule: current_stage_only)" in refused[2]
    answer = json.loads(refused_json[1])
    assert refused_json[0] == 3 and (answer["error"], answer["field"], answer["rule"]) == ("refused", "stage", "current_stage_only")
    # The rule of a 404 as the API names it (found by a fresh-user trial: `known` here, `draft_unknown` there).
    assert missing[0] == 4 and "not found: submission_id: no draft NO-SUCH-DRAFT (rule: draft_unknown)" in missing[2]
    assert missing_history[0] == 4 and "no draft NO-SUCH-DRAFT in the audit trail (rule: draft_unknown)" in missing_history[2]
    assert missing_round[0] == 4 and f"no consultation round NO-SUCH-ROUND of draft {sid} (rule: round_unknown)" in missing_round[2]
    assert usage[0] == 2 and "No such option" in usage[2]
    assert bad_format[0] == 2 and "yaml" in bad_format[2]
    assert namespace[0] == 2 and "has no namespace no-such-namespace" in namespace[2] and "no draft" not in namespace[2]
    assert temporal_down[0] == 5 and f"Temporal at {down} does not answer" in temporal_down[2]
    assert database_down[0] == 5 and "PostgreSQL does not answer" in database_down[2]
    assert silent_status[0] == 5 and f"no answer within 2 s: no worker polls task queue {nobody}" in silent_status[2]
    assert silent_decision[0] == 5 and "send it again with --request-id idle-1 to have it applied once" in silent_decision[2]
    assert no_keys[0] == 2 and "encryption_keys: no payload key: set LEGIS_ENCRYPTION_KEYS" in no_keys[2]
    assert "in its data folder: LEGIS_DATA_DIR, by default data/ in the current folder" in no_keys[2]  # run elsewhere (a new user)
    for _, out, err in (refused, missing, namespace, temporal_down, database_down, silent_status, silent_decision, no_keys):
        assert "Traceback" not in err and out == "", err


async def test_ids_and_periods_are_checked_by_the_rules_the_api_checks_before_anything_is_read(cli, tmp_path):
    decision = tmp_path / "decision.json"
    decision.write_text("{}", encoding="utf-8")
    for command in (("decide", "bad/id", str(decision)), ("status", "bad/id"), ("history", "_x"), ("export", "bad/id"),
                    ("consult", "show", "BGDDT-2026-017", "bad round"),
                    ("dead-letters", "list", "--submission-id", "bad/id"), ("refusals", "--submission-id", "bad/id"),
                    ("list", "--ministry", " "), ("report", "--ministry", "zz z")):
        code, _, err = await cli(*command)
        field = {"consult": "round_id", "list": "ministry", "report": "ministry"}.get(command[0], "submission_id")
        assert code == 2 and err.startswith(f"invalid: {field}: ") and "(rule: string_pattern_mismatch)" in err, (command, err)
    # IDs the database numbers, within their columns' range (found by a new user: past it, a traceback from the database).
    for command, field, rule in ((("dead-letters", "show", "99999999999999999999"), "dead_letter_id", "less_than_equal"),
                                 (("dead-letters", "retry", "1", "99999999999999999999"), "dead_letter_id", "less_than_equal"),
                                 (("subscribers", "remove", "2147483648"), "subscriber_id", "less_than_equal"),
                                 (("subscribers", "rotate-secret", "0"), "subscriber_id", "greater_than_equal"),
                                 # Found by a trial: not a number at all, or a count or year out of its range, was typer's box.
                                 (("dead-letters", "retry", "abc"), "dead_letter_id", "int_parsing"),
                                 (("dead-letters", "list", "--limit", "１０"), "limit", "int_parsing"),
                                 (("postpone", "BGDDT-2026-017", str(decision), "--extend", "0"), "extend", "greater_than_equal"),
                                 (("calendar", "holidays", "--year", "26"), "year", "greater_than_equal"),
                                 (("--timeout", "abc", "list"), "timeout", "float_parsing")):
        code, _, err = await cli(*command)
        assert code == 2 and err.startswith(f"invalid: {field}: ") and f"(rule: {rule})" in err, (command, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (command, err)
    # A request ID in the API's rule for its Idempotency-Key: not bytes that are not UTF-8, a control character, over 200.
    for request_id, rule in (("bad\udcffutf", "string_pattern_mismatch"), ("ctl\x01x", "string_pattern_mismatch"),
                             ("k" * 201, "string_pattern_mismatch"), ("a b", "string_pattern_mismatch")):
        code, _, err = await cli("decide", "BGDDT-2026-017", str(decision), "--request-id", request_id)
        assert code == 2 and err.startswith("invalid: request_id: printable ASCII without spaces, 1 to 200") and f"(rule: {rule})" in err, (request_id, err)
    # A day in the API's rule, whatever is wrong with it: its form, its month, or a number of seconds or an instant
    # (which pydantic alone would read as a UTC day).
    for command, field in ((("report", "--since", "30/11/2026"), "since"), (("report", "--until", "1764547200"), "until"),
                           (("calendar", "set-session", "17-1", "--opens-on", "2027-13-01", "--by", "VPQH"), "opens_on"),
                           (("tokens", "issue", "BTP", "MOJ", "--by", "operator", "--expires", "2027-12-31T00:00:00"), "expires"),
                           (("tokens", "issue", "BTP", "MOJ", "--by", "operator", "--expires", "20271231"), "expires")):
        code, _, err = await cli(*command)
        assert code == 2 and err.startswith(f"invalid: {field}: ") and "YYYY-MM-DD" in err, (command, err)
        assert "(rule: date_from_datetime_parsing)" in err, (command, err)
    # A token's label is shown in `tokens list`: one line of visible characters, at most 200.
    for label, rule in (("L" * 201, "string_too_long"), ("\x1b[2J", "no_control_characters"), ("\u202eabc", "no_invisible_characters")):
        code, _, err = await cli("tokens", "issue", "BTP", "MOJ", "--by", "operator", "--label", label)
        assert code == 2 and err.startswith("invalid: label: ") and f"(rule: {rule})" in err, (label, err)
    reversed_period = await cli("report", "--since", "2026-12-01", "--until", "2026-01-01")
    empty_period = await cli("report", "--since", "2026-12-01", "--until", "2026-12-01", "--output", "json")
    assert reversed_period[0] == 2 and reversed_period[2].startswith("invalid: until: ") and "(rule: after_since)" in reversed_period[2]
    answer = json.loads(empty_period[1])
    assert empty_period[0] == 2 and (answer["field"], answer["rule"], answer["kind"]) == ("until", "after_since", "INVALID")


async def test_machine_output_is_whole_on_one_line_at_any_width(cli, at_appraisal):
    """Piped, at 40 columns: IDs, secrets and table rows are never cut, wrapped or ellipsised."""
    sid = _sid(at_appraisal)
    ministry = json.loads((at_appraisal / "start-request.json").read_text(encoding="utf-8"))["lead_ministry"]
    narrow = cli.env | {"COLUMNS": "40"}
    code, out, err = await cli("tokens", "issue", ministry, "LEAD_MINISTRY", "--by", "Nguyễn Văn C, Văn phòng Chính phủ", env=narrow)
    assert code == 0, err
    token = re.search(r"^secret \(shown once; send as `Authorization: Bearer \.\.\.`\): (legis_([0-9a-f]{12})_[A-Za-z0-9_-]{43})$", out, re.M)
    assert token, out
    code, out, err = await cli("subscribers", "add", ministry, f"http://127.0.0.1:9/{'hook' * 20}", env=narrow)
    assert code == 0 and re.search(r"^signing secret \(shown once; .*\): whsec_[A-Za-z0-9+/]{43}=$", out, re.M), out + err
    assert f"http://127.0.0.1:9/{'hook' * 20}" in out
    code, out, _ = await cli("tokens", "list", env=narrow)
    assert code == 0 and token.group(2) in out and "Nguyễn Văn C, Văn phòng Chính phủ" in out
    code, out, _ = await cli("history", sid, env=narrow)
    row = next(line for line in out.splitlines() if "│ 4 " in line)
    assert "APPRAISAL_REQUEST, COVER_SUBMISSION, DRAFT_TEXT" in row and "LEAD_MINISTRY/" in row and "Thứ trưởng" in row, out
    code, out, _ = await cli("status", sid, env=narrow)
    assert f"workflow          │ draft-law-{sid} " in out and TITLE in out
    for _ in range(100):
        code, out, _ = await cli("list", "--ministry", ministry, env=narrow)
        if sid in out:
            break
        await asyncio.sleep(0.2)
    assert f"draft-law-{sid}" in out and TITLE in out
    assert "…" not in out


async def test_a_terminal_without_unicode_neither_fails_nor_turns_an_applied_decision_into_a_crash(cli, tmp_path):
    sid = f"ASCII-{uuid.uuid4().hex[:8]}"
    folder = examples_for(tmp_path, sid, "ASC" + uuid.uuid4().hex[:4].upper())
    await started(cli, folder)
    code, out, err = await cli("decide", sid, str(folder / "01-policy-proposal.json"), env=cli.env | {"PYTHONIOENCODING": "ascii"})
    assert code == 0 and out.startswith("applied: event #2;") and "Lu?t s?a ??i" in out, out + err
    code, out, err = await cli("decide", sid, str(folder / "02-programme.json"), env=cli.env | {"LC_ALL": "C", "LANG": "C"})
    assert code == 0 and out.startswith("applied: event #3;"), out + err
    code, out, _ = await cli("status", sid, "--output", "json", env=cli.env | {"PYTHONIOENCODING": "ascii"})
    assert code == 0 and out.isascii() and json.loads(out)["title"] == TITLE and json.loads(out)["stage"] == "DRAFTING"


async def test_time_is_written_one_way(cli, at_appraisal):
    """Days are Ha Noi dates; instants ISO 8601 in Ha Noi time with +07:00, in JSON and in tables."""
    sid = _sid(at_appraisal)
    (_, status, _), (_, history, _), (_, versions, _), (_, table, _), (_, history_table, _) = await asyncio.gather(
        cli("status", sid, "--json"), cli("history", sid, "--json"), cli("versions", sid, "--json"), cli("status", sid), cli("history", sid))
    status, history, versions = json.loads(status), json.loads(history), json.loads(versions)
    assert INSTANT.match(status["stage_since"]) and DAY.match(status["stage_deadline"]) and INSTANT.match(status["next_alarm"]["at"])
    assert all(INSTANT.match(e["at"]) for e in history["entries"]) and all(INSTANT.match(v["at"]) for v in versions["versions"])
    assert f"since {status['stage_since']}" in table and f"deadline          │ {status['stage_deadline']} " in table
    assert status["next_alarm"]["at"] in table
    assert all(e["at"] in history_table for e in history["entries"])
    for printed in (table, history_table):
        assert "UTC" not in printed and not re.search(r"\d\d:\d\dZ", printed)
    ministry = status["lead_ministry"]
    for _ in range(100):
        code, listed, _ = await cli("list", "--ministry", ministry, "--stage", "APPRAISAL", "--json")
        if json.loads(listed):
            break
        await asyncio.sleep(0.2)
    assert [(d["workflow_id"], d["stage_deadline"]) for d in json.loads(listed)] == [(f"draft-law-{sid}", status["stage_deadline"])]


async def test_profiles_name_clusters_and_the_environment_and_options_win(cli, at_appraisal, tmp_path):
    sid = _sid(at_appraisal)
    address, database = cli.env["LEGIS_TEMPORAL_ADDRESS"], cli.env["LEGIS_DATABASE_URL"]
    bare = {name: value for name, value in cli.env.items() if name not in ("LEGIS_TEMPORAL_ADDRESS", "LEGIS_DATABASE_URL")}
    bare["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    down = f"127.0.0.1:{free_port()}"

    code, _, err = await cli("profile", "set", "here", "--address", address, "--database-url", database,
                             "--task-queue", cli.task_queue, env=bare)
    assert code == 0, err
    stored = tmp_path / "config" / "legis" / "profiles.toml"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and f'address = "{address}"' in stored.read_text(encoding="utf-8")
    assert (await cli("profile", "set", "default", "--address", down, env=bare))[0] == 0
    assert (await cli("profile", "set", "secret", "--database-url", "postgresql://legis:pa55word@db.example/legis", env=bare))[0] == 0

    (by_option, by_variable, by_default, env_wins, option_wins, unknown, listed) = await asyncio.gather(
        cli("--profile", "here", "status", sid, "--json", env=bare),
        cli("history", sid, "--json", env=bare | {"LEGIS_PROFILE": "here"}),
        cli("status", sid, env=bare),
        cli("status", sid, "--json", env=bare | {"LEGIS_TEMPORAL_ADDRESS": address}),
        cli("--address", address, "status", sid, "--json", env=bare | {"LEGIS_TEMPORAL_ADDRESS": down}),
        cli("--profile", "nowhere", "status", sid, env=bare),
        cli("profile", "list", "--output", "json", env=bare),
    )
    assert by_option[0] == 0 and json.loads(by_option[1])["submission_id"] == sid, by_option[2]
    assert by_variable[0] == 0 and json.loads(by_variable[1])["submission_id"] == sid, by_variable[2]
    assert by_default[0] == 5 and f"Temporal at {down} does not answer" in by_default[2]
    assert env_wins[0] == 0 and option_wins[0] == 0, env_wins[2] + option_wins[2]
    assert unknown[0] == 2 and "no profile nowhere" in unknown[2] and "default, here, secret" in unknown[2]
    profiles = json.loads(listed[1])
    assert profiles["secret"]["database_url"] == "postgresql://legis:***@db.example/legis" and "pa55word" not in listed[1]
    assert profiles["here"] == {"address": address, "database_url": database, "task_queue": cli.task_queue}
    assert (await cli("profile", "delete", "here", env=bare))[0] == 0
    assert (await cli("--profile", "here", "status", sid, env=bare))[0] == 2
    # A profiles file past the reader's limits is named, never a traceback (found by a breaker).
    for text, said in (("x = " + "[" * 3000 + "]" * 3000, "nested too deeply"), ("api_port = " + "9" * 5000, "more than 4300 digits")):
        stored.write_text(text, encoding="utf-8")
        code, _, err = await cli("profile", "list", env=bare)
        assert code == 2 and said in err and "(rule: profiles_readable)" in err and "Traceback" not in err, err
    # A profile written by hand without its `profiles.` is named, not read as no profile (found by a new user).
    stored.write_text('[default]\naddress = "127.0.0.1:7233"\n', encoding="utf-8")
    code, _, err = await cli("profile", "list", env=bare)
    assert code == 2 and "a profile is written [profiles.default]" in err and "(rule: profiles_shape)" in err, err
    stored.write_text('[profiles.staging]\naddress = 5\n', encoding="utf-8")  # a refusal names its profile (a re-check)
    code, _, err = await cli("profile", "list", env=bare)
    assert code == 2 and "profiles.staging.address" in err, err


async def test_version_and_examples_in_help(cli):
    (code, out, _), (help_code, help_out, _) = await asyncio.gather(cli("--version"), cli("decide", "--help"))
    from activities.database import SCHEMA_REVISION
    from schemas.state import NEWEST_GENERATION

    assert code == 0 and out == f"legis {version('legis')} (schema revision {SCHEMA_REVISION}, draft generation {NEWEST_GENERATION})\n", out
    assert help_code == 0 and "Examples" in help_out and "legis decide BGDDT-2026-017 schemas/examples/01-policy-proposal.json" in help_out
    # A flag takes no value: typer 0.29 showed `--json <bool>`, which `--json true` refuses (found by a new user).
    assert "--json " in help_out and "<bool>" not in help_out, help_out


async def test_a_command_line_mistake_is_json_when_json_was_asked(cli):
    """Found by a fresh-user trial: a missing `--by` printed typer's box even with `--json`, and nothing on standard
    output. Asked for JSON, a script gets the failure as every other one, with the option's name and the rule; a person
    still gets the usage and the box."""
    for command, field, rule in ((("calendar", "tell", "--json"), "by", "required"),
                                 (("calendar", "set-session", "16-2", "--by", "VPQH", "--output", "json"), "opens_on", "required"),
                                 (("status", "X", "--no-such-option", "--output=json"), "no_such_option", "unknown_option"),
                                 (("start", "--json"), "file", "required"),
                                 (("status", "bad!id", "--json"), "submission_id", "string_pattern_mismatch")):
        code, out, err = await cli(*command)
        answer = json.loads(out)
        assert code == 2 and (answer["exit_code"], answer["kind"], answer["field"], answer["rule"]) == (2, "INVALID", field, rule), (command, out)
        assert err == "", err
    code, out, err = await cli("calendar", "tell")
    assert code == 2 and out == "" and "Missing option '--by'" in err and "Try 'legis calendar tell --help'" in err


async def in_terminal(cli: Cli, columns: int, *args: str) -> bytes:
    """What `legis *args` prints to a pseudo-terminal `columns` wide (COLUMNS unset, as in a terminal window)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {name: value for name, value in cli.env.items() if name != "COLUMNS"}
    try:
        process = await asyncio.create_subprocess_exec(LEGIS, *args, env=env, stdin=follower, stdout=follower, stderr=follower)
        printed = b""
        while process.returncode is None or select.select([leader], [], [], 0.5)[0]:
            if select.select([leader], [], [], 0.5)[0]:
                printed += os.read(leader, 65536)
            elif process.returncode is None:
                await asyncio.sleep(0.05)
        assert process.returncode == 0, printed
    finally:
        os.close(leader)
        os.close(follower)
    return printed


async def test_a_40_column_terminal_gets_the_secret_on_one_line(cli):
    """In a terminal (a pseudo-terminal 40 columns wide) the secret is one line the terminal wraps, never two lines."""
    printed = await in_terminal(cli, 40, "subscribers", "add", "*", "http://127.0.0.1:9/narrow")
    assert re.search(rb"^signing secret \(shown once; [^\r\n]*\): whsec_[A-Za-z0-9+/]{43}=\r$", printed, re.M), printed


async def test_an_80_column_terminal_gets_a_history_and_a_list_with_no_code_or_id_broken(cli, at_appraisal):
    """Found by a fresh-user trial: in an 80-column window the history's eleven columns were cut into slivers of four to
    six characters ("SUBMI / TTED") and `legis list` broke the workflow ID over three lines. Too narrow for a table, each
    row is a block of "column: value" lines."""
    sid = _sid(at_appraisal)
    history = (await in_terminal(cli, 80, "history", sid)).decode()
    assert "┃" not in history and "│" not in history, history
    assert f"history of {sid}" in history and "  event: SUBMITTED\r" in history and "  stage: POLICY_PROPOSAL\r" in history, history
    assert "  to: APPRAISAL\r" in history and "# 4\r" in history, history
    listed = (await in_terminal(cli, 80, "list", "--ministry", json.loads((at_appraisal / "start-request.json").read_text())["lead_ministry"])).decode()
    assert f"workflow draft-law-{sid}\r" in listed and "  stage: APPRAISAL\r" in listed, listed
    # Wide enough, the table stays.
    assert "│ POLICY_PROPOSAL" in (await in_terminal(cli, 500, "history", sid)).decode()


async def test_a_request_id_sent_again_in_the_same_run_is_marked_or_refused_never_answered_for_another_message(cli, tmp_path):
    """Temporal answers an update ID it knows itself, whatever the message: the CLI asks the draft first."""
    folder = examples_for(tmp_path / "draft", f"REQ-{uuid.uuid4().hex[:12]}", "RQ" + uuid.uuid4().hex[:6].upper())
    await started(cli, folder, "01-policy-proposal.json", "02-programme.json")
    sid = _sid(folder)
    first = await cli("decide", sid, str(folder / "03-drafting.json"), "--request-id", "dms-1")
    again = await cli("decide", sid, str(folder / "03-drafting.json"), "--request-id", "dms-1", "--output", "json")
    other = await cli("decide", sid, str(folder / "04-appraisal-return.json"), "--request-id", "dms-1")
    assert first[0] == 0 and first[1].startswith("applied: "), first
    assert again[0] == 0 and json.loads(again[1])["receipt"]["duplicate"] is True, again
    assert other[0] == 2 and "(rule: idempotency_key_reused)" in other[2], other
    code, out, _ = await cli("status", sid, "--output", "json")
    assert code == 0 and json.loads(out)["stage"] == "APPRAISAL"


async def test_a_reader_that_stops_early_does_not_turn_an_applied_message_into_a_failure(cli, tmp_path):
    """`legis decide ... | head -1`: the pipe closes before the status is printed; the command still exits 0."""
    folder = examples_for(tmp_path / "draft", f"PIPE-{uuid.uuid4().hex[:12]}", "PP" + uuid.uuid4().hex[:6].upper())
    await started(cli, folder, "01-policy-proposal.json")
    closed, writer = os.pipe()
    os.close(closed)  # no reader at all: the first write breaks the pipe
    try:
        process = await asyncio.create_subprocess_exec(LEGIS, "decide", _sid(folder), str(folder / "02-programme.json"), env=cli.env,
                                                       stdout=writer, stderr=asyncio.subprocess.PIPE)
        _, err = await process.communicate()
    finally:
        os.close(writer)
    assert process.returncode == 0 and not err, err
    code, out, _ = await cli("status", _sid(folder), "--output", "json")
    assert code == 0 and json.loads(out)["stage"] == "DRAFTING"


def test_figures_in_a_table_are_aligned_right_and_names_left():
    from rich.console import Console

    from cli.output import table

    shown = table(None, "agency", "finished on time", numbers=("finished on time",))
    shown.add_row("MOJ", "1")
    console = Console(width=80, record=True, color_system=None)
    console.print(shown)
    row = next(line for line in console.export_text().splitlines() if "MOJ" in line)
    assert re.fullmatch(r"│ MOJ\s+│\s+1 │", row), row


def test_a_table_of_no_row_is_a_sentence_naming_what_was_listed():
    """Found by a trial: `legis dead-letters list` with none open, or `legis list` of a session without drafts, printed an
    empty frame, where `legis calendar show` says so in words."""
    from rich.console import Console

    from cli.output import print_table, table

    console = Console(width=80, record=True, color_system=None)
    print_table(table("dead letters open", "id", "kind"), console)
    print_table(table(None, "id"), console)
    assert console.export_text().splitlines() == ["dead letters open: none", "none"]


async def test_help_examples_fit_an_80_column_terminal_and_copy_whole(cli):
    """Found by a fresh-user trial: at 80 columns a long example wrapped, and its first line, copied, was half a command.
    A long example is now on shell continuation lines, each within the terminal."""
    printed = re.sub(r"\x1b\[[0-9;]*m", "", (await in_terminal(cli, 80, "calendar", "set-session", "--help")).decode())
    example = printed[printed.index("legis calendar set-session 16-3 --opens-on"):]
    lines = example.split("\r\n")
    continued = list(itertools.takewhile(lambda line: line.rstrip().endswith("\\"), lines))
    assert continued and all(len(line) <= 80 and line.endswith("\\") for line in continued) and len(lines[len(continued)]) <= 80, lines[:4]
    whole = " ".join(line.rstrip().removesuffix("\\").strip() for line in [*continued, lines[len(continued)]])
    assert whole == '''legis calendar set-session 16-3 --opens-on 2027-10-20 --phase 2027-10-20:2027-11-06 --phase 2027-11-15:2027-11-30 --by "VPQH"'''


def test_a_worker_not_seen_polling_for_ninety_seconds_is_not_counted_as_polling():
    """Found by a trial: five workers stopped and one left, a silent command said "4 worker(s) poll": Temporal lists a
    worker for minutes after its last poll, where a live one polls again within a minute."""
    from google.protobuf.timestamp_pb2 import Timestamp
    from temporalio.api.taskqueue.v1 import PollerInfo

    from cli.temporal import polling

    now = datetime.now(UTC)

    def seen(seconds_ago: int) -> PollerInfo:
        at = Timestamp()
        at.FromDatetime(now - timedelta(seconds=seconds_ago))
        return PollerInfo(last_access_time=at, identity=f"worker-{seconds_ago}")

    assert [p.identity for p in polling([seen(5), seen(60), seen(95), seen(300)], now)] == ["worker-5", "worker-60"]
