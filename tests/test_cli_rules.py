"""`legis rulebook show` and `legis calendar holidays`: the rules and the working calendar as shipped, printed for a
person to check (issue 12 point 2, issue 14 points 3 and 5). No server needed."""

from __future__ import annotations

import asyncio
import json
import re
from importlib import resources
from pathlib import Path

import pytest
import typer

from cli.failures import Invalid, Rejected
from cli.main import app
from schemas.enums import SITTING_STAGES, ProcessVersion, Stage, procedures_for
from schemas.rulebook import load_rulebook, rulebook_file
from tests.stack import Cli, isolated_env

README = Path(__file__).resolve().parent.parent / "README.md"
DIAGRAM_MARK = "<!-- legis rulebook show LAW_2025 --diagram -->"


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(isolated_env(tmp_path / "config", COLUMNS="40"))


def flagged(value: object, numbers: bool = False) -> list[bool]:
    """Every `unverified` flag in a rulebook file (with `numbers`, only those of numbers: a part with days or an escalation
    ladder), read from its JSON, not through the models."""
    if isinstance(value, dict):
        counted = "unverified" in value and (not numbers or "days" in value or "escalation" in value)
        return ([value["unverified"]] if counted else []) + [f for item in value.values() for f in flagged(item, numbers)]
    if isinstance(value, list):
        return [f for item in value for f in flagged(item, numbers)]
    return []


@pytest.mark.parametrize("version", list(ProcessVersion))
async def test_rulebook_show_prints_every_stage_its_moves_deciders_documents_limits_and_sources(cli, version):
    book = load_rulebook(version)
    (code, table, err), (json_code, as_json, _) = await asyncio.gather(cli("rulebook", "show", version.value),
                                                                       cli("rulebook", "show", version.value, "--output", "json"))
    assert code == 0 and json_code == 0, err
    shown = json.loads(as_json)
    assert [row["stage"] for row in shown["stages"]] == [rule.stage.value for rule in book.stages]
    for rule in book.stages:
        row = next(line for line in table.splitlines() if f"│ {rule.stage.value} " in line)
        assert rule.source.split(" [check")[0] in table and rule.deciders[0].actor.value in row
        for document in rule.required_documents:
            assert document.value in table
        shown_row = next(row for row in shown["stages"] if row["stage"] == rule.stage.value)
        assert shown_row["renewed_documents"] == [kind.value for kind in rule.renewed_documents]
    assert "DRAFT_TEXT (anew)" in table and "IMPLEMENTATION_REPORT (anew)" not in table
    # Found by a fresh-user trial: LAW_2025's table named THREE_SESSIONS on the path of stages, a procedure it refuses.
    assert all(set(row["on_path"]["procedures"]) <= {p.value for p in procedures_for(version)} for row in shown["stages"])
    assert ("THREE_SESSIONS" in table) == (version is ProcessVersion.LAW_2015)
    assert "documents needed: (anew) counts only when filed at that stage for its decision (one filed for an earlier decision or stage does not " \
           "count)" in " ".join(table.split())
    assert (shown["version"], shown["digest"]) == (book.version, book.digest)
    # Who moves each stage's deadline, and what is flagged late (found by a new engineer: only the JSON said).
    limited = [row for row in shown["stages"] if row["limits"]]
    fixed = [row for row in limited if not row["postponement_authority"]]
    assert fixed and table.count("cannot be postponed") == len(fixed) and table.count("postponed by: ") == len(limited) - len(fixed)
    assert (f"a postponement asked fewer than {book.follow_up.late_request_days} days before the deadline, or after it, is flagged late"
            in " ".join(table.split()))
    sitting = ", ".join(rule.stage.value for rule in book.stages if rule.stage in SITTING_STAGES)
    assert f"{sitting}: decided at a sitting, on or after the opening of the session the draft aims at" in " ".join(table.split())

    raw = json.loads(resources.files("schemas.rulebooks").joinpath(rulebook_file(version)).read_text(encoding="utf-8"))
    flags, numbers = flagged(raw), flagged(raw, numbers=True)
    assert (shown["unverified"]["count"], shown["unverified"]["of"]) == (sum(flags), len(flags))
    assert (shown["unverified"]["numbers_unverified"], shown["unverified"]["numbers"], shown["unverified"]["uncited"]) == (
        sum(numbers), len(numbers), [])
    assert f"unverified: {sum(flags)} of the {len(flags)} numbers and rules with a source" in table


async def test_the_stage_table_gives_each_path_its_next_stage(cli):
    code, out, _ = await cli("rulebook", "show", "LAW_2025", "--json")
    # The process version in any letter case, as an official types it.
    assert (await cli("rulebook", "show", "law_2025", "--json"))[1] == out
    rows = {row["stage"]: row for row in json.loads(out)["stages"]}
    moves = {(m["outcome"], m["to"]): m["when"] for m in rows["STANDING_COMMITTEE_OPINION"]["transitions"]}
    laws = ["NEW_LAW", "AMENDING_LAW"]
    # A law on the special track skips the Standing Committee; an ordinance, which the Committee adopts, never does
    # (edition 2025.8: the special track had sent an ordinance from examination to the President, adopted by no one).
    on_tracks = ["REGULAR", "SHORTENED"]
    assert moves[("APPROVE", "NA_SESSION")] == [{"law_kinds": laws, "procedures": ["ONE_SESSION"], "tracks": on_tracks}]
    assert moves[("APPROVE", "NA_FIRST_SESSION")] == [{"law_kinds": laws, "procedures": ["TWO_SESSIONS"], "tracks": on_tracks}]
    assert moves[("APPROVE", "PROMULGATION")] == [{"law_kinds": ["ORDINANCE"], "procedures": [], "tracks": []}]
    assert rows["STANDING_COMMITTEE_OPINION"]["skipped_on"] == ["SPECIAL"]
    assert rows["STANDING_COMMITTEE_OPINION"]["kept_on"] == ["ordinances on the SPECIAL track"]
    assert "PROMULGATION" not in {m["to"] for m in rows["EXAMINATION"]["transitions"]}
    appraisal = rows["APPRAISAL"]["limits"][0]
    assert (appraisal["days"], appraisal["counting"], appraisal["anchor"], appraisal["rest_day"], appraisal["unverified"]) == (
        30, "CALENDAR_DAYS", "COMPLETE_DOSSIER", "NEXT_WORKING_DAY", False)
    assert appraisal["url"].endswith("/dieu-34") and "Art. 34(1)" in appraisal["source"]
    cutoffs = {limit["name"]: limit for limit in rows["GOVERNMENT_DECISION"]["limits"]}
    assert cutoffs["meeting cut-off"]["law_kinds"] == ["ORDINANCE"] and cutoffs["meeting cut-off"]["rest_day"] == "PREVIOUS_WORKING_DAY"
    assert {(m["outcome"], m["to"]) for m in rows["NA_SESSION"]["transitions"]} == {
        ("VOTE passed", "PROMULGATION"), ("VOTE failed, CARRY_OVER", "NA_SESSION"), ("RETURN_FOR_REVISION", "DRAFTING"), ("REJECT", "REJECTED")}
    code, out, _ = await cli("rulebook", "show", "LAW_2015", "--json")
    revision = next(row for row in json.loads(out)["stages"] if row["stage"] == "INTER_SESSION_REVISION")
    assert {m["to"]: m["when"][0]["procedures"] for m in revision["transitions"]} == {
        "NA_SESSION": ["TWO_SESSIONS"], "NA_SECOND_SESSION": ["THREE_SESSIONS"]}


async def test_the_readme_embeds_the_diagram_the_command_prints(cli):
    code, diagram, err = await cli("rulebook", "show", "LAW_2025", "--diagram")
    assert code == 0 and diagram.startswith("stateDiagram-v2\n"), err
    for move in ("[*] --> POLICY_PROPOSAL : REGULAR track", "APPRAISAL --> DRAFTING : RETURN_FOR_REVISION",
                 "NA_SESSION --> PROMULGATION : VOTE passed", "PUBLICATION --> PROMULGATED : APPROVE", "ANY_STAGE --> WITHDRAWN : WITHDRAW",
                 "STANDING_COMMITTEE_OPINION --> NA_FIRST_SESSION : APPROVE (laws, TWO_SESSIONS, REGULAR or SHORTENED track)", "REJECTED --> [*]"):
        assert move in diagram
    readme = README.read_text(encoding="utf-8")
    embedded = re.search(re.escape(DIAGRAM_MARK) + r"\n```mermaid\n(.*?)```", readme, re.S)
    assert embedded, f"README.md has no ```mermaid block after {DIAGRAM_MARK}"
    assert embedded.group(1) == diagram, "README.md's diagram is stale: paste `legis rulebook show LAW_2025 --diagram` into it"
    # With --output json, one JSON document as every reading command gives (found by a fresh-user trial: Mermaid text).
    code, out, err = await cli("rulebook", "show", "law_2025", "--diagram", "--output", "json")
    assert code == 0 and json.loads(out) == {"process_version": "LAW_2025", "format": "mermaid", "diagram": diagram}, err


async def test_an_unknown_process_version_is_refused_naming_the_versions_as_written(cli):
    """Found by a fresh-user trial: the choices were listed in small letters ('law_2015', 'law_2025')."""
    code, _, err = await cli("rulebook", "show", "LAW_2030")
    assert code == 2 and "process_version: 'LAW_2030' is not one of LAW_2015, LAW_2025 (rule: enum)" in err, err


async def test_an_unknown_stage_or_kind_filter_is_refused_in_one_line_and_any_letter_case_is_taken(cli):
    """Found by a fresh-user trial: `legis list --stage FOO` answered with typer's usage box ("Value error, 'FOO' is not
    one of ..."), where every other refused value gets the CLI's one line naming its field and rule."""
    for command, field in ((("list", "--stage", "FOO"), "stage"), (("dead-letters", "list", "--kind", "FOO"), "kind")):
        code, out, err = await cli(*command)
        assert code == 2 and out == "" and err.startswith(f"invalid: {field}: 'FOO' is not one of ") and err.rstrip().endswith("(rule: enum)"), err
        assert "Usage" not in err and "Value error" not in err, err
    from cli.app import any_case

    assert any_case(Stage, "stage")("drafting") is Stage.DRAFTING


async def test_calendar_holidays_prints_the_years_rest_days_moved_days_and_working_saturdays(cli):
    (code, table, _), (_, as_json, _), (_, expected, _), (_, unknown, _) = await asyncio.gather(
        cli("calendar", "holidays", "--year", "2026"), cli("calendar", "holidays", "--year", "2026", "--output", "json"),
        cli("calendar", "holidays", "--year", "2027"), cli("calendar", "holidays", "--year", "2035"))
    assert code == 0 and table.startswith("2026: as announced by the Government\nsource: Labour Code 2019")
    for line in ("│ 2026-01-02 │ Friday    │ day off     │ nghỉ hoán đổi (làm bù thứ Bảy 10/1)", "│ 2026-01-10 │ Saturday  │ working day │",
                 "│ 2026-02-17 │ Tuesday   │ holiday     │ Tết Nguyên đán (mùng 1)", "│ 2026-08-22 │ Saturday  │ working day │"):
        assert line in table
    shown = json.loads(as_json)
    assert (shown["announced"], len(shown["days"])) == (True, 16) and shown["days"][1] == {
        "day": "2026-01-02", "weekday": "Friday", "kind": "day off", "name": "nghỉ hoán đổi (làm bù thứ Bảy 10/1)"}
    assert expected.startswith("2027: not announced yet by the Government; the days below are the expected ones") and "2027-02-08" in expected
    assert unknown == "2035: not in this release's working calendar; WORKING_DAYS limits count only Saturdays and Sundays as rest days\n"


def _commands() -> list[tuple[str, object]]:
    def walk(command, path: str) -> list[tuple[str, object]]:
        below = [leaf for name, sub in command.commands.items() for leaf in walk(sub, f"{path} {name}")] if hasattr(command, "commands") else []
        return [(path, command), *below]

    return walk(typer.main.get_command(app), "legis")[1:]  # `legis --help` itself lists the groups and commands


def test_every_command_and_group_has_examples_in_its_help():
    commands = _commands()
    assert len(commands) > 30
    missing = [path for path, command in commands if "Examples" not in (command.epilog or "") or path.split()[-1] not in command.epilog]
    assert not missing, f"commands and groups without examples in --help: {missing}"


def test_every_command_s_summary_reads_as_one_line():
    """A group's list shows each command's first paragraph as it is written: a docstring's line break cut it mid-sentence
    ("A draft already under way / is entered", found by a fresh-user trial); such a command gives a short help."""
    broken = [path for path, command in _commands() if "\n" in (command.short_help or (command.help or "").split("\n\n")[0])]
    assert not broken, f"commands whose summary breaks mid-sentence in their group's list: {broken}"


def test_every_command_reading_a_json_file_names_its_fields_in_its_help():
    """Found by a new user: `legis start --help` said "a JSON file (UTF-8)" and no more; an official could not tell a
    draft under way is entered with `passed`, nor a decision entered afterwards with `occurred_on`."""
    def leaves(command, path: str) -> list[tuple[str, object]]:
        return [leaf for name, sub in command.commands.items() for leaf in leaves(sub, f"{path} {name}")] if hasattr(command, "commands") \
            else [(path, command)]

    files = {path: next(p.help for p in command.params if p.name == "file") for path, command in leaves(typer.main.get_command(app), "legis")
             if any(p.name == "file" and p.help.startswith("a JSON file") for p in command.params)}
    assert len(files) == 13, sorted(files)  # `consult answer` the thirteenth
    for path, help in files.items():
        assert "`legis openapi`" in help and "schemas/examples" in help, path
    assert "submission_id, title" in files["legis start"] and "passed" in files["legis start"]
    assert "occurred_on" in files["legis decide"] and "vote" in files["legis decide"] and "carry_to" in files["legis decide"]


def test_the_history_names_whoever_acted_as_far_as_the_event_says():
    """Found by a new user: `legis history` left "by" empty for a consultee's opinion (an agency and an official, no role)."""
    from datetime import UTC, datetime

    from cli.records import acted_by
    from schemas.enums import Actor, EventKind, Role, Stage
    from schemas.views import HistoryEntry

    at, stage = datetime(2026, 12, 2, tzinfo=UTC), Stage.DRAFTING
    decided = HistoryEntry(seq=2, at=at, event=EventKind.DECISION, stage=stage, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER,
                           official="Bộ trưởng")
    opinion = HistoryEntry(seq=3, at=at, event=EventKind.OPINION_RECEIVED, stage=stage, agency_code="BTC", official="Thứ trưởng")
    alarm = HistoryEntry(seq=4, at=at, event=EventKind.WARNING, stage=stage)
    assert [acted_by(e) for e in (decided, opinion, alarm)] == ["MOJ/BTP MINISTER Bộ trưởng", "BTC Thứ trưởng", ""]


def test_the_history_shows_the_deadline_each_event_left_in_force():
    """Found by a fresh-user trial: a session moved, which lifted an ordinance's deadline and later set it again, showed
    only "session 16-3 now opens ..." in `legis history`; the deadline was in the JSON alone."""
    from datetime import UTC, date, datetime

    from cli.records import deadline_after
    from schemas.enums import EventKind, Stage
    from schemas.views import HistoryEntry

    at, stage = datetime(2026, 12, 2, tzinfo=UTC), Stage.GOVERNMENT_DECISION
    moved = HistoryEntry(seq=5, at=at, event=EventKind.SESSION_RESCHEDULED, stage=stage, label="session 16-3 now opens 2027-10-12 (was 2027-11-04)")
    back = moved.model_copy(update={"seq": 6, "deadline": date(2027, 9, 24)})
    # A decision records the deadline of the stage it left: not the one in force after it.
    decided = HistoryEntry(seq=7, at=at, event=EventKind.DECISION, stage=stage, deadline=date(2027, 9, 24))
    assert [deadline_after(e) for e in (moved, back, decided)] == ["none", "2027-09-24", ""]


def test_the_history_says_what_a_postponement_asked_and_what_was_decided():
    """Found by a fresh-user trial: in `legis history` a postponement refused and one approved read the same; the date
    asked, the late request and the decision were in the JSON alone."""
    from datetime import UTC, date, datetime

    from cli.records import postponement_note
    from schemas.enums import EventKind, Stage
    from schemas.views import HistoryEntry

    at, stage, asked = datetime(2026, 12, 2, tzinfo=UTC), Stage.APPRAISAL, date(2026, 12, 17)
    requested = HistoryEntry(seq=5, at=at, event=EventKind.POSTPONEMENT_REQUESTED, stage=stage, requested_deadline=asked, late_request=True)
    decided = HistoryEntry(seq=6, at=at, event=EventKind.POSTPONEMENT_DECIDED, stage=stage, requested_deadline=asked, approved=True)
    notes = [postponement_note(e) for e in (requested, requested.model_copy(update={"late_request": False}), decided,
                                            decided.model_copy(update={"approved": False}), HistoryEntry(seq=7, at=at, event=EventKind.WARNING, stage=stage))]
    assert notes == ["asked to 2026-12-17 (late request)", "asked to 2026-12-17", "approved: 2026-12-17", "refused", ""]


def test_the_history_says_whether_a_vote_passed():
    """Found by a fresh-user trial: a vote that failed and one that passed both read VOTE in `legis history`."""
    from datetime import UTC, datetime

    from cli.records import vote_note
    from schemas.enums import EventKind, Outcome, Stage
    from schemas.messages import VoteCount
    from schemas.views import HistoryEntry

    at, stage = datetime(2026, 11, 25, tzinfo=UTC), Stage.NA_SESSION
    failed = HistoryEntry(seq=10, at=at, event=EventKind.DECISION, stage=stage, outcome=Outcome.VOTE,
                          vote=VoteCount(total_deputies=480, in_favour=200, against=250, abstaining=30))
    passed = failed.model_copy(update={"seq": 11, "vote": VoteCount(total_deputies=480, in_favour=241, against=200, abstaining=39,
                                                                     parts_not_passed=("Điều 12",))})
    assert [vote_note(e) for e in (failed, passed, HistoryEntry(seq=12, at=at, event=EventKind.WARNING, stage=stage))] == [
        "not passed: 200 of 480 deputies in favour, 250 against, 30 abstaining",
        "passed: 241 of 480 deputies in favour, 200 against, 39 abstaining", ""]  # the parts are the label's, said once


def test_the_status_says_a_vote_passed_in_part_as_the_history_does():
    """Found by a fresh-user trial: after a vote passed with `parts_not_passed`, `legis status` said "passed", where the
    history's event and the export say "passed in part; not passed: Điều 12"."""
    from cli.drafts import print_status
    from cli.output import out
    from schemas.enums import Stage
    from schemas.messages import VoteCount
    from tests.drafts import NOW, core_state
    from workflows import draft_views

    state = core_state(at=Stage.PROMULGATION)
    said = {}
    for parts in ((), ("Điều 12",)):
        state.last_vote = VoteCount(total_deputies=500, in_favour=320, against=150, abstaining=20, parts_not_passed=parts)
        with out.capture() as captured:
            print_status(draft_views.status(state, "w", NOW))
        said[parts] = " ".join(captured.get().split())
    assert "320 for / 150 against / 20 abstaining of 500: passed in part; not passed: Điều 12" in said[("Điều 12",)], said
    assert "of 500: passed " in said[()] + " " and "in part" not in said[()], said
    state.last_vote = VoteCount(total_deputies=500, in_favour=200, against=280, abstaining=20)
    assert state.last_vote.result == "not passed"


def test_set_meeting_warns_of_a_meeting_during_a_regular_session_only():
    """A meeting on a regular session's opening day, or within its phases, is the meeting before no session; one while an
    extraordinary session sits may be the meeting before the next regular one (a breaker found it warned of too)."""
    from datetime import date

    from cli.calendar import _warn_during_session
    from cli.output import err
    from schemas.calendar import SessionPhase, StandingCommitteeMeeting, TargetSession

    phased = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20), phases=(
        SessionPhase(starts_on=date(2027, 10, 20), ends_on=date(2027, 11, 6)), SessionPhase(starts_on=date(2027, 11, 15), ends_on=date(2027, 11, 30))))
    called = TargetSession(legislature=16, session=9, opens_on=date(2027, 8, 2), extraordinary=True)
    said = {}
    for day in (date(2027, 10, 20), date(2027, 11, 10), date(2027, 11, 30), date(2027, 12, 1), date(2027, 8, 2)):
        with err.capture() as captured:
            _warn_during_session(StandingCommitteeMeeting(code="UBTVQH-60", meets_on=day), [called, phased])
        said[day] = captured.get()
    # Nor understated: an ordinance sent back is reconsidered at the next meeting, whichever it is (found by a National
    # Assembly Office's trial: two reconsiderations moved to a meeting said to count for no draft).
    assert all("during session 16-3" in said[d] and "the meeting before no session" in said[d]
               and "an ordinance sent back by the President is still reconsidered at the first meeting after it came back" in " ".join(said[d].split())
               for d in (date(2027, 10, 20), date(2027, 11, 10), date(2027, 11, 30))), said
    assert said[date(2027, 12, 1)] == "" and said[date(2027, 8, 2)] == "", said
    # A session given no phases sits on its opening day only, as far as the draft knows: a meeting in the weeks after is
    # the meeting before the next session, said so (found by a new engineer: set the day after the opening, unsaid).
    plain = TargetSession(legislature=16, session=2, opens_on=date(2027, 6, 1))
    for day, warned in ((date(2027, 6, 2), True), (date(2027, 7, 16), True), (date(2027, 7, 17), False)):
        with err.capture() as captured:
            _warn_during_session(StandingCommitteeMeeting(code="UBTVQH-55", meets_on=day), [plain])
        assert ("the session was given no phases" in captured.get() and "before the next session" in captured.get()) is warned, captured.get()


def test_a_failure_tells_its_rule_once():
    """A file with two problems names both rules in its message, the first its own: not told again at the end (a breaker
    found it repeated); a message quoting only another rule (a failed start's) still tells its own."""
    two = Invalid("title: too short (rule: string_too_short); process_version: not one of them (rule: enum)", field="title",
                  rule="string_too_short")
    assert two.line().endswith("(rule: enum)") and two.line().count("(rule: ") == 2
    ended = Rejected("submission_id: the draft has ended (FAILED: title: too short (rule: string_too_short))", rule="draft_closed")
    assert ended.line().endswith("(rule: string_too_short)) (rule: draft_closed)")
    assert Rejected("agency_code: not the lead ministry", rule="lead_ministry_only").line() == (
        "refused: agency_code: not the lead ministry (rule: lead_ministry_only)")


async def test_rulebook_show_prints_each_stage_s_own_escalation_ladder(cli):
    code, table, err = await cli("rulebook", "show", "LAW_2025")
    assert code == 0, err
    assert "escalation at EXAMINATION: RESPONSIBLE_OFFICIAL +0d, HEAD_OF_AGENCY +3d, VPQH +7d, UBTVQH +14d [UNVERIFIED]" in table
    assert "escalation at PROMULGATION: RESPONSIBLE_OFFICIAL +0d, HEAD_OF_AGENCY +3d [UNVERIFIED]" in table
    code, as_json, _ = await cli("rulebook", "show", "LAW_2025", "--output", "json")
    examination = next(row for row in json.loads(as_json)["stages"] if row["stage"] == "EXAMINATION")
    assert [s["level"] for s in examination["escalation_ladder"]["escalation"]][-2:] == ["VPQH", "UBTVQH"]


def test_an_opinions_comment_numbers_are_said_as_such_in_the_history():
    """Found by a trial: `legis history` printed an opinion's comment numbers as "why: 1; 2", as if a reason."""
    from cli.records import reasons_note
    from schemas.enums import EventKind

    assert reasons_note("1; 2", EventKind.OPINION_RECEIVED) == "comments: 1; 2"
    assert reasons_note("chờ ý kiến", EventKind.DECISION) == reasons_note("chờ ý kiến") == "why: chờ ý kiến"
