"""A National Assembly Office's trial : the National Assembly's inbox form for a law at NA_SESSION says "The
Assembly decides at a sitting of 16-2, from its opening on Jun 3, 2027." and nothing of the session's phases or its last
sitting day, while `legis status` says "decided: at a sitting of 16-2, from its opening on 2027-06-03 to 2027-07-10" and
the form's "Decided on" is refused `within_session` for a day between the phases or after the last one. The official
entering the vote from the inbox is not told which days the form takes."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from schemas.calendar import SessionPhase
from schemas.enums import CallerRole, Stage
from tests.drafts import BEFORE_THE_ASSEMBLY, passed_through, session_of_its_own, start_request
from tests.http_api import bearer, body
from tests.polling import eventually
from tests.test_board_pages import is_page, signed_in
from tests.test_page_paths import app_over
from workflows import client as drafts
from workflows.deadlines import local_day


async def test_the_assemblys_inbox_names_the_sittings_days_its_vote_is_taken_on(dev_env, pool):
    own = session_of_its_own()
    opens = own.opens_on
    last = opens + timedelta(days=40)
    phased = own.model_copy(update={"phases": (SessionPhase(starts_on=opens, ends_on=opens + timedelta(days=15)),
                                               SessionPhase(starts_on=opens + timedelta(days=30), ends_on=last))})
    request = passed_through(start_request(target=phased), BEFORE_THE_ASSEMBLY, local_day(datetime.now(UTC)))
    async with app_over(dev_env.client, pool) as http:
        lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201, "started"
        status = await eventually(lambda: drafts.status(dev_env.client, request.submission_id), lambda s: s.stage is Stage.NA_SESSION)
        assert status.pending is not None and status.pending.at_sitting_of is not None
        assert status.pending.at_sitting_of.phases, "the draft knows the session's phases"  # what `legis status` reads
        await eventually(lambda: pool.fetchval("SELECT stage FROM submissions WHERE submission_id = $1", request.submission_id),
                         lambda stage: stage == "NA_SESSION")
        await signed_in(http, pool, language="en", agency="QH", role=CallerRole.NA)
        page = is_page(await http.get("/board/inbox"), 200)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    at = text.find(request.submission_id)
    assert at >= 0, "the draft is in the Assembly's inbox"
    said = text[at:at + 600]
    assert "The Assembly decides at a sitting of" in said, said
    # Expected: the last sitting day (or the phases), as `legis status` gives them: "... to <last day>".
    assert last.strftime("%b %-d, %Y") in said or last.isoformat() in said, said
