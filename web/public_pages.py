"""The public's pages: the drafts posted for comment, and one posted draft's page with its comment form and the lead
ministry's answers. No sign-in; a classified draft is never posted (the draft refuses it) and never listed here."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from babel.dates import format_timedelta
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi_problem.error import Problem
from pydantic import ValidationError

from api.deps import database, known_form_fields, known_parameters
from api.routes.public import AnswerPageParams, RoundListParams, answers_after, answers_cursor, rounds_after, rounds_cursor, take_comment
from schemas.public import MAX_ARTICLE, MAX_PUBLIC_COMMENT, PublicComment
from schemas.text import NFD_GROWTH, PG_BIGINT_MAX, counted_length, typed_whole_number
from store import public
from store.public import ANSWERS_PER_PAGE
from web.csrf import COOKIE as FORM_COOKIE
from web.csrf import MAX_ARTICLE_TYPED
from web.refusals import PageRoute, explain, of_problem, problems_of
from web.render import language_of, noted, page

# The comment a browser sent last on a round's page, thanked for there (`received`) for this long.
RECEIVED_COOKIE = "legis_received"
RECEIVED_SECONDS = 600

router = APIRouter(include_in_schema=False, route_class=PageRoute)
# The number of the comment the form's sender is thanked for ("0001", as a link may write it, is comment 1): one that is
# no comment's number at all is refused, naming the parameter, as any parameter of a page the page cannot read (found by
# a fresh-user trial: `?received=abc` was dropped unseen).
ReceivedNumber = Annotated[int | None, Query(ge=1, le=PG_BIGINT_MAX)]


@router.get("/public", dependencies=[Depends(known_parameters("cursor", shared=True))])
async def posted_drafts(request: Request, cursor: str | None = None) -> Response:
    params = RoundListParams(cursor=cursor, size=public.PUBLIC_LIST_PAGE)
    rounds, more = await database(public.public_rounds(request.app.state.pool, after=rounds_after(params)))
    return page(request, "public_list.html", rounds=rounds, next_page=rounds_cursor(params, rounds, more), first_page=cursor is None)


async def _round_page(request: Request, submission_id: str, round_id: str, *, status_code: int = 200, problems=None,
                      received: int | None = None, text: str = "", article: str = "", cursor: str | None = None) -> Response:
    noted(request, problems or [])
    pool = request.app.state.pool
    found = await database(public.public_round(pool, submission_id, round_id))
    if found is None and request.method == "GET" and (spelled := await database(public.spelled_otherwise(pool, submission_id, round_id))):
        # An address typed in another letter case goes to the round (found by a public trial: a bare "not found", where the
        # API names the ID it meant).
        moved = request.url.replace(path=f"/public/{spelled[0]}/{spelled[1]}")
        return RedirectResponse(str(moved.path) + (f"?{moved.query}" if moved.query else ""), status_code=308)
    if found is None:
        return page(request, "missing.html", status_code=404)
    # A thank-you for a comment the round took, never for a number made up in a link, and only in the browser that sent it
    # (its cookie): the page's address, shared, thanks nobody else (found by a new user).
    sent = request.cookies.get(RECEIVED_COOKIE, "")
    again = received is not None and sent == f"{found.round_id}:{received}:again"
    taken = received is not None and (again or sent == f"{found.round_id}:{received}")
    received = received if taken and await database(public.received(pool, found.submission_id, found.round_id, received)) else None
    params = AnswerPageParams(cursor=cursor, size=ANSWERS_PER_PAGE)
    answers, following, total = await database(public.answers(pool, found.submission_id, found.round_id, after=answers_after(params)))
    documents = await database(public.published_documents(pool, found.submission_id, posted_at=found.opened_at))
    # The limit said before a citizen meets it (found by a public trial: its number came with the refusal alone).
    limit = getattr(request.app.state, "public_comment_limit", None)
    # The period as the setting gives it, in its own unit ("100 phút", not rounded to "2 giờ": found by a public trial).
    period = limit and format_timedelta(timedelta(seconds=limit.get_expiry()), threshold=limit.multiples, granularity=limit.GRANULARITY.name,
                                        locale=language_of(request))
    return page(request, "public_round.html", status_code=status_code, round=found, answers=answers, answers_total=total,
                rate_limit=(limit.amount, period) if limit else None,
                next_page=params.encode_cursor(answers_cursor(following)), first_page=cursor is not None, documents=documents,
                problems=explain(request, problems or []), received=received, again=again, text=text, article=article, max_text=MAX_PUBLIC_COMMENT, max_article=MAX_ARTICLE)


@router.get("/public/{submission_id}/{round_id}", dependencies=[Depends(known_parameters("received", "cursor", shared=True))])
async def posted_draft(request: Request, submission_id: str, round_id: str, received: ReceivedNumber = None,
                       cursor: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """A posted draft's page: its documents, the comment form while the window is open, and the lead ministry's answers,
    50 a page (`cursor`: the next page's, as the page links it)."""
    return await _round_page(request, submission_id, round_id, received=received, cursor=cursor)


@router.post("/public/{submission_id}/{round_id}", dependencies=[Depends(known_form_fields)])
async def comment(request: Request, submission_id: str, round_id: str,
                  text: Annotated[str, Form()] = "",
                  article: Annotated[str, Form(max_length=MAX_ARTICLE_TYPED)] = "") -> Response:
    """The comment form: the same checks as `POST /v1/public/consultations/.../comments`, then back to the page. A field
    left empty is the comment's to refuse, on the page, as one of only spaces is."""
    # The text comes back whole with its refusal, however long (the form parser bounds it): found by a public trial, one
    # over three times the limit came back cut to the limit, without a word, and was sent so.
    number = typed_whole_number(article) if article.strip() else None
    # Every problem of one sending said at once (found by a public trial, then a breaker: the article's after the text's).
    problems = [{"field": "article", "rule": "int_parsing", "message": "the article is a number, e.g. 12"}] if article.strip() and number is None else []
    if len(text) > MAX_PUBLIC_COMMENT * NFD_GROWTH:
        # Longer than any comment within the limit can be, however it is written: refused by the comment's own limit.
        problems.append({"field": "text", "rule": "string_too_long", "message": f"at most {MAX_PUBLIC_COMMENT} characters",
                         "ctx": {"max_length": MAX_PUBLIC_COMMENT, "length": counted_length(text)}})
    elif problems:
        try:
            PublicComment(text=text)
        except ValidationError as invalid:
            problems += problems_of(invalid.errors())
    if problems:
        return await _round_page(request, submission_id, round_id, status_code=422, text=text, article=article, problems=problems)
    try:
        receipt = await take_comment(request, submission_id, round_id, PublicComment(article=number, text=text),
                                     browser=request.cookies.get(FORM_COOKIE))
    except ValidationError as invalid:
        return await _round_page(request, submission_id, round_id, status_code=422, text=text, article=article,
                                 problems=problems_of(invalid.errors()))
    except Problem as problem:
        status, problems, headers = of_problem(problem)
        answer = await _round_page(request, submission_id, round_id, status_code=status, text=text, article=article, problems=problems)
        answer.headers.update(headers)
        return answer
    answer = RedirectResponse(f"/public/{submission_id}/{round_id}?received={receipt.comment_id}", status_code=303)
    # The same comment sent again is counted once, and its sender is told so (found by a new user: thanked as for a new one).
    again = ":again" if receipt.repeated else ""
    answer.set_cookie(RECEIVED_COOKIE, f"{round_id}:{receipt.comment_id}{again}", max_age=RECEIVED_SECONDS, path=f"/public/{submission_id}/{round_id}",
                      httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return answer
