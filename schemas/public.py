"""Public consultation at national scale (lấy ý kiến nhân dân): what the public sends, what the lead ministry answers,
and the aggregates a PUBLIC_POSTING round's workflow learns.

A public round's comments go through the HTTP API straight into PostgreSQL (`store.public`), never through the round's
workflow: its history stays the same size with ten comments as with a million. The workflow registers the round when it
opens, reads totals when it closes and the answers' tally when the lead ministry compiles (`activities.public`).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from schemas.enums import Response
from schemas.messages import MAX_ARTICLE, AgencyCode, Message, RoundId, SubmissionId
from schemas.text import PG_BIGINT_MAX, Count, Official, invalid, text
from schemas.time import Instant

# What one person may write in one comment, in characters (NFC): a long page of text.
MAX_PUBLIC_COMMENT = 5_000
MAX_EXPLANATION = 20_000
PublicText = text(MAX_PUBLIC_COMMENT, 1, visible=True)  # kept in PostgreSQL, never in a workflow's history


class PublicComment(Message):
    """A comment of the public on a posted draft: on the draft as a whole (no article) or on one numbered article (Điều)."""

    article: int | None = Field(default=None, ge=1, le=MAX_ARTICLE, strict=True,
                                description=f"the draft's article (Điều) it is about, 1 to {MAX_ARTICLE:,}, and to the posted draft's "
                                "own count where its posting gave it (`ConsultationRequest.articles`); none: the draft as a whole")
    text: PublicText = Field(description=f"the comment, 1 to {MAX_PUBLIC_COMMENT:,} characters")

    @model_validator(mode="after")
    def _not_empty(self) -> PublicComment:
        if not self.text.strip():
            raise invalid("not_blank", "must not be only spaces", "text")
        return self


class PublicCommentReceipt(Message):
    """The answer to a comment: its number, and whether it was a repeat of one already received (counted once)."""

    comment_id: int = Field(description="the comment's number")
    repeated: bool = Field(description="true when the same sender had sent the same comment already: it is counted once")
    received_at: Instant = Field(description="when it was first received")


class PublicRoundInput(Message):
    """Activity input: a PUBLIC_POSTING round opens (or closes, or is compiled)."""

    submission_id: SubmissionId
    round_id: RoundId
    lead_ministry: AgencyCode
    opened_at: datetime
    closes_at: datetime = Field(description="midnight in Ha Noi after the window's last day")
    articles: int | None = Field(default=None, exclude_if=lambda count: count is None, description="the posted draft's articles, "
                                 "where its posting gave them")


class PublicTotals(Message):
    """What a round's workflow learns when the public round closes: how many comments, on how many articles."""

    comments: Count
    articles: Count = Field(description="distinct articles commented on (the draft as a whole not counted)")
    whole_draft: Count = Field(description="comments on the draft as a whole")


class PublicTally(Message):
    """How the lead ministry answered the public's comments, counted when it compiles the round."""

    accepted: Count
    explained: Count
    unanswered: Count


class ArticleGroup(Message):
    """The comments on one article (or on the draft as a whole) as the compilation sees them."""

    article: int | None = Field(description="the article (Điều); none: the draft as a whole")
    comments: Count = Field(description="comments on it in all")
    unanswered: Count = Field(description="comments on it still without an answer")


class ArticleGroups(Message):
    submission_id: str = Field(description="the draft's submission ID")
    round_id: str = Field(description="the public round")
    closed: bool = Field(description="the window has closed: the groups no longer grow")
    groups: tuple[ArticleGroup, ...] = Field(max_length=MAX_ARTICLE + 1, description="one per article commented on, in article order")


class PublicCommentRow(Message):
    """One comment of the public as the lead ministry reads it to answer it (`GET .../comments`)."""

    comment_id: int = Field(description="its number, as its sender was told; a comment may be answered alone by it")
    article: int | None = Field(description="the article (Điều) it is on; none: the draft as a whole")
    text: str = Field(max_length=MAX_PUBLIC_COMMENT, description="what its sender wrote, as it was taken (NFC)")
    received_at: Instant = Field(description="when the round took it")
    answered: bool = Field(description="it has an answer (accepted or explained, alone or with its group)")


class GroupAnswer(Message):
    """The lead ministry's answer to every comment on one article not yet answered (or to one comment): tiếp thu or
    giải trình, with the reason when it explains."""

    agency_code: AgencyCode = Field(description="the lead ministry answering")
    official: Official
    article: int | None = Field(default=None, ge=1, le=MAX_ARTICLE, strict=True, description="the group: this article's comments")
    whole_draft: bool = Field(default=False, description="the group of comments on the draft as a whole")
    comment_id: int | None = Field(default=None, ge=1, le=PG_BIGINT_MAX, strict=True, description="or one comment alone")
    response: Response
    # Read by the public, and in no draft's history: text that shows something (found by a public trial: a zero-width
    # space was published as the reason).
    explanation: text(MAX_EXPLANATION, visible=True) = Field(default="", description="required when the comments are EXPLAINED, not accepted")

    @model_validator(mode="after")
    def _one_target(self) -> GroupAnswer:
        chosen = (self.article is not None) + self.whole_draft + (self.comment_id is not None)
        if chosen != 1:
            raise invalid("one_group", "name exactly one of article, whole_draft or comment_id", "article")
        if self.response is Response.EXPLAINED and not self.explanation.strip():
            raise invalid("explanation_required", "required when response is EXPLAINED", "explanation")
        return self


class GroupAnswered(Message):
    answer_id: int = Field(description="the answer's number")
    answered: Count = Field(description="comments this answer covered (those already answered are left as they were)")
    unanswered: Count = Field(description="comments of the round still without an answer")


class PublicAnswerView(Message):
    """An answer as the public reads it."""

    article: int | None = Field(description="the article answered; none: the draft as a whole")
    response: Response = Field(description="ACCEPTED (tiếp thu) or EXPLAINED (giải trình)")
    explanation: str = Field(description="why a comment was not taken, for EXPLAINED")
    comments: Count = Field(description="comments this answer covers")
    comment_id: int | None = Field(default=None, description="the reference number (mã số) of the comment answered, where the answer "
                                   "covers one comment alone, so that its sender finds it; none for a group")
    answered_at: Instant = Field(description="when the lead ministry answered")
