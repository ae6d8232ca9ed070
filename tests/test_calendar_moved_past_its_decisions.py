"""A National Assembly Office's trial: a session that has opened, and at which the Assembly's vote on a law is
recorded, is moved to open a few days later (a mistyped day, or an opening put right the wrong way). `legis calendar
set-session` takes it without a word (exit 0, "N running drafts told"): the draft records SESSION_RESCHEDULED and goes
on, its vote now dated two days before the session it was taken at opens, and the President's 15 days counted from a day
the Assembly never sat, which is what `after_session_opens` refuses of a vote (README, "The Assembly decides at its
sitting"). The move that puts running drafts' cut-offs behind today is refused naming them (`cutoffs_would_pass`); one
that puts decisions already recorded at a session before its opening says nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.calendar import TargetSession
from schemas.enums import Outcome, Stage
from tests.drafts import BEFORE_THE_ASSEMBLY, PASSING_VOTE, decision, passed_through, start_request
from workflows.deadlines import local_day


async def test_an_opened_session_with_a_vote_recorded_is_not_moved_after_that_vote_unsaid(cli, tmp_path):
    today = local_day(datetime.now(UTC))
    opened = today - timedelta(days=3)
    code, _, err = await cli("calendar", "set-session", "16-1", "--opens-on", str(opened), "--phase",
                             f"{opened}:{today + timedelta(days=10)}", "--by", "VPQH")
    assert code == 0, err
    request = passed_through(start_request(target=TargetSession(legislature=16, session=1, opens_on=opened)), BEFORE_THE_ASSEMBLY,
                             today - timedelta(days=4))
    (tmp_path / "start.json").write_text(request.model_dump_json(), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start.json")))[0] == 0
    vote = decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE)
    (tmp_path / "vote.json").write_text(vote.model_dump_json(), encoding="utf-8")
    code, out, err = await cli("decide", request.submission_id, str(tmp_path / "vote.json"))
    assert code == 0 and "NA_SESSION -> PROMULGATION" in out, (out, err)

    later = today + timedelta(days=2)
    code, out, err = await cli("calendar", "set-session", "16-1", "--opens-on", str(later), "--phase",
                               f"{later}:{today + timedelta(days=12)}", "--by", "VPQH")
    # Said, naming the draft whose vote, recorded today at session 16-1, now falls before the session's new opening.
    assert code == 0 and f"decisions recorded at its sittings fall outside it: {request.submission_id} ({today})" in err, (code, out, err)
