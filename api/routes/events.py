"""Events sent to a draft in an actor's name: one route per operation of the draft core's catalogue.

The token may speak only for its own actor and agency (`api.permissions.check_acting`); everything else (who
decides at which stage, with which documents, whether a lead ministry leads this draft) is the draft's own rule,
answered by its update's validator. Each answers with the draft's receipt.
"""


import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Body, Request, Response
from fastapi.responses import JSONResponse
from fastapi_problem.error import Problem
from temporalio.client import WorkflowUpdateFailedError

from activities.rulebook import asked_deadline_warning, default_return_warning
from api import permissions
from api.deps import Authenticated, IdempotencyKey, database, temporal
from api.examples import examples
from api.idempotency import answer_once, key_scope
from api.plumbing import Router
from api.tokens import Caller, agencies_without_tokens, tokenless_warning
from schemas.enums import ConsultationKind
from schemas.messages import ConsultationRequest, Decision, PostponementRequest, RoundCancellation, SubmissionId
from schemas.views import Receipt
from store import public, registry
from workflows import client as drafts
from workflows import draft, round_client
from workflows.draft_views import ASKED_PAST_CUTOFF

router = Router(prefix="/v1/submissions/{submission_id}", tags=["events"])
# How long an opening of a public round waits for its round to take comments before it answers all the same.
PUBLIC_ROUND_SECONDS = 5.0


@dataclass(frozen=True)
class Route:
    path: str
    operation: draft.Operation
    operation_id: str
    summary: str
    examples: tuple[str, ...] = ()
    tag: str = "events"


ROUTES = (
    Route("/decisions", draft.DECIDE, "decideSubmission",
          "A decision on the draft's current stage; the draft's rulebook says who decides there and with what.",
          ("01-policy-proposal", "02-programme", "03-drafting", "04-appraisal-return", "14-vote", "15-carry-over")),
    Route("/dossier", draft.FILE_DOSSIER, "fileDossier", "Documents filed to the dossier, by reference (name, SHA-256, size).",
          ("dossier-filing",)),
    Route("/postponements", draft.REQUEST_POSTPONEMENT, "requestPostponement", "Ask to move the current stage's deadline (xin lùi).",
          ("05-postpone-appraisal",)),
    Route("/postponement-decisions", draft.DECIDE_POSTPONEMENT, "decidePostponement",
          "Approve or refuse the pending postponement (the rulebook names who may).", ("06-approve-postponement",)),
    Route("/disagreements", draft.RAISE_DISAGREEMENT, "raiseDisagreement",
          "A point ministries still disagree on, sent up for arbitration.", ("07-disagreement",)),
    Route("/rulings", draft.RULE_ON_DISAGREEMENT, "ruleOnDisagreement",
          "The Deputy Prime Minister's or Prime Minister's ruling on an open point.", ("08-ruling",)),
    Route("/programme-changes", draft.CHANGE_PROGRAMME, "changeProgramme",
          "The Standing Committee adds, defers or withdraws the draft, or moves it to another track or session procedure.",
          ("12-programme-defer",)),
    Route("/consultations", draft.OPEN_CONSULTATION, "openConsultation",
          "The lead ministry asks many bodies for their opinions at once; silence is recorded when the window closes.",
          ("09-consultation",), "consultation"),
    Route("/consultation-cancellations", draft.CANCEL_CONSULTATION, "cancelConsultation",
          "The lead ministry cancels a round opened by mistake, before its compilation; the stage is no longer held by it.",
          ("13-cancel-consultation",), "consultation"),
)


async def told_as_read(http: Request, who: Caller, submission_id: str, sending: Awaitable[Receipt]) -> Receipt:
    """A message sent to a draft; its refusal as `who` may read it: a classified draft's gives the field and the rule only to
    whom may not read the draft (its words name its session, its dates). The API's routes and the board's inbox alike."""
    try:
        return await sending
    except WorkflowUpdateFailedError as failed:
        if (refused := drafts.refused_by_the_draft(failed)) is None:
            raise
        if found := await registry.classification(http.app.state.pool, submission_id):
            refused = permissions.refused_for(who, refused, classified=found[0], lead_ministry=found[1])
        raise refused from None


async def _with_warnings(http: Request, receipt: Receipt, message: object) -> Receipt:
    """What a receipt says besides, as the CLI says it (found by a ministry's trial each): a deadline asked on a rest day;
    where the rulebook's default sent a return for revision; a consultee no token acts for, which cannot answer through
    the API (a code mistyped, BTCC, held the stage until the round's window closed on its silence)."""
    said: tuple[str, ...] = ()
    if isinstance(message, PostponementRequest) and (warning := asked_deadline_warning(message.new_deadline)):
        said = (warning,)
    if isinstance(message, PostponementRequest) and receipt.first_seq is not None and not receipt.classified:  # its sitting withheld
        said = (*said, *await _past_its_cutoff(http, receipt.submission_id))
    if isinstance(message, Decision) and receipt.first_seq is not None and (warning := default_return_warning(message, receipt.to_stage)):
        said = (warning,)
    if (isinstance(message, ConsultationRequest) and receipt.first_seq is not None and message.consultees
            and (tokenless := await _tokenless(http, message.consultees))):
        said = (tokenless_warning(tokenless),)
    return receipt.model_copy(update={"warnings": said}) if said else receipt


async def _past_its_cutoff(http: Request, submission_id: str) -> tuple[str, ...]:
    """What the draft's status says of a date asked past its sitting's cut-off (`draft_views.warnings`), as `legis postpone`
    prints it (found by a Government Office's trial: only the deciding authority's inbox said so); nothing when the
    draft cannot say now: the request is taken, and its receipt is the answer."""
    try:
        async with asyncio.timeout(2):
            view = await drafts.status(http.app.state.client, submission_id)
    except Exception:  # a courtesy, as `_tokenless`: the status is the caller's to read again
        return ()
    return tuple(w for w in view.warnings if w.startswith(ASKED_PAST_CUTOFF))


async def _cancellable(http: Request, who: Caller, submission_id: str, round_id: str) -> None:
    """A round cancelled has taken nothing (`round_client.check_cancellable`), asked of the round by its own lead ministry
    only, before the draft is (another caller learns nothing of the draft's rounds)."""
    client = http.app.state.client
    permissions.check_leads(who, await temporal(http, drafts.status(client, submission_id)), "cancelling a round")
    if (view := await temporal(http, round_client.running_view(client, submission_id, round_id), "round_id")) is not None:
        round_client.check_cancellable(await database(public.counted(http.app.state.pool, submission_id, view)), round_id)


async def _tokenless(http: Request, consultees: tuple[str, ...]) -> list[str]:
    """The consultees no token acts for; none said when PostgreSQL cannot tell now: the round is open, and its receipt is
    the answer (found by a breaker: 503 for an opened round, its warning unread)."""
    try:
        return await database(agencies_without_tokens(http.app.state.pool, consultees), seconds=2)
    except Problem:
        return []


def _endpoint(route: Route):
    model = route.operation.message
    body = Annotated[model, Body(openapi_examples=examples(*route.examples) if route.examples else None)]

    async def send(submission_id: SubmissionId, message: body, who: Authenticated, http: Request,
                   key: IdempotencyKey = None) -> Response:
        async def run() -> Response:
            permissions.check_acting(who, message)
            if isinstance(message, RoundCancellation):
                await _cancellable(http, who, submission_id, message.round_id)
            receipt = await temporal(http, told_as_read(http, who, submission_id, drafts.send(
                http.app.state.client, submission_id, route.operation.name, message, request_id=key)))
            if isinstance(message, ConsultationRequest) and message.kind is ConsultationKind.PUBLIC_POSTING and receipt.first_seq is not None:
                # The draft answers before the round's first task registers it where the public's comments go: the answer
                # waits for that (briefly), so that a link posted on it takes comments (found by a fresh-user trial).
                await database(public.registered(http.app.state.pool, submission_id, message.round_id, within=PUBLIC_ROUND_SECONDS))
            return JSONResponse((await _with_warnings(http, permissions.receipt_for(who, receipt), message)).model_dump(mode="json"))

        return await answer_once(http, key_scope(who), key, run)

    send.__name__ = route.operation.name
    send.__doc__ = route.summary
    return send


for _route in ROUTES:
    router.add_api_route(_route.path, _endpoint(_route), methods=["POST"], operation_id=_route.operation_id, response_model=Receipt,
                         tags=[_route.tag], summary=_route.summary.split(";")[0].rstrip("."), description=_route.summary)

