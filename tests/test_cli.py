"""The README walkthrough, run through the installed `legis` command against a real dev server."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import asyncpg

from activities.rulebook import shipped_working_calendar
from schemas.calendar import SessionCalendar
from schemas.enums import Actor, Outcome, Role, Stage
from schemas.messages import StartRequest
from tests.akoma_ntoso_reader import parse_steps
from tests.drafts import EXAMPLES, core_state, decision, example, start_request, with_day_off
from tests.polling import eventually
from tests.scenarios import approve, failing_draft
from workflows import client as drafts
from workflows import sessions

# The days these tests set on the calendar are counted from the sessions' openings, which lie ahead of the real day.
WORKING = shipped_working_calendar()


def working_day(on_or_after: date) -> date:
    """The first working day from `on_or_after`, by this release's working calendar (weekends only in a year it does not list)."""
    while not WORKING.is_working_day(on_or_after):
        on_or_after += timedelta(days=1)
    return on_or_after


def holiday_after(after: date) -> date:
    """The first public holiday this release's working calendar lists after `after`; with none listed, the first rest day."""
    listed = sorted(h.day for y in WORKING.years for h in y.holidays if h.day > after and not WORKING.is_working_day(h.day))
    day = listed[0] if listed else after + timedelta(days=1)
    while WORKING.is_working_day(day):
        day += timedelta(days=1)
    return day


def unwarned(err: str, day: date) -> bool:
    """Whether `legis calendar` said nothing of a sitting set on `day`, a working day, but that its year is one this
    release's working calendar does not list (the weekends alone checked)."""
    return "warning" not in err or (WORKING.year(day.year) is None and err.count("warning") == 1
                                    and f"in {day.year}, a year this release's working calendar does not list" in err)


async def test_walkthrough(cli, tmp_path):
    sid = f"CLI-{uuid.uuid4().hex[:8]}"
    ministry = "CLI" + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    request = tmp_path / "start-request.json"
    code, out, _ = await cli("start", str(request))
    assert code == 0 and f"draft-law-{sid}" in out
    code, again, _ = await cli("start", str(request))
    assert code == 0 and again == out
    retitled = tmp_path / "retitled.json"
    retitled.write_text(json.dumps(json.loads(request.read_text(encoding="utf-8")) | {"title": "Luật Nhà giáo"}, ensure_ascii=False),
                        encoding="utf-8")
    code, _, err = await cli("start", str(retitled))
    assert code == 3 and "title: submission" in err and "(rule: submission_exists)" in err

    code, _, err = await cli("decide", sid, str(tmp_path / "02-programme.json"))
    assert code == 3 and "refused: stage: the draft is at POLICY_PROPOSAL, not LEGISLATIVE_PROGRAMME (rule: current_stage_only)" in err
    for name in ("01-policy-proposal.json", "02-programme.json"):
        code, out, err = await cli("decide", sid, str(tmp_path / name))
        assert code == 0, err
    code, _, err = await cli("decide", sid, str(tmp_path / "03-drafting-wrong-ministry.json"))
    assert code == 3 and "agency_code: BTC is not this draft's lead ministry (rule: lead_ministry_only)" in err
    code, out, _ = await cli("decide", sid, "-", "--json", stdin=(tmp_path / "03-drafting.json").read_text(encoding="utf-8"))
    # The draft's status after the decision, with the receipt of what it recorded.
    answer = json.loads(out)
    assert code == 0 and answer["stage"] == "APPRAISAL" and answer["receipt"]["stage"] == "DRAFTING" and answer["receipt"]["events"] == 1
    # Asked relative to the deadline in force, 15 days or more to land on a Sunday: said a rest day, with the --extend that reaches a working day.
    in_force = date.fromisoformat(answer["stage_deadline"])
    extend = 15 + (6 - (in_force + timedelta(days=15)).weekday()) % 7
    asked = (in_force + timedelta(days=extend)).isoformat()
    code, out, err = await cli("postpone", sid, str(tmp_path / "05-postpone-appraisal.json"), "--extend", str(extend), "--json")
    assert code == 0 and json.loads(out)["pending_postponement"]["new_deadline"] == asked, out
    said = f"the deadline --extend {extend} gives falls on {asked}"  # on standard error, and among its JSON's warnings (a re-check)
    assert f"warning {said}, a Sunday: ask --extend " in " ".join(err.split()) and any(w.startswith(said) for w in json.loads(out)["warnings"]), err
    code, out, _ = await cli("decide-postponement", sid, str(tmp_path / "06-approve-postponement.json"), "--json")
    assert code == 0 and json.loads(out)["stage_deadline"] == asked
    code, out, err = await cli("decide", sid, str(tmp_path / "04-appraisal-return.json"), "--json")
    assert (json.loads(out)["stage"], json.loads(out)["revision_loops"]) == ("DRAFTING", 1) and "return_to not given" in err, err
    # A request for another stage is refused for its stage first, and one at a stage without a deadline for that, in the
    # draft's own rule and words: with or without --extend.
    postponing = json.loads((tmp_path / "05-postpone-appraisal.json").read_text(encoding="utf-8"))
    for stage in ("appraisal", "DRAFTING"):
        (tmp_path / f"{stage}.json").write_text(json.dumps(postponing | {"stage": stage}))
    for extended in ((), ("--extend", "15")):
        code, _, err = await cli("postpone", sid, str(tmp_path / "05-postpone-appraisal.json"), *extended)
        assert code == 3 and "stage: the draft is at DRAFTING, not APPRAISAL (rule: current_stage_only)" in err, (extended, err)
        code, out, _ = await cli("postpone", sid, str(tmp_path / "05-postpone-appraisal.json"), *extended, "--output", "json")
        # The draft went back from APPRAISAL to DRAFTING: it has left the stage, though the path puts APPRAISAL ahead of it.
        assert json.loads(out)["kind"] == "STALE"
        code, _, err = await cli("postpone", sid, str(tmp_path / "DRAFTING.json"), *extended)
        assert code == 3 and "stage: DRAFTING has no deadline to move" in err and "(rule: postponable_deadline)" in err, (extended, err)
    code, _, err = await cli("postpone", sid, str(tmp_path / "appraisal.json"), "--extend", "15")
    assert code == 2 and "stage:" in err and "(rule: enum)" in err, err
    code, out, _ = await cli("status", sid)
    assert code == 0 and "DRAFTING" in out and "Luật sửa đổi, bổ sung một số điều của Luật Giáo dục nghề nghiệp" in out
    code, out, _ = await cli("history", sid, "--json")
    assert [e["event"] for e in json.loads(out)["entries"]] == [
        "SUBMITTED", "DECISION", "DECISION", "DECISION", "POSTPONEMENT_REQUESTED", "POSTPONEMENT_DECIDED", "DECISION"]
    code, out, _ = await cli("history", sid)  # the table says why too (found by a trial: only the JSON had the reasons)
    assert code == 0 and "why: Chính phủ thông qua chính sách" in " ".join(out.replace("│", " ").split()), out
    code, out, _ = await cli("versions", sid, "--json")
    assert code == 0 and [v["number"] for v in json.loads(out)["versions"]] == [1, 2, 3, 4]
    code, out, _ = await cli("versions", sid, "--compare", "3", "4")
    assert code == 0 and "APPRAISAL_REPORT" in out and "added" in out and "changed" not in out
    code, _, err = await cli("versions", sid, "--compare", "3", "9")
    assert code == 4 and "compare: no version 9" in err

    code, out, _ = await cli("export", sid, "-o", str(tmp_path / "draft.akn.xml"))
    steps, versions = parse_steps((tmp_path / "draft.akn.xml").read_text(encoding="utf-8"))
    assert code == 0 and [s.outcome for s in steps] == ["APPROVE", "APPROVE", "APPROVE", "RETURN_FOR_REVISION"] and len(versions) == 1
    code, out, _ = await cli("export", sid, "-o", "-")
    assert code == 0 and out == (tmp_path / "draft.akn.xml").read_text(encoding="utf-8") and not (Path.cwd() / "-").exists()
    # `--output json` is JSON, as for every reading command (found in a user trial: it wrote the XML to a file named json).
    code, out, _ = await cli("export", sid, "--output", "json")
    assert code == 0 and json.loads(out) == {"submission_id": sid, "xml": (tmp_path / "draft.akn.xml").read_text(encoding="utf-8")}
    code, out, _ = await cli("export", sid, "--json", "--file", str(tmp_path / "again.xml"))
    assert code == 0 and json.loads(out)["written"] == str(tmp_path / "again.xml") and not (Path.cwd() / "json").exists()

    csv_file = tmp_path / "report.csv"
    for _ in range(50):
        code, out, err = await cli("report", "--ministry", ministry, "--csv", str(csv_file))
        assert code == 0, err
        if "MOJ,1,0,1.000,0,1,0" in csv_file.read_text(encoding="utf-8"):
            break
        await asyncio.sleep(0.2)
    assert "MOJ,1,0,1.000,0,1,0" in csv_file.read_text(encoding="utf-8"), csv_file.read_text(encoding="utf-8")
    assert "finished on time" in out
    code, out, err = await cli("report", "--ministry", "ZZZ")  # leading nothing counted, said so (a new user: a row ALL of zeros alone)
    assert code == 0 and "no draft led by ZZZ has anything to count in the period" in err, err
    # `--csv -`: the CSV alone on standard output, for a pipe.
    code, out, _ = await cli("report", "--ministry", ministry, "--csv", "-")
    assert code == 0 and out.splitlines() == csv_file.read_text(encoding="utf-8").splitlines()
    # A file that cannot be written is refused by its option's name, never a traceback.
    for command, field in ((("report", "--csv"), "csv"), (("export", sid, "--file"), "file")):
        code, _, err = await cli(*command, str(tmp_path / "no-such-folder" / "out"))
        assert code == 2 and f"{field}: cannot write" in err and "(rule: writable_path)" in err and "Traceback" not in err, err

    # The operator announces the next session and moves the target session (16-2) later: the draft, now at DRAFTING,
    # keeps its stage and follows the calendar.
    opens_on = date.fromisoformat(json.loads(request.read_text(encoding="utf-8"))["target_session"]["opens_on"])
    third, moved = working_day(opens_on + timedelta(days=153)), working_day(opens_on + timedelta(days=12))
    code, out, _ = await cli("calendar", "show")  # nothing announced yet: said so, with how (a fresh-user trial)
    assert code == 0 and out.startswith("no session or Standing Committee meeting announced yet: `legis calendar set-session`"), out
    code, out, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(third), "--by", "VPQH")
    assert code == 0 and "1 running draft told" in out and unwarned(err, third), err
    code, out, err = await cli("calendar", "set-session", "16-2", "--opens-on", str(moved), "--by", "VPQH")
    assert code == 0 and "1 running draft told" in out, err
    # A sitting on a rest day is said, not refused (the Standing Committee does meet on some Saturdays).
    saturday = opens_on - timedelta(days=40)
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    while WORKING.is_working_day(saturday):  # a Saturday made a working day (làm bù)
        saturday += timedelta(days=7)
    code, out, err = await cli("calendar", "set-meeting", "UBTVQH-52", "--on", str(saturday), "--by", "VPQH")
    assert code == 0 and "1 running draft told" in out and f"warning meeting UBTVQH-52 is on {saturday}, {WORKING.rest_day(saturday)}" in err, err
    code, out, _ = await cli("status", sid, "--json")
    assert json.loads(out)["target_session"]["opens_on"] == str(moved)
    code, out, _ = await cli("calendar", "show")
    assert "16-2" in out and str(moved) in out and "16-3" in out and "UBTVQH-52" in out
    # Typing mistakes are refused before any draft records them; a meeting set by mistake (or called off) comes off.
    code, _, err = await cli("calendar", "set-meeting", "FOO", "--on", str(saturday), "--by", "VPQH")
    assert code == 2 and f"meets_on: UBTVQH-52 meets on {saturday} already" in err and "(rule: one_meeting_a_day)" in err, err
    code, _, err = await cli("calendar", "set-session", "16-5", "--opens-on", str(moved - timedelta(days=1)), "--by", "VPQH")
    assert code == 2 and f"session 16-2 opens on {moved}" in err and "(rule: sessions_in_order)" in err, err
    # A year mistyped (2025 for 2027) would have every draft aimed at the session record its cut-offs missed and escalate.
    for command in (("set-session", "16-2", "--opens-on", "2025-06-01"), ("set-meeting", "UBTVQH-52", "--on", "2025-04-10"),
                    ("set-meeting", "UBTVQH-60", "--on", "2025-04-11")):
        code, _, err = await cli("calendar", *command, "--by", "VPQH")
        assert code == 2 and f"{command[-1]} is before today" in err and "(rule: not_in_past)" in err, err
    # A code typed in small letters is the same meeting.
    later = opens_on - timedelta(days=12)
    for command in (("set-meeting", "ubtvqh-53", "--on", str(later)), ("remove-meeting", "UBTVQH-53")):
        code, out, err = await cli("calendar", *command, "--by", "VPQH")
        assert code == 0 and "1 running draft told" in out, err
    code, out, _ = await cli("calendar", "show")
    assert "UBTVQH-52" in out and "UBTVQH-53" not in out
    code, out, _ = await cli("history", sid, "--output", "json")
    meetings = [e["label"] for e in json.loads(out)["entries"] if e["event"] == "MEETING_SCHEDULED"]
    assert [m.rsplit(": ", 1)[1] for m in meetings[-3:]] == [f"UBTVQH-52 on {saturday}", f"UBTVQH-53 on {later}", f"UBTVQH-52 on {saturday}"]
    # A meeting on a session's opening day is held during the session, and is the meeting before none: said, not refused.
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH 54", "--on", str(moved), "--by", "VPQH")
    assert code == 2 and "meeting not set: code: letters, digits, '.', '_' or '-', 1 to 40 characters, e.g. UBTVQH-52" in err, err  # in words
    code, out, err = await cli("calendar", "set-meeting", "UBTVQH-54", "--on", str(moved), "--by", "VPQH")
    assert code == 0 and f"warning meeting UBTVQH-54 is on {moved}, during session 16-2" in err and "the meeting before no session" in err, err
    code, out, err = await cli("calendar", "remove-meeting", "ubtvqh-54", "--by", "VPQH")
    assert code == 0 and "1 running draft told" in out and "meeting UBTVQH-54 removed" in err, err  # named as stored
    code, _, err = await cli("calendar", "remove-meeting", "UBTVQH-53", "--by", "VPQH")
    assert code == 4 and "code: no meeting UBTVQH-53 on the calendar" in err, err

    merged = "M" + ministry
    code, out, err = await cli("remap-agency", ministry, merged, "--by", "VPCP", "--reason", "ministries merged")
    assert code == 0 and "1 running draft told" in out, err
    code, out, _ = await cli("status", sid, "--json")
    assert json.loads(out)["lead_ministry"] == merged

    for _ in range(100):
        code, out, _ = await cli("list", "--stage", "DRAFTING", "--ministry", merged)
        if f"draft-law-{sid}" in out:
            break
        await asyncio.sleep(0.2)
    assert f"draft-law-{sid}" in out


async def test_bad_input_is_named_by_field(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**json.loads(example("start-request.json", "X-1")), "law_kind": "NEW_LAW", "lead_ministry": "bộ"}))
    code, _, err = await cli("start", str(bad))
    assert code == 2 and f"{bad}: lead_ministry: capital letters, digits or '_', 2 to 24 characters, the first a letter, e.g. BTP" in err, err
    assert "(rule: string_pattern_mismatch)" in err and "StartRequest" not in err
    bad.write_text(json.dumps({**json.loads(example("start-request.json", "X-1")), "law_kind": "NEW_LAW"}))
    code, _, err = await cli("start", str(bad))
    assert code == 2 and "amended_law: only for law_kind AMENDING_LAW" in err
    thirteenth = json.loads(example("start-request.json", "X-13"))
    thirteenth["target_session"]["session"] = 13
    bad.write_text(json.dumps(thirteenth))
    code, out, _ = await cli("start", str(bad), "--output", "json")
    answer = json.loads(out)
    assert code == 2 and (answer["field"], answer["rule"]) == ("target_session.session", "regular_session_ordinal") and "16-E13" in answer["message"]
    code, _, err = await cli("status", "X-13")
    assert code == 4, "nothing was started"
    # A step of a draft already under way that the draft would refuse: refused before anything starts, its ID left free.
    imported = start_request()
    step = decision(imported, Stage.POLICY_PROPOSAL).model_copy(update={"actor": Actor.MOJ, "agency_code": "BTP",
                                                                        "occurred_on": date.today() - timedelta(days=10)})
    bad.write_text(imported.model_copy(update={"passed": (step,)}).model_dump_json())
    code, _, err = await cli("start", str(bad))
    assert code == 2 and "passed.0.actor:" in err and "(rule: stage_authority)" in err, err
    assert (await cli("status", imported.submission_id))[0] == 4
    code, _, err = await cli("status", "NO-SUCH-DRAFT")
    assert code == 4 and "submission_id: no draft NO-SUCH-DRAFT" in err
    code, _, err = await cli("decide", "X-1", str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json" in err


async def test_a_message_to_a_closed_draft_is_refused_naming_its_final_stage(cli, dev_env, tmp_path):
    request = start_request()
    sid = request.submission_id
    files = {"start": request, "policy": decision(request, Stage.POLICY_PROPOSAL), "programme": decision(request, Stage.LEGISLATIVE_PROGRAMME),
             "withdraw": decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
                 update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER}),
             "approve": decision(request, Stage.DRAFTING)}
    for name, message in files.items():
        (tmp_path / f"{name}.json").write_text(message.model_dump_json(), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start.json")))[0] == 0
    for name in ("policy", "programme", "withdraw"):
        code, _, err = await cli("decide", sid, str(tmp_path / f"{name}.json"))
        assert code == 0, err
    handle = dev_env.client.get_workflow_handle(f"draft-law-{sid}")
    await eventually(handle.describe, lambda described: described.status is not None and described.status.name == "COMPLETED")
    code, out, err = await cli("decide", sid, str(tmp_path / "approve.json"))
    assert code == 3 and "submission_id: the draft is WITHDRAWN; its record is final (rule: draft_closed)" in err, err
    code, out, _ = await cli("decide", sid, str(tmp_path / "approve.json"), "--output", "json")
    assert code == 3 and (json.loads(out)["rule"], json.loads(out)["kind"]) == ("draft_closed", "CLOSED")
    # Its status says who ended it (found by a new user: only its history did).
    code, out, err = await cli("status", sid)
    assert code == 0 and re.search(rf"ended by\W+LEAD_MINISTRY/{request.lead_ministry} MINISTER .*WITHDRAW", out), out + err
    code, out, _ = await cli("status", sid, "--json")
    step = json.loads(out)["final_step"]
    assert (step["outcome"], step["to_stage"], step["agency_code"]) == ("WITHDRAW", "WITHDRAWN", request.lead_ministry), step


async def test_calendar_changes_are_checked_before_they_are_stored_and_told_again_safely(cli, dev_env, fresh_database_url, tmp_path):
    running, ended = start_request(), start_request()
    opens_on = running.target_session.opens_on
    before = str(opens_on - timedelta(days=40))
    for request in (running, ended):
        (tmp_path / f"{request.submission_id}.json").write_text(request.model_dump_json(), encoding="utf-8")
        assert (await cli("start", str(tmp_path / f"{request.submission_id}.json")))[0] == 0
    code, _, err = await cli("calendar", "remove-meeting", "UBTVQH-70", "--by", "VPQH")
    assert code == 3 and "(rule: session_announced)" in err, err  # nothing removed before it would be refused
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-70", "--on", before, "--by", "VPQH")
    assert code == 3 and "(rule: session_announced)" in err, err
    assert "UBTVQH-70" not in (await cli("calendar", "show"))[1], "nothing stored before it would be refused"
    for command in (("set-session", "16-2", "--opens-on", str(opens_on)), ("set-meeting", "UBTVQH-70", "--on", before)):
        code, _, err = await cli("calendar", *command, "--by", "VPQH")
        assert code == 0, err
    # A session moved earlier that puts running drafts' cut-offs before today (a day and month swapped) is refused, naming
    # them, unless the move is meant; the registry holds the cut-offs as the drafts recorded them.
    db = await asyncpg.connect(fresh_database_url)
    try:
        cutoff = await eventually(lambda: db.fetchval("SELECT cutoff FROM submissions WHERE submission_id = $1", running.submission_id),
                                  lambda day: day is not None)
    finally:
        await db.close()
    swapped = str(opens_on - (cutoff - date.today()) - timedelta(days=10))
    code, _, err = await cli("calendar", "set-session", "16-2", "--opens-on", swapped, "--by", "VPQH")
    assert code == 3 and "(rule: cutoffs_would_pass)" in err and running.submission_id in err and "--accept-missed-cutoffs" in err, err
    assert "slip (a draft at an earlier stage on the day it reaches the stage the cut-off bounds; one whose approved date stands keeps it" in err, err
    assert str(opens_on) in (await cli("calendar", "show"))[1]
    for day, flags in ((swapped, ("--accept-missed-cutoffs",)), (str(opens_on), ())):
        code, out, err = await cli("calendar", "set-session", "16-2", "--opens-on", day, "--by", "VPQH", *flags)
        assert code == 0 and "running draft" in out, err
    code, _, err = await cli("calendar", "remove-meeting", "UBTVQH-70", "--by", "")
    assert code == 2 and "by: String should have at least 1 character (rule: string_too_short)" in err and "Traceback" not in err, err
    code, _, err = await cli("calendar", "remove-meeting", "UBTVQH-70", "--by", "   ")
    assert code == 2 and "by: must not be only spaces (rule: not_blank)" in err, err
    code, out, _ = await cli("calendar", "show")
    assert "UBTVQH-70" in out  # a change no draft could be told is not stored

    # A draft the registry counts running whose workflow has ended takes no message, and is named, not retried.
    await dev_env.client.get_workflow_handle(f"draft-law-{ended.submission_id}").terminate("test")
    code, out, err = await cli("calendar", "remove-meeting", "UBTVQH-70", "--by", "VPQH")
    assert code == 0 and "2 running drafts told" not in out and "1 running draft told" in out, out + err
    assert f"ended {ended.submission_id}: submission_id: the draft has ended (TERMINATED at POLICY_PROPOSAL)" in err, err
    # `status` says so, pending nothing; the same start again is refused as closed (it answered 0 as "open already").
    code, out, _ = await cli("status", ended.submission_id)
    assert code == 0 and "TERMINATED: the workflow ended outside the draft's rules" in out and "who may decide" not in out, out
    assert "next cut-off" not in out  # an ended draft slips nowhere and the board gives it no mark
    code, _, err = await cli("start", str(tmp_path / f"{ended.submission_id}.json"))
    assert code == 3 and "the draft has ended (TERMINATED at POLICY_PROPOSAL); it takes no more messages (rule: draft_closed)" in err, err
    code, before, _ = await cli("history", running.submission_id, "--output", "json")
    code, out, err = await cli("calendar", "tell", "--by", "VPQH", "--output", "json")
    assert code == 0 and json.loads(out)["told"] == 1 and [e["submission_id"] for e in json.loads(out)["ended"]] == [ended.submission_id], err
    code, after, _ = await cli("history", running.submission_id, "--output", "json")
    assert json.loads(after)["entries"] == json.loads(before)["entries"]  # told the calendar it follows, it records nothing
    # `--extraordinary` is the E of the code: 16-13 with it is 16-E13, not a regular session above 12.
    thirteenth = working_day(opens_on + timedelta(days=74))
    code, _, err = await cli("calendar", "set-session", "16-13", "--extraordinary", "--opens-on", str(thirteenth), "--by", "VPQH")
    assert code == 0 and "session 16-E13" in err and unwarned(err, thirteenth), err
    # A session opening on a holiday is warned of on standard error, by the holiday's name; standard output stays JSON.
    holiday = holiday_after(thirteenth)
    code, out, err = await cli("calendar", "set-session", "16-E14", "--opens-on", str(holiday), "--by", "VPQH", "--json")
    assert code == 0 and json.loads(out)["told"] == 1, out + err
    # What was set is said too (found by a new user: only how many drafts were told).
    said = json.loads(out)["session_set"]
    assert (said["code"], said["extraordinary"], said["opens_on"], said["moved_from"]) == ("16-E14", True, str(holiday), None), said
    assert f"warning session 16-E14 opens on {holiday}, {WORKING.rest_day(holiday)}" in err, err
    # A session set by mistake comes off; one a running draft aims at does not, nor one never set.
    unlisted = working_day(date(max(opens_on.year, *(y.year for y in WORKING.years)) + 1, 1, 10))
    code, _, err = await cli("calendar", "set-session", "16-9", "--opens-on", str(unlisted), "--by", "VPQH")
    assert code == 0 and (f"warning session 16-9 opens on {unlisted}, in {unlisted.year}, a year this release's working calendar does not "
                          "list") in err, err
    code, out, err = await cli("calendar", "remove-session", "16-2", "--by", "VPQH")
    assert code == 3 and re.search(r"(1 running draft aims|\d+ running drafts aim) at session 16-2", err) and running.submission_id in err and "(rule: session_has_drafts)" in err, err
    code, _, err = await cli("calendar", "remove-session", "16-8", "--by", "VPQH")
    assert code == 4 and "no session 16-8 on the calendar" in err and "(rule: known)" in err, err
    code, out, err = await cli("calendar", "remove-session", "16-9", "--by", "VPQH")
    assert code == 0 and "session 16-9 removed" in err and "1 running draft told" in out, err
    code, out, _ = await cli("calendar", "show")
    assert "16-9" not in out and "16-2" in out and "16-E13" in out and "16-E14" in out


async def test_calendar_commands_bring_the_releases_working_calendar_to_running_drafts(cli, dev_env, fresh_database_url, tmp_path):
    """A running draft counts on the rest days this release ships once a calendar command tells it: a draft that counted a
    day off on its cut-off ahead (as told by another release) counts the day as a working day again, records why, and the
    registry, which the board reads, holds the cut-off it counts."""
    request = start_request()
    sid = request.submission_id
    (tmp_path / "start.json").write_text(request.model_dump_json(), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start.json")))[0] == 0
    code, _, err = await cli("calendar", "set-session", request.target_session.code, "--opens-on", str(request.target_session.opens_on),
                             "--by", "VPQH")
    assert code == 0, err
    await approve(dev_env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    counted = core_state(request, at=Stage.DRAFTING)
    ahead = sessions.registry_cutoffs(counted).cutoff
    assert ahead is not None and ahead < request.target_session.opens_on
    told = with_day_off(counted.working, ahead)
    earlier = sessions.registry_cutoffs(core_state(request, at=Stage.DRAFTING, working=told)).cutoff
    assert earlier is not None and earlier < ahead
    await drafts.tell_calendar(dev_env.client, sid, SessionCalendar(sessions=(request.target_session,), working=told, changed_by="VPCP"))
    code, out, _ = await cli("status", sid)
    assert "next cut-off" in out and f"{earlier} to be through GOVERNMENT_DECISION, counted back from 16-2" in out, out
    code, out, err = await cli("calendar", "tell", "--by", "VPQH")
    assert code == 0 and "1 running draft told" in out, err
    code, out, _ = await cli("status", sid, "--json")
    assert json.loads(out)["next_cutoff"] == {"day": str(ahead), "stage": "GOVERNMENT_DECISION", "sitting": "16-2", "approved_postponement": False}
    code, out, _ = await cli("history", sid, "--output", "json")
    labels = [e["label"] for e in json.loads(out)["entries"] if e["event"] == "DEADLINE_RECOUNTED"]
    assert [label.split(" (was ")[0] for label in labels] == [
        f"rest days announced: the cut-off ahead is now {earlier} for GOVERNMENT_DECISION (sitting 16-2)",
        f"rest days announced: the cut-off ahead is now {ahead} for GOVERNMENT_DECISION (sitting 16-2)"], labels
    db = await asyncpg.connect(fresh_database_url)
    try:
        await eventually(lambda: db.fetchval("SELECT cutoff FROM submissions WHERE submission_id = $1", sid), lambda cutoff: cutoff == ahead)
    finally:
        await db.close()


async def test_subscribers_add_list_remove(cli, dev_env, tmp_path):
    ministry = f"SUB{uuid.uuid4().hex[:4].upper()}"
    code, out, err = await cli("subscribers", "add", ministry, "http://127.0.0.1:9/hook")
    subscriber_id = int(out.split()[1].rstrip(":"))
    assert code == 0 and "signing secret" in out and "the worker that delivers needs the same setting" in err, err  # allowed hosts: a new user
    # A draft of its ministry's, started since: its events wait, the receiver (port 9) taking none (a new user: a receiver down showed nowhere).
    (tmp_path / "start.json").write_text(example("start-request.json", f"{ministry}-2026-1", ministry), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start.json")))[0] == 0
    mine = lambda answer: next(r for r in json.loads(answer[1]) if r["subscriber_id"] == subscriber_id)  # noqa: E731
    listed = mine(await eventually(lambda: cli("subscribers", "list", "--output", "json"), lambda answer: mine(answer)["waiting"] and mine(answer)["failure"]))
    assert (listed["delivered"], listed["last_delivered_at"], listed["active"], listed["dead_letters"]) == (0, None, True, 0), listed
    code, out, _ = await cli("subscribers", "list")  # and why they wait (a new user: said in the worker's log alone)
    assert code == 0 and "http://127.0.0.1:9/hook" in out and "waiting" in out and "failing" in out and "(since" in out
    # The same again would replace its secret at once, and its receiver would refuse every event after: refused.
    code, out, err = await cli("subscribers", "add", ministry, "http://127.0.0.1:9/hook")
    assert code == 3 and f"subscriber {subscriber_id} delivers {ministry}'s events" in err and "(rule: subscriber_exists)" in err, err
    # The same receiver written another way (found in a review: registered twice, it got every event twice).
    code, out, err = await cli("subscribers", "add", ministry, "HTTP://127.0.0.1:80/hook")
    assert code == 0 and out.startswith("subscriber ") and "-> http://127.0.0.1/hook" in out, err
    code, out, err = await cli("subscribers", "add", ministry, "http://127.0.0.1/hook")
    assert code == 3 and "(rule: subscriber_exists)" in err, err
    code, _, err = await cli("subscribers", "add", "bgddt", "http://127.0.0.1:9/other")
    assert code == 2 and "agency_code:" in err, err  # a code no draft's lead ministry can have
    code, _, err = await cli("subscribers", "add", "BGDDT", "ftp://example")
    assert code == 2 and "url: must start with http" in err
    for url, says in (("https://169.254.169.254/latest/meta-data", "url: 169.254.169.254 is a link-local address (cloud metadata"
                       " endpoints are here) (169.254.0.0/16); webhooks go to public addresses only, unless LEGIS_WEBHOOK_ALLOWED_HOSTS"
                       " names the host (rule: no_link_local)"),
                      ("https://[::1]:9/hook", "url: ::1 is a loopback address (::1/128)"),
                      ("http://10.0.0.7/hook", "url: plain http to 10.0.0.7; use https"),
                      # Found in a user trial: taken, and then no delivery could ever be made.
                      ("http://127.0.0.1:99999/x", "url: port 99999 is not a port; a port is from 1 to 65535 (rule: url_port)"),
                      ("http://127.0.0.1:9911/a b", "url: holds ' ' at position 24"),
                      ("http://127.0.0.1:9/" + "x" * 3000, "(rule: url_length)")):
        code, out, err = await cli("subscribers", "add", "BGDDT", url)
        assert code == 2 and says in err and out == "", err
    code, out, err = await cli("subscribers", "rotate-secret", str(subscriber_id), "--keep-old-for", "2h")
    assert code == 0 and re.search(r"^signing secret .*: whsec_\S{44}$", out, re.M), out + err
    # Found in a user trial: the table wrote "2026-12-05 19:39 +0700" and the JSON microseconds; both are ISO 8601 to the second.
    assert re.search(r"the old secret signs too until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$", out, re.M), out
    code, out, err = await cli("subscribers", "rotate-secret", str(subscriber_id), "--keep-old-for", "30m", "--output", "json")
    assert code == 0 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", json.loads(out)["previous_until"]), out + err
    code, out, err = await cli("subscribers", "rotate-secret", str(subscriber_id), "--keep-old-for", "0", "--output", "json")
    assert code == 0 and json.loads(out)["previous_until"] is None and json.loads(out)["secret"].startswith("whsec_"), err
    code, _, err = await cli("subscribers", "rotate-secret", str(subscriber_id), "--keep-old-for", "90d")
    assert code == 2 and "keep_old_for: 90d is longer than 30 days (rule: at_most_30_days)" in err
    code, _, err = await cli("subscribers", "rotate-secret", "999999")
    assert code == 4 and "no subscriber 999999" in err
    code, out, err = await cli("subscribers", "remove", str(subscriber_id))
    assert code == 0 and "stopped" in out, err
    delivery = dev_env.client.get_workflow_handle(f"webhook-delivery-{subscriber_id}")
    status = await eventually(lambda: delivery.describe(), lambda described: described.status.name == "CANCELED", seconds=30)
    assert status.status.name == "CANCELED"
    # Found in a user trial: a removed subscriber's secret was rotated, with no word that it signs nothing.
    code, out, err = await cli("subscribers", "rotate-secret", str(subscriber_id))
    assert code == 3 and out == "" and f"refused: subscriber_id: subscriber {subscriber_id} was removed and signs nothing" in err, out + err
    assert f"`legis subscribers add {ministry} http://127.0.0.1:9/hook` makes it active again" in err and "(rule: subscriber_active)" in err
    code, out, _ = await cli("subscribers", "rotate-secret", str(subscriber_id), "--output", "json")
    assert (code, json.loads(out)["rule"], json.loads(out)["exit_code"]) == (3, "subscriber_active", 3), out
    code, _, err = await cli("subscribers", "remove", "999999")
    assert code == 4 and "no subscriber 999999" in err


async def test_arbitration_from_the_cli(cli, dev_env, tmp_path):
    sid = f"ARB-{uuid.uuid4().hex[:8]}"
    ministry = "ARB" + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start-request.json")))[0] == 0
    request = StartRequest.model_validate_json((tmp_path / "start-request.json").read_text(encoding="utf-8"))
    await approve(dev_env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL])
    code, out, err = await cli("raise-disagreement", sid, str(tmp_path / "07-disagreement.json"), "--json")
    assert code == 0 and json.loads(out)["open_points"][0]["with_actor"] == "DEPUTY_PM", err
    code, out, err = await cli("rule", sid, str(tmp_path / "08-ruling.json"), "--json")
    assert code == 0 and json.loads(out)["open_points"] == [], err
    code, _, err = await cli("rule", sid, str(tmp_path / "08-ruling.json"))
    assert code == 4 and "point_id: no open point P1" in err


async def test_a_draft_whose_workflow_task_fails_is_unavailable_naming_it_without_a_trace(cli, dev_env, tmp_path):
    request = await failing_draft(dev_env.client, cli.task_queue)
    sid = request.submission_id
    decision_file = tmp_path / "decision.json"
    decision_file.write_text(decision(request, Stage.POLICY_PROPOSAL).model_dump_json(), encoding="utf-8")
    # (`legis history` reads the audit trail, which has no event of it: not found.)
    for command in (("status", sid), ("decide", sid, str(decision_file))):
        code, _, err = await cli(*command)
        assert code == 5 and "(rule: draft_task_failing)" in err and "worker's log" in err and "Traceback" not in err, (command, err)
    code, out, _ = await cli("status", sid, "--json")
    assert code == 5 and json.loads(out)["rule"] == "draft_task_failing"


async def test_a_session_its_drafts_aim_at_is_refused_in_json_too(cli, fresh_database_url, tmp_path):
    """Found by a re-check: `legis calendar remove-session --output json` for a session a running draft aims at exited 1
    with nothing printed (a refusal's kind given as its text, which the JSON reads as a kind)."""
    running = start_request()
    (tmp_path / "start.json").write_text(running.model_dump_json(), encoding="utf-8")
    code, _, err = await cli("calendar", "set-session", running.target_session.code, "--opens-on", str(running.target_session.opens_on),
                             "--by", "VPQH")
    assert code == 0, err
    assert (await cli("start", str(tmp_path / "start.json")))[0] == 0
    db = await asyncpg.connect(fresh_database_url)
    try:
        await eventually(lambda: db.fetchrow("SELECT 1 FROM submissions WHERE submission_id = $1", running.submission_id), lambda r: r is not None)
    finally:
        await db.close()
    code, out, err = await cli("calendar", "remove-session", running.target_session.code, "--by", "VPQH", "--output", "json")
    assert code == 3, (code, out, err[-800:])
    assert (json.loads(out)["rule"], json.loads(out)["kind"]) == ("session_has_drafts", "CONFLICT"), out

