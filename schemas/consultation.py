"""A consultation round's messages (lấy ý kiến): opinions in, a compilation out, a bounded summary back to the draft.

Comment texts and explanations travel by reference (`TextRef`, stored in PostgreSQL by the HTTP API or
the CLI before the message is sent), so that a round's updates, replies and signal stay small whatever
the consultees write.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, Field, model_validator

from schemas.enums import Actor, ConsultationKind, Response, Role
from schemas.messages import MAX_CONSULTEES, Acting, AgencyCode, ConsultationRequest, DocumentRef, Documents, Message, RoundId, TextRef
from schemas.text import Count, Official, code, invalid, name, text
from schemas.time import Day, Instant

# A round asks at most MAX_CONSULTEES bodies; what they may say in all is bounded so that the round's state stays small.
MAX_COMMENTS_PER_OPINION = 200
MAX_COMMENTS_PER_ROUND = 2000
# The answers a round hands back: each consultee's, the public's opinions (a round takes fewer than
# MAX_COMMENTS_PER_ROUND), and the public's comments kept in PostgreSQL, counted as one.
MAX_ANSWERS = MAX_CONSULTEES + MAX_COMMENTS_PER_ROUND + 1
MAX_DOCUMENTS = 20
# The documents a round keeps from all its opinions, which its result hands back to the draft in one signal: with every
# other field at its longest the result stays near 1.25 MB, under Temporal's 2 MB payload limit (found by a breaker: 160
# opinions of 20 documents made a result of 3.2 MB, which failed the round's workflow task on every attempt).
MAX_ROUND_DOCUMENTS = 500
CommentId = code(r"^[A-Za-z0-9._-]{1,40}$", "letters, digits, '.', '_' or '-', 1 to 40 characters")
# Who signed an answer; none for the public's.
Signatory = name(200, 0)
PUBLIC = "PUBLIC"
# An opinion entered afterwards, left out when none, so that the messages and results written without it stay as they were.
_RECEIVED_ON = ("when entered afterwards, the day the opinion was received (Ha Noi): not in the future, nor before the round opened, nor "
                "after its window closed; so dated, it is taken after the window has closed too, until the round is compiled")


class Comment(Message):
    comment_id: CommentId
    article: int | None = Field(default=None, ge=1, le=10_000, strict=True, description="the draft's article (Điều) it is about; none: the draft as a whole")
    text: TextRef = Field(description="the comment's text, stored beforehand")


class Opinion(Message):
    """A consultee's written opinion (ý kiến góp ý); the round's `submit_opinion` update."""

    consultee: AgencyCode = Field(description="the agency answering; PUBLIC for a comment from the public posting")
    official: Official
    comments: tuple[Comment, ...] = Field(default=(), max_length=MAX_COMMENTS_PER_OPINION, description="none: agrees with the draft")
    documents: Documents = Field(default=(), max_length=MAX_DOCUMENTS)
    occurred_on: Day | None = Field(default=None, exclude_if=lambda day: day is None, description=_RECEIVED_ON)

    @model_validator(mode="after")
    def _distinct(self) -> Opinion:
        distinct_comment_ids(self.comments)
        return self


def distinct_comment_ids(comments: tuple[Comment, ...] | tuple[CommentBody, ...]) -> None:
    ids = [c.comment_id for c in comments]
    if len(set(ids)) != len(ids):
        raise invalid("comment_id_distinct", "comment_id must be distinct", "comments")


def explained(response: Response, explanation: object) -> None:
    if response is Response.EXPLAINED and not explanation:
        raise invalid("explanation_required", "required when response is EXPLAINED", "explanation")


def answered_once(responses: tuple[CommentResponse, ...] | tuple[ResponseBody, ...]) -> None:
    """A compilation answers each comment once (accepted or explained, not both)."""
    # Counted once over the responses: a round may hold thousands of comments.
    twice = sorted(f"{c}/{i}" for (c, i), n in Counter((r.consultee, r.comment_id) for r in responses).items() if n > 1)
    if twice:
        raise invalid("answered_once", f"each comment is answered once; answered more than once: {', '.join(twice[:20])}", "responses")


def in_number_order(key: str) -> list[tuple[int, int | str]]:
    """The sort key of a `consultee/comment_id`: BCT/c2 before BCT/c10, a comment ID's numbers compared as numbers."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", key)]


class CommentResponse(Message):
    consultee: AgencyCode
    comment_id: CommentId
    response: Response
    explanation: TextRef | None = Field(default=None, description="required when the comment is EXPLAINED, not accepted")

    @model_validator(mode="after")
    def _explained(self) -> CommentResponse:
        explained(self.response, self.explanation)
        return self


class Compilation(Acting):
    """The lead ministry's compilation (bản tổng hợp, tiếp thu, giải trình): an answer to every comment."""

    responses: tuple[CommentResponse, ...] = Field(default=(), max_length=MAX_COMMENTS_PER_ROUND)
    document: DocumentRef | None = Field(default=None, description="the compilation as a COMMENTS_COMPILATION document")


class RoundMessage(Message):
    """An opinion or a compilation, as a round is asked whether it would take it (`ConsultationWorkflow.refusal`) before
    its texts are stored: the one given."""

    opinion: Opinion | None = None
    compilation: Compilation | None = None
    update_id: str | None = Field(default=None, max_length=300, description="the update's ID it would be sent under, the caller's key in it")


# What callers send over HTTP or from a file: the texts themselves, which the API or the CLI stores
# (`store.texts`) before sending the round the message with their references.
CommentText = text(100_000, 1)
Explanation = text(20_000)


class CommentBody(Message):
    comment_id: CommentId
    article: int | None = Field(default=None, ge=1, le=10_000, strict=True, description="the draft's article (Điều) it is about")
    text: CommentText = Field(description="the comment, up to 100,000 characters")


class OpinionBody(Message):
    """An opinion as a consultee's system sends it, texts included; refused by the rules of the `Opinion` it becomes."""

    consultee: AgencyCode
    official: Official
    comments: tuple[CommentBody, ...] = Field(default=(), max_length=MAX_COMMENTS_PER_OPINION)
    documents: Documents = Field(default=(), max_length=MAX_DOCUMENTS)
    occurred_on: Day | None = Field(default=None, exclude_if=lambda day: day is None, description=_RECEIVED_ON)

    @model_validator(mode="after")
    def _distinct(self) -> OpinionBody:
        distinct_comment_ids(self.comments)
        return self

    def texts(self) -> list[str]:
        return [c.text for c in self.comments]

    def by_reference(self, refs: list[TextRef]) -> Opinion:
        return Opinion(consultee=self.consultee, official=self.official, documents=self.documents, occurred_on=self.occurred_on,
                       comments=tuple(Comment(comment_id=c.comment_id, article=c.article, text=ref)
                                      for c, ref in zip(self.comments, refs, strict=True)))


class ResponseBody(Message):
    consultee: AgencyCode
    comment_id: CommentId
    response: Response
    explanation: Explanation = Field(default="", description="required when the comment is EXPLAINED, not accepted")

    @model_validator(mode="after")
    def _explained(self) -> ResponseBody:
        explained(self.response, self.explanation)
        return self


class CompilationBody(Acting):
    """A compilation as the lead ministry's system sends it, explanations included."""

    responses: tuple[ResponseBody, ...] = Field(default=(), max_length=MAX_COMMENTS_PER_ROUND)
    document: DocumentRef | None = None

    @model_validator(mode="after")
    def _answered_once(self) -> CompilationBody:
        answered_once(self.responses)
        return self

    def texts(self) -> list[str]:
        return [r.explanation for r in self.responses if r.explanation]

    def by_reference(self, refs: list[TextRef]) -> Compilation:
        explained = iter(refs)
        return Compilation(
            actor=self.actor, agency_code=self.agency_code, role=self.role, official=self.official, document=self.document,
            responses=tuple(CommentResponse(consultee=r.consultee, comment_id=r.comment_id, response=r.response,
                                            explanation=next(explained) if r.explanation else None) for r in self.responses),
        )


class OpinionRecord(Message):
    """What a round records of an opinion it took: its comments, by reference (`record_opinion_comments`)."""

    submission_id: str
    round_id: RoundId
    at: Instant
    first: int = Field(default=1, ge=1, description="the round's number for the opinion's first comment: the order it took them in")
    opinion: Opinion


class CompilationRecord(Message):
    """What a round records of its compilation: the answer to each comment (`record_compilation_answers`)."""

    submission_id: str
    round_id: RoundId
    at: Instant
    compilation: Compilation


class RoundComment(Message):
    """One comment of a consultee's opinion, its text read back, and the lead ministry's answer once compiled."""

    position: int = Field(description="its place in the order the round took the comments (1, 2, ...); `after` of the next page")
    consultee: str = Field(description="the agency that answered, e.g. BTC")
    official: str = Field(description="who signed the opinion")
    comment_id: str = Field(description="the comment's ID in its opinion")
    article: int | None = Field(description="the draft's article (Điều) it is about; none: the draft as a whole")
    text: str | None = Field(description="the comment; none where its text was never stored (`text_sha256` names it)")
    text_sha256: str = Field(description="the SHA-256 of the comment's text (UTF-8), by which it is stored")
    received_at: Instant = Field(description="when the round took the opinion")
    response: Response | None = Field(description="ACCEPTED (tiếp thu) or EXPLAINED (giải trình); none until compiled")
    explanation: str | None = Field(description="the lead ministry's explanation of a comment not accepted; none where it was never "
                                    "stored (`explanation_sha256` names it)")
    explanation_sha256: str | None = Field(default=None, description="the SHA-256 of the explanation's text, by which it is stored")
    answered_at: Instant | None = Field(description="when the round took the compilation; none until compiled")


class RoundCommentsPage(Message):
    """A round's comments, in the order it took them, a page at a time."""

    submission_id: str = Field(description="the draft's submission ID")
    round_id: str = Field(description="the round's ID")
    comments: tuple[RoundComment, ...] = Field(description="at most 50, and about 1 MB of texts")
    next_after: int | None = Field(default=None, exclude_if=lambda after: after is None,
                                   description="more comments follow: pass this as `after` for the next page (also the `Link` "
                                   "header's `next`); absent on the last page")


class ConsultationInput(Message):
    """Input of a consultation round's child workflow."""

    submission_id: str
    parent_workflow_id: str
    request: ConsultationRequest
    lead_ministry: str
    closes_at: datetime = Field(description="when silence is recorded: midnight in Ha Noi after the window's last day")
    # A classified draft's round names a refusal's field and rule only (`workflows.codec.refusal`); left out when false, so
    # that a worker of the release before reads the rounds it can (found by a breaker: who was asked, who answered and the
    # window, in clear to any Temporal client).
    classified: bool = Field(default=False, exclude_if=lambda classified: not classified)


class RoundWindow(Message):
    """A round's window moved with the session it counts back from (the draft tells its round; sixteenth generation)."""

    # With its zone: a time without one (any client may send the signal) is not taken, as it could not be compared.
    closes_at: AwareDatetime = Field(description="when silence is recorded now: midnight in Ha Noi after the window's last day")


class Answer(Message):
    """One consultee's answer as the round keeps it: who, when, how many comments, which."""

    consultee: AgencyCode
    official: Signatory = ""
    at: Instant
    comment_ids: tuple[CommentId, ...] = Field(default=(), max_length=MAX_COMMENTS_PER_OPINION)
    documents: Documents = Field(default=(), max_length=MAX_DOCUMENTS)
    comments: Count | None = Field(default=None, description="how many comments, where their IDs are not listed: the public's comments "
                                   "kept in PostgreSQL, and every answer in a round's view (bounded whatever the round's size)")
    occurred_on: Day | None = Field(default=None, exclude_if=lambda day: day is None, description="the day it was received, when entered afterwards")

    @property
    def comment_count(self) -> int:
        return len(self.comment_ids) if self.comments is None else self.comments


class OpinionReceipt(Message):
    """The reply to an opinion: taken, and how the round stands; never the other consultees' opinions."""

    round_id: str
    consultee: str
    comments: int
    awaiting: int = Field(description="consultees that have not answered yet")
    closes_at: Instant = Field(description="the end of the round's window")
    closing: bool = Field(default=False, description="this was the last awaited answer: the round closes now, before its window ends")


class ConsultationView(Message):
    round_id: str
    kind: ConsultationKind
    closes_at: Instant
    closed: bool
    awaiting: tuple[str, ...] = Field(description="consultees that have not answered")
    answers: tuple[Answer, ...]
    silent: tuple[str, ...]
    comments: int = Field(description="comments received in all")
    unanswered_comments: tuple[str, ...] = Field(description="consultee/comment IDs the compilation must still answer")
    compiled: bool
    public_comments_in_postgresql: bool = Field(
        default=False, description="the public's comments go to the draft's public page and are answered by article there; "
        "`comments` counts them (the round's own query once it has closed; the API and `legis consult show` at any time)")
    public_unanswered: int | None = Field(default=None, exclude_if=lambda count: count is None,
                                          description="a public posting's comments of the public with no answer yet (the lead "
                                          "ministry answers them by article before the compilation); absent for other rounds")
    # Told by Temporal, not by the round (whose query answers as it stood when it ended); left out while it runs.
    ended: str | None = Field(default=None, exclude_if=lambda ended: ended is None,
                              description="how the round's workflow, or its draft's, ended outside its own rules: CANCELED when its "
                              "draft was withdrawn, TERMINATED by hand; the round is closed, with no compilation to come. Absent while "
                              "both run")


class CompilationSummary(Message):
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: Official
    accepted: Count = Field(description="comments accepted, the public's kept in PostgreSQL included")
    explained: Count
    document: DocumentRef | None = None


class ConsultationResult(Message):
    """What a finished round hands back to its draft: who answered, who was silent, how the comments were answered.

    The draft takes it by signal, which any client can send: every field is bounded as the round bounds what it takes,
    so that a crafted result is refused (the signal dropped) instead of growing the draft's state and audit trail."""

    round_id: RoundId
    kind: ConsultationKind
    opened_at: datetime
    closed_at: datetime
    answers: tuple[Answer, ...] = Field(max_length=MAX_ANSWERS)
    silent: tuple[AgencyCode, ...] = Field(max_length=MAX_CONSULTEES)
    compilation: CompilationSummary
    compiled_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _from_first_edition(cls, data: Any) -> Any:
        """Rounds started before texts went by reference handed back every opinion and response whole."""
        if not isinstance(data, dict) or "opinions" not in data:
            return data
        data = dict(data)
        data["answers"] = [
            {"consultee": o["opinion"]["consultee"], "official": o["opinion"].get("official", ""), "at": o["at"],
             "comment_ids": [c["comment_id"] for c in o["opinion"].get("comments", ())], "documents": o["opinion"].get("documents", ())}
            for o in data.pop("opinions")
        ]
        compiled = dict(data["compilation"])
        responses = compiled.pop("responses", ())
        accepted = sum(r.get("response") == Response.ACCEPTED.value for r in responses)
        data["compilation"] = {**compiled, "accepted": accepted, "explained": len(responses) - accepted}
        return data

    @model_validator(mode="after")
    def _bounded(self) -> ConsultationResult:
        if sum(len(a.comment_ids) for a in self.answers) > MAX_COMMENTS_PER_ROUND:
            raise invalid("round_bound", f"a round takes at most {MAX_COMMENTS_PER_ROUND} comments in all", "answers")
        return self

