"""A CSRF token on every form of the board and the public pages (asgi-csrf: the double-submit pattern with a signed token).

A page that shows a form sets the `csrftoken` cookie (SameSite=Strict) and writes the same token into the form; a POST
under /board or /public, or to the codec server's sign-in and sign-out (`CODEC_FORMS`), is refused (403, rule `csrf_token`) unless its form carries the cookie's token, whether or not
the browser sent other cookies, so that another site can neither send a decision in a signed-in operator's name nor a
comment in a visitor's, and cannot sign a visitor in with its own token. SameSite=Strict on the sign-in cookie alone
leaves older browsers and same-site subdomains open; the token closes that.

The token is signed with a key every API process shares (derived from the installation's key in PostgreSQL), so that a
form shown by one process is accepted by another behind the same load balancer. The JSON API is not touched: its
callers send a bearer token, or no cookie at all (the public comment route).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import parse_qsl, unquote_to_bytes

from asgi_csrf import asgi_csrf
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from api.plumbing import UNCOMPRESSED, WHOLE_BODY, disconnected, uncompressed
from api.senders import senders_key
from web.render import gettext, noted, page

PROTECTED = ("/board", "/public")
# The codec server's sign-in page and its two forms (`api.codec_server`): a form of another site must not sign a browser
# in with a token of its choosing. Not /codec/decode and /encode, which the Web UI calls with its cookie or a bearer token.
CODEC_FORMS = ("/codec", "/codec/sign-in", "/codec/sign-out")
# What the pages' routes take (tests/test_board_forms.py checks every route): another method goes to the router, which answers
# 405 with `Allow` (found by a new user: `PUT /public` was told its form had expired).
FORM_METHODS = frozenset({"GET", "HEAD", "POST"})
COOKIE = "csrftoken"
_OUTER = "legis.outer_scope"


def has_forms(path: str) -> bool:
    """Whether `path` is a page's, or a form's of the pages or of the codec server's sign-in."""
    return path.startswith(PROTECTED) or path in CODEC_FORMS


class _Prefixes:
    """What asgi-csrf's `always_protect` is asked (`path in it`): every path under the pages' prefixes."""

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and has_forms(path)


async def _refused(scope: Scope, send: Send, message_id) -> None:
    request = Request(scope)
    message = gettext(request, "This form has expired or was sent from another site: open the page again and send it from there")
    noted(request, [{"field": "csrf_token", "rule": "csrf_token", "message": "the form has expired or was sent from another site"}])
    kept, article = comment_kept(scope)
    await page(request, "forbidden.html", status_code=403, rule="csrf_token", message=message, kept=kept, kept_article=article,
               back=scope["path"] if kept is not None else None)(scope, disconnected, send)


# The form's article field takes this many characters (`web.public_pages.comment`).
MAX_ARTICLE_TYPED = 10
# A public round's page, whose form takes a comment: /public/<submission ID>/<round ID>.
_PUBLIC_ROUND = re.compile(r"/public/[A-Za-z0-9][A-Za-z0-9._-]{0,63}/[A-Za-z0-9._-]{1,40}")


def comment_kept(scope: Scope) -> tuple[str | None, str | None]:
    """A public comment's text and article, given back to copy with the way back to its page when its form is refused
    (found by public trials: lost): none for another request."""
    return _comment_typed(scope) if scope["method"] == "POST" and _PUBLIC_ROUND.fullmatch(scope["path"]) else (None, None)


def _comment_typed(scope: Scope) -> tuple[str | None, str | None]:
    """The text of the comment a refused form carried, and its article as typed (found by a public trial: the article
    was dropped), as the form parser would read them (UTF-8, urlencoded)."""
    fields = parse_qsl(scope.get(WHOLE_BODY, b"").decode("utf-8", "replace"), keep_blank_values=True)
    texts = [value for name, value in fields if name == "text"]
    articles = [value.strip()[:MAX_ARTICLE_TYPED] for name, value in fields if name == "article" and value.strip()]
    return (texts[0] if texts and texts[0].strip() else None), (articles[0] if articles else None)


def _routed_here(scope: Scope) -> bool:
    """Whether a route takes this path with this method: a POST to a page without a form (or to no page) is answered by
    the router, 405 or 404, not as a form refused (found by a new user). Asked of POSTs alone, not of every page read."""
    router = getattr(scope.get("app"), "router", None)
    return router is None or any(route.matches(scope)[0] is Match.FULL for route in router.routes)


def _utf8_form(body: bytes) -> bool:
    """Whether every name and value of an urlencoded body is UTF-8 once unquoted."""
    try:
        for pair in body.split(b"&"):
            for part in pair.split(b"=", 1):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _urlencoded(scope: Scope) -> bool:
    media = dict(scope.get("headers") or ()).get(b"content-type", b"").split(b";")[0].strip().lower()
    return media in (b"application/x-www-form-urlencoded", b"")


class PageForms:
    """CSRF protection for the pages' forms, its signing key derived from the senders' key (`api.senders.senders_key`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._protected: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or not has_forms(scope["path"]) or scope["method"] not in FORM_METHODS
                or scope["method"] == "POST" and not _routed_here(scope)):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST":
            body = scope.get(WHOLE_BODY, b"")  # as `api.plumbing.BodyLimit` read it, within its limit
            # The pages' forms are sent urlencoded, in UTF-8; another body (multipart, which the CSRF check cannot parse
            # with this python-multipart: a 500; JSON; bytes of another encoding, stored as U+FFFD) is refused as such
            # before the check reads it (found by a new user).
            problem = (None if _urlencoded(scope) else ("Content-Type", "form_content_type",
                                                         "send the form as application/x-www-form-urlencoded, as the page's own form does"))
            if not uncompressed(encoding := Headers(scope=scope).get("content-encoding")):
                problem = ("Content-Encoding", "uncompressed_only", UNCOMPRESSED.format(encoding.strip()[:40]))
            if problem is None and not _utf8_form(body):
                problem = ("body", "utf8_form_only", "the form's text is not UTF-8: send it from the page, which writes UTF-8")
            if problem is not None:
                from web.refusals import refused  # which reads this module's prefixes

                field, rule, message = problem
                await refused(Request(scope), 415, [{"field": field, "rule": rule, "message": message}])(scope, disconnected, send)
                return
        if self._protected is None:
            key = senders_key(scope["app"])
            self._protected = asgi_csrf(self._routed, cookie_name=COOKIE, signing_secret=hmac.new(key, b"csrf-forms", hashlib.sha256).hexdigest(),
                                        always_protect=_Prefixes(), cookie_samesite="Strict", send_csrf_failed=_refused)
        await self._protected({**scope, _OUTER: scope}, receive, send)

    async def _routed(self, scope: Scope, receive: Receive, send: Send) -> None:
        # asgi-csrf hands on a copy of the request's scope: what routing adds to it goes back to the original, where the
        # access line, the metrics and the refusals' record read it.
        try:
            await self.app(scope, receive, send)
        finally:
            outer = scope[_OUTER]
            for key in ("route", "endpoint", "path_params"):
                if key in scope:
                    outer[key] = scope[key]
