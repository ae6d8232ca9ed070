"""Signing in to the board with an API token, kept in an HttpOnly, SameSite=Strict cookie (never in an address).

The cookie holds the token itself; each page checks it as the API checks a Bearer token (unknown, revoked, expired
tokens are refused), so the board shows exactly what the API would let the token read. SameSite=Strict keeps another
site's form from sending a decision in the operator's name; the cookie is Secure whenever the page came over HTTPS.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import database, known_form_fields, known_parameters
from api.tokens import Caller, Unauthenticated, authenticate
from schemas.redaction import tokens_redacted
from web.refusals import PageRoute, page_back, page_of_this_site
from web.render import LANGUAGE_COOKIE, LANGUAGE_COOKIE_DAYS, LANGUAGES, gettext, noted, page

TOKEN_COOKIE = "legis_token"
SIGNED_IN_HOURS = 12
router = APIRouter(include_in_schema=False, route_class=PageRoute)
# The draft a decision was last sent for from this browser (`web.inbox`): the reader's who sent it, gone when a reader signs
# in or out (found by a breaker: the next reader of the browser was told of another's decision).
SENT_COOKIE = "legis_sent"


async def signed_in(request: Request) -> Caller | None:
    """The caller whose token the cookie holds, or None (no cookie, or a token no longer valid)."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token or len(token) > 200:
        return None
    try:
        who = await database(authenticate(request.app.state.pool, token))
    except Unauthenticated:
        return None
    request.state.caller = who
    request.state.token_id = who.token_id
    return who


def to_sign_in(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/board/signin?next={quote(tokens_redacted(request.url.path))}", status_code=303)


def _safe_next(target: str | None) -> str:
    return page_of_this_site(target, ("/board",))


@router.get("/board/signin", dependencies=[Depends(known_parameters("next"))])
async def sign_in_form(request: Request, next: str | None = None) -> Response:
    return page(request, "signin.html", next=_safe_next(next), error=None)


@router.post("/board/signin", dependencies=[Depends(known_form_fields)])
async def sign_in(request: Request, token: Annotated[str, Form(max_length=200)], next: Annotated[str, Form(max_length=300)] = "/board") -> Response:
    # As the README's curl lines write it, "Bearer legis_...", copied whole (found by a new user).
    token = token.strip().removeprefix("Bearer ").removeprefix("bearer ").strip()
    try:
        await database(authenticate(request.app.state.pool, token))
    except Unauthenticated as refused:
        message = gettext(request, "This token is not valid") + f" ({refused.rule})"
        noted(request, [{"field": "token", "rule": refused.rule, "message": "the token is not valid"}])
        return page(request, "signin.html", status_code=401, next=_safe_next(next), error=message)
    answer = RedirectResponse(_safe_next(next), status_code=303)
    answer.set_cookie(TOKEN_COOKIE, token, max_age=SIGNED_IN_HOURS * 3600, httponly=True, samesite="strict",
                      secure=request.url.scheme == "https", path="/")
    answer.delete_cookie(SENT_COOKIE, path="/board/inbox", httponly=True, samesite="strict")
    return answer


@router.post("/board/signout", dependencies=[Depends(known_form_fields)])
async def sign_out() -> Response:
    answer = RedirectResponse("/board/signin", status_code=303)
    answer.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")
    answer.delete_cookie(SENT_COOKIE, path="/board/inbox", httponly=True, samesite="strict")
    return answer


@router.get("/language/{language}", dependencies=[Depends(known_parameters("back"))])
async def choose_language(request: Request, language: Literal[LANGUAGES], back: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    """The language switch: a cookie, then back to the page it was pressed on. A language the pages do not have is refused
    on a page (`literal_error`, naming `language`), as every page refuses what it does not take."""
    answer = RedirectResponse(page_back(back), status_code=303)
    answer.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_DAYS * 86400, samesite="lax", path="/")
    return answer
