"""The twenty-seventh generation's path, kept apart from `tests.scenarios`: a draft entered under way at DRAFTING, whose
drafting's approval is entered afterwards, dated 48 days ago: at APPRAISAL past its 30 days, its deadline passed and
escalations raised at once, and no warning (their times passed before legis knew of the approval); then on to its end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from schemas.enums import EventKind, Stage
from schemas.messages import StartRequest
from tests.drafts import decision
from tests.polling import eventually
from tests.scenarios import FROM_APPRAISAL, approve, under_way_request
from workflows import client as drafts
from workflows.deadlines import local_day

APPROVED_DAYS_AGO = 48


def at_drafting_request() -> StartRequest:
    """At DRAFTING: its proposal and programme approved 110 and 80 days ago."""
    request = under_way_request((110, 80, 0))
    return request.model_copy(update={"passed": request.passed[:2]})


async def drafting_approved_afterwards(client: Client, request: StartRequest) -> None:
    sid = request.submission_id
    await eventually(lambda: drafts.status(client, sid), lambda status: status.stage is Stage.DRAFTING)
    late = decision(request, Stage.DRAFTING).model_copy(update={"occurred_on": local_day(datetime.now(UTC)) - timedelta(days=APPROVED_DAYS_AGO)})
    await drafts.decide(client, sid, late)
    raised = lambda history: [e.event for e in history.entries if e.event in (EventKind.WARNING, EventKind.ESCALATION)]  # noqa: E731
    await eventually(lambda: drafts.history(client, sid), lambda history: EventKind.ESCALATION in raised(history))
    await approve(client, request, FROM_APPRAISAL)
