"""The fifteenth generation's recorded path: a draft entered under way past its session's cut-off, with a later session
announced, slips to it at once, its slip dated the day the cut-off passed (`draft.tick`); kept apart from
`tests.scenarios`, which it builds on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from schemas.calendar import TargetSession
from schemas.enums import Actor, EventKind, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import BEFORE_ASSEMBLY, S
from workflows import client as drafts
from workflows.deadlines import local_day

# The session the draft is entered aiming at opens this many days after the recording's day: its cut-off (45 days before
# the opening) passed 15 days before.
OPENS_IN = 30


def entered_at(stage: S, last_days_ago: int) -> StartRequest:
    """A law aimed at a session opening `OPENS_IN` days after the recording's day, entered at `stage`: every stage before
    it approved ten days apart, the last `last_days_ago` days ago."""
    today = local_day(datetime.now(UTC))
    plain = start_request(opens_on=today + timedelta(days=OPENS_IN))
    passed = [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY[:BEFORE_ASSEMBLY.index(stage)]]
    steps = [decision(plain, step).model_copy(update={"occurred_on": today - timedelta(days=last_days_ago + 10 * (len(passed) - 1 - i))})
             for i, step in enumerate(passed)]
    return StartRequest.model_validate({**plain.model_dump(), "passed": [step.model_dump() for step in steps]})


def entered_past_its_cutoff_request() -> StartRequest:
    """A law entered at GOVERNMENT_DECISION, its proposal to its review approved ten days apart, the last 40 days ago."""
    return entered_at(S.GOVERNMENT_DECISION, 40)


def next_session(request: StartRequest) -> TargetSession:
    """The session announced after the draft's, where it slips."""
    target = request.target_session
    return TargetSession(legislature=target.legislature, session=target.session + 1, opens_on=target.opens_on + timedelta(days=180))


async def slipped_on_entry(client: Client, request: StartRequest) -> None:
    """The deadline passed and the slip, both dated the day the cut-off passed; then the lead ministry withdraws the draft."""
    await eventually(lambda: drafts.history(client, request.submission_id),
                     lambda view: any(e.event is EventKind.SESSION_SLIPPED for e in view.entries))
    withdraw = decision(request, S.GOVERNMENT_DECISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, request.submission_id, withdraw)


async def decided_in_time_after_it(client: Client, request: StartRequest) -> None:
    """The twenty-ninth generation's path: once the draft has slipped, the Government's decision, taken 20 days ago within
    the cut-off that passed 15 days ago, is entered; the draft aims at its first session again, then is withdrawn."""
    await eventually(lambda: drafts.history(client, request.submission_id),
                     lambda view: any(e.event is EventKind.SESSION_SLIPPED for e in view.entries))
    in_time = decision(request, S.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(datetime.now(UTC)) - timedelta(days=20)})
    await drafts.decide(client, request.submission_id, in_time)
    withdraw = decision(request, S.EXAMINATION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, request.submission_id, withdraw)
