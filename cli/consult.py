"""`legis consult`: consultation rounds, opinions asked of many bodies at once; silence recorded when the window closes.

Comment texts and explanations are stored in PostgreSQL first (by their SHA-256); the round gets only their hashes.
"""

from __future__ import annotations

import asyncio
import csv
import sys
import uuid
from collections import Counter
from collections.abc import Awaitable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from temporalio.client import Client

from api.tokens import agencies_without_tokens, tokenless_warning
from cli import database, temporal
from cli.app import RequestId, RoundId, SubmissionId, identifier, json_file, whole_number
from cli.drafts import send, send_again
from cli.failures import NotFound, Unavailable, from_refusal
from cli.jsonfile import read_message
from cli.output import AsJson, Format, Output, choose, emit_json, err, examples, instant, out, pairs, plain, wants_json, warn, window_end, written
from schemas import messages
from schemas.consultation import (
    Compilation,
    CompilationBody,
    ConsultationResult,
    ConsultationView,
    Opinion,
    OpinionBody,
    OpinionReceipt,
    RoundComment,
    RoundCommentsPage,
)
from schemas.enums import Response
from schemas.messages import ConsultationRequest, RoundCancellation
from schemas.public import MAX_ARTICLE, GroupAnswer, GroupAnswered
from schemas.refusal import RefusalKind, Refused
from store import public, round_comments, texts
from workflows import client as drafts
from workflows import round_client, round_requests

app = typer.Typer(help="Consultation rounds: opinions asked of many bodies at once; silence recorded when the window closes.",
                  no_args_is_help=True, epilog=examples("legis consult open BGDDT-2026-017 schemas/examples/09-consultation.json", "legis consult show BGDDT-2026-017 Y-KIEN-BO-NGANH"))
T = TypeVar("T")
ConsultationFile, OpinionFile, CompilationFile = json_file(ConsultationRequest), json_file(OpinionBody), json_file(CompilationBody)
CancellationFile, AnswerFile = json_file(RoundCancellation), json_file(GroupAnswer)


@app.command("open", epilog=examples("legis consult open BGDDT-2026-017 schemas/examples/09-consultation.json"))
def open_round(submission_id: SubmissionId, file: ConsultationFile, request_id: RequestId = None, output: Output = Format.TABLE,
               as_json: AsJson = False) -> None:
    """The lead ministry opens a round (ConsultationRequest JSON); each consultee answers within the window."""
    choose(output, as_json)
    request = read_message(file, ConsultationRequest)
    send(submission_id, request, drafts.open_consultation, request_id)
    # As the API's receipt says it (found by a trial: the CLI said nothing of a consultee's code mistyped, BTCX).
    try:
        tokenless = asyncio.run(database.checked(lambda db: agencies_without_tokens(db, request.consultees))) if request.consultees else []
    except Exception:  # a courtesy, as the API's: the round is open, and the database cannot say now
        tokenless = []
    if tokenless:
        warn(tokenless_warning(tokenless))


@app.command("cancel", epilog=examples("legis consult cancel BGDDT-2026-017 schemas/examples/13-cancel-consultation.json"))
def cancel_round(submission_id: SubmissionId, file: CancellationFile, request_id: RequestId = None, output: Output = Format.TABLE,
                 as_json: AsJson = False) -> None:
    """Cancel a round opened by mistake, before its compilation (RoundCancellation JSON).

    The lead ministry's: the round asks nobody any more and the stage is no longer held by it; its ID stays used."""
    choose(output, as_json)
    cancellation = read_message(file, RoundCancellation)

    async def cancellable(client: Client) -> None:  # as the API asks it, before the draft is
        view = await temporal.call(client, temporal.round_of(submission_id, cancellation.round_id),
                                   round_client.running_view(client, submission_id, cancellation.round_id))
        if view is not None:
            counted = await database.checked(lambda db: public.counted(db, submission_id, view))
            try:
                round_client.check_cancellable(counted, cancellation.round_id)
            except Refused as refused:
                raise from_refusal(refused) from None

    temporal.run(cancellable)
    send(submission_id, cancellation, drafts.cancel_consultation, request_id)


@app.command("opinion", epilog=examples("legis consult opinion BGDDT-2026-017 Y-KIEN-BO-NGANH schemas/examples/10-opinion.json"))
def send_opinion(submission_id: SubmissionId, round_id: RoundId, file: OpinionFile, request_id: RequestId = None, output: Output = Format.TABLE,
                 as_json: AsJson = False) -> None:
    """A consultee's opinion (JSON, texts included) to an open round; sent again under the same --request-id, it is taken once."""
    choose(output, as_json)
    opinion = read_message(file, OpinionBody)
    key = request_id or uuid.uuid4().hex
    update_id = round_requests.update_id(round_requests.CLI_CALLER, key, opinion)

    async def taken(client: Client) -> tuple[OpinionReceipt, bool]:
        view = await temporal.call(client, temporal.draft(submission_id), drafts.status_and_end(client, submission_id))
        target = temporal.round_of(submission_id, round_id)
        if (first := await temporal.call(client, target, round_client.round_answer(client, submission_id, round_id, update_id, OpinionReceipt))):
            return first, True
        if (ended := drafts.ended_for_rounds(view, "opinion")) is not None:  # as the API: an abandoned round would take it for nothing
            raise from_refusal(ended)
        by_reference = await _taken_by(client, target, submission_id, round_id, opinion, update_id)
        return await _once(client, target, key, round_client.submit_opinion(client, submission_id, round_id, by_reference,
                                                                      update_id=update_id)), False

    receipt, repeated = temporal.run(taken)
    if wants_json():
        emit_json(plain(receipt) | {"duplicate": repeated})
    else:
        comments, awaited = receipt.comments, receipt.awaiting
        out.print(f"opinion of {receipt.consultee} {f'already taken under request {key}' if repeated else 'taken'}: {comments} "
                  f"comment{'s' * (comments != 1)}; {awaited} consultee{'s' * (awaited != 1)} awaited{' then' * repeated}; "
                  + (f"the round closes now, every consultee having answered (its window was to close {window_end(receipt.closes_at)})" if receipt.closing
                     else f"received on {opinion.occurred_on}, in the round's window, which closed {window_end(receipt.closes_at)}"
                     if opinion.occurred_on and receipt.closes_at <= datetime.now(UTC) else f"the round closes {window_end(receipt.closes_at)}"))


@app.command("compile", epilog=examples("legis consult compile BGDDT-2026-017 Y-KIEN-BO-NGANH schemas/examples/11-compilation.json"))
def compile_round(submission_id: SubmissionId, round_id: RoundId, file: CompilationFile, request_id: RequestId = None,
                  output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """The lead ministry's compilation (JSON, explanations included): every comment accepted or explained. Ends the round.

    Sent again under the same --request-id, it is taken once."""
    choose(output, as_json)
    compilation = read_message(file, CompilationBody)
    key = request_id or uuid.uuid4().hex
    update_id = round_requests.update_id(round_requests.CLI_CALLER, key, compilation)
    target = temporal.round_of(submission_id, round_id)
    from api.permissions import CLI_READER, Registered, round_for
    from cli.records import registered

    async def compiled(client: Client) -> tuple[ConsultationView, Registered, bool]:
        if (first := await temporal.call(client, target, round_client.round_answer(client, submission_id, round_id, update_id, ConsultationView))):
            return first, await database.checked(lambda db: registered(db, submission_id)), True
        view = await temporal.call(client, temporal.draft(submission_id), drafts.status_and_end(client, submission_id))
        if (ended := drafts.ended_for_rounds(view, "compilation")) is not None:  # as the API: its round would fail
            raise from_refusal(ended)
        round_now = await temporal.call(client, target, round_client.consultation(client, submission_id, round_id))
        await database.checked(lambda db: public.check_answered(db, submission_id, round_now))
        by_reference = await _taken_by(client, target, submission_id, round_id, compilation, update_id)
        # Read before the compilation is sent: a read failing after it would say "unavailable" of a round compiled.
        draft_row = await database.checked(lambda db: registered(db, submission_id))
        return await _once(client, target, key, round_client.compile_round(client, submission_id, round_id, by_reference,
                                                                     update_id=update_id)), draft_row, False

    answer, draft_row, repeated = temporal.run(compiled)
    if repeated and not wants_json():
        out.print(f"compilation already taken under request {key}; the round as it answered then:")
    # As `consult show` reads it (found by a breaker: a classified round's officials were printed).
    _print_round(round_for(CLI_READER, answer, draft_row), duplicate=repeated)


async def _taken_by(client: Client, target: temporal.Target, submission_id: str, round_id: str,
                   body: OpinionBody | CompilationBody, update_id: str) -> Opinion | Compilation:
    """The message by reference, once the round says it would take it now, and its texts stored (a refused message's never:
    found by a breaker), as the API does."""
    message = body.by_reference([texts.reference(text) for text in body.texts()])
    if (refused := await temporal.call(client, target, round_client.refusal_of(client, submission_id, round_id, message, update_id=update_id))) is not None:
        raise from_refusal(refused)
    await database.checked(lambda db: texts.put(db, body.texts()))
    return message


async def _once(client: Client, target: temporal.Target, key: str, request: Awaitable[T]) -> T:
    try:
        return await temporal.call(client, target, request)
    except Unavailable as silent:
        raise send_again(silent, "round", key) from None


@app.command("hand-back", epilog=examples("legis consult hand-back BGDDT-2026-017 Y-KIEN-BO-NGANH"))
def hand_back_round(submission_id: SubmissionId, round_id: RoundId, output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """Hand a completed round's result to its draft again, where a reset dropped the round's signal (README: keys).

    The draft records it only while it awaits that round, and only as the round's own; a round not completed, or one the
    draft no longer awaits, is refused."""
    choose(output, as_json)

    async def handed(client: Client) -> ConsultationResult:
        try:
            return await temporal.call(client, temporal.round_of(submission_id, round_id), round_client.hand_back(client, submission_id, round_id))
        except Refused as refused:
            raise from_refusal(refused) from None

    result = temporal.run(handed)
    if wants_json():
        emit_json({"submission_id": submission_id, "round_id": round_id, "handed_back": True, "answers": len(result.answers),
                   "silent": len(result.silent), "compiled_at": result.compiled_at})
        return
    out.print(f"round {round_id}'s result handed back to {submission_id}: {len(result.answers)} answers, {len(result.silent)} silent, "
              f"compiled {instant(result.compiled_at)}; the draft records it as it takes it (legis history)")


@app.command("show", epilog=examples("legis consult show BGDDT-2026-017 Y-KIEN-BO-NGANH --output json"))
def show_round(submission_id: SubmissionId, round_id: RoundId, output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """A round: who answered, who is awaited or silent, which comments the compilation must still answer."""
    choose(output, as_json)

    async def viewing(client: Client) -> ConsultationView:
        return await temporal.call(client, temporal.round_of(submission_id, round_id), round_client.consultation_and_end(client, submission_id, round_id))

    from api.permissions import CLI_READER, Registered, round_for
    from cli.records import registered

    found = temporal.run(viewing)

    # The public's comments are kept in PostgreSQL, and answered there by article before the compilation.
    async def with_the_public(db) -> tuple[ConsultationView, Registered]:
        return await public.counted(db, submission_id, found), await registered(db, submission_id)

    counted, draft = database.read(with_the_public)
    # A classified draft's round as an operator reads it through the API: no officials, no lead ministry's code.
    _print_round(round_for(CLI_READER, counted, draft))


ANSWERS = {Response.ACCEPTED: "ACCEPTED (tiếp thu)", Response.EXPLAINED: "EXPLAINED (giải trình)"}


@app.command("comments", epilog=examples("legis consult comments BGDDT-2026-017 Y-KIEN-BO-NGANH",
                                         "legis consult comments BGDDT-2026-017 Y-KIEN-BO-NGANH --consultee BTP --after 50"))
def show_comments(submission_id: SubmissionId, round_id: RoundId,
                  consultee: Annotated[str | None, typer.Option(help="one consultee's comments only, by its agency code, e.g. BTP",
                                                                callback=identifier(messages.AgencyCode, "consultee"))] = None,
                  after: Annotated[int, typer.Option(parser=whole_number("after", 0, 2**31 - 1), metavar="POSITION",
                                                     help="comments after this position (the last page's `next`)")] = 0,
                  limit: Annotated[int, typer.Option(parser=whole_number("limit", 1, round_comments.PAGE), metavar="N",
                                                     help=f"comments shown at most (1 to {round_comments.PAGE})")] = round_comments.PAGE,
                  output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """What the consultees wrote (ý kiến góp ý), comment by comment, with the lead ministry's answers.

    In the order the round took them, each with its answer once compiled (tiếp thu, giải trình). A page at a time: the
    last line says how to read the next. A classified draft's comments are its lead ministry's alone; the public's
    comments on a public posting are written to a CSV file by `legis consult export` (or read through the API, `.../comments`)."""
    choose(output, as_json)
    from api.permissions import CLI_READER, check_reads_comments
    from cli.records import known, registered

    async def allowed(db) -> None:
        await known(db, submission_id)  # a draft the registry does not hold is named so, not taken for a classified one
        check_reads_comments(CLI_READER, await registered(db, submission_id))

    asyncio.run(database.checked(allowed))
    # A running round's comments are read up to those of an opinion still being recorded (the server says whether it runs).
    through = temporal.run(lambda client: temporal.call(client, temporal.round_of(submission_id, round_id),
                                                        round_client.recorded_through(client, submission_id, round_id)))

    async def reading(db) -> tuple[RoundCommentsPage, bool]:
        page = await round_comments.page(db, submission_id, round_id, after=after, consultee=consultee, limit=limit, through=through)
        return page, bool(page.comments) or await round_comments.recorded(db, submission_id, round_id)

    page, round_known = asyncio.run(database.checked(reading))
    if not round_known:
        # Nothing recorded: a round the draft does not have is named as such, as `consult show` names it.
        temporal.run(lambda client: temporal.call(client, temporal.round_of(submission_id, round_id),
                                                  round_client.consultation(client, submission_id, round_id)))
    if wants_json():
        emit_json(page)
        return
    if not page.comments and consultee and (asked := _asked_of(submission_id, round_id)) is not None and consultee not in asked:
        # Found by a new user: a consultee the round never asked read as one with no comments yet.
        out.print(f"{consultee} is not among the consultees of round {round_id} of {submission_id} (asked: {', '.join(sorted(asked)) or 'none'})")
    elif not page.comments:
        out.print(f"no comments of round {round_id} of {submission_id}" + (f" from {consultee}" if consultee else "")
                  + (f" after position {after}" if after else "") + " are recorded (opinions a round took before this release are not; "
                  f"the public's comments on a public posting: legis consult export {submission_id} {round_id} FILE)")
    for comment in page.comments:
        _print_comment(comment)
    if page.next_after is not None:
        out.print(f"more: legis consult comments {submission_id} {round_id}" + (f" --consultee {consultee}" if consultee else "")
                  + f" --after {page.next_after}")


def _asked_of(submission_id: str, round_id: str) -> set[str] | None:
    """The consultees the round asked, answered or not; None for a public posting, which asks the public."""
    view = temporal.run(lambda client: temporal.call(client, temporal.round_of(submission_id, round_id),
                                                     round_client.consultation(client, submission_id, round_id)))
    if view.public_comments_in_postgresql:
        return None
    return {*view.awaiting, *(answer.consultee for answer in view.answers), *view.silent}


@app.command("answer", short_help="Answer a group of the public's comments on a posted draft (by article), once its window has closed.", epilog=examples("legis consult answer BGDDT-2026-017 CONG-KHAI schemas/examples/16-public-answer.json"))
def answer_public_comments(submission_id: SubmissionId, round_id: RoundId, file: AnswerFile, output: Output = Format.TABLE,
                           as_json: AsJson = False) -> None:
    """The lead ministry's answer to a group of the public's comments on a public posting (tiếp thu, giải trình): every
    comment on one article not yet answered, those on the draft as a whole, or one comment; JSON as the API's
    `answerCommentGroup` takes it.

    Once the window has closed and before the compilation, which needs every comment answered; the answers are published
    on the round's public page, by article. Sent again, it covers no comment already answered."""
    from workflows.admissions import admits_no_secret

    choose(output, as_json)
    given = read_message(file, GroupAnswer)
    try:
        admits_no_secret(given)  # its official and explanation are read by the public
    except Refused as refused:
        raise from_refusal(refused) from None

    async def answering(db) -> GroupAnswered:
        from cli.records import known, registered

        await known(db, submission_id)
        if given.agency_code != (await registered(db, submission_id)).lead_ministry:
            raise Refused("agency_code", "lead_ministry_only", f"{given.agency_code} is not this draft's lead ministry", RefusalKind.FORBIDDEN)
        return await public.answer(db, submission_id, round_id, given)

    answered = asyncio.run(database.checked(answering))
    if wants_json():
        emit_json(answered)
        return
    out.print(f"answer {answered.answer_id} given: {answered.answered} comment{'s' * (answered.answered != 1)} answered; "
              f"{answered.unanswered} of the round still without an answer"
              + ("" if answered.unanswered else f" (legis consult compile {submission_id} {round_id} FILE)"))


# Rows read from the database at a time when a round's public comments are written out.
EXPORT_PAGE = 1000


@app.command("export", epilog=examples("legis consult export BGDDT-2026-017 CONG-KHAI comments.csv",
                                       "legis consult export BGDDT-2026-017 CONG-KHAI dieu-5.csv --article 5"))
def export_public_comments(submission_id: SubmissionId, round_id: RoundId,
                           file: Annotated[Path, typer.Argument(help="the CSV file to write (UTF-8 with its byte-order mark, as "
                                                                 "spreadsheets open it; replaced if it exists); - for standard "
                                                                 "output, as `legis export` and `legis report --csv` take it",
                                                                 metavar="FILE", allow_dash=True)],
                           article: Annotated[int | None, typer.Option(parser=whole_number("article", 1, MAX_ARTICLE), metavar="N",
                                                                       help="only the comments on this article (Điều)")] = None) -> None:
    """Write a public round's comments of the public to a CSV file, for the lead ministry to read offline.

    Every comment the round took (or those on one article), in the order it took them: its reference number, article
    (empty: the draft as a whole), when it was received (Ha Noi) and whether it is answered, and its text. A classified
    draft is never posted; another draft's comments are read by whoever may read its round's comments."""
    from api.permissions import CLI_READER, check_reads_comments
    from cli.records import known, registered

    async def writing(db) -> int:
        await known(db, submission_id)
        check_reads_comments(CLI_READER, await registered(db, submission_id))
        found = await public.comments(db, submission_id, round_id, article=article, whole_draft=False, after=None, size=EXPORT_PAGE)
        if found is None:  # before the file is made
            unknown = await public.unknown_round(db, submission_id, round_id, f"no public consultation {round_id} of draft {submission_id}")
            raise NotFound(f"round_id: {unknown.message}", field="round_id", rule="public_round_unknown")
        count = 0
        # A path that cannot be written is refused by name (found by a new user: a folder given ended in a traceback).
        with nullcontext(sys.stdout) if str(file) == "-" else written(file, "file", encoding="utf-8-sig") as sheet:
            rows = csv.writer(sheet)
            rows.writerow(["comment_id", "article", "received_at", "answered", "text"])
            while True:
                page, after, total = found
                rows.writerows([c.comment_id, c.article or "", instant(c.received_at), "yes" if c.answered else "no", _cell(c.text)] for c in page)
                count += len(page)
                if total > EXPORT_PAGE:  # a progress line on a long export, to the error stream
                    err.print(f"{count} of {total} comments written")
                if after is None:
                    return count
                found = await public.comments(db, submission_id, round_id, article=article, whole_draft=False, after=after, size=EXPORT_PAGE)

    count = asyncio.run(database.checked(writing))
    said = f"{count} comment{'s' * (count != 1)} of the public written to {'standard output' if str(file) == '-' else file}"
    err.print(said) if str(file) == "-" else out.print(said)


def _cell(text: str) -> str:
    """A text of the public as a spreadsheet shows it, never as a formula it would run ("=HYPERLINK(...)": OWASP's CSV
    injection): one that begins as a formula does is written after an apostrophe."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _print_comment(comment: RoundComment) -> None:
    about = f"Điều {comment.article} (article {comment.article})" if comment.article else "the draft as a whole"
    signed = f", signed {comment.official}" if comment.official else ""
    out.print(f"#{comment.position} {comment.consultee}/{comment.comment_id} on {about}, received {instant(comment.received_at)}{signed}",
              markup=False, highlight=False, style="bold")
    out.print(comment.text if comment.text is not None else f"(its text, {comment.text_sha256}, was never stored)", markup=False,
              highlight=False)
    if comment.response is not None and comment.answered_at is not None:
        explained = (f": {comment.explanation}" if comment.explanation is not None else
                     f": (its explanation, {comment.explanation_sha256}, was never stored)" if comment.explanation_sha256 else "")
        out.print(f"answer: {ANSWERS[comment.response]}, {instant(comment.answered_at)}{explained}",
                  markup=False, highlight=False)
    out.print()


def _answered(view: ConsultationView) -> str:
    """Each consultee that answered, once: the lead ministry forwards the public's comments to a round in batches, each an
    answer of PUBLIC (found by a re-check: PUBLIC listed once per batch)."""
    answers = Counter(answer.consultee for answer in view.answers)
    return ", ".join(f"{consultee} ({count} batches)" if count > 1 else consultee for consultee, count in answers.items())


def _print_round(view: ConsultationView, *, duplicate: bool | None = None) -> None:
    """`duplicate`: whether a compilation's answer was given before, for scripts (`--json`); left out of a round read."""
    if wants_json():
        emit_json(plain(view) | ({} if duplicate is None else {"duplicate": duplicate}))
        return
    window = (f"closed (its workflow {view.ended}, no compilation to come)" if view.ended
              else f"closed (it was to close {window_end(view.closes_at)})" if view.closed else f"closes {window_end(view.closes_at)}")
    # A round ended outside its rules has no compilation to come: nothing is left to answer (found by a new user).
    unanswered = view.public_unanswered
    public_rows = [] if unanswered is None else [
        ("public comments unanswered", f"{unanswered} (none will be: no compilation to come)") if view.ended else
        ("public comments to answer", f"{unanswered}" + (" (answered by article before the compilation)" if unanswered else ""))]
    out.print(pairs(f"round {view.round_id} ({view.kind.value})", [
        ("window", window),
        ("answered", _answered(view) or "none"),
        ("comments", str(view.comments)),
        ("awaited", ", ".join(view.awaiting) or "none"),
        ("silent", ", ".join(view.silent) or "none"),
        ("comments unanswered" if view.ended else "comments to answer", ", ".join(view.unanswered_comments) or "none"),
        *public_rows,
        ("compiled", "yes" if view.compiled else "no"),
    ]))
