"""Every update and signal of legis's workflows carries exactly one message.

A client without the project's types (the plain `temporal` CLI, say) can send an update or a signal with no argument
or with several. The SDK then calls the handler with the wrong number of arguments: a TypeError, which rejects an
update as a retryable failure that names nothing, and fails the workflow task of a signal on every attempt, so that
the draft answers nothing until it is reset. Here an update is refused before its validator (rule `one_message`,
no history written) and a signal is dropped and logged, as the SDK drops one whose argument does not decode.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow
from temporalio.worker import (
    HandleSignalInput,
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

with workflow.unsafe.imports_passed_through():
    from schemas.refusal import RefusalKind, Refused
    from workflows.codec import refusal

RULE = "one_message"


class OneMessageEach(Interceptor):
    """A worker interceptor: refuses an update, and drops a signal, that does not carry exactly one argument."""

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        return _Counted


class _Counted(WorkflowInboundInterceptor):
    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        _one(input)
        super().handle_update_validator(input)

    async def handle_signal(self, input: HandleSignalInput) -> None:
        if len(input.args) != 1:
            workflow.logger.warning("signal dropped: it must carry exactly one message",
                                    extra={"signal": input.signal, "arguments": len(input.args), "rule": RULE})
            return
        await super().handle_signal(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        _one(input)  # an update without a validator (none of the drafts') is checked here, after it was accepted
        return await super().handle_update_handler(input)


def _one(input: HandleUpdateInput) -> None:
    if len(input.args) != 1:
        raise refusal(Refused("message", RULE, f"the update {input.update} takes exactly one message; it came with {len(input.args)}",
                              RefusalKind.INVALID))
