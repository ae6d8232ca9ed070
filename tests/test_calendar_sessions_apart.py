"""A National Assembly Office's trial : session 16-2 is announced sitting in two phases over five weeks; session 16-3
is then set (a day mistyped, 2027-06-10 for 2027-10-20) to open on a day within 16-2's first phase. `legis calendar
set-session` takes it without a word and tells every running draft: a two-session law to be debated at 16-2 now shows
"next cut-off 2027-04-26 to be through INTER_SESSION_REVISION, counted back from 16-3", a revision between the sessions
due before the first of them has even opened. Two regular sessions of one Assembly do not sit at once; the calendar
refuses a session out of its number's order (`sessions_in_order`) and warns of a Standing Committee meeting set during a
session, but said nothing of a regular session opening while the one before it still sits: refused, `sessions_apart`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.deadlines import local_day


async def test_a_regular_session_opening_while_the_one_before_it_sits_is_not_taken_unsaid(cli):
    today = local_day(datetime.now(UTC))
    opens = today + timedelta(days=180)
    code, _, err = await cli("calendar", "set-session", "16-2", "--opens-on", str(opens),
                             "--phase", f"{opens}:{opens + timedelta(days=17)}",
                             "--phase", f"{opens + timedelta(days=28)}:{opens + timedelta(days=37)}", "--by", "VPQH")
    assert code == 0, err
    within = opens + timedelta(days=7)  # a sitting day of 16-2's first phase
    code, out, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(within), "--by", "VPQH")
    assert code == 2 and "(rule: sessions_apart)" in err and f"while session 16-2 sits ({opens} to " in err, (code, out, err)
    # After its last phase, the next session opens.
    code, _, err = await cli("calendar", "set-session", "16-3", "--opens-on", str(opens + timedelta(days=38)), "--by", "VPQH")
    assert code == 0, err
