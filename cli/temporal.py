"""Calls to Temporal from a command: each with a bounded wait, each failure turned into its exit code.

A call to a draft or a round needs a worker to answer. When none does within `--timeout`, the command
says whether any worker polls the draft's task queue at all, instead of hanging.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import PollerInfo, TaskQueue
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowQueryFailedError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from cli import database
from cli.app import chosen, settings
from cli.failures import Failure, Invalid, NotFound, Rejected, Unavailable, from_refusal
from schemas.refusal import Refused
from store import board
from workers.settings import Settings, temporal_client
from workflows.client import (
    closed,
    draft_full,
    refused_by_the_draft,
    refused_message,
    refused_query,
    task_failing,
    task_failing_message,
    unanswered_query_message,
    unprocessed,
)
from workflows.codec import KeyRingError
from workflows.draft_law import workflow_id_for as draft_workflow_id
from workflows.round_client import found_workflow_id

T = TypeVar("T")
# A look at the server while explaining a silence must not be a second long wait.
_GLANCE = timedelta(seconds=5)


@dataclass(frozen=True)
class Target:
    """What a call is about: the workflow that must answer, and how to say that it does not exist."""

    workflow_id: str
    field: str
    missing: str
    # What it is called, and the rule, when it has ended (`workflows.client.closed`).
    what: str
    closed_rule: str
    # A draft's submission ID, looked for in other letter case when Temporal knows none.
    submission_id: str | None = None
    # The rule of its 404, as the API names it (found by a fresh-user trial: `known` here, `draft_unknown` there).
    unknown_rule: str = "known"
    # A round's submission and round IDs: its workflow ID is the one the call found (`round_client.round_workflow`).
    round: tuple[str, str] | None = None

    @property
    def found_id(self) -> str:
        return found_workflow_id(*self.round) if self.round else self.workflow_id


def draft(submission_id: str) -> Target:
    return Target(draft_workflow_id(submission_id), "submission_id", f"no draft {submission_id}", "the draft", "draft_closed",
                  submission_id, "draft_unknown")


def round_of(submission_id: str, round_id: str) -> Target:
    return Target(found_workflow_id(submission_id, round_id), "round_id", f"no consultation round {round_id} of draft {submission_id}",
                  f"round {round_id}", "round_closed", unknown_rule="round_unknown", round=(submission_id, round_id))


def run(action: Callable[[Client], Awaitable[T]]) -> T:
    """Connect to the configured cluster and run `action`, its failures turned into exit codes."""
    config = settings()

    async def connected() -> T:
        client = await connect(config)
        try:
            return await action(client)
        except RPCError as rpc:
            raise await _from_rpc(client, config, rpc, None) from None
        except KeyRingError as keys:  # a payload sealed with a key this machine lacks (found by an operator's trial: a traceback)
            raise Invalid(f"encryption_keys: {keys}; every process needs the keys the workers seal with (LEGIS_ENCRYPTION_KEYS, "
                          "README: Rotation)", field="encryption_keys", rule="encryption_keys_configured") from None

    return asyncio.run(connected())


async def call(client: Client, target: Target | None, request: Awaitable[T]) -> T:
    """One update, query or start concerning `target` (or a visibility read, with none), waiting at most `--timeout`
    seconds for its answer."""
    try:
        async with asyncio.timeout(chosen.timeout):
            return await request
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        # The SDK reports an update cancelled by the timeout as its own error, not as the timeout.
        said, rule = await _silence(client, target)
        raise Unavailable(said, field=target.field if target and rule == "draft_task_failing" else None, rule=rule) from None
    except WorkflowUpdateFailedError as failed:
        raise _from_update(failed) from None
    except Refused as refused:  # a rule the client function checks before it calls Temporal
        raise from_refusal(refused) from None
    except WorkflowQueryFailedError as failed:
        # A draft whose start was refused never becomes ready, and one whose start input was not a draft's cannot even
        # run to answer: it has ended.
        if target is not None and (ended := await _closed(client, target, queried=True)) is not None:
            raise from_refusal(ended) from None
        if "draft_not_ready" in str(failed):
            raise Unavailable("submission_id: the draft has not pinned its rulebook yet; retry shortly", rule="draft_not_ready") from None
        if refused_query(failed):
            raise Rejected(f"the query failed: {failed}", rule="query_failed") from None
        raise Unavailable(unanswered_query_message(failed), rule="draft_task_failing") from None
    except RPCError as rpc:
        raise await _from_rpc(client, settings(), rpc, target) from None


async def connect(config: Settings) -> Client:
    """A client of the configured cluster; Temporal not answering, unreadable TLS files or missing payload keys are
    `Unavailable` or `Invalid`, naming the setting."""
    try:
        async with asyncio.timeout(chosen.timeout):
            return await temporal_client(config)
    except (RuntimeError, TimeoutError) as down:
        reason = str(down) or f"no answer within {chosen.timeout:g} s"
        raise Unavailable(f"Temporal at {config.temporal_address} does not answer ({reason}); is it running (`legis dev` on this "
                          "machine, the cluster's frontend elsewhere), and is the address right (--address, LEGIS_TEMPORAL_ADDRESS, "
                          "the profile)?", rule="temporal_reachable") from None
    except OSError as unreadable:
        raise Invalid(f"settings: {unreadable}", field="settings", rule="tls_files_readable") from None
    except KeyRingError as keys:
        raise Invalid(f"encryption_keys: {keys}", field="encryption_keys", rule="encryption_keys_configured") from None


def _from_update(failed: WorkflowUpdateFailedError) -> Failure:
    if (refused := refused_by_the_draft(failed)) is not None:
        return from_refusal(refused)
    if unprocessed(failed):  # still so after the client's retries: nothing applied
        return Unavailable(f"submission_id: the draft's worker did not take the message (Temporal: {failed.cause.message}); send the same "
                           "command again in a moment (with its --request-id)", field="submission_id", rule="draft_busy")
    cause = failed.cause
    return Rejected(cause.message if isinstance(cause, ApplicationError) else str(failed), rule="refused")


async def _from_rpc(client: Client, config: Settings, rpc: RPCError, target: Target | None) -> Failure:
    if rpc.status is RPCStatusCode.NOT_FOUND:
        try:
            await namespace_known(config, client)
        except Invalid as unknown:
            return unknown
        if target is None:
            return NotFound(rpc.message, rule="known")
        if (ended := await _closed(client, target)) is not None:
            return from_refusal(ended)
        named = await _in_other_case(*target.round) if target.round else await _in_other_case(target.submission_id) if target.submission_id else None
        return NotFound(f"{target.field}: {target.missing}" + (f"; {named} differs from it only in letter case" if named else ""),
                        field=target.field, rule=target.unknown_rule)
    if task_failing(rpc):
        field = target.field if target else "submission_id"
        return Unavailable(f"{field}: {task_failing_message(target.found_id if target else None)}", field=field, rule="draft_task_failing")
    if rpc.status is RPCStatusCode.FAILED_PRECONDITION and "poller" in rpc.message:
        return Unavailable(f"Temporal at {config.temporal_address}: no worker polls the draft's task queue {config.task_queue} (no poller "
                           "seen recently): start one (legis worker), then send the same command again (with its --request-id)",
                           rule="worker_unavailable")
    if rpc.status is RPCStatusCode.FAILED_PRECONDITION:
        return Unavailable(f"Temporal at {config.temporal_address}: the workflow has not run its first task yet; retry shortly "
                           f"({rpc.message})", rule="draft_not_ready")
    if rpc.status is RPCStatusCode.CANCELLED:
        return Unavailable(f"Temporal at {config.temporal_address} gave up waiting for a worker's answer ({rpc.message}); "
                           "see the worker's log, or retry with a longer --timeout", rule="worker_answers")
    if rpc.status is RPCStatusCode.INVALID_ARGUMENT:
        return Invalid(f"Temporal at {config.temporal_address}: {refused_message(rpc)}", rule="temporal_accepts")
    if draft_full(rpc):
        return Unavailable(f"submission_id: the draft has as many messages in flight as Temporal takes at once ({rpc.message}); send the "
                           f"same command again in a moment (with its --request-id); if it goes on, check that a worker polls task queue "
                           f"{config.task_queue} (legis worker)", field="submission_id", rule="draft_busy")
    if rpc.status in (RPCStatusCode.UNAUTHENTICATED, RPCStatusCode.PERMISSION_DENIED):
        return Invalid(f"Temporal at {config.temporal_address} refused the call: {rpc.message}", rule="temporal_accepts")
    return Unavailable(f"Temporal at {config.temporal_address} ({rpc.status.name}): {rpc.message}", rule="temporal_reachable")


async def _in_other_case(submission_id: str, round_id: str | None = None) -> str | None:
    """The draft the registry holds under this submission ID in other letter case (not a classified one), or with
    `round_id` the draft's round so named, if the database answers within `--timeout`."""
    config = settings()
    if not config.database_url and not (config.data_dir / "postgres" / "postmaster.pid").exists():
        return None  # no database to ask but an embedded one not running: not started for a hint
    try:
        async with asyncio.timeout(chosen.timeout), database.connection() as db:
            return await board.in_other_case(db, submission_id, own_agency=None, round_id=round_id)
    except Exception:  # a courtesy: no database configured, none answering, or the embedded one not starting leaves "no draft"
        return None


async def draft_ended(submission_id: str) -> Refused | None:
    """Why a draft the audit trail does not know has ended (`draft_closed`), as the API's reads say it after Temporal
    answered them (`workflows.client.closed`): a raw start whose input was not a draft's fails before writing any event
    (found by a fresh-user trial: `legis history` said "no draft" where `legis status` and the API named the failure).
    None when Temporal knows no such ended draft, or does not answer within `_GLANCE`: then the caller's not found stands."""
    try:
        async with asyncio.timeout(_GLANCE.total_seconds()):
            client = await connect(settings())
            return await _closed(client, draft(submission_id), queried=True)
    except (Failure, RPCError, TimeoutError):
        return None


async def _closed(client: Client, target: Target, *, queried: bool = False) -> Refused | None:
    try:
        async with asyncio.timeout(_GLANCE.total_seconds()):
            return await closed(client, target.found_id, field=target.field, what=target.what, rule=target.closed_rule, queried=queried)
    except (RPCError, TimeoutError):
        return None  # Temporal cannot say more: the first answer stands


async def namespace_known(config: Settings, client: Client) -> None:
    """Refused (`Invalid` `namespace_known`) where Temporal has no namespace `client.namespace`."""
    if not await _namespace_known(client):
        raise Invalid(f"namespace: Temporal at {config.temporal_address} has no namespace {client.namespace} (--namespace, "
                      "LEGIS_NAMESPACE, the profile)", field="namespace", rule="namespace_known")


async def _namespace_known(client: Client) -> bool:
    try:
        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=client.namespace), timeout=_GLANCE)
    except RPCError as missing:
        if missing.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


# A live worker's polls follow each other within a long poll's length (a minute), with room for a busy one.
_POLLING = timedelta(seconds=90)


def polling(pollers: Sequence[PollerInfo], now: datetime) -> list[PollerInfo]:
    """The workers still polling among those Temporal lists: it lists one that polled in the last minutes, a stopped one
    too, where a live worker polls again within a minute (found by a trial: five workers stopped, "4 worker(s) poll")."""
    return [poller for poller in pollers if poller.last_access_time.ToDatetime(UTC) >= now - _POLLING]


async def _silence(client: Client, target: Target | None) -> tuple[str, str]:
    """Why nothing answered, and the rule: the workflow's task failing again and again (`draft_task_failing`; found by a
    breaker: a command sent with --request-id was told to see the workers' logs), or no worker polls its task queue, or the
    worker is slow or stuck (`worker_answers`)."""
    waited = f"no answer within {chosen.timeout:g} s"
    if target is None:
        return f"Temporal at {client.service_client.config.target_host}: {waited}", "worker_answers"
    try:
        described = await client.get_workflow_handle(target.found_id).describe(rpc_timeout=_GLANCE)
        if described.raw_description.pending_workflow_task.attempt > 1:
            return f"{target.field}: {task_failing_message(target.found_id)}", "draft_task_failing"
        queue = described.raw_description.execution_config.task_queue.name
        pollers = (await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(namespace=client.namespace, task_queue=TaskQueue(name=queue),
                                     task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), timeout=_GLANCE)).pollers
    except RPCError as rpc:
        return f"{waited}, and Temporal could not say why ({rpc.message})", "worker_answers"
    now = datetime.now(UTC)
    live = polling(pollers, now)
    if not live:
        return f"{waited}: no worker polls task queue {queue}; start `legis worker` (or `legis dev`)", "worker_answers"
    latest = min(round((now - p.last_access_time.ToDatetime(UTC)).total_seconds()) for p in live)
    # Temporal lists a worker stopped within the last minutes as it lists a live one (found by an upgrade trial: during
    # the README's pause for an upgrade, the operator was sent to look for a worker that hung).
    return (f"{waited}: {len(live)} worker(s) polled task queue {queue} in the last {_POLLING.seconds} s, the latest {latest} s ago, "
            "but none answered: one stopped since is still listed; start `legis worker` if none runs, else see the workers' logs, or "
            "retry with a longer --timeout"), "worker_answers"
