"""Calls to a draft's consultation rounds from a client (the API, the CLI): each round found by its workflow ID, of whichever
generation opened it (`round_workflow`)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import TypeVar

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from schemas.consultation import (
    PUBLIC,
    Compilation,
    ConsultationInput,
    ConsultationResult,
    ConsultationView,
    Opinion,
    OpinionReceipt,
    RoundMessage,
)
from schemas.refusal import RefusalKind, Refused
from workflows import client as drafts
from workflows.consultation import RESULT_SIGNAL, ConsultationWorkflow
from workflows.rounds import round_workflow_id

T = TypeVar("T")


# Rounds found, (submission, round) to workflow ID and run: a round keeps its run once started.
_ROUNDS_FOUND: OrderedDict[tuple[str, str], tuple[str, str | None]] = OrderedDict()
_ROUNDS_REMEMBERED = 4096
# The runs of an earlier round's ID looked through for this draft's: a closed round's ID may have been taken again since.
_RUNS_LOOKED_AT = 20


async def round_workflow(client: Client, submission_id: str, round_id: str) -> WorkflowHandle:
    """Round `round_id` of draft `submission_id`: its workflow under the nineteenth generation's ID where the server knows
    it; else the run under the earlier ID whose own input names this draft and round, since another draft's round may
    hold that ID, before or after this one (`rounds.round_workflow_id`; found by a breaker: the latest run of an ID taken
    again after this draft's round closed was another draft's, a classified one's); else under the newer ID, which answers
    as a round the draft does not have. Raises RPCError when Temporal cannot say."""
    key = (submission_id, round_id)
    if (found := _ROUNDS_FOUND.get(key)) is None:
        newer, earlier = round_workflow_id(submission_id, round_id), round_workflow_id(submission_id, round_id, generation=18)
        if await _known(client, newer):
            found = (newer, None)
        elif (run_id := await _run_of(client, earlier, key)) is not None:
            found = (earlier, run_id)
        else:
            return client.get_workflow_handle_for(ConsultationWorkflow.run, newer)
        _ROUNDS_FOUND[key] = found
        if len(_ROUNDS_FOUND) > _ROUNDS_REMEMBERED:
            _ROUNDS_FOUND.popitem(last=False)
    workflow_id, run_id = found
    return client.get_workflow_handle_for(ConsultationWorkflow.run, workflow_id, run_id=run_id)


def found_workflow_id(submission_id: str, round_id: str) -> str:
    """The workflow ID `round_workflow` found for a round, or the newest generation's where it has found none: for naming
    a round in a message where no call to Temporal may be made."""
    found = _ROUNDS_FOUND.get((submission_id, round_id))
    return found[0] if found else round_workflow_id(submission_id, round_id)


async def _known(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as missing:
        if missing.status is not RPCStatusCode.NOT_FOUND:
            raise
        return False
    return True


async def _run_of(client: Client, workflow_id: str, key: tuple[str, str]) -> str | None:
    """The run of `workflow_id` whose input names draft and round `key`: the latest, else one of the `_RUNS_LOOKED_AT` the
    server lists; None when none does."""
    try:
        latest = (await client.get_workflow_handle(workflow_id).describe()).run_id
    except RPCError as missing:
        if missing.status is not RPCStatusCode.NOT_FOUND:
            raise
        return None
    if latest is not None and await _names(client, workflow_id, latest, key):
        return latest
    async for listed in client.list_workflows(f"WorkflowId = '{workflow_id}'", limit=_RUNS_LOOKED_AT):
        if listed.run_id != latest and await _names(client, workflow_id, listed.run_id, key):
            return listed.run_id
    return None


async def _names(client: Client, workflow_id: str, run_id: str, key: tuple[str, str]) -> bool:
    """Whether the run's first event, its start, names draft and round `key`."""
    async for event in client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history_events(page_size=1):
        [started] = await client.data_converter.decode(event.workflow_execution_started_event_attributes.input.payloads, [ConsultationInput])
        return (started.submission_id, started.request.round_id) == key
    return False


async def submit_opinion(client: Client, submission_id: str, round_id: str, opinion: Opinion, *, update_id: str | None = None) -> OpinionReceipt:
    """`update_id`: the same ID sent again (a caller's retry under its idempotency key) gets the first one's answer,
    waiting for it if it is still being taken (its comments recorded while PostgreSQL was down, say)."""
    return await (await round_workflow(client, submission_id, round_id)).execute_update(ConsultationWorkflow.submit_opinion, opinion,
                                                                                          id=update_id)


async def compile_round(client: Client, submission_id: str, round_id: str, compilation: Compilation, *,
                        lead_ministry: str | None = None, update_id: str | None = None) -> ConsultationView:
    """Send the lead ministry's compilation to its round. Raises Refused (FORBIDDEN, `agency_code`, `lead_ministry_only`)
    when the compiling agency does not lead the draft now and the round takes the code that does, as the draft refuses
    its decisions: after a remap a round still takes a compilation made under the old code before it heard of the remap
    (`rounds.remapped`), not one sent afterwards; a round of a draft before the tenth generation, never told of a
    remap, takes the code it opened with only. Names no code: a classified draft's lead ministry is not told.
    `lead_ministry`: the draft's, as its caller has just read it (`status`); asked of the draft when not given. `update_id`:
    as `submit_opinion`'s."""
    lead = lead_ministry or (await drafts.status(client, submission_id)).lead_ministry
    handle = await round_workflow(client, submission_id, round_id)
    if compilation.agency_code != lead and lead in await handle.query(ConsultationWorkflow.lead_codes):
        raise Refused("agency_code", "lead_ministry_only", f"{compilation.agency_code} is not this draft's lead ministry now (after a remap, "
                      "the compilation is sent under its new code)", RefusalKind.FORBIDDEN)
    return await handle.execute_update(ConsultationWorkflow.compile, compilation, id=update_id)


async def refusal_of(client: Client, submission_id: str, round_id: str, message: Opinion | Compilation, *,
                     update_id: str | None = None) -> Refused | None:
    """How the round would refuse `message` sent under `update_id` now, by its update's validator's rules
    (`ConsultationWorkflow.refusal`): asked before the message's texts are stored, so that a refused message leaves none
    (found by a breaker: megabytes a request). None when it would take it now; the update may still be refused by what
    changes meanwhile."""
    handle = await round_workflow(client, submission_id, round_id)
    # A round that has ended (compiled, cancelled, terminated) answers a query as it stood: it takes nothing more.
    if (ended := await drafts.closed(client, handle.id, field="round_id", what=f"round {round_id}", rule="round_closed")) is not None:
        return ended
    asked = RoundMessage(opinion=message, update_id=update_id) if isinstance(message, Opinion) else RoundMessage(
        compilation=message, update_id=update_id)
    details = await handle.query(ConsultationWorkflow.refusal, asked)
    return Refused.from_details("", details) if details else None


async def running_view(client: Client, submission_id: str, round_id: str) -> ConsultationView | None:
    """The round's view, asked before it is cancelled; None for a round whose workflow has ended outside its rules
    (terminated, failed): it takes nothing more, and its cancellation only frees its draft's stage."""
    handle = await round_workflow(client, submission_id, round_id)
    if await drafts.closed(client, handle.id, field="round_id", what=f"round {round_id}", rule="round_closed") is not None:
        return None
    return await handle.query(ConsultationWorkflow.view)


def check_cancellable(view: ConsultationView, round_id: str) -> None:
    """A round is cancelled before it has taken any opinion or comment: one opened by mistake. One that has is compiled,
    its answers given (found by a breaker: a cancellation after an objecting ministry's opinion left it off the audit
    trail). `view`: the round's, its public comments counted (`store.public.counted`). Raises Refused (CONFLICT,
    `round_id`, `round_answered`)."""
    if view.answers or view.comments:
        comments, opinions = view.comments, sum(a.consultee != PUBLIC for a in view.answers)
        taken = ", ".join(said for said in (f"{opinions} opinion{'s' * (opinions != 1)}" if opinions else "",
                                            f"{comments} comment{'s' * (comments != 1)} in all" if comments else "") if said)
        raise Refused("round_id", "round_answered", f"round {round_id} has taken {taken}: a round that has taken opinions or the "
                      "public's comments is compiled, its comments answered, not cancelled", RefusalKind.CONFLICT)


async def hand_back(client: Client, submission_id: str, round_id: str) -> ConsultationResult:
    """Hand a completed round's result to its draft again: the signal the round sent when it ended, with what it returned
    (a draft reset past that signal, the README's repair of an unopenable signal, lost it; found by a breaker of repairs:
    the round could not be compiled again, and held its stage until its window's end and more). The draft applies it only
    while it awaits that round, and only as the round's own (`rounds.not_the_rounds`). Raises Refused: `round_id`
    `round_completed` (CONFLICT) for a round still running or ended otherwise, `round_awaited` (CONFLICT) for one the draft
    does not await."""
    handle = await round_workflow(client, submission_id, round_id)
    if (status := (await handle.describe()).status) is not WorkflowExecutionStatus.COMPLETED:
        raise Refused("round_id", "round_completed", f"round {round_id} has not completed ({status.name if status else 'unknown'}): only a "
                      "round that ended with its compilation has a result to hand back", RefusalKind.CONFLICT)
    if round_id not in {r.round_id for r in (await drafts.status(client, submission_id)).open_consultations}:
        raise Refused("round_id", "round_awaited", f"draft {submission_id} does not await round {round_id}: its result is recorded, or "
                      "the round was cancelled or raised as lost (legis history)", RefusalKind.CONFLICT)
    result = await handle.result()
    await drafts.draft(client, submission_id).signal(RESULT_SIGNAL, result)
    return result


async def consultation(client: Client, submission_id: str, round_id: str) -> ConsultationView:
    return await (await round_workflow(client, submission_id, round_id)).query(ConsultationWorkflow.view)


async def recorded_through(client: Client, submission_id: str, round_id: str) -> int | None:
    """The position up to which a running round's comments are all recorded (`ConsultationWorkflow.recorded_through`);
    None for a round that has ended (it finishes the opinions it took first) or that the server no longer knows (past its
    retention), whose comments are all recorded: the server answers that itself, where a query would need a worker to
    replay the round."""
    handle = await round_workflow(client, submission_id, round_id)
    try:
        if (await handle.describe()).status is not WorkflowExecutionStatus.RUNNING:
            return None
    except RPCError as missing:
        if missing.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    return await handle.query(ConsultationWorkflow.recorded_through)


async def consultation_and_end(client: Client, submission_id: str, round_id: str) -> ConsultationView:
    """`consultation`, closed, with `ended` set and nothing awaited, when the round's workflow, or its draft's, ended
    outside its own rules (cancelled with its withdrawn draft; a draft terminated by hand leaves its round running,
    abandoned): its query answers as it stood then, open and awaiting answers."""
    view = await consultation(client, submission_id, round_id)
    end = drafts.END_OF.get((await (await round_workflow(client, submission_id, round_id)).describe()).status) or drafts.END_OF.get(
        (await drafts.draft(client, submission_id).describe()).status)
    return view if end is None else view.model_copy(update={"ended": end.value, "closed": True, "awaiting": ()})


async def round_answer(client: Client, submission_id: str, round_id: str, update_id: str | None, result_type: type[T], *,
                       sent_before: Sequence[str] = ()) -> T | None:
    """A round's answer to the message it took under `update_id` before (a retry; waited for while it is being taken), None
    when it has taken none. Asked before a message is sent under a key, so that a retry is told it was taken before (as a
    draft's receipt says `duplicate`), also by a round whose draft has ended (found by a fresh-user trial and a breaker).
    A message sent by a release before this one under the same key (`sent_before`, `round_requests.sent_before`) is
    answered as that release answered it (found by a breaker: a retry across the upgrade lost its first answer)."""
    if update_id is None:
        return None
    handle = await round_workflow(client, submission_id, round_id)
    for asked in (update_id, *sent_before):
        try:
            return await handle.get_update_handle(asked, result_type=result_type).result()
        except RPCError as unknown:
            if unknown.status is not RPCStatusCode.NOT_FOUND:
                raise
    return None
