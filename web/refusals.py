"""Refusals on the pages: whatever refuses a page's request (its query parameters or form, checked by the API's own types
and rules; a message's validators; the draft; the database) answers the page's HTML in the reader's language, naming
the field and the rule. The JSON API keeps answering problems (`api.problems`).

A refusal's words come from the catalogue by its rule (pydantic's error types and the API's rules, filled in with the
error's context: the lengths, the values expected). For a rule the catalogue has no sentence for, the page names the
field and the rule and gives the refusal's own words, marked as English.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, get_args
from urllib.parse import unquote

from babel.dates import format_timedelta
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi_problem.error import Problem
from pydantic_core import ErrorType
from starlette.exceptions import HTTPException

from api.deps import NAMELESS
from api.problems import answered_as, problem_of_error
from schemas.messages import ROUND_ID, SUBMISSION_ID
from schemas.redaction import tokens_redacted
from schemas.refusal import Refused
from web.csrf import PROTECTED, comment_kept
from web.render import language_of, noted, page, translations

# What each rule says, in English here and in Vietnamese in the catalogue; %(name)s is the error's context.
SENTENCES = {
    "missing": "This is required.",
    "not_blank": "This must not be empty or only spaces.",
    "string_too_short": "At least %(min_length)s characters.",
    "string_too_long": "At most %(max_length)s characters.",
    "too_short": "At least %(min_length)s characters.",
    "too_long": "At most %(max_length)s characters.",
    "int_parsing": "A whole number, e.g. 12.",
    "greater_than_equal": "At least %(ge)s.",
    "less_than_equal": "At most %(le)s.",
    "enum": "Not one of the choices: %(expected)s.",
    "literal_error": "Not one of the choices: %(expected)s.",
    "date_parsing": "A date, as YYYY-MM-DD.",
    "date_from_datetime_parsing": "A date, as YYYY-MM-DD.",
    "session_code": "A session code: the legislature and the session, e.g. 16-2; an extraordinary session with an E, e.g. 15-E9.",
    "regular_session_ordinal": "A regular session is numbered 1 to 12: an extraordinary session is written with an E, e.g. 15-E9.",
    "unknown_parameter": "This page takes no such choice.",
    "query_utf8": "This address holds a character that is not UTF-8: type the choice again on the page.",
    "parameter_once": "This choice is given more than once: give it once.",
    "date_in_range": "This date is outside the calendar legis knows.",
    "after_since": "The end of the period must come after its start.",
    "database_unavailable": "The database does not answer: try again in a moment.",
    "rate_limited": "Too many requests in a short time: send again in %(wait)s.",
    "uncompressed_only": "What was sent is compressed: send it from the page itself.",
    "no_bidi_controls": "This holds a character that reverses the order of the text its readers see: remove it.",
    "no_line_separators": "This holds a line separator that some screens show as nothing: break lines with Enter, and a name not at all.",
    "deputies_in_assembly": "The Assembly has at most 500 deputies: give all of them, not only those present.",
    "not_a_secret": "This holds an access token's secret: remove it, and have that token revoked.",
    "round_closed": "The consultation has closed.",
    "round_opening": "The consultation is opening: send the comment again in a moment.",
    "article_in_draft": "The posted draft has no article of this number.",
    "cursor_invalid": "This link to a further page is not one this page gave: go back to the first page.",
    "public_round_unknown": "No draft or consultation here that you may read.",
    "current_stage_only": "The draft is no longer at this stage: open the inbox again.",
    "callers_own_agency": "Your agency may not send this.",
    "callers_own_role": "Your role may not send this.",
    "string_pattern_mismatch": "Not written as this field requires.",
    # The draft's rules (workflows.rules) and its messages' own (schemas.messages), which a decision form may meet.
    "outcome_allowed": "The rulebook does not allow this outcome at this stage.",
    "stage_authority": "Under the rulebook, your role does not decide at this stage.",
    "withdrawal_authority": "Your role may not withdraw this draft.",
    "postponement_authority": "Under the rulebook, your role does not decide a postponement at this stage.",
    "sessions_in_order": "A legislature's sessions open in the order of their numbers: this date puts the session out of order.",
    "sessions_apart": "Two sessions of the Assembly do not sit at once: this date opens the session while another sits.",
    "before_passage": "The law has been passed: it is promulgated, not withdrawn.",
    "lead_ministry_only": "Only the draft's lead ministry may send this.",
    "examining_committee_only": "Only the committee that leads the draft's examination may send this.",
    "consultation_open": "This stage cannot be decided while consultation rounds await their compilation.",
    "open_disagreements": "This stage cannot be approved while points of disagreement await a ruling.",
    "ruling_required": "A ruling is needed, unless the point is escalated.",
    "own_ministry_only": "A ministry reads the report of the drafts it leads, not another ministry's.",
    "reports_for_offices": "Reports are for the Government Office, the National Assembly Office, the Standing Committee, and each lead ministry for its own drafts.",
    "open_point": "This point is not open: it has been ruled on; open the inbox again.",
    "arbitration_level": "Only the level this point awaits rules on it now (the Deputy Prime Minister, then the Prime Minister): open the inbox again.",
    "no_higher_level": "The Prime Minister rules last: rule on the point, it cannot be escalated further.",
    "required_documents": "Documents this stage requires are missing.",
    "given_by_its_body": "A report or resolution a deciding body gives comes with that body's own decision, never with the lead ministry's.",
    "return_target": "The draft cannot be returned to this stage.",
    "later_session": "The session must open after the draft's current target session.",
    "reconsideration_for_ordinances": "Only an ordinance may be sent back: a law passed by the Assembly is promulgated.",
    "reconsideration_window": "The time to ask for reconsideration has passed.",
    "reconsideration_once": "The ordinance was adopted again after a reconsideration: it is promulgated or referred to the Assembly.",
    "referral_for_ordinances": "Only an ordinance may be referred to the Assembly.",
    "referral_after_reconsideration": "An ordinance goes to the Assembly only after the Standing Committee has reconsidered it.",
    "assembly_decided": "The Assembly has decided on this ordinance: it is promulgated.",
    "not_in_future": "This date is in the future.",
    "not_before_stage": "This date is before the stage began.",
    "not_before_last_decision": "This date is before a decision already recorded at this stage.",
    "after_session_opens": "The Assembly decides at its session: not before the session opens.",
    "at_the_meeting": "The Standing Committee decides at its meeting: not before the meeting the calendar gives.",
    "session_announced": "The Assembly decides at a later session, and none that the draft goes to is announced yet.",
    "within_session": "The session has ended: give the day the Assembly decided, within the session.",
    "draft_closed": "The draft is closed: its record is final.",
    "vote_required": "A vote needs its counts.",
    "document_line": "One document a line, written KIND | name | sha256.",
    "vote_only_for_votes": "Vote counts go with the outcome VOTE only.",
    "vote_counts_fit": "The votes for, against and abstaining add up to more than the deputies.",
    "parts_only_when_passed": "Parts not passed are given only when the law as a whole passed.",
    "reasons_required": "This outcome needs its reasons.",
    "reason_required": "A refusal needs its reasons.",
    "operators_read_only": "An operator's sign-in reads: a decision is sent by the deciding body's own sign-in.",
    "return_to_only_for_returns": "A stage to return to goes with the outcome RETURN_FOR_REVISION only.",
    "carry_to_for_carry_over": "A session to carry over to is needed with the outcome CARRY_OVER, and only with it.",
    "carried_to_announced": "This session is not on the calendar: choose one of the sessions announced.",
    "int_type": "A whole number, e.g. 12.",
    "draft_unknown": "No such draft here: open the inbox again.",
    "no_control_characters": "This text has control characters.",
    "no_invisible_characters": "This text has invisible characters.",
    "draft_busy": "The draft is busy: send the same form again in a moment.",
    "catching_up": "The draft is busy: send the same form again in a moment.",
    "draft_not_ready": "The draft is starting: send the same form again in a moment.",
    "timed_out": "No answer came in time: open the inbox to see whether it was taken, and send again if not.",
    "temporal_unavailable": "The workflow service does not answer: try again in a moment.",
    "draft_task_failing": "The draft cannot run on its worker: tell the Government Office's operators.",
    "form_content_type": "This page takes its own form only: send it from the page.",
    "body_too_large": "What was sent is far too long for this form.",
    "utf8_form_only": "What was sent is not in UTF-8: send it from the page itself.",
    "form_unreadable": "The form could not be read: a field is far too long, or it was not sent by the page.",
    "kind_once": "One document of each kind in a message: the dossier keeps the latest of each kind.",
    "not_before_postponement": "This date is before a postponement asked or decided at this stage, already recorded: the stage was still open then.",
    "not_before_programme_change": "This date is before a change of the programme at this stage, already recorded.",
    "not_before_filing": "This date is before a filing of the dossier at this stage, already recorded.",
    "not_before_point": "This date is before a point of disagreement at this stage, already recorded.",
    "not_before_round": "This date is before a consultation round at this stage, already recorded.",
    "not_before_request": "The decision is dated before the postponement was asked.",
    "pending_request": "No postponement of this stage awaits a decision: open the inbox again.",
    "later_than_current": "The date asked is not after the deadline the draft has now: refuse the request, and ask again for a later date if one is still needed.",
    "one_request_at_a_time": "A postponement of this stage already awaits a decision.",
    "not_before_cutoff": "The date asked is before the cut-off of the draft's sitting: ask for a date on or after it.",
}
# A text over its limit, told its length (`problems_of`); a field a form's body has and the form does not.
TOO_LONG_BY = "At most %(max_length)s characters; this has %(length)s."
FORM_HAS_NO_SUCH_FIELD = "This form has no field of this name (a browser's add-on may have added it): send the form again from its page."
# A rate limit on a public page is the public comments' (`api.routes.public`), whose wait is in `ctx.wait`.
PUBLIC_RATE_LIMITED = "Too many comments from this address: send again in %(wait)s."
# A field's own sentence for a rule, where the rule's sentence would say too little.
FIELD_SENTENCES = {("string_pattern_mismatch", "sha256"): "A SHA-256 hash: 64 characters, digits 0-9 and letters a-f, in either case."}
# pydantic's own error types: their messages are pydantic's, where the project's rules' messages name what refused.
PYDANTIC_RULES = frozenset(get_args(ErrorType))
EMPTY = ("string_too_short", "too_short")
# The form's or the filter's name for each field (messages the pages already show).
LABELS = {
    "q": "Title", "ministry": "Ministry", "stage": "Stage", "session": "Session", "state": "State", "since": "From",
    "until": "Until (not included)", "text": "Comment", "article": "Article", "official": "Official", "outcome": "Outcome",
    "role": "Role", "reasons": "Reasons", "reason": "Reasons", "documents": "Documents", "return_to": "Return to", "carry_to": "Carried over to",
    "language": "Language", "request": "Request", "database": "Service", "round_id": "Consultation", "body": "What was sent", "Content-Type": "Form",
    "occurred_on": "Decided on, when entered afterwards (Ha Noi day)", "total_deputies": "Deputies in all", "in_favour": "In favour",
    "against": "Against", "abstaining": "Abstaining", "vote": "The vote, when the outcome is VOTE (all deputies, not only those present)",
    "parts_not_passed": "Parts voted down, one a line (e.g. Điều 12), when the law passes in part",
    "approved": "Approve or refuse", "point_id": "Point of disagreement", "decision": "Rule or escalate", "escalate": "Rule or escalate",
    "ruling": "Ruling",
    # The form sends them as the signed-in token's (found by a committee's trial: named by their code on the page).
    "agency_code": "Agency", "actor": "Agency",
}
# The forms' text areas that take one entry a line (web.inbox): a refusal of one entry names its line.
LINES_FIELDS = frozenset({"documents", "parts_not_passed"})
MAX_CONTEXT = 400
# A list of choices is shown whole up to this length (every enumeration of the project fits), else cut between choices.
MAX_CHOICES = 2000


def label_of(field: str) -> str | None:
    """The form's name for a field: its own, else that of the nearest field holding it that the form shows
    ("documents.0.sha256" is the documents' field, "vote.in_favour" the count's; found by a breaker: a document's hash
    and a vote left without counts were named by their code)."""
    return next((LABELS[part] for part in reversed(field.split(".")) if part in LABELS), None)


def line_of(field: str) -> int | None:
    """The line, counted from 1, of a form's text area one entry a line that `field` names ("documents.0.sha256" is line 1
    of Documents), or None: the message's lists count from 0 (found by a ministry's trial: the board's errors said the
    first document line was 0)."""
    parts = field.split(".")
    return next((int(index) + 1 for name, index in zip(parts, parts[1:], strict=False)
                 if name in LINES_FIELDS and index.isdigit()), None)


def explain(request: Request, problems: list[dict[str, Any]], *, public: bool | None = None) -> list[dict[str, Any]]:
    """Each problem (field, rule, message, and the error's context) in the page's language, with its field's label;
    `public`: said to the public (by default, a page under /public)."""
    catalogue = translations(language_of(request))
    english = language_of(request) == "en"
    public = request.url.path.startswith("/public") if public is None else public
    shown = []
    for problem in problems:
        field, rule = tokens_redacted(problem.get("field", "")), problem.get("rule", "")
        label = label_of(field)
        context = problem.get("ctx") or {}
        if rule == "rate_limited":  # the wait its `Retry-After` says (found by a public trial: "a minute" whatever the limit)
            context = {"wait": _wait(context.get("retry_after"), language_of(request), catalogue)}
            sentence_of_page = PUBLIC_RATE_LIMITED if public else None
        else:
            sentence_of_page = None
        # "at least 1 character" is the field left empty.
        # A field of a form's body, not of the page's address.
        # One with no name (`api.deps.NAMELESS`) is the address's when the address holds one (found by a re-check and a breaker).
        nameless = field == NAMELESS
        in_body = request.method == "POST" and ("" not in request.query_params if nameless else field not in request.query_params)
        label = "A field with no name" if nameless and in_body else label
        if rule == "unknown_parameter" and in_body:
            sentence_of_page = FORM_HAS_NO_SUCH_FIELD
        elif rule == "string_too_long" and "length" in context:
            sentence_of_page = TOO_LONG_BY
        sentence = (SENTENCES["missing"] if rule in EMPTY and context.get("min_length") == 1
                    else sentence_of_page or FIELD_SENTENCES.get((rule, field.rpartition(".")[2])) or SENTENCES.get(rule))
        # Counts as the page writes numbers ("5.000" in Vietnamese, as the form's label says it; found by the public's trial).
        context = {key: format_decimal(value, locale=language_of(request)) if type(value) is int
                   else _shortened(str(value), MAX_CHOICES if key == "expected" else MAX_CONTEXT) for key, value in context.items()}
        if "expected" in context:  # pydantic's list of choices joins the last with an English "or"
            head, joined, last = context["expected"].rpartition(" or ")
            context["expected"] = f"{head} {catalogue.gettext('or')} {last}" if joined else last
        message = tokens_redacted(problem.get("message", ""))
        try:
            text = catalogue.gettext(sentence) % context if sentence else message
        except (KeyError, ValueError):
            text, sentence = message, None
        # The project's own rules name what refused (the documents missing, the rounds still open): said after the sentence,
        # for officials; a citizen on a public page in Vietnamese reads the sentence alone, not the rule's English words.
        # A service down is the operators' to mend: its words (the error's type, a setting, an Idempotency-Key to send) are theirs,
        # not a citizen's (found by the public's trial, on the English page).
        detail = (message if sentence and message and rule not in PYDANTIC_RULES and (english or not public) and (label or not public)
                  and not (public and problem.get("status") == 503) else None)
        # A parameter of a public page's address is named as the address (found by a re-check: a citizen read `cursor`).
        # A field of a public form's body the form does not have (found by the public's trial: an `email` added by a browser's
        # autofill was named as the page's address) is named as sent.
        in_address = public and not in_body
        named = catalogue.gettext(label) if label else catalogue.gettext("This page's address") if in_address else field
        if (line := line_of(field)) is not None:
            named = f"{named}, {catalogue.gettext('line')} {line}"
        shown.append({"field": field, "rule": rule, "label": named, "text": text,
                      "english": sentence is None and not english, "detail": detail, "detail_english": not english})
    return shown


def _shortened(text: str, limit: int) -> str:
    """`text` whole, or cut before `limit` between two items of a list (never within a word), marked with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind(", ")
    return (head[:cut] if cut > 0 else head.rsplit(" ", 1)[0]) + " …"


def problems_of(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors as the API names them (`api.problems`), each with its context for the page's sentence."""
    return [problem_of_error(error) | {"ctx": (error.get("ctx") or {}) | _length_of(error)} for error in errors]


def _length_of(error: dict[str, Any]) -> dict[str, int]:
    """How long a text refused as too long is, as its limit counts (pydantic's input, composed and its line breaks
    made one): said beside the limit, so that its writer knows how much to cut (found by the public's trial)."""
    return {"length": len(error["input"])} if error.get("type") == "string_too_long" and isinstance(error.get("input"), str) else {}


def of_problem(problem: Problem) -> tuple[int, list[dict[str, Any]], dict[str, str]]:
    """A problem's status, its problems, and its headers, which the page answering it carries too: a 429's or a 503's
    `Retry-After` (found by a fresh-user trial: the public form's 429 came without it), which a rate limit's problem
    carries as `ctx.retry_after` (seconds) for its sentence."""
    answer = problem.marshal()
    found = answer.get("errors") or [{"field": answer.get("field", ""), "rule": answer.get("rule", ""), "message": answer.get("detail", "")}]
    headers = dict(problem.headers or {})
    if (seconds := headers.get("Retry-After", "")).isdigit():
        found = [p | {"ctx": {"retry_after": int(seconds)}} if p.get("rule") == "rate_limited" else p for p in found]
    if problem.status == 503:  # a service down, whose words `explain` keeps from the public
        found = [p | {"status": 503} for p in found]
    return problem.status or 409, found, headers


def _wait(seconds: object, language: str, catalogue) -> str:
    """A rate limit's wait in the page's language ("90 minutes", "3 giờ"), never shorter than `seconds` (found by a breaker:
    5,399 seconds read "1 hour"): up to the minute under two hours, up to the hour past; "a moment" when unknown."""
    if not isinstance(seconds, int) or seconds < 1:
        return catalogue.gettext("a moment")
    unit = 1 if seconds < 60 else 60 if seconds < 7200 else 3600
    return format_timedelta(timedelta(seconds=math.ceil(seconds / unit) * unit), threshold=2, locale=language)


def page_of_this_site(target: str | None, prefixes: tuple[str, ...]) -> str:
    """`target` when it is a page of this site under one of `prefixes`, else the board's home, which exists for everyone
    (it asks a reader who has not signed in to sign in): never another site's address (an open redirect), nor `/`, which
    serves nothing, nor a path a browser resolves elsewhere (`_leaves_its_prefix`). A token pasted in an address is not
    written back into the page (`schemas.redaction`)."""
    if target and not target.startswith("//") and "\\" not in unquote(target) and not _leaves_its_prefix(target) and any(
            target == prefix or target.startswith((f"{prefix}/", f"{prefix}?", f"{prefix}#")) for prefix in prefixes):
        return tokens_redacted(target)
    return "/board"


def _leaves_its_prefix(target: str) -> bool:
    """Whether the path of `target` has a dot segment, which a browser resolves before it asks: `/board/../v1` is `/v1`
    (found by a fresh-user trial). A browser reads `%2e` as a dot there, whatever its case (the URL standard), so that
    `/board/%2E%2e/v1` is `/v1` too, and drops a tab or a line break in a link (a refused switch's way back), so that
    `/board/<tab>../v1` is `/v1` as well; the site's own pages have none, so one is never taken rather than resolved."""
    path = re.split(r"[?#]", re.sub(r"[\t\n\r]", "", target), maxsplit=1)[0]
    return any(segment.lower().replace("%2e", ".") in (".", "..") for segment in path.split("/"))


def page_back(back: str | None) -> str:
    """Where the language switch returns: the page it was pressed on, a page of the board's or the public pages'; one it
    cannot return to, pressed on a public page, the public list, not the officials' sign-in (found by the public's trial)."""
    page = page_of_this_site(back, PROTECTED)
    return "/public" if page == "/board" and (back or "").startswith("/public") else page


def refused(request: Request, status: int, problems: list[dict[str, Any]], headers: dict[str, str] | None = None) -> Response:
    """The refusal as a page of the board (or of the public's pages) in the reader's language, with a way back."""
    noted(request, problems)
    # The language switch refused names no page of its own: back to the page it was pressed on (found by a new user: its
    # own address again, refused again).
    back = page_back(request.query_params.get("back")) if request.url.path.startswith("/language/") else None
    # The language switch pressed on a public page is refused to the public, as that page would refuse it (found by the
    # public's trial: under the board's header, with the rule's code).
    public = request.url.path.startswith("/public") or (back or "").startswith("/public")
    # A public comment's form refused (a field it does not have): its text given back, as a form expired gives it.
    kept, article = comment_kept(request.scope)
    answer = page(request, "refused.html", status_code=status, problems=explain(request, problems, public=public), public=public,
                  sent=request.method == "POST", back=request.url.path if kept is not None else back, kept=kept, kept_article=article,
                  unavailable=status >= 500)
    answer.headers.update(headers or {})
    return answer


# The pages' path parts have the API's patterns (`api.plumbing.PATH_PATTERNS`).
_PATH_PATTERNS = {"submission_id": re.compile(SUBMISSION_ID), "round_id": re.compile(ROUND_ID)}


class PageRoute(APIRoute):
    """A page's route: a refusal of its request, or one raised while answering it, is the page's HTML, never a problem. A
    page read by GET answers HEAD as well (a link checker's, a monitor's), with the headers GET would give and no body."""

    def __init__(self, path: str, endpoint: Callable[..., Any], *, methods: set[str] | list[str] | None = None, **options: Any) -> None:
        if methods and "GET" in methods:
            methods = {*methods, "HEAD"}
        super().__init__(path, endpoint, methods=methods, **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            if not all(pattern.fullmatch(request.path_params[name]) for name, pattern in _PATH_PATTERNS.items() if name in request.path_params):
                # No draft or round has such an ID: not found, before anything reads it (found by a breaker: a path cut to 64
                # characters was acted on as the draft that was left, and a NUL in one reached the database, a 500).
                return page(request, "missing.html", status_code=404)
            try:
                return await handle(request)
            except HTTPException as failure:
                # The form's parser refusing it (a field over its 1 MB): a page, not the JSON problem (found by a new user).
                await _reader_named(request)
                return refused(request, failure.status_code, [{"field": "body", "rule": "form_unreadable", "message": str(failure.detail)}])
            except (RequestValidationError, Refused, Problem) as failure:
                await _reader_named(request)
                if isinstance(failure, RequestValidationError):
                    return refused(request, 422, problems_of(list(failure.errors())))
                if isinstance(failure, Refused):
                    return refused(request, answered_as(failure)[0], [{"field": failure.field, "rule": failure.rule, "message": failure.message}])
                return refused(request, *of_problem(failure))

        return answer


async def _reader_named(request: Request) -> None:
    """Name the signed-in reader of a request refused before its page named it (a filter's value, a parameter it does not
    know), so that its refusal is recorded under the reader's token, agency and role as any other (found by a fresh-user
    trial: recorded under none)."""
    from web.auth import signed_in  # here: web.auth's routes are PageRoutes

    if getattr(request.state, "caller", None) is not None:
        return
    try:
        await signed_in(request)
    except Problem:  # the database unavailable: the refusal is answered all the same
        return


def not_found(problem: Callable[[Request, Exception], Response]) -> Callable[[Request, HTTPException], Coroutine[Any, Any, Response]]:
    """The answer to a path no route serves: under the pages (`/board`, `/public`), or outside the API to a browser (it
    accepts `text/html`), the pages' "Not found" in the reader's language; anywhere else, `problem` (the API's
    problem+json, rule `route_unknown`)."""

    async def answer(request: Request, exc: HTTPException) -> Response:
        path = request.url.path
        # A browser's mistyped address outside the API (`/publc`) is a page too (found by a re-check: it read raw JSON).
        browsing = not path.startswith("/v1") and "text/html" in request.headers.get("accept", "")
        if browsing or any(path == prefix or path.startswith(f"{prefix}/") for prefix in PROTECTED):
            return page(request, "missing.html", status_code=404)
        return problem(request, exc)

    return answer
