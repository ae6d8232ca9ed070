"""One consultation round (lấy ý kiến), a child of its draft's workflow.

The round asks many consultees at once. Each opinion arrives as an update. When every consultee
has answered, or the window closes, the round stops taking opinions and records the silent ones;
then the lead ministry compiles the comments, accepting or explaining each (bản tổng hợp, tiếp
thu, giải trình). The round hands its result to the draft by a signal to the draft's workflow ID,
which reaches the draft's current run even after it continued as new.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from schemas.enums import Actor, ConsultationKind
    from schemas.messages import (
        Compilation,
        ConsultationInput,
        ConsultationResult,
        ConsultationView,
        Opinion,
        ReceivedOpinion,
    )

WORKFLOW_TYPE = "ConsultationWorkflow"
PUBLIC = "PUBLIC"
RESULT_SIGNAL = "consultation_finished"


def workflow_id_for(submission_id: str, round_id: str) -> str:
    return f"consultation-{submission_id}-{round_id}"


def _refused(field: str, rule: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message} (rule: {rule})", {"field": field, "rule": rule}, type="DecisionRefused", non_retryable=True)


@workflow.defn(name=WORKFLOW_TYPE, failure_exception_types=[ValidationError])
class ConsultationWorkflow:
    @workflow.init
    def __init__(self, input: ConsultationInput) -> None:
        self._input = input
        self._opened_at = workflow.now()
        self._opinions: dict[str, ReceivedOpinion] = {}
        self._public: list[ReceivedOpinion] = []
        self._closed_at = None
        self._silent: tuple[str, ...] = ()
        self._compilation: Compilation | None = None
        self._compiled_at = None

    @workflow.run
    async def run(self, input: ConsultationInput) -> ConsultationResult:
        window = input.closes_at - workflow.now()
        try:
            await workflow.wait_condition(
                lambda: bool(input.request.consultees) and not self._awaiting(),
                timeout=window,
                timeout_summary=f"round {input.request.round_id} closes",
            )
        except asyncio.TimeoutError:
            pass
        self._closed_at = workflow.now()
        self._silent = self._awaiting()
        await workflow.wait_condition(lambda: self._compilation is not None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        assert self._compilation is not None and self._compiled_at is not None
        result = ConsultationResult(
            round_id=input.request.round_id,
            kind=input.request.kind,
            opened_at=self._opened_at,
            closed_at=self._closed_at,
            opinions=self._received(),
            silent=self._silent,
            compilation=self._compilation,
            compiled_at=self._compiled_at,
        )
        await workflow.get_external_workflow_handle(input.parent_workflow_id).signal(RESULT_SIGNAL, result)
        return result

    @workflow.update
    def submit_opinion(self, opinion: Opinion) -> ConsultationView:
        self._check_opinion(opinion)
        received = ReceivedOpinion(opinion=opinion, at=workflow.now())
        if opinion.consultee == PUBLIC:
            self._public.append(received)
        else:
            self._opinions[opinion.consultee] = received
        return self.view()

    @submit_opinion.validator
    def validate_submit_opinion(self, opinion: Opinion) -> None:
        self._check_opinion(opinion)

    @workflow.update
    def compile(self, compilation: Compilation) -> ConsultationView:
        self._check_compilation(compilation)
        self._compilation = compilation
        self._compiled_at = workflow.now()
        return self.view()

    @compile.validator
    def validate_compile(self, compilation: Compilation) -> None:
        self._check_compilation(compilation)

    @workflow.query
    def view(self) -> ConsultationView:
        return ConsultationView(
            round_id=self._input.request.round_id,
            kind=self._input.request.kind,
            closes_at=self._input.closes_at,
            closed=self._closed_at is not None,
            awaiting=() if self._closed_at is not None else self._awaiting(),
            opinions=self._received(),
            silent=self._silent,
            unanswered_comments=tuple(self._comment_keys() - self._answered_keys(self._compilation)),
            compiled=self._compilation is not None,
        )

    def _awaiting(self) -> tuple[str, ...]:
        return tuple(c for c in self._input.request.consultees if c not in self._opinions)

    def _received(self) -> tuple[ReceivedOpinion, ...]:
        return tuple(sorted([*self._opinions.values(), *self._public], key=lambda r: r.at))

    def _comment_keys(self) -> set[str]:
        return {f"{r.opinion.consultee}/{c.comment_id}" for r in self._received() for c in r.opinion.comments}

    @staticmethod
    def _answered_keys(compilation: Compilation | None) -> set[str]:
        return {f"{r.consultee}/{r.comment_id}" for r in compilation.responses} if compilation else set()

    def _check_opinion(self, opinion: Opinion) -> None:
        if not isinstance(opinion, Opinion):
            raise _refused("input", "message_required", f"an Opinion object is required, got {type(opinion).__name__}")
        if self._closed_at is not None:
            raise _refused("consultee", "round_closed", f"round {self._input.request.round_id} closed on {self._closed_at:%Y-%m-%d}")
        if self._input.request.kind is ConsultationKind.PUBLIC_POSTING and opinion.consultee == PUBLIC:
            return
        if opinion.consultee not in self._input.request.consultees:
            raise _refused("consultee", "asked_only", f"{opinion.consultee} was not asked in round {self._input.request.round_id}")
        if opinion.consultee in self._opinions:
            raise _refused("consultee", "answered_once", f"{opinion.consultee} has already answered")

    def _check_compilation(self, compilation: Compilation) -> None:
        if not isinstance(compilation, Compilation):
            raise _refused("input", "message_required", f"a Compilation object is required, got {type(compilation).__name__}")
        if self._compilation is not None:
            raise _refused("responses", "compiled_once", "the round is already compiled")
        if self._closed_at is None:
            raise _refused("responses", "round_still_open", f"the round takes opinions until {self._input.closes_at:%Y-%m-%d %H:%M} UTC")
        if compilation.actor is not Actor.LEAD_MINISTRY or compilation.agency_code != self._input.lead_ministry:
            raise _refused("agency_code", "lead_ministry_only", f"the compilation is the lead ministry's ({self._input.lead_ministry})")
        answered, asked = self._answered_keys(compilation), self._comment_keys()
        if unknown := sorted(answered - asked):
            raise _refused("responses", "known_comments_only", f"no such comments: {', '.join(unknown)}")
        if missing := sorted(asked - answered):
            raise _refused("responses", "every_comment_answered", f"accept or explain every comment; missing: {', '.join(missing)}")
