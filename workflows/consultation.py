"""One consultation round (lấy ý kiến), a child of its draft's workflow.

The round asks many consultees at once. Each opinion arrives as an update. When every consultee
has answered, or the window closes, the round stops taking opinions and records the silent ones;
then the lead ministry compiles the comments, accepting or explaining each (bản tổng hợp, tiếp
thu, giải trình). The round hands a summary to the draft by a signal to the draft's workflow ID,
which reaches the draft's current run even after it continued as new.

Texts travel by reference and the round keeps comment IDs only, within `MAX_COMMENTS_PER_ROUND`:
its state, its replies and its signal stay small whatever the consultees write.

A PUBLIC_POSTING round opened since `PUBLIC_IN_POSTGRESQL` takes no opinion of the public as an update: the public's
comments go through the HTTP API into PostgreSQL (`store.public`), and the round learns aggregates by activities: it
registers itself when it opens, reads the totals when its window closes, and the answers' tally once compiled. Its
history has the same events with ten comments as with a million.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from schemas.consultation import (
        PUBLIC,
        Answer,
        Compilation,
        CompilationRecord,
        CompilationSummary,
        ConsultationInput,
        ConsultationResult,
        ConsultationView,
        Opinion,
        OpinionReceipt,
        OpinionRecord,
        RoundMessage,
        RoundWindow,
        in_number_order,
    )
    from schemas.enums import ConsultationKind, Response
    from schemas.messages import AgencyRemap
    from schemas.public import PublicRoundInput, PublicTally, PublicTotals
    from schemas.refusal import Refused
    from schemas.state import ROUND_LEADS
    from workflows.admissions import admits_no_secret, admits_texts_showing_something
    from workflows.codec import answered
    from workflows.round_requests import RoundRequests
    from workflows.round_rules import RoundRules

T = TypeVar("T")
WORKFLOW_TYPE = "ConsultationWorkflow"
RESULT_SIGNAL = "consultation_finished"
# From its draft: the lead ministry's code replaced (ministries merged), so that the round takes the compilation from the new one.
REMAP_SIGNAL = "lead_ministry_remapped"
WINDOW_MOVED_SIGNAL = "window_moved"
PUBLIC_IN_POSTGRESQL = "public-comments-in-postgresql"
# A public round cancelled while open closes its public registration (rounds cancelled before the patch left it open).
PUBLIC_CLOSED_ON_CANCEL = "public-round-closed-on-cancel"
# A public posting stays open to the public for its whole window: before, its consultees' answers closed it at once.
PUBLIC_WINDOW_WHOLE = "public-posting-open-its-whole-window"
# The comments of each opinion taken, and the compilation's answers, recorded in PostgreSQL for reading back (before, the
# texts were stored but nothing named the comments they belonged to): the update answers once they are recorded.
COMMENTS_RECORDED = "opinion-comments-recorded"
# A round whose draft has ended by hand ends with its result when it cannot tell it, instead of failing.
RESULT_TO_NO_DRAFT = "round-result-to-no-draft"
_DATABASE_TIMEOUT = timedelta(seconds=60)
# A database outage delays the round's close or compilation, never loses it.
_DATABASE_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=60))


@workflow.defn(name=WORKFLOW_TYPE, failure_exception_types=[ValidationError])
class ConsultationWorkflow(RoundRules):
    @workflow.init
    def __init__(self, input: ConsultationInput) -> None:
        self._input = input
        # The lead ministry's codes the round has been told, the latest last: a remap signal is any client's to send, so a
        # code told before still compiles, and the draft takes a compilation only from a code its lead ministry has had.
        self._leads = [input.lead_ministry]
        self._opened_at = workflow.now()
        # When the window ends: as opened, or as the draft told it since (a session it counts back from moved).
        self._closes_at = input.closes_at
        self._answers: dict[str, Answer] = {}
        self._requests = RoundRequests()
        self._public: list[Answer] = []
        self._comments = 0
        self._closed_at: datetime | None = None
        self._silent: tuple[str, ...] = ()
        self._compilation: CompilationSummary | None = None
        self._compiled_at: datetime | None = None
        # Rounds of this kind opened before the patch keep the public's comments in their state, as they always did.
        self._in_postgresql = input.request.kind is ConsultationKind.PUBLIC_POSTING and workflow.patched(PUBLIC_IN_POSTGRESQL)
        self._public_totals: PublicTotals | None = None
        self._early_close = input.request.kind is not ConsultationKind.PUBLIC_POSTING or not workflow.patched(PUBLIC_WINDOW_WHOLE)
        # The first positions of the opinions whose comments are being recorded: the compilation's answers are recorded once
        # they are (`compile`), and a reader's page ends before them (`recorded_through`).
        self._recording: list[int] = []

    @workflow.run
    async def run(self, input: ConsultationInput) -> ConsultationResult:
        if self._in_postgresql:
            await self._database("register_public_round", None, f"round {input.request.round_id} opens to the public")
        try:
            await self._window()
        except asyncio.CancelledError:
            # An opinion taken while its comments are recorded gets its receipt before the round ends (found by a breaker:
            # "workflow completed before the update completed"); a handler that awaits nothing has finished already.
            await workflow.wait_condition(workflow.all_handlers_finished)
            # Cancelled while open (its draft withdrawn or closed): the public's page and comments close with it.
            if self._in_postgresql and workflow.patched(PUBLIC_CLOSED_ON_CANCEL):
                await self._database("close_public_round", PublicTotals, f"round {input.request.round_id} closes: cancelled")
            raise
        closed_at = workflow.now()
        if self._in_postgresql:
            self._public_totals = await self._database("close_public_round", PublicTotals, f"round {input.request.round_id} closes")
            self._comments += self._public_totals.comments
        self._closed_at = closed_at
        self._silent = self._awaiting()
        await workflow.wait_condition(lambda: self._compilation is not None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        assert self._compilation is not None and self._compiled_at is not None
        answers = self._received()
        if self._public_totals is not None:
            # The public's answers are counted in PostgreSQL, where the lead ministry gave them (the API let it compile
            # only once none was left unanswered).
            tally = await self._database("tally_public_answers", PublicTally, f"round {input.request.round_id} answers counted")
            self._compilation = self._compilation.model_copy(update={
                "accepted": self._compilation.accepted + tally.accepted, "explained": self._compilation.explained + tally.explained})
            if self._public_totals.comments:
                answers = (*answers, Answer(consultee=PUBLIC, at=closed_at, comments=self._public_totals.comments))
        result = ConsultationResult(
            round_id=input.request.round_id, kind=input.request.kind, opened_at=self._opened_at, closed_at=self._closed_at,
            answers=answers, silent=self._silent, compilation=self._compilation, compiled_at=self._compiled_at,
        )
        try:
            await workflow.get_external_workflow_handle(input.parent_workflow_id).signal(RESULT_SIGNAL, result)
        except ApplicationError as gone:
            # Its draft's workflow ended by hand before the compilation came: the round ends with its result, which no draft
            # records, where it failed (found by a breaker); a round that failed so before the patch replays as it ran.
            if not workflow.patched(RESULT_TO_NO_DRAFT):
                raise
            workflow.logger.warning("round's result told to no draft: its draft's workflow has ended", extra={"reason": str(gone)})
        return result

    async def _window(self) -> None:
        """Until every consultee has answered, or the window ends; a window the draft moves is waited for again, from its
        new end (a history without such a move waits as it always did: one timer, the same condition)."""
        waiting_until = self._closes_at
        while True:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda until=waiting_until: self._all_answered() or self._closes_at != until,
                                              timeout=waiting_until - workflow.now(), timeout_summary=f"round {self._input.request.round_id} closes")
            if self._closes_at == waiting_until or self._all_answered() or self._closes_at <= workflow.now():
                return
            waiting_until = self._closes_at

    async def _database(self, activity: str, result_type: type | None, summary: str):
        request = self._input.request
        return await workflow.execute_activity(
            activity, PublicRoundInput(submission_id=self._input.submission_id, round_id=request.round_id,
                                       lead_ministry=self._input.lead_ministry, opened_at=self._opened_at, closes_at=self._closes_at,
                                       articles=request.articles),
            result_type=result_type, start_to_close_timeout=_DATABASE_TIMEOUT, retry_policy=_DATABASE_RETRY, summary=summary)

    @workflow.signal(name=REMAP_SIGNAL)
    def lead_ministry_remapped(self, remap: AgencyRemap) -> None:
        self._leads = [*(code for code in self._leads if code != remap.new_code), remap.new_code][-ROUND_LEADS:]

    @workflow.signal(name=WINDOW_MOVED_SIGNAL)
    def window_moved(self, window: RoundWindow) -> None:
        """The draft tells its round the session its window counts back from moved (`rounds.follow_sessions`). Taken by
        the delegations' round alone, the one window counted back from a session (any client may send the signal: a
        written opinions' round stretched to 2031 by one, found by a breaker), while it is open. An end before the round
        opened closes it now: the draft's "now" may come before the round's first task (a re-check)."""
        if self._input.request.kind is ConsultationKind.NA_DELEGATIONS and self._closed_at is None:
            self._closes_at = max(window.closes_at, self._opened_at)

    @workflow.query
    def lead_codes(self) -> tuple[str, ...]:
        """The lead ministry's codes the round takes its compilation from, the newest last: the code it opened with, and
        each it was told of since (a round of a draft before the tenth generation is told of none)."""
        return tuple(self._leads)

    @workflow.update
    async def submit_opinion(self, opinion: Opinion) -> OpinionReceipt:
        self._answered(lambda: self._check_opinion(opinion))
        self._requests.remember(_update_id())
        answer = Answer(consultee=opinion.consultee, official=opinion.official, at=workflow.now(),
                        comment_ids=tuple(c.comment_id for c in opinion.comments), documents=opinion.documents, occurred_on=opinion.occurred_on)
        if opinion.consultee == PUBLIC:
            self._public.append(answer)
        else:
            self._answers[opinion.consultee] = answer
            self._silent = tuple(c for c in self._silent if c != opinion.consultee)  # received in time, entered after the close
        taken_before, self._comments = self._comments, self._comments + len(answer.comment_ids)
        # As the round stood when it took the opinion, whatever arrives while its comments are recorded.
        receipt = OpinionReceipt(round_id=self._input.request.round_id, consultee=opinion.consultee, comments=len(answer.comment_ids),
                                 awaiting=len(self._awaiting()), closes_at=self._closes_at, closing=self._closed_at is None and self._all_answered())
        if opinion.comments and workflow.patched(COMMENTS_RECORDED):
            record = OpinionRecord(submission_id=self._input.submission_id, round_id=self._input.request.round_id, at=answer.at,
                                   first=taken_before + 1, opinion=opinion)
            self._recording.append(record.first)
            try:
                await self._record("record_opinion_comments", record, f"{opinion.consultee}'s {len(opinion.comments)} comments recorded")
            finally:
                self._recording.remove(record.first)
        return receipt

    @submit_opinion.validator
    def validate_submit_opinion(self, opinion: Opinion) -> None:
        # New input only, as every rule a validator alone asks; its update ID too (a raw Temporal client's, which the
        # round's history would keep).
        self._answered(lambda: admits_no_secret(opinion, _update_id()))
        self._answered(lambda: admits_texts_showing_something(opinion))
        self._answered(lambda: self._requests.check(_update_id()))
        self._answered(lambda: self._admits_opinion(opinion))

    @workflow.query
    def refusal(self, message: RoundMessage) -> dict[str, str] | None:
        """How the round's validator would refuse the message now (its details, with its sentence), or None: asked before
        its caller stores its texts (found by a breaker: refused opinions' texts were kept, megabytes at a time)."""
        try:
            self._requests.check(message.update_id)  # first, as the validator asks it
            self._admits_opinion(message.opinion, queried=True) if message.opinion else self._admits_compilation(message.compilation)
        except Refused as refused:
            return refused.sealed_details()
        return None

    @workflow.update
    async def compile(self, compilation: Compilation) -> ConsultationView:
        self._answered(lambda: self._check_compilation(compilation))
        self._requests.remember(_update_id())
        accepted = sum(r.response is Response.ACCEPTED for r in compilation.responses)
        self._compilation = CompilationSummary(
            actor=compilation.actor, agency_code=compilation.agency_code, role=compilation.role, official=compilation.official,
            accepted=accepted, explained=len(compilation.responses) - accepted, document=compilation.document,
        )
        self._compiled_at = workflow.now()
        if compilation.responses and workflow.patched(COMMENTS_RECORDED):
            # After the comments it answers (the last opinion closes the round before its comments are recorded).
            await workflow.wait_condition(lambda: not self._recording)
            record = CompilationRecord(submission_id=self._input.submission_id, round_id=self._input.request.round_id,
                                       at=self._compiled_at, compilation=compilation)
            await self._record("record_compilation_answers", record, f"answers to {len(compilation.responses)} comments recorded")
        return self.view()

    async def _record(self, activity: str, record: OpinionRecord | CompilationRecord, summary: str) -> None:
        await workflow.execute_activity(activity, record, start_to_close_timeout=_DATABASE_TIMEOUT, retry_policy=_DATABASE_RETRY,
                                        summary=summary)

    @compile.validator
    def validate_compile(self, compilation: Compilation) -> None:
        self._answered(lambda: admits_no_secret(compilation, _update_id()))
        self._answered(lambda: admits_texts_showing_something(compilation))
        self._answered(lambda: self._requests.check(_update_id()))
        self._answered(lambda: self._admits_compilation(compilation))

    @workflow.query
    def recorded_through(self) -> int:
        """The position up to which every comment the round took is recorded (`round_comments`): a reader paging by position
        reads no further, so that a comment recorded late is not passed over."""
        return min(self._recording) - 1 if self._recording else self._comments

    @workflow.query
    def view(self) -> ConsultationView:
        return ConsultationView(
            round_id=self._input.request.round_id,
            kind=self._input.request.kind,
            closes_at=self._closes_at,
            closed=self._closed_at is not None,
            awaiting=() if self._closed_at is not None else self._awaiting(),
            # Bounded whatever the round's size: each answer's comments by their number, its documents in the result.
            answers=tuple(a.model_copy(update={"comment_ids": (), "documents": (), "comments": a.comment_count}) for a in self._received()),
            silent=self._silent,
            comments=self._comments,
            unanswered_comments=() if self._compilation else tuple(sorted(self._comment_keys(), key=in_number_order)),
            compiled=self._compilation is not None,
            public_comments_in_postgresql=self._in_postgresql,
        )

    def _answered(self, core: Callable[[], T]) -> T:
        """The round's rules' answer to a message (`answered`): a classified draft's round names a refusal's field and rule only."""
        return answered(core, classified=self._input.classified)

    def _all_answered(self) -> bool:
        """Whether the round closes before its window ends: every consultee asked has answered (a public posting stays
        open to the public until its window ends)."""
        return self._early_close and bool(self._input.request.consultees) and not self._awaiting()



def _update_id() -> str | None:
    """The update's ID (the API's is the caller's `Idempotency-Key`), or None outside an update."""
    return info.id if (info := workflow.current_update_info()) else None
