"""The twenty-sixth generation's path, kept apart from `tests.scenarios`: a draft entered under way at APPRAISAL 18 days
past its deadline (its warnings' times passed unraised, its deadline passed and escalations raised at once), given two
days more by the Deputy Prime Minister: warned at once by its last warning; then on to its end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from schemas.enums import EventKind
from schemas.messages import StartRequest
from tests.drafts import postponement, postponement_decision
from tests.polling import eventually
from tests.scenarios import FROM_APPRAISAL, approve, under_way_request
from workflows import client as drafts
from workflows.deadlines import local_day


def entered_overdue_request() -> StartRequest:
    """At APPRAISAL, its drafting approved 48 days ago: the appraisal's 30 days ended 18 days ago."""
    return under_way_request((110, 80, 48))


async def entered_overdue_then_given_days(client: Client, request: StartRequest) -> None:
    sid = request.submission_id
    await eventually(lambda: drafts.status(client, sid), lambda status: status.overdue)
    await drafts.request_postponement(client, sid, postponement(request, local_day(datetime.now(UTC)) + timedelta(days=2)))
    await drafts.decide_postponement(client, sid, postponement_decision(True))
    warned = lambda history: [e for e in history.entries if e.event is EventKind.WARNING]  # noqa: E731
    await eventually(lambda: drafts.history(client, sid), lambda history: len(warned(history)) == 1)
    await approve(client, request, FROM_APPRAISAL)
