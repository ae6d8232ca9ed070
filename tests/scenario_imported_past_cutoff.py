"""The thirty-first generation's recorded path: a law entered under way at EXAMINATION, whose Government decision among its
steps was taken after its session's cut-off, with a later session announced, slips to it as it is entered, as it would
have, sent step by step (`draft.open_draft`); its SUBMITTED names its lead ministry; then the lead ministry withdraws it.
Kept apart from `tests.scenarios`, which it builds on."""

from __future__ import annotations

from temporalio.client import Client

from schemas.enums import Actor, EventKind, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import decision
from tests.polling import eventually
from tests.scenario_slipped_on_entry import entered_at
from tests.scenarios import S
from workflows import client as drafts


def imported_past_its_cutoff_request() -> StartRequest:
    """Its session opens 30 days after the recording's day (cut-off 15 days before it); its review approved 15 days ago,
    the Government's decision 5 days ago."""
    return entered_at(S.EXAMINATION, 5)


async def slipped_as_imported(client: Client, request: StartRequest) -> None:
    view = await eventually(lambda: drafts.history(client, request.submission_id),
                            lambda view: any(e.event is EventKind.SESSION_SLIPPED for e in view.entries))
    submitted = view.entries[0]
    assert (submitted.event, submitted.actor, submitted.agency_code) == (EventKind.SUBMITTED, Actor.LEAD_MINISTRY, request.lead_ministry)
    withdraw = decision(request, S.EXAMINATION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, request.submission_id, withdraw)
