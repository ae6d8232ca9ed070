"""The seventeenth generation's recorded path: a draft entered under way at the Government's review, whose decision's
cut-off has passed, reaches that stage by an approval entered two days late: its deadline passed and its slip to the
next session say the day it reached the stage, not the cut-off's (`draft.tick`); kept apart from `tests.scenarios`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from schemas.enums import Actor, EventKind, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import decision
from tests.polling import eventually
from tests.scenario_slipped_on_entry import entered_at
from tests.scenarios import S
from workflows import client as drafts
from workflows.deadlines import local_day

# The review's approval, entered afterwards, happened this many days before the recording's day.
REACHED_DAYS_AGO = 2


def at_review_request() -> StartRequest:
    """A law entered at GOVERNMENT_REVIEW, its proposal to its appraisal approved ten days apart, the last 5 days ago, aimed
    at a session whose Government's decision's cut-off (45 days before the opening) passed 15 days before."""
    return entered_at(S.GOVERNMENT_REVIEW, 5)


async def reached_past_its_cutoff(client: Client, request: StartRequest) -> None:
    """The review approved, dated two days ago; once the slip is recorded, the lead ministry withdraws the draft."""
    reached_on = local_day(datetime.now(UTC)) - timedelta(days=REACHED_DAYS_AGO)
    await drafts.decide(client, request.submission_id, decision(request, S.GOVERNMENT_REVIEW).model_copy(update={"occurred_on": reached_on}))
    await eventually(lambda: drafts.history(client, request.submission_id),
                     lambda view: any(e.event is EventKind.SESSION_SLIPPED for e in view.entries))
    withdraw = decision(request, S.GOVERNMENT_DECISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, request.submission_id, withdraw)
