"""A National Assembly Office's trial : the office announces the year's calendar: the Standing Committee's monthly
meetings (DOMAIN.md: 11 meetings served in 2023) and the two regular sessions. The board's **Sessions ahead** is to show
"each announced session of the Assembly (regular, extraordinary) and each Standing Committee meeting" with the drafts
aimed at it (README, "The board and public consultation"), then the drafts aimed at none of them "(a session not on the
calendar, ...)". It reads the sittings ahead with `store.board.sittings_ahead(...)`: with twelve meetings
announced before it, session 16-3 is not on the page at all, and the drafts aimed at it are listed as aimed at no sitting
ahead, as if their session were not on the calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from store.board import sittings_ahead
from workflows.deadlines import local_day


async def test_the_board_lists_every_announced_session_ahead_whatever_the_meetings_before_it(cli, fresh_database_url):
    today = local_day(datetime.now(UTC))
    opens_2 = today + timedelta(days=200)
    opens_3 = today + timedelta(days=400)
    for code, day in (("16-2", opens_2), ("16-3", opens_3)):
        code_, _, err = await cli("calendar", "set-session", code, "--opens-on", str(day), "--by", "VPQH")
        assert code_ == 0, err
    for n in range(12):  # a meeting a month between today and 16-3, none on 16-2's opening day
        day = today + timedelta(days=20 + 30 * n)
        day = day + timedelta(days=1) if day == opens_2 else day
        code_, _, err = await cli("calendar", "set-meeting", f"UBTVQH-{40 + n}", "--on", str(day), "--by", "VPQH")
        assert code_ == 0, err
    db = await asyncpg.connect(fresh_database_url)
    try:
        shown = [s.code for s in await sittings_ahead(db, today)]
    finally:
        await db.close()
    assert "16-3" in shown, " ".join(shown)
