"""Public consultation at national scale: the public's comments on a posted draft, straight into PostgreSQL, and the
lead ministry's answers by article (tiếp thu, giải trình). The round's workflow is never called per comment.

Nothing personal is logged or stored: a sender is known by a keyed hash of its address, which recognises a repeated
submission and nothing else; the rate limit per client address is kept in this process's memory only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi_pagination.cursor import CursorParams
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import FixedWindowRateLimiter
from pydantic import BaseModel, Field

from api import permissions
from api.deps import Authenticated, IdempotencyKey, ListPage, cursor_of, database, known_parameters, link_next, temporal
from api.examples import examples
from api.idempotency import answer_once, key_scope
from api.plumbing import Router, over, retry_after
from api.problems import from_draft, problem
from api.senders import client_address, senders_key
from schemas.messages import ROUND_ID, SUBMISSION_ID, DocumentRef, RoundId, SubmissionId
from schemas.public import (
    MAX_ARTICLE,
    ArticleGroups,
    GroupAnswer,
    GroupAnswered,
    PublicAnswerView,
    PublicComment,
    PublicCommentReceipt,
    PublicCommentRow,
)
from schemas.refusal import RefusalKind, Refused
from schemas.time import Instant
from store import public
from store.intake import CommentIntake, Incoming
from store.public import ANSWERS_PER_PAGE
from workflows import client as drafts
from workflows.admissions import admits_no_secret

router = Router(tags=["public consultation"])
# A fixed window per client: constant work per comment whatever the limit (a moving window keeps every hit).
comment_limiter = FixedWindowRateLimiter(MemoryStorage())
# An answer to a group writes every comment of it: in a round of a million, the 100,000 on the draft as a whole took 6 s
# on a 2-core machine, and over 10 s (the wait for an outage) while it was loaded by other work.
ANSWER_SECONDS = 120
COMMENT_EXAMPLE = {"article": 12, "text": "Đề nghị làm rõ thời hạn cấp giấy chứng nhận tại khoản 2 Điều 12."}


class PublicRoundListed(BaseModel):
    """A posted draft's public consultation as the list of them gives it: the window and how many comments."""

    submission_id: str
    round_id: str
    title: str
    lead_ministry: str
    opened_at: Instant = Field(description="when the round opened")
    closes_at: Instant = Field(description="midnight in Ha Noi after the window's last day")
    closed: bool
    closed_early_at: Instant | None = Field(default=None, exclude_if=lambda at: at is None,
                                            description="when it closed before its window's end (`closes_at`), its round cancelled "
                                            "with its draft (withdrawn, rejected, or ended outside its rules), as its page says; "
                                            "absent while it is open and when its window ended it")
    comments: int
    draft_ended: bool = Field(description="the draft reached a final stage (withdrawn, rejected, or promulgated before its lead "
                             "ministry answered) or its workflow ended outside its rules before its answers: none will come")
    round_ended: bool = Field(default=False, description="the draft recorded the round cancelled or lost (its workflow ended "
                              "without its result): no answer will come")
    articles: int | None = Field(default=None, exclude_if=lambda count: count is None,
                                 description="the posted draft's articles (Điều), where its posting gave them: a comment on a later one "
                                 "is refused, `article_in_draft`; absent where it did not")


class PublicRoundView(PublicRoundListed):
    """A posted draft's public consultation as anyone may read it: the window, how many comments, the documents published,
    the answers."""

    documents: list[DocumentRef] = Field(default=[], description="the documents the public reads, each where it is read (`url`): "
                                         "those of the dossier's latest version filed with one, as the round's page lists them")
    answers: list[PublicAnswerView] = Field(description="a page of the lead ministry's answers, by article, the draft as a whole first "
                                            "(at most `size`, 50 by default and at most)")
    answers_total: int = Field(description="every answer given, over all pages")
    next_page: str | None = Field(default=None, description="the cursor of the next page of answers (pass it as `cursor`; also the "
                                  "`Link` header's `next`); none on the last page")


async def sender(http: Request, browser: str | None = None) -> bytes:
    """The keyed hash of the client's address (`client_address`), and of `browser` (the page's form cookie) when given."""
    return public.sender_hash(senders_key(http.app), client_address(http), browser)


async def check_public_rate(http: Request) -> None:
    limit = getattr(http.app.state, "public_comment_limit", None)
    address = client_address(http)
    if limit is not None and not await comment_limiter.hit(limit, "public-comment", address):
        # The wait said in the text as the page's form says it (found by a public trial: the header alone gave it).
        headers = await retry_after(comment_limiter, limit, "public-comment", address)
        raise problem(Refused("request", "rate_limited", f"{over(limit, 'comment')} from one client: send again in "
                              f"{headers['Retry-After']} s", RefusalKind.BUSY), headers=headers)


async def _uncounted(http: Request) -> None:
    """Gives back the sender's comment counted by `check_public_rate` (a fixed window's counter, one less)."""
    if (limit := getattr(http.app.state, "public_comment_limit", None)) is not None:
        await comment_limiter.storage.decr(limit.key_for("public-comment", client_address(http)))


# What a comment holds that the database alone can check (the posted draft's articles): refused, it is not counted against
# its sender's rate (found by a re-check: a citizen mistyping an article ten times was locked out for the window).
_REFUSED_FOR_WHAT_IT_HOLDS = {"article_in_draft"}


async def take_comment(http: Request, submission_id: str, round_id: str, comment: PublicComment, *,
                       browser: str | None = None) -> PublicCommentReceipt:
    """What the public page's form and the JSON route share: what the comment holds, the rate, then into PostgreSQL with
    the comments arriving at the same time (one statement for them all, `store.intake`). `browser`: the page's form
    cookie, which tells apart senders at one address. A comment refused for what it holds (its text, its article) is not
    counted against the sender's rate, as none the form's own checks refuse is (found by a public consultation's trial);
    one sent to a round not open, or to none, is."""
    try:
        admits_no_secret(comment)
    except Refused as refused:
        raise from_draft(refused) from None
    await check_public_rate(http)
    who = await sender(http, browser)
    state = http.app.state
    if getattr(state, "comment_intake", None) is None:
        state.comment_intake = CommentIntake(state.pool)
    try:
        return await database(state.comment_intake.take(Incoming(submission_id, round_id, comment, public.fingerprint(submission_id, round_id, who, comment))))
    except Refused as refused:
        if refused.rule in _REFUSED_FOR_WHAT_IT_HOLDS:
            await _uncounted(http)
        raise from_draft(refused) from None


@router.post("/v1/public/consultations/{submission_id}/{round_id}/comments", operation_id="submitPublicComment",
             response_model=PublicCommentReceipt, status_code=201,
             responses={200: {"model": PublicCommentReceipt, "description": "the same comment from the same sender again: counted once"}})
async def submit_public_comment(submission_id: SubmissionId, round_id: RoundId, http: Request,
                                comment: Annotated[PublicComment, Body(openapi_examples={"article": {"value": COMMENT_EXAMPLE}})]) -> Response:
    """A comment of the public on a posted draft (no token): on the draft as a whole or on one article. Refused when the
    round is not open (`round_closed`), unknown or of a classified draft (`public_round_unknown`), or past the client's
    rate (429 with `Retry-After`). The same comment sent again answers 200 with the first one's number."""
    receipt = await take_comment(http, submission_id, round_id, comment)
    return JSONResponse(receipt.model_dump(mode="json"), status_code=200 if receipt.repeated else 201)


class AnswerPageParams(CursorParams):
    """The paging library's cursor parameters: at most 50 answers a page (each may explain itself in 20,000 characters)."""

    size: int = Query(ANSWERS_PER_PAGE, ge=1, le=ANSWERS_PER_PAGE, description="Page size")


def answers_after(params: CursorParams) -> tuple[int, int] | None:
    """The position an answers' cursor names (article, 0 for the draft as a whole, and answer number); 422 `cursor_invalid`
    for one this list did not give."""
    after = cursor_of(params, r"[0-9]{1,9}\.[0-9]{1,18}")
    if after is None:
        return None
    article, answer = after.split(".")
    return int(article), int(answer)


def answers_cursor(following: tuple[int, int] | None) -> str | None:
    return None if following is None else f"{following[0]}.{following[1]}"


@router.get("/v1/public/consultations/{submission_id}/{round_id}", operation_id="readPublicConsultation", response_model=PublicRoundView,
            dependencies=[Depends(known_parameters("cursor", "size"))])
async def read_public_consultation(submission_id: SubmissionId, round_id: RoundId, http: Request, response: Response,
                                   params: Annotated[AnswerPageParams, Depends()]) -> PublicRoundView:
    """A posted draft's consultation as the public reads it (no token): window, count, and the answers given, a page at a
    time (follow `next_page`)."""
    found = await database(public.public_round(http.app.state.pool, submission_id, round_id))
    if found is None:
        raise problem(await database(public.unknown_round(http.app.state.pool, submission_id, round_id)))
    given, following, total = await database(public.answers(http.app.state.pool, submission_id, round_id, after=answers_after(params),
                                                            size=params.size))
    next_page = params.encode_cursor(answers_cursor(following))
    link_next(http, response, next_page)
    documents = await database(public.published_documents(http.app.state.pool, submission_id, posted_at=found.opened_at))
    return PublicRoundView(**found.__dict__, documents=list(documents), answers=given, answers_total=total, next_page=next_page)


class RoundListParams(CursorParams):
    """The paging library's cursor parameter: at most 200 rounds a page."""

    size: int = Query(public.PUBLIC_LIST_PAGE, ge=1, le=public.PUBLIC_LIST_PAGE, description="Page size")


# A public list's cursor: where its last page ended (`store.public.ListedAfter`): closed or not, the instant it closed or closes, in
# microseconds since 1970 (UTC), the submission and round IDs, apart by ':', which no ID holds.
_PLACE = re.compile(rf"([01]):([0-9]{{1,17}}):({SUBMISSION_ID.strip('^$')}):({ROUND_ID.strip('^$')})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rounds_after(params: CursorParams) -> public.ListedAfter | None:
    """Where a public list's cursor says its last page ended; 422 `cursor_invalid` for one this list did not give."""
    after = cursor_of(params, _PLACE.pattern, given_in='the `cursor` of its `Link` header\'s rel="next"')  # a bare list: no `next_page`
    if after is None:
        return None
    closed, micros, submission_id, round_id = _PLACE.fullmatch(after).groups()
    return public.ListedAfter(closed == "1", _EPOCH + timedelta(microseconds=int(micros)), submission_id, round_id)


def rounds_cursor(params: CursorParams, rounds: list[public.PublicRound], more: bool) -> str | None:
    if not more or not rounds:
        return None
    last = rounds[-1]
    micros = ((last.closed_early_at or last.closes_at) - _EPOCH) // timedelta(microseconds=1)
    return params.encode_cursor(f"{int(last.closed)}:{micros}:{last.submission_id}:{last.round_id}")


@router.get("/v1/public/consultations", operation_id="listPublicConsultations", response_model=list[PublicRoundListed],
            dependencies=[Depends(known_parameters("cursor", "size"))])
async def list_public_consultations(http: Request, response: Response, params: Annotated[RoundListParams, Depends()]) -> list[PublicRoundListed]:
    """The drafts posted for the public's comments (no token), as the public list page shows them: those open for comment
    first, then the latest closed (whose answers the public reads), 200 a page, the next one in `Link: <...>; rel="next"`
    (found by a public trial: past the first 200 no round could be found); never a classified draft. Found by a public
    trial: a portal could list them only by reading the page's HTML."""
    rounds, more = await database(public.public_rounds(http.app.state.pool, after=rounds_after(params), limit=params.size))
    link_next(http, response, rounds_cursor(params, rounds, more))
    return [PublicRoundListed(**found.__dict__) for found in rounds]


NO_PUBLIC_COMMENTS = "this round takes no comments of the public"


@router.get("/v1/submissions/{submission_id}/consultations/{round_id}/articles", operation_id="readCommentGroups",
            response_model=ArticleGroups, tags=["consultation"], dependencies=[Depends(known_parameters())])
async def read_comment_groups(submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request) -> ArticleGroups:
    """The public's comments grouped by article, each group with how many still need an answer (the lead ministry's)."""
    await _lead_ministry_of(http, who, submission_id)
    grouped = await database(public.groups(http.app.state.pool, submission_id, round_id))
    if grouped is None:
        raise problem(await database(public.unknown_round(http.app.state.pool, submission_id, round_id, NO_PUBLIC_COMMENTS)))
    return grouped


class CommentPageParams(CursorParams):
    """The paging library's cursor parameters: at most 200 comments a page."""

    size: int = Query(100, ge=1, le=200, description="Page size")


@router.get("/v1/submissions/{submission_id}/consultations/{round_id}/comments", operation_id="readPublicComments",
            response_model=ListPage[PublicCommentRow], tags=["consultation"],
            dependencies=[Depends(known_parameters("cursor", "size", "article", "whole_draft"))])
async def read_public_comments(
    submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request, response: Response,
    params: Annotated[CommentPageParams, Depends()],
    article: Annotated[int | None, Query(ge=1, le=MAX_ARTICLE, description="only the comments on this article (Điều)")] = None,
    whole_draft: Annotated[bool, Query(description="only the comments on the draft as a whole")] = False,
) -> ListPage[PublicCommentRow]:
    """The public's comments with their texts, in the order the round took them, a page at a time (follow `next_page`),
    for the lead ministry to read before it answers them by article or one by one (`POST .../answers`)."""
    await _lead_ministry_of(http, who, submission_id)
    if article is not None and whole_draft:
        raise problem(Refused("whole_draft", "article_or_whole_draft", "ask for one article or for the draft as a whole, not both",
                              RefusalKind.INVALID))
    after = cursor_of(params, r"[0-9]{1,18}")  # a comment's number
    page = await database(public.comments(http.app.state.pool, submission_id, round_id, article=article, whole_draft=whole_draft,
                                          after=None if after is None else int(after), size=params.size))
    if page is None:
        raise problem(await database(public.unknown_round(http.app.state.pool, submission_id, round_id, NO_PUBLIC_COMMENTS)))
    rows, following, total = page
    listed = ListPage[PublicCommentRow].of(rows, params, following=None if following is None else str(following), total=total)
    link_next(http, response, listed.next_page)
    return listed


@router.post("/v1/submissions/{submission_id}/consultations/{round_id}/answers", operation_id="answerCommentGroup",
             response_model=GroupAnswered, tags=["consultation"])
async def answer_comment_group(submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request,
                               given: Annotated[GroupAnswer, Body(openapi_examples=examples("16-public-answer"))],
                               key: IdempotencyKey = None) -> Response:
    """Accept or explain a group of the public's comments as a whole: every comment on an article not yet answered, those
    on the draft as a whole, or one comment. Only once the window has closed and before the compilation."""
    async def run() -> Response:
        await _lead_ministry_of(http, who, submission_id)
        admits_no_secret(given)  # its official and explanation are read by the public
        if given.agency_code != who.agency_code:
            raise from_draft(permissions.forbidden("agency_code", "callers_own_agency",
                                                     f"this token acts for {who.agency_code}, not {given.agency_code}"))
        try:
            answered = await database(public.answer(http.app.state.pool, submission_id, round_id, given), seconds=ANSWER_SECONDS)
        except Refused as refused:
            raise from_draft(refused) from None
        return JSONResponse(answered.model_dump(mode="json"))

    return await answer_once(http, key_scope(who), key, run)


async def _lead_ministry_of(http: Request, who, submission_id: str) -> None:
    view = await temporal(http, drafts.status(http.app.state.client, submission_id))
    try:
        permissions.check_leads(who, view, "what the public wrote, and its answers,")
    except Refused as refused:
        raise from_draft(refused) from None

