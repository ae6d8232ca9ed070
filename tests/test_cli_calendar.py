"""`legis calendar` against running drafts: a change that would put their cut-offs before today is refused, naming them;
a session sitting now is set with its phases; the Assembly votes a draft once its session has opened."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from activities.calendar import sessions as stored_sessions
from schemas.calendar import TargetSession
from schemas.enums import LawKind, Outcome, Stage
from store.board import sittings_ahead
from tests.drafts import BEFORE_THE_ASSEMBLY, PASSING_VOTE, decision, passed_through, start_request
from tests.polling import eventually
from workflows.deadlines import local_day


@pytest.mark.parametrize("announced", [True, False], ids=["its-session-announced", "a-session-of-its-own"])
async def test_a_meeting_moved_or_removed_that_would_put_cut_offs_before_today_is_refused(cli, fresh_database_url, tmp_path, announced):
    """Found by a new user: a Standing Committee meeting moved to a mistyped day months earlier was taken, and a draft
    counting its cut-off back from it recorded its deadline passed and an escalation, which its audit trail keeps once
    the day is put right. Refused as a session's move is, naming the drafts, unless meant; so is a removal that leaves an
    earlier meeting to count from, its code typed in small letters too, and so for a draft aimed at a session of its own
    that the calendar does not hold (found by a breaker)."""
    running = start_request(law_kind=LawKind.ORDINANCE)  # its cut-off counts back from the meeting before its session
    opens_on = running.target_session.opens_on
    meeting = opens_on - timedelta(days=40)
    (tmp_path / "start.json").write_text(running.model_dump_json(), encoding="utf-8")
    session = ("set-session", "16-2", "--opens-on", str(opens_on)) if announced else ("set-session", "16-3", "--opens-on", str(opens_on + timedelta(days=200)))
    for command in (session, ("set-meeting", "UBTVQH-70", "--on", str(meeting)), ("start", str(tmp_path / "start.json"))):
        code, _, err = await cli(*command) if command[0] == "start" else await cli("calendar", *command, "--by", "VPQH")
        assert code == 0, err
    db = await asyncpg.connect(fresh_database_url)
    try:
        row = await eventually(lambda: db.fetchrow("SELECT cutoff, cutoff_sitting FROM submissions WHERE submission_id = $1",
                                                   running.submission_id), lambda r: r is not None and r["cutoff"] is not None)
    finally:
        await db.close()
    assert row["cutoff_sitting"] == "UBTVQH-70", row
    ahead = row["cutoff"] - date.today()
    mistyped = str(meeting - ahead - timedelta(days=10))
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-70", "--on", mistyped, "--by", "VPQH")
    assert code == 3 and "meets_on: moving meeting UBTVQH-70" in err and "(rule: cutoffs_would_pass)" in err, err
    assert running.submission_id in err and "--accept-missed-cutoffs" in err, err
    # An earlier meeting, tomorrow: the draft still counts from UBTVQH-70, but would count from it were UBTVQH-70 removed.
    code, _, err = await cli("calendar", "set-meeting", "UBTVQH-69", "--on", str(date.today() + timedelta(days=1)), "--by", "VPQH")
    assert code == 0, err
    for typed in ("UBTVQH-70", "ubtvqh-70"):
        code, _, err = await cli("calendar", "remove-meeting", typed, "--by", "VPQH")
        assert code == 3 and "code: removing meeting UBTVQH-70" in err and "(rule: cutoffs_would_pass)" in err, err
    shown = (await cli("calendar", "show"))[1]
    assert "UBTVQH-70" in shown and mistyped not in shown, "nothing stored when refused"
    assert "Phiên họp Ủy ban Thường vụ Quốc hội" in shown, shown  # the kind in Vietnamese beside the English, as a session's
    code, out, err = await cli("calendar", "remove-meeting", "UBTVQH-70", "--by", "VPQH", "--accept-missed-cutoffs")
    assert code == 0 and "running draft" in out, err
    assert "UBTVQH-70" not in (await cli("calendar", "show"))[1]


async def test_a_session_sitting_now_is_set_with_its_phases(cli, fresh_database_url, tmp_path):
    """Found by a new user: an office starting to use legis mid-session could not put the session its drafts were at on
    the calendar (its opening has passed: not_in_past), so the board never listed it. With its phases, the last not yet
    over, it is taken, and the board lists it among the sittings; an opening past without them is refused as before. A
    draft aimed at that session under a day of its own, whose cut-off is still ahead, would miss it: refused, naming it,
    unless meant (found by a breaker)."""
    today = local_day(datetime.now(UTC))
    opened = today - timedelta(days=30)
    running = start_request()  # aimed at 16-2, ahead
    aimed = start_request(target=TargetSession(legislature=16, session=1, opens_on=today + timedelta(days=120)))
    secret = start_request(target=aimed.target_session, classified=True)
    for request in (running, aimed, secret):
        (tmp_path / f"{request.submission_id}.json").write_text(request.model_dump_json(), encoding="utf-8")
        assert (await cli("start", str(tmp_path / f"{request.submission_id}.json")))[0] == 0
    db = await asyncpg.connect(fresh_database_url)
    try:
        for request in (aimed, secret):
            await eventually(lambda sid=request.submission_id: db.fetchval("SELECT cutoff FROM submissions WHERE submission_id = $1", sid),
                             lambda day: day is not None and day >= today)
        command = ("calendar", "set-session", "16-1", "--opens-on", str(opened), "--by", "VPQH")
        code, _, err = await cli(*command)
        assert code == 2 and "(rule: not_in_past)" in err and "--phase" in err, err
        code, _, err = await cli(*command, "--phase", f"{opened}:{today - timedelta(days=1)}")
        assert code == 2 and "(rule: not_in_past)" in err, err  # over: a session held, not one sitting
        sitting = (*command, "--phase", f"{opened}:{today + timedelta(days=8)}")
        code, _, err = await cli(*sitting)
        assert code == 3 and "(rule: cutoffs_would_pass)" in err and aimed.submission_id in err and running.submission_id not in err, err
        # A classified draft counted, not named: its ID beside the session, or its cut-off's stage and day, would tell its
        # session, which `legis status` withholds (found by a fresh-user trial and a breaker).
        assert f"{aimed.submission_id}: GOVERNMENT_DECISION, due by" in err and "; 1 classified draft)" in err, err
        assert secret.submission_id not in err and err.count("GOVERNMENT_DECISION") == 1, err
        code, out, err = await cli(*sitting, "--accept-missed-cutoffs")
        assert code == 0 and "3 running draft" in out, (out, err)
        code, _, err = await cli("calendar", "remove-session", "16-1", "--by", "VPQH")
        assert code == 3 and f"2 running drafts aim at session 16-1 ({aimed.submission_id}, 1 classified draft)" in err, err
        assert secret.submission_id not in err
        code, out, _ = await cli("status", running.submission_id, "--output", "json")
        assert code == 0 and json.loads(out)["target_session"]["opens_on"] == str(running.target_session.opens_on), out
        assert "16-1" in [s.code for s in await sittings_ahead(db, today)]
    finally:
        await db.close()


async def test_the_assembly_votes_a_draft_once_its_session_has_opened(cli, tmp_path):
    """Found by both fresh-user trials: a vote was taken months before its session opened, and the President's 15 days
    counted from it. On the real clock: a draft entered under way at NA_SESSION of a session sitting since five days ago
    is voted; one aimed at a session ahead is refused (409's exit code), naming the opening, which its status shows."""
    today = local_day(datetime.now(UTC))
    sitting_now = TargetSession(legislature=16, session=1, opens_on=today - timedelta(days=5))
    voted = passed_through(start_request(target=sitting_now), BEFORE_THE_ASSEMBLY, today - timedelta(days=6))
    waiting = passed_through(start_request(), BEFORE_THE_ASSEMBLY, today)  # 16-2, months ahead
    vote = decision(voted, Stage.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE)
    (tmp_path / "vote.json").write_text(vote.model_dump_json(), encoding="utf-8")
    for request in (voted, waiting):
        (tmp_path / f"{request.submission_id}.json").write_text(request.model_dump_json(), encoding="utf-8")
        assert (await cli("start", str(tmp_path / f"{request.submission_id}.json")))[0] == 0

    code, _, err = await cli("decide", waiting.submission_id, str(tmp_path / "vote.json"))
    opens = waiting.target_session.opens_on
    assert code == 3 and "(rule: after_session_opens)" in err and f"opens on {opens}" in err, err
    code, out, _ = await cli("status", waiting.submission_id)
    assert code == 0 and f"at a sitting of 16-2, from its opening on {opens}" in " ".join(out.split()), out
    code, out, err = await cli("decide", voted.submission_id, str(tmp_path / "vote.json"), "--output", "json")
    assert code == 0 and json.loads(out)["stage"] == "PROMULGATION", (out, err)


async def test_a_calendar_change_says_once_how_many_drafts_were_told(cli, tmp_path):
    """Found by a fresh-user trial: every command telling the drafts printed how many were told on standard output and
    again, as its last progress count, on standard error. The count is said once, on standard output."""
    running = start_request()
    (tmp_path / "start.json").write_text(running.model_dump_json(), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start.json")))[0] == 0
    opens_on = str(running.target_session.opens_on + timedelta(days=1))
    for command in (("set-session", "16-2", "--opens-on", opens_on), ("set-meeting", "UBTVQH-71", "--on", opens_on), ("remove-meeting", "UBTVQH-71"),
                    ("tell",)):
        code, out, err = await cli("calendar", *command, "--by", "VPQH")
        said = [line for line in (out + err).splitlines() if "running draft" in line]
        assert code == 0 and said == ["1 running draft told"] and said[0] in out, (command, out, err)


async def test_the_calendar_takes_no_more_sessions_or_meetings_than_a_draft_can_be_told(cli, fresh_database_url):
    """Found by a breaker: a 201st session was stored, and then every calendar command failed with a traceback (the
    message told to the drafts holds 200), no draft told. One more session or meeting is refused before it is stored;
    a calendar stored over its bounds otherwise is refused by `tell` with its field and rule."""
    first = date.today() + timedelta(days=400)
    db = await asyncpg.connect(fresh_database_url)
    try:
        await db.executemany(
            "INSERT INTO na_sessions (code, legislature, session, opens_on, extraordinary, changed_by) VALUES ($1, $2, $3, $4, true, 'test')",
            [(f"{20 + i // 50}-E{i % 50 + 1}", 20 + i // 50, i % 50 + 1, first + timedelta(days=10 * i)) for i in range(200)])
        await db.executemany("INSERT INTO standing_committee_meetings (code, meets_on, changed_by) VALUES ($1, $2, 'test')",
                             [(f"UBTVQH-{i}", first + timedelta(days=i)) for i in range(500)])
        code, _, err = await cli("calendar", "set-session", "30-1", "--opens-on", str(first + timedelta(days=3000)), "--by", "VPQH")
        assert code == 2 and err.startswith("invalid: sessions: the calendar holds 200, the most a draft can be told") \
            and "`legis calendar remove-session`" in err and "(rule: too_long)" in err, err
        code, _, err = await cli("calendar", "set-meeting", "UBTVQH-900", "--on", str(first + timedelta(days=600)), "--by", "VPQH")
        assert code == 2 and err.startswith("invalid: meetings: the calendar holds 500") and "(rule: too_long)" in err, err
        assert await db.fetchval("SELECT count(*) FROM na_sessions") == 200
        assert await db.fetchval("SELECT count(*) FROM standing_committee_meetings") == 500
        # A session already on the calendar may still move.
        code, _, err = await cli("calendar", "set-session", "20-E1", "--opens-on", str(first + timedelta(days=1)), "--by", "VPQH")
        assert code == 0, err

        await db.execute("INSERT INTO na_sessions (code, legislature, session, opens_on, extraordinary, changed_by) "
                         "VALUES ('30-E1', 30, 1, $1, true, 'test')", first + timedelta(days=3000))
        code, _, err = await cli("calendar", "tell", "--by", "VPQH")
        assert code == 2 and err.startswith("invalid: the calendar as stored cannot be told: sessions: ") and "(rule: too_long)" in err, err
        assert "Traceback" not in err
    finally:
        await db.close()


def test_a_refused_calendar_change_says_which_drafts_keep_an_approved_date():
    """Found by a fresh-user trial: the refusal said every draft named "would record it missed and slip", where one whose
    approved date stands at its cut-off's stage keeps that date (and slips only if it passes too). The registry's deadline
    at the cut-off's stage is then not the cut-off."""
    from cli.cutoff_guard import _approved

    cutoff = date(2027, 4, 5)
    row = {"stage": "GOVERNMENT_DECISION", "cutoff_stage": "GOVERNMENT_DECISION", "cutoff": cutoff, "stage_deadline": cutoff}
    assert _approved(row) == ""
    assert _approved(row | {"stage_deadline": date(2027, 4, 30)}) == ", its approved date 2027-04-30 standing"
    assert _approved(row | {"stage": "APPRAISAL", "stage_deadline": date(2027, 1, 10)}) == ""  # its own limit, not the cut-off
    assert _approved(row | {"stage_deadline": None}) == ""


async def test_a_start_naming_another_day_for_an_announced_session_is_warned_of(cli, tmp_path):
    """Taken at the announced day, as the README says; the operator who typed the day is told so at the start, where
    the history's note alone said it (found by a fresh-user trial)."""
    aimed = start_request()
    announced = aimed.target_session.opens_on
    assert (await cli("calendar", "set-session", "16-2", "--opens-on", str(announced), "--by", "VPQH"))[0] == 0
    typed = aimed.model_copy(update={"target_session": aimed.target_session.model_copy(update={"opens_on": announced - timedelta(days=3)})})
    same = start_request()
    for request in (typed, same):
        (tmp_path / f"{request.submission_id}.json").write_text(request.model_dump_json(), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / f"{typed.submission_id}.json"))
    assert code == 0 and (f"warning session 16-2 opens on {announced} as announced: the draft aims at that day (the request said "
                          f"{announced - timedelta(days=3)})") in err, err
    code, _, err = await cli("start", str(tmp_path / f"{typed.submission_id}.json"))
    assert code == 0 and "warning" not in err, err  # started already: nothing new to say
    code, _, err = await cli("start", str(tmp_path / f"{same.submission_id}.json"))
    assert code == 0 and "warning" not in err, err


async def test_a_refused_move_names_an_approved_date_within_its_cut_off_as_standing(fresh_database_url):
    """Found by a fresh-user trial: the registry records a date approved at a draft's stage, within the cut-off counted
    back from its session, as the draft's next cut-off; a refused move named it moved back with the session ("by
    2026-11-24"), where the date stands wherever the session goes. It is named as standing, and still counted (a breaker
    found that leaving it out let through a move that puts a later stage's cut-off behind the draft): by the counted
    cut-off the draft records beside it, or, for a row written before that was recorded, by the approved date."""
    from cli.cutoff_guard import refuse_cutoffs_passing
    from cli.failures import Rejected

    now = datetime.now(UTC)
    today = local_day(now)
    session = TargetSession(legislature=16, session=2, opens_on=today + timedelta(days=200))
    approved, counted = today + timedelta(days=100), today + timedelta(days=120)
    db = await asyncpg.connect(fresh_database_url)
    try:
        await db.execute(  # written by this release: the cut-off counted back from the session beside the approved date
            "INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
            "stage_since, stage_deadline, classified, last_seq, cutoff, cutoff_stage, cutoff_sitting, cutoffs_recorded, cutoff_counted, "
            "counted_recorded) VALUES ('BTP-2026-103', 'draft-law-BTP-2026-103', 'Luật', 'BTP', 'LAW_2025', '16-2', 'GOVERNMENT_DECISION', "
            "$1, $2, false, 2, $2, 'GOVERNMENT_DECISION', '16-2', true, $3, true)", now - timedelta(days=10), approved, counted)
        for submission_id, cutoff in (("BTP-2026-101", approved), ("BTP-2026-102", counted)):
            await db.execute(
                "INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                "stage_since, stage_deadline, classified, last_seq, cutoff, cutoff_stage, cutoff_sitting, cutoffs_recorded) "
                "VALUES ($1, 'draft-law-' || $1, 'Luật', 'BTP', 'LAW_2025', '16-2', 'GOVERNMENT_DECISION', $2, $3, false, 2, $3, "
                "'GOVERNMENT_DECISION', '16-2', true)", submission_id, now - timedelta(days=10), cutoff)
        await db.execute(
            "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, actor, agency_code, role, official, "
            "reasons, documents, loop, requested_deadline, approved) VALUES ('BTP-2026-101', 2, 'draft-law-BTP-2026-101', $1, "
            "'POSTPONEMENT_DECIDED', 'GOVERNMENT_DECISION', 'PM', 'CP', 'PRIME_MINISTER', 'x', '', '[]', 0, $2, true)",
            now - timedelta(days=1), approved)
        brought_forward = session.model_copy(update={"opens_on": session.opens_on - timedelta(days=140)})
        with pytest.raises(Rejected) as refused:
            await refuse_cutoffs_passing(db, brought_forward, session.opens_on, today)
        said = str(refused.value)
        assert "3 running drafts" in said and f"BTP-2026-102: GOVERNMENT_DECISION by {counted - timedelta(days=140)}" in said, said
        assert f"BTP-2026-103: GOVERNMENT_DECISION by {counted - timedelta(days=140)}, its approved date {approved} standing" in said, said
        assert (f"BTP-2026-101: GOVERNMENT_DECISION, its approved date {approved} standing while its cut-offs move 140 days "
                "earlier") in said and str(approved - timedelta(days=140)) not in said, said
        # A move that leaves the counted cut-off ahead refuses nothing for the draft whose approved date stands.
        await db.execute("DELETE FROM submissions WHERE submission_id <> 'BTP-2026-103'")
        await refuse_cutoffs_passing(db, session.model_copy(update={"opens_on": session.opens_on - timedelta(days=100)}), session.opens_on, today)
    finally:
        await db.close()


async def test_a_session_held_in_phases_is_not_moved_without_them_unsaid(cli, fresh_database_url):
    """Found by a committee official's trial: 16-3 set again on a new day without `--phase` lost its two phases, unsaid,
    and with them the check that the Assembly decides within a phase, not in the recess between. Refused, naming them;
    set again with them, or without them once said (`--no-phases`)."""
    opens = local_day(datetime.now(UTC)) + timedelta(days=200)
    phases = [f"{opens}:{opens + timedelta(days=14)}", f"{opens + timedelta(days=24)}:{opens + timedelta(days=35)}"]
    assert (await cli("calendar", "set-session", "16-3", "--opens-on", str(opens), *[a for p in phases for a in ("--phase", p)],
                      "--by", "VPQH"))[0] == 0
    moved = opens + timedelta(days=7)
    code, _, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(moved), "--by", "VPQH")
    assert code == 2 and "(rule: phases_given)" in err and f"2 phases ({phases[0]}, {phases[1]})" in " ".join(err.split()), err
    db = await asyncpg.connect(fresh_database_url)
    try:
        [kept] = [s for s in await stored_sessions(db) if s.code == "16-3"]
        assert kept.opens_on == opens and len(kept.phases) == 2  # nothing changed
        code, _, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(moved), "--no-phases", "--phase", phases[0], "--by", "VPQH")
        assert code == 2 and "(rule: phases_or_none)" in err, err  # found by a breaker: taken, the phases kept
        code, _, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(moved), "--no-phases", "--by", "VPQH")
        [set_again] = [s for s in await stored_sessions(db) if s.code == "16-3"]
        assert code == 0 and set_again.opens_on == moved and set_again.phases == (), err
        # The day it moved from, said (found by a National Assembly Office's trial: in the JSON alone); set again on the
        # same day, nothing moved.
        assert f"(moved from {opens})" in err, err
        code, _, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(moved), "--by", "VPQH")
        assert code == 0 and "moved from" not in err, err
        for on in (moved - timedelta(days=30), moved - timedelta(days=40)):
            code, _, err = await cli("calendar", "set-meeting", "UBTVQH-80", "--on", str(on), "--by", "VPQH")
            assert code == 0 and ("moved from" not in err if on == moved - timedelta(days=30) else f"(moved from {moved - timedelta(days=30)})" in err), err
    finally:
        await db.close()


async def test_an_extraordinary_sessions_code_is_read_in_either_case(cli, fresh_database_url):
    """Found by a National Assembly Office's trial: `legis list --session 16-e2` read 16-E2, `set-session 16-e3` was refused."""
    opens_on = date.today() + timedelta(days=900)
    assert (await cli("calendar", "set-session", "48-1", "--opens-on", str(opens_on), "--by", "VPQH"))[0] == 0
    code, _, err = await cli("calendar", "set-session", "48-e3", "--opens-on", str(opens_on), "--by", "VPQH")
    assert code == 0, err
    db = await asyncpg.connect(fresh_database_url)
    try:
        assert await db.fetchval("SELECT extraordinary FROM na_sessions WHERE code = '48-E3'") is True
        assert await db.fetchval("SELECT count(*) FROM na_sessions WHERE code = '48-e3'") == 0
    finally:
        await db.close()
    code, _, err = await cli("calendar", "remove-session", "48-e3", "--by", "VPQH")
    assert code == 0 and "session 48-E3 removed" in err, err
    # The last one is kept, said as what it is (found by a re-check: "announce at least one session ... first").
    code, _, err = await cli("calendar", "remove-session", "48-1", "--by", "VPQH")
    assert code == 3 and "session 48-1 is the only one on the calendar, which keeps at least one" in " ".join(err.split()), err
