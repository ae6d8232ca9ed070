"""A calendar move's refusal (`cutoffs_would_pass`) counts each running draft's cut-off again as the draft will, rest days
included (found by a Government Office's trial: a session moved so that a cut-off, moved as many days, landed on a Sunday
that was today was not refused, where the draft counted the Friday before, passed, and slipped)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from cli.cutoff_guard import refuse_cutoffs_passing
from cli.failures import Rejected
from schemas.enums import Stage
from tests.drafts import core_request, core_state, session
from tests.test_approved_dates_on_the_calendar import written
from workflows import draft, sessions
from workflows.change import Record


async def test_a_cut_off_brought_onto_a_rest_day_is_counted_on_the_working_day_before_as_the_draft_counts_it(fresh_database_url):
    request = core_request(target=session(2, 200))
    state = core_state(request, at=Stage.GOVERNMENT_DECISION)
    recorded = sessions.statutory_deadline(state)
    # The session brought forward to a day whose cut-off, counted back, is a rest day: the draft counts the working day
    # before it; moved as many days as the session, it is that rest day.
    for days in range(60, 200):
        earlier = request.target_session.model_copy(update={"opens_on": request.target_session.opens_on - timedelta(days=days)})
        counted, as_many = sessions.statutory_deadline(state, earlier), recorded - timedelta(days=days)
        if counted < as_many:
            break
    else:
        pytest.fail("no rest day in 140 days")
    db = await asyncpg.connect(fresh_database_url)
    try:
        await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
        # Today the rest day itself: the cut-off the draft would count has passed.
        with pytest.raises(Rejected) as refused:
            await refuse_cutoffs_passing(db, earlier, request.target_session.opens_on, as_many)
        assert refused.value.rule == "cutoffs_would_pass" and f"{request.submission_id}: GOVERNMENT_DECISION by {counted}" in str(refused.value)
        await refuse_cutoffs_passing(db, earlier, request.target_session.opens_on, counted)  # today that day: still ahead, taken
    finally:
        await db.close()
