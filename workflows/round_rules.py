"""A consultation round's rules for the messages it takes, an opinion and the compilation: asked by its updates'
validators and handlers, and by its `refusal` query, which answers a caller before the message's texts are stored.
Mixed into `ConsultationWorkflow`, whose state they read."""

from __future__ import annotations

from datetime import date, datetime

from pydantic_core import PydanticCustomError
from temporalio import workflow

from schemas.consultation import (
    MAX_COMMENTS_PER_ROUND,
    PUBLIC,
    Answer,
    Compilation,
    CompilationSummary,
    ConsultationInput,
    Opinion,
    answered_once,
    in_number_order,
)
from schemas.enums import Actor, ConsultationKind
from schemas.refusal import RefusalKind, Refused
from schemas.time import in_hanoi
from workflows.admissions import admits_public_comment_ids, admits_round_documents
from workflows.deadlines import local_day
from workflows.rules import INVALID, require
from workflows.sessions import last_day_of


class RoundRules:
    """What a round holds that its rules read (`ConsultationWorkflow` sets each)."""

    _input: ConsultationInput
    _leads: list[str]
    _opened_at: datetime
    _closes_at: datetime
    _closed_at: datetime | None
    _answers: dict[str, Answer]
    _public: list[Answer]
    _comments: int
    _compilation: CompilationSummary | None
    _silent: tuple[str, ...]
    _in_postgresql: bool

    def _admits_opinion(self, opinion: Opinion, *, queried: bool = False) -> None:
        self._check_opinion(opinion, queried=queried)
        admits_round_documents(sum(len(a.documents) for a in (*self._answers.values(), *self._public)), opinion)
        admits_public_comment_ids(self._public, opinion)

    def _admits_compilation(self, compilation: Compilation) -> None:
        self._check_compilation(compilation)
        # Here alone, not in the handler: validators do not run on replay, where a history from before the rule replays.
        try:
            answered_once(compilation.responses)
        except PydanticCustomError as twice:
            raise Refused("responses", twice.type, twice.message(), RefusalKind.INVALID) from None

    def _awaiting(self) -> tuple[str, ...]:
        return tuple(c for c in self._input.request.consultees if c not in self._answers)

    def _received(self) -> tuple[Answer, ...]:
        return tuple(sorted([*self._answers.values(), *self._public], key=lambda a: a.at))

    def _comment_keys(self) -> set[str]:
        return {f"{a.consultee}/{c}" for a in self._received() for c in a.comment_ids}

    def _check_opinion(self, opinion: Opinion, *, queried: bool = False) -> None:
        """`queried`: asked by the `refusal` query, whose clock is the round's last task's, days ago for a round left idle: a
        day received is not checked against it (found by a breaker: an opinion dated today refused as in the future); the
        update's validator checks it."""
        require(opinion, Opinion)
        round_id = self._input.request.round_id
        if self._closed_at is not None and (opinion.occurred_on is None or self._compilation is not None):
            # The way to enter it afterwards, said to who may still answer (found by a trial: said to one that had answered).
            awaited = opinion.consultee in self._silent
            later = ": an opinion received while it was open is entered with that day (occurred_on) until it is compiled" if (
                awaited and self._compilation is None) else ""
            raise Refused("consultee", "round_closed", f"round {round_id} closed on {in_hanoi(self._closed_at).date()} (Ha Noi){later}", RefusalKind.CLOSED)
        check_received_on(opinion.occurred_on, self._opened_at, self._closes_at, None if queried else workflow.now())
        if self._comments + len(opinion.comments) > MAX_COMMENTS_PER_ROUND or len(self._public) >= MAX_COMMENTS_PER_ROUND:
            raise Refused("comments", "round_bound", f"a round takes at most {MAX_COMMENTS_PER_ROUND} comments in all")
        if self._in_postgresql and opinion.consultee == PUBLIC:
            raise Refused("consultee", "public_comments_through_public_page",
                          "the public comments on the draft's public page (POST /v1/public/consultations/...), not as an opinion",
                          RefusalKind.CONFLICT)
        if self._input.request.kind is ConsultationKind.PUBLIC_POSTING and opinion.consultee == PUBLIC:
            if any(a.consultee == PUBLIC and set(a.comment_ids) & {c.comment_id for c in opinion.comments} for a in self._public):
                raise Refused("comments", "comment_id_distinct", "a comment ID of the public is used once per round", RefusalKind.INVALID)
            return
        if opinion.consultee not in self._input.request.consultees:
            raise Refused("consultee", "asked_only", f"{opinion.consultee} was not asked in round {round_id}", RefusalKind.FORBIDDEN)
        if opinion.consultee in self._answers:
            raise Refused("consultee", "answered_once", f"{opinion.consultee} has already answered")

    def _check_compilation(self, compilation: Compilation) -> None:
        require(compilation, Compilation)
        if self._compilation is not None:
            raise Refused("responses", "compiled_once", "the round is already compiled", RefusalKind.CLOSED)
        if self._closed_at is None:
            # Its last day, as every other view says a window's end (found by a public consultation's trial: the midnight
            # that ends it read as one more day).
            taken = "comments of the public" if self._input.request.kind is ConsultationKind.PUBLIC_POSTING else "opinions"
            raise Refused("responses", "round_still_open", f"the round takes {taken} until the end of {last_day_of(self._closes_at)} (Ha Noi)")
        if compilation.actor is not Actor.LEAD_MINISTRY or compilation.agency_code not in self._leads:
            raise Refused("agency_code", "lead_ministry_only", f"the compilation is the lead ministry's, sent under its code now "
                          f"({self._leads[-1]}; after a remap, with a token of that code)",
                          RefusalKind.FORBIDDEN)
        answered = {f"{r.consultee}/{r.comment_id}" for r in compilation.responses}
        asked = self._comment_keys()
        if unknown := sorted(answered - asked, key=in_number_order):
            raise Refused("responses", "known_comments_only", f"no such comments: {', '.join(unknown[:20])}", RefusalKind.INVALID)
        if missing := sorted(asked - answered, key=in_number_order):
            raise Refused("responses", "every_comment_answered",
                          f"accept or explain every comment; missing {len(missing)}: {', '.join(missing[:20])}", RefusalKind.INVALID)


def check_received_on(day: date | None, opened_at: datetime, closes_at: datetime, now: datetime | None) -> None:
    """An opinion entered afterwards was received while its round was open: not in the future, not before the round
    opened, not after its window's last day (nor, with `now`, after today). Days in Ha Noi. Raises Refused `occurred_on` (INVALID): `not_in_future`,
    `not_before_round`, `within_window`."""
    if day is None:
        return
    if now is not None and day > local_day(now):
        raise Refused("occurred_on", "not_in_future", f"{day} is after today ({local_day(now)}, Ha Noi)", INVALID)
    if day < local_day(opened_at):
        raise Refused("occurred_on", "not_before_round", f"{day} is before the round opened ({local_day(opened_at)}, Ha Noi)", INVALID)
    if day > (last := last_day_of(closes_at)):
        raise Refused("occurred_on", "within_window", f"{day} is after the round's window closed ({last}, Ha Noi): an opinion "
                      "received later is not taken", INVALID)
