"""`legis`: run the stack, start drafts, send decisions, read status and history, list drafts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import traceback
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from schemas.enums import CallerRole, Stage
from schemas.consultation import CompilationBody, ConsultationView, OpinionBody
from schemas.messages import (
    ConsultationRequest,
    Decision,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    StartRequest,
)
from schemas.views import HistoryView, Receipt, StatusView
from workers.log_config import configure_logging
from workers.settings import Settings, temporal_client
from workflows import client as drafts
from workflows.deadlines import VIETNAM, local_day

app = typer.Typer(help="legis: Vietnamese draft laws on their statutory path, on Temporal.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)
M = TypeVar("M", bound=BaseModel)

JsonFile = Annotated[Path, typer.Argument(help="JSON file, or - for standard input", allow_dash=True)]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]
RequestId = Annotated[
    str | None, typer.Option(help="idempotency key: the same key sent twice applies the decision once")
]


AGENCY_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,23}")


class Refused(Exception):
    """A caller's mistake, reported in one line with exit code 2."""


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as invalid:
        _fail(f"settings: {_describe(invalid)}")


def _describe(invalid: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in invalid.errors())


def _read(path: Path, model: type[M]) -> M:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as missing:
        _fail(f"{path}: {missing.strerror}")
    try:
        return model.model_validate_json(text)
    except ValidationError as invalid:
        _fail(f"{model.__name__} refused: {_describe(invalid)}")


def _run(action: Callable[[Client], Awaitable[Any]]) -> Any:
    async def with_client() -> Any:
        settings = _settings()
        try:
            client = await temporal_client(settings)
        except RuntimeError as down:
            raise Refused(f"cannot reach Temporal at {settings.temporal_address}: {down} (is `legis dev` running?)") from None
        return await action(client)

    try:
        return asyncio.run(with_client())
    except Refused as refused:
        _fail(str(refused))
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        err.print(f"[red]refused:[/red] {cause.message if isinstance(cause, ApplicationError) else failed}", highlight=False)
        raise typer.Exit(2) from None
    except RPCError as rpc:
        if rpc.status is RPCStatusCode.NOT_FOUND:
            _fail(f"no such draft ({rpc.message})")
        raise


def _send(file: Path, model: type[M], send: Callable[[Client, M], Awaitable[Receipt]], as_json: bool) -> None:
    """Read one message from a JSON file, send it to a draft, print what it recorded and where the draft stands."""
    message = _read(file, model)

    async def sending(client: Client) -> tuple[Receipt, StatusView]:
        receipt = await send(client, message)
        return receipt, await drafts.status(client, receipt.submission_id)

    receipt, view = _run(sending)
    if as_json:
        _print_json(receipt)
        return
    recorded = f"events #{receipt.first_seq}" + (f"-{receipt.first_seq + receipt.events - 1}" if receipt.events > 1 else "") if receipt.events else "no event"
    out.print(f"{'already applied' if receipt.duplicate else 'applied'}: {recorded}; {receipt.stage.value} -> {receipt.to_stage.value}",
              highlight=False)
    _print_status(view)


def _print_json(model: BaseModel) -> None:
    out.print_json(model.model_dump_json())


def _print_status(view: StatusView) -> None:
    out.print(f"[bold]{view.submission_id}[/bold]: {view.title}", highlight=False)
    table = Table(show_header=False)
    deadline = f"{view.stage_deadline}{' (OVERDUE)' if view.overdue else ''}" if view.stage_deadline else "none"
    rows = [
        ("workflow", view.workflow_id),
        ("lead ministry", view.lead_ministry),
        ("process", f"{view.process_version.value} (rulebook {view.rulebook_version}), {view.session_procedure.value}"),
        ("target session", f"{view.target_session.code} opening {view.target_session.opens_on}"),
        ("stage", f"{view.stage.value} since {view.stage_since:%Y-%m-%d %H:%M} UTC"),
        ("deadline", deadline),
        ("revision loops", str(view.revision_loops)),
    ]
    if view.track.value != "REGULAR" or view.law_kind.value == "ORDINANCE":
        rows.append(("procedure", f"{view.law_kind.value}, {view.track.value} track"))
    for open_round in view.open_consultations:
        rows.append((f"consultation {open_round.round_id}", f"{open_round.kind.value}, awaiting compilation (`legis consult show`)"))
    if view.pending:
        rows.append(("pending", ", ".join(o.value for o in view.pending.outcomes)))
        rows.append(("who may decide", "; ".join(f"{d.actor.value}: {', '.join(r.value for r in d.roles)}" for d in view.pending.deciders)))
        if view.pending.missing_documents:
            rows.append(("missing documents", ", ".join(k.value for k in view.pending.missing_documents)))
    if view.pending_postponement:
        asked = view.pending_postponement
        rows.append(("postponement asked", f"to {asked.new_deadline} by {asked.actor.value}/{asked.agency_code}: awaiting decision"))
    for open_point in view.open_points:
        rows.append((f"disagreement {open_point.point.point_id}", f"{', '.join(open_point.point.parties)}: awaiting {open_point.with_actor.value}"))
    if view.next_alarm:
        rows.append(("next alarm", f"{view.next_alarm.label}: {view.next_alarm.at.isoformat()}"))
    for warning in view.warnings:
        rows.append(("warning", warning))
    if view.last_vote:
        v = view.last_vote
        rows.append(("last vote", f"{v.in_favour} for / {v.against} against / {v.abstaining} abstaining of {v.total_deputies}: {'passed' if v.passed else 'not passed'}"))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)


@app.command()
def dev() -> None:
    """Run everything locally: Temporal dev server + Web UI, embedded PostgreSQL, the worker."""
    from workers.dev_stack import run_dev_stack

    settings = _settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    try:
        asyncio.run(run_dev_stack(settings))
    except RuntimeError as failed:
        err.print(f"[red]error:[/red] {failed}", highlight=False)
        raise typer.Exit(1) from None


@app.command()
def worker() -> None:
    """Run a worker against LEGIS_TEMPORAL_ADDRESS and LEGIS_DATABASE_URL (production)."""
    from workers.worker import run_worker

    settings = _settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    try:
        asyncio.run(run_worker(settings))
    except ValueError as invalid:
        _fail(str(invalid))


@app.command()
def migrate() -> None:
    """Apply the database migrations to LEGIS_DATABASE_URL."""
    from activities.database import migrate as apply

    settings = _settings()
    if not settings.database_url:
        _fail("LEGIS_DATABASE_URL: required")
    applied = asyncio.run(apply(settings.database_url))
    out.print(f"applied: {', '.join(applied) or 'nothing (up to date)'}")


@app.command()
def start(file: JsonFile) -> None:
    """Start a submission from a JSON start request; starting it again returns the same draft."""
    request = _read(file, StartRequest)
    started = _run(lambda client: drafts.start_submission(client, request, task_queue=_settings().task_queue))
    out.print(f"{started.workflow_id} run {started.run_id}")


@app.command()
def decide(submission_id: str, file: JsonFile, request_id: RequestId = None, as_json: AsJson = False) -> None:
    """Send a decision (JSON) on the draft's current stage."""
    _send(file, Decision, lambda client, decision: drafts.decide(client, submission_id, decision, request_id=request_id), as_json)


@app.command("file")
def file_documents(submission_id: str, file: JsonFile, request_id: RequestId = None, as_json: AsJson = False) -> None:
    """File documents (JSON dossier filing) to the draft's dossier."""
    _send(file, DossierFiling, lambda client, filing: drafts.file_dossier(client, submission_id, filing, request_id=request_id), as_json)


@app.command()
def postpone(submission_id: str, file: JsonFile, request_id: RequestId = None, as_json: AsJson = False) -> None:
    """Ask to move the current stage's deadline (JSON postponement request: xin lùi)."""
    _send(file, PostponementRequest, lambda client, request: drafts.request_postponement(client, submission_id, request, request_id=request_id), as_json)


@app.command("decide-postponement")
def decide_postponement(submission_id: str, file: JsonFile, request_id: RequestId = None, as_json: AsJson = False) -> None:
    """Approve or refuse the pending postponement (JSON postponement decision)."""
    _send(file, PostponementDecision, lambda client, decision: drafts.decide_postponement(client, submission_id, decision, request_id=request_id), as_json)


@contextlib.contextmanager
def _database(settings: Settings):
    """LEGIS_DATABASE_URL, or the embedded database that `legis dev` keeps in the data folder."""
    if settings.database_url:
        yield settings.database_url
    elif (settings.data_dir / "postgres").exists():
        from workers.dev_stack import embedded_postgres

        with embedded_postgres(settings.data_dir) as url:
            yield url
    else:
        _fail("LEGIS_DATABASE_URL: required (or run `legis dev` once, which creates the embedded database)")


@contextlib.asynccontextmanager
async def _connection(settings: Settings) -> AsyncIterator[Any]:
    """One connection to the database `_database` names, closed when the block ends."""
    import asyncpg

    with _database(settings) as url:
        connection = await asyncpg.connect(url)
        try:
            yield connection
        finally:
            await connection.close()


def _with_database(action: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `action(connection)` for a command that needs only the database."""

    async def run() -> Any:
        async with _connection(_settings()) as connection:
            return await action(connection)

    return asyncio.run(run())


@app.command("raise-disagreement")
def raise_disagreement(submission_id: str, file: JsonFile, as_json: AsJson = False) -> None:
    """The Government Office sends a point ministries still disagree on to the Deputy Prime Minister (JSON Disagreement)."""
    from schemas.messages import Disagreement

    _send(file, Disagreement, lambda client, point: drafts.raise_disagreement(client, submission_id, point), as_json)


@app.command("rule")
def rule(submission_id: str, file: JsonFile, as_json: AsJson = False) -> None:
    """The Deputy Prime Minister rules or escalates to the Prime Minister, who rules last (JSON Ruling)."""
    from schemas.messages import Ruling

    _send(file, Ruling, lambda client, ruling: drafts.rule_on_disagreement(client, submission_id, ruling), as_json)


@app.command()
def report(
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="first day (default: 1 January this year)")] = None,
    until: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="day after the last (default: tomorrow)")] = None,
    ministry: Annotated[str | None, typer.Option(help="only drafts led by this agency code")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="also write the report to this CSV file")] = None,
) -> None:
    """Deadlines per agency: stages finished on time and late, overdue now, postponed, late requests."""
    from activities.reports import deadline_report, write_csv

    today = local_day(datetime.now(timezone.utc))
    first = since.date() if since else date(today.year, 1, 1)
    last = until.date() if until else today + timedelta(days=1)

    rows = _with_database(lambda db: deadline_report(db, since=first, until=last, today=today, lead_ministry=ministry))
    table = Table(title=f"deadlines from {first} to {last - timedelta(days=1)} (overdue as of {today})")
    for column in ("agency", "finished on time", "finished late", "on-time rate", "overdue now", "postponed", "late requests"):
        table.add_column(column, justify="left" if column == "agency" else "right")
    for r in rows:
        rate = "" if r.on_time_rate is None else f"{r.on_time_rate:.0%}"
        table.add_row(r.agency, str(r.on_time), str(r.late), rate, str(r.overdue_now), str(r.postponed), str(r.late_requests),
                      style="bold" if r.agency == "ALL" else None)
    out.print(table)
    if csv_file:
        with open(csv_file, "w", newline="", encoding="utf-8") as handle:
            write_csv(rows, handle)
        out.print(f"written: {csv_file}")


@app.command()
def status(submission_id: str, as_json: AsJson = False) -> None:
    """Where a draft stands: stage, since when, deadline, pending decision and who may make it."""
    view = _run(lambda client: drafts.status(client, submission_id))
    _print_json(view) if as_json else _print_status(view)


@app.command()
def history(submission_id: str, as_json: AsJson = False) -> None:
    """Everything that happened to a draft: who did what, in what role, when (from the audit trail)."""
    view: HistoryView = _with_database(lambda db: _whole_history(db, submission_id))
    if as_json:
        _print_json(view)
        return
    table = Table(title=f"history of {view.submission_id}")
    for column in ("#", "at (UTC)", "event", "stage", "outcome", "to", "by", "documents"):
        table.add_column(column)
    for e in view.entries:
        by = f"{e.actor.value}/{e.agency_code} {e.role.value} {e.official}" if e.actor and e.role else ""
        table.add_row(
            str(e.seq), f"{e.at:%Y-%m-%d %H:%M}", e.event.value, e.stage.value,
            e.outcome.value if e.outcome else "", e.to_stage.value if e.to_stage and e.to_stage != e.stage else "",
            by, ", ".join(d.kind.value for d in e.documents),
        )
    out.print(table)


async def _whole_history(db, submission_id: str) -> HistoryView:
    """Every event of a draft, page after page; refused for a submission the audit trail does not know."""
    from store import audit

    if not await audit.recorded(db, submission_id):
        raise typer.BadParameter(f"no draft {submission_id} in the audit trail", param_hint="submission_id")
    entries = []
    while page := (await audit.history(db, submission_id, after=entries[-1].seq if entries else 0)).entries:
        entries.extend(page)
    return HistoryView(submission_id=submission_id, entries=tuple(entries))


@app.command()
def export(
    submission_id: str,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file instead of standard output")] = None,
) -> None:
    """A draft's history as Akoma Ntoso XML: text versions as <eventRef>, decisions as <step>."""
    from schemas.akoma_ntoso import to_akoma_ntoso

    async def fetch(client: Client):
        status = await drafts.status(client, submission_id)
        async with _connection(_settings()) as db:
            history = await _whole_history(db, submission_id)
        described = await drafts.draft(client, submission_id).describe()
        # The memo holds a title only for drafts that are not classified.
        classified = "title" not in described.raw_description.workflow_execution_info.memo.fields
        return to_akoma_ntoso(status, history, classified=classified)

    xml = _run(fetch)
    if output:
        output.write_text(xml, encoding="utf-8")
        out.print(f"written: {output}")
    else:
        print(xml)


@app.command()
def versions(
    submission_id: str,
    compare: Annotated[tuple[int, int] | None, typer.Option(help="two version numbers to compare by content hash")] = None,
    as_json: AsJson = False,
) -> None:
    """The versions of a draft's dossier (each filing that changed a document), or two of them compared by hash."""
    from store import audit

    view = _with_database(lambda db: audit.versions(db, submission_id))
    if as_json:
        _print_json(view)
        return
    if compare is None:
        table = Table(title=f"dossier versions of {submission_id}")
        for column in ("version", "event #", "at (UTC)", "documents (kind: sha256)"):
            table.add_column(column)
        for v in view.versions:
            table.add_row(str(v.number), str(v.seq), f"{v.at:%Y-%m-%d %H:%M}", "\n".join(f"{d.kind.value}: {d.sha256[:16]}" for d in v.documents))
        out.print(table)
        return
    by_number = {v.number: v for v in view.versions}
    missing = [n for n in compare if n not in by_number]
    if missing:
        _fail(f"compare: no version {missing[0]}; this draft has {len(view.versions)}")
    left, right = ({d.kind: d.sha256 for d in by_number[n].documents} for n in compare)
    table = Table(title=f"{submission_id}: version {compare[0]} against {compare[1]}")
    for column in ("document", f"v{compare[0]}", f"v{compare[1]}", "change"):
        table.add_column(column)
    for kind in sorted(left.keys() | right.keys(), key=lambda k: k.value):
        a, b = left.get(kind), right.get(kind)
        change = "added" if a is None else "removed" if b is None else "same" if a == b else "changed"
        table.add_row(kind.value, (a or "")[:16], (b or "")[:16], change)
    out.print(table)


@app.command("list")
def list_drafts(
    stage: Annotated[Stage | None, typer.Option(help="only drafts at this stage")] = None,
    ministry: Annotated[str | None, typer.Option(help="only drafts led by this agency code")] = None,
    session: Annotated[str | None, typer.Option(help="only drafts for this session, e.g. 15-10")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
) -> None:
    """List drafts by stage, ministry and session, from Temporal's visibility store."""
    query = drafts.list_query(stage=stage, ministry=ministry, session=session)

    async def listing(client: Client) -> list[tuple[str, ...]]:
        rows = []
        async for wf in client.list_workflows(query, limit=limit):
            attrs = wf.typed_search_attributes
            rows.append((
                wf.id, wf.status.name if wf.status else "",
                attrs.get(drafts.sa.STAGE) or "", attrs.get(drafts.sa.LEAD_MINISTRY) or "",
                attrs.get(drafts.sa.TARGET_SESSION) or "",
                f"{attrs.get(drafts.sa.STAGE_DEADLINE).astimezone(VIETNAM):%Y-%m-%d %H:%M}" if attrs.get(drafts.sa.STAGE_DEADLINE) else "",
            ))
        return rows

    rows = _run(listing)
    table = Table(title=f"drafts ({query})")
    for column in ("workflow", "status", "stage", "ministry", "session", "overdue from (ICT)"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    out.print(table)


def main() -> None:
    """The `legis` entry point.

    It leaves through os._exit once the command's output is flushed: the Temporal client's Rust
    threads can crash CPython's teardown of a short-lived process (temporalio/sdk-python#300).
    """
    code = 1
    try:
        app()
        code = 0
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


calendar_app = typer.Typer(help="The National Assembly's session calendar; running drafts follow every change.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")


def _store_and_tell(store) -> None:
    """Apply one calendar change in PostgreSQL, then tell every running draft the whole calendar."""
    from activities.calendar import meetings, running_drafts, sessions
    from schemas.calendar import SessionCalendar

    settings = _settings()

    async def change(client: Client) -> tuple[int, list[str]]:
        async with _connection(settings) as connection:
            changed_by = await store(connection)
            known = await sessions(connection)
            if not known:
                raise Refused("sessions: announce at least one session with `legis calendar set-session` first")
            calendar = SessionCalendar(sessions=tuple(known), meetings=tuple(await meetings(connection)), changed_by=changed_by)
            targets = await running_drafts(connection)
        return await _tell_each(targets, lambda submission_id: drafts.tell_calendar(client, submission_id, calendar))

    _report_told(*_run(change))


async def _tell_each(submission_ids: list[str], send) -> tuple[int, list[str]]:
    """Send one update to each draft in turn, with progress; returns how many and the failures."""
    failed = []
    for done, submission_id in enumerate(submission_ids, 1):
        try:
            # A draft whose workers are all down must not hold up the others.
            await asyncio.wait_for(send(submission_id), 30)
        except (RPCError, WorkflowUpdateFailedError) as refused:
            failed.append(f"{submission_id}: {refused.cause.message if isinstance(getattr(refused, 'cause', None), ApplicationError) else refused}")
        except TimeoutError:
            failed.append(f"{submission_id}: no worker answered within 30 s; run the command again later")
        if done % 100 == 0 or done == len(submission_ids):
            err.print(f"told {done}/{len(submission_ids)} running drafts", highlight=False)
    return len(submission_ids), failed


def _report_told(told: int, failed: list[str]) -> None:
    out.print(f"{told - len(failed)} running drafts told", highlight=False)
    for line in failed:
        err.print(f"[yellow]not told[/yellow] {line}", highlight=False)


@app.command("remap-agency")
def remap_agency(
    old_code: str,
    new_code: str,
    changed_by: Annotated[str, typer.Option("--by", help="who makes the change (recorded in each draft)")],
    reason: Annotated[str, typer.Option(help="e.g. the decree that merged the ministries")],
) -> None:
    """Replace a lead ministry's code by another in every running draft (ministries merged); each audit trail records it."""
    from schemas.messages import AgencyRemap

    try:
        remap = AgencyRemap(old_code=old_code, new_code=new_code, changed_by=changed_by, reason=reason)
    except ValidationError as invalid:
        _fail(f"AgencyRemap refused: {_describe(invalid)}")
    settings = _settings()

    async def change(client: Client) -> tuple[int, list[str]]:
        async with _connection(settings) as connection:
            rows = await connection.fetch(
                "SELECT submission_id FROM submissions WHERE lead_ministry = $1 "
                "AND stage NOT IN ('PROMULGATED', 'REJECTED', 'WITHDRAWN') ORDER BY submission_id", old_code)
        return await _tell_each([r["submission_id"] for r in rows], lambda sid: drafts.remap_agency(client, sid, remap))

    _report_told(*_run(change))


@calendar_app.command("set-session")
def set_session(
    code: Annotated[str, typer.Argument(help="legislature-session, e.g. 16-2")],
    opens_on: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="opening day")],
    changed_by: Annotated[str, typer.Option("--by", help="who changes the calendar (recorded in each draft)")],
    extraordinary: Annotated[bool, typer.Option(help="an extraordinary session (kỳ họp bất thường)")] = False,
) -> None:
    """Add a session or move its opening day, then tell every running draft (deadlines follow, missed cut-offs slip)."""
    from activities.calendar import set_session as store_session
    from schemas.calendar import TargetSession

    legislature, _, number = code.partition("-")
    try:
        session = TargetSession(legislature=int(legislature), session=int(number), opens_on=opens_on.date(), extraordinary=extraordinary)
    except ValueError:
        _fail(f"code: {code!r} is not legislature-session, e.g. 16-2")

    async def store(connection) -> str:
        await store_session(connection, session, changed_by=changed_by)
        out.print(f"session {session.code} opens {session.opens_on}", highlight=False)
        return changed_by

    _store_and_tell(store)


@calendar_app.command("set-meeting")
def set_meeting(
    code: Annotated[str, typer.Argument(help="the meeting's code, e.g. UBTVQH-52")],
    meets_on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"], help="the meeting's day")],
    changed_by: Annotated[str, typer.Option("--by", help="who changes the calendar (recorded in each draft)")],
) -> None:
    """Add a Standing Committee meeting or move it, then tell every running draft (its 20-day cut-off follows)."""
    from activities.calendar import set_meeting as store_meeting
    from schemas.calendar import StandingCommitteeMeeting

    try:
        meeting = StandingCommitteeMeeting(code=code, meets_on=meets_on.date())
    except ValidationError:
        _fail(f"code: {code!r} may hold only letters, digits, '.', '_' and '-'")

    async def store(connection) -> str:
        await store_meeting(connection, meeting, changed_by=changed_by)
        out.print(f"meeting {meeting.code} on {meeting.meets_on}", highlight=False)
        return changed_by

    _store_and_tell(store)


@calendar_app.command("show")
def show_calendar() -> None:
    """The sessions and Standing Committee meetings as operators last set them."""
    from activities.calendar import meetings, sessions

    async def fetch(connection):
        return await sessions(connection), await meetings(connection)

    known_sessions, known_meetings = _with_database(fetch)
    table = Table(title="National Assembly calendar")
    for column in ("what", "code", "day", "kind"):
        table.add_column(column)
    for s in known_sessions:
        table.add_row("session opens", s.code, str(s.opens_on), "extraordinary" if s.extraordinary else "regular")
    for m in known_meetings:
        table.add_row("Standing Committee meets", m.code, str(m.meets_on), "")
    out.print(table)


subscribers_app = typer.Typer(help="Webhook subscribers: each agency's URL that receives its drafts' events.", no_args_is_help=True)
app.add_typer(subscribers_app, name="subscribers")


@subscribers_app.command("add")
def add_subscriber(
    agency_code: Annotated[str, typer.Argument(help="the lead ministry whose drafts it follows, or '*' for every draft")],
    url: Annotated[str, typer.Argument(help="where events are POSTed")],
) -> None:
    """Register a webhook, print its signing secret once, and start its delivery workflow."""
    from activities.webhooks import new_secret
    from schemas.records import WebhookInput
    from temporalio.common import WorkflowIDConflictPolicy
    from workflows.webhook_delivery import WebhookDeliveryWorkflow, workflow_id_for

    if not url.startswith(("http://", "https://")):
        _fail("url: must start with http:// or https://")
    settings = _settings()
    secret = new_secret()

    async def add(client: Client) -> int:
        async with _connection(settings) as connection:
            subscriber_id = await connection.fetchval(
                "INSERT INTO subscribers (agency_code, url, secret) VALUES ($1, $2, $3) "
                "ON CONFLICT (agency_code, url) DO UPDATE SET secret = EXCLUDED.secret, active = true RETURNING id",
                agency_code, url, secret)
        await client.start_workflow(WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id),
                                    id=workflow_id_for(subscriber_id), task_queue=settings.task_queue,
                                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        return subscriber_id

    subscriber_id = _run(add)
    out.print(f"subscriber {subscriber_id}: {agency_code} -> {url}")
    out.print(f"signing secret (shown once; verify X-Legis-Signature = sha256=HMAC-SHA256(secret, body)): {secret}", highlight=False)


@subscribers_app.command("list")
def list_subscribers() -> None:
    """The subscribers and how many events each has received."""
    rows = _with_database(lambda db: db.fetch(
        "SELECT s.id, s.agency_code, s.url, s.active, count(d.seq) AS delivered FROM subscribers s "
        "LEFT JOIN deliveries d ON d.subscriber_id = s.id GROUP BY s.id ORDER BY s.id"))
    table = Table(title="webhook subscribers")
    for column in ("id", "agency", "url", "active", "delivered"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["id"]), r["agency_code"], r["url"], "yes" if r["active"] else "no", str(r["delivered"]))
    out.print(table)


@subscribers_app.command("remove")
def remove_subscriber(subscriber_id: int) -> None:
    """Stop a subscriber's deliveries (its record and delivery log are kept)."""
    from workflows.webhook_delivery import workflow_id_for

    settings = _settings()

    async def remove(client: Client) -> None:
        async with _connection(settings) as connection:
            found = await connection.execute("UPDATE subscribers SET active = false WHERE id = $1", subscriber_id)
        if found.endswith(" 0"):
            raise Refused(f"subscriber_id: no subscriber {subscriber_id}")
        await client.get_workflow_handle(workflow_id_for(subscriber_id)).cancel()

    _run(remove)
    out.print(f"subscriber {subscriber_id} stopped")


@app.command()
def programme(submission_id: str, file: JsonFile, as_json: AsJson = False) -> None:
    """The Standing Committee changes the programme for a draft (ProgrammeChange JSON): add, defer,
    withdraw, move to the shortened or special track, or switch between one, two and three sessions."""
    _send(file, ProgrammeChange, lambda client, change: drafts.change_programme(client, submission_id, change), as_json)


consult_app = typer.Typer(help="Consultation rounds: opinions asked of many bodies at once; silence recorded when the window closes.",
                          no_args_is_help=True)
app.add_typer(consult_app, name="consult")


@consult_app.command("open")
def open_round(submission_id: str, file: JsonFile, as_json: AsJson = False) -> None:
    """The lead ministry opens a round (ConsultationRequest JSON); each consultee answers within the window."""
    _send(file, ConsultationRequest, lambda client, request: drafts.open_consultation(client, submission_id, request), as_json)


@consult_app.command("opinion")
def send_opinion(submission_id: str, round_id: str, file: JsonFile, as_json: AsJson = False) -> None:
    """A consultee's opinion (JSON, texts included) to an open round; the texts are stored, the round gets their hashes."""
    from store import texts

    opinion = _read(file, OpinionBody)
    refs = _with_database(lambda db: texts.put(db, opinion.texts()))
    receipt = _run(lambda client: drafts.submit_opinion(client, submission_id, round_id, opinion.by_reference(refs)))
    if as_json:
        _print_json(receipt)
    else:
        out.print(f"opinion of {receipt.consultee} taken: {receipt.comments} comments; {receipt.awaiting} consultees awaited; "
                  f"the round closes {receipt.closes_at.astimezone(VIETNAM).isoformat()}", highlight=False)


@consult_app.command("compile")
def compile_round(submission_id: str, round_id: str, file: JsonFile, as_json: AsJson = False) -> None:
    """The lead ministry's compilation (JSON, explanations included): every comment accepted or explained. Ends the round."""
    from store import texts

    compilation = _read(file, CompilationBody)
    refs = _with_database(lambda db: texts.put(db, compilation.texts()))
    _print_round(_run(lambda client: drafts.compile_round(client, submission_id, round_id, compilation.by_reference(refs))), as_json)


@consult_app.command("show")
def show_round(submission_id: str, round_id: str, as_json: AsJson = False) -> None:
    """A round: who answered, who is awaited or silent, which comments the compilation must still answer."""
    _print_round(_run(lambda client: drafts.consultation(client, submission_id, round_id)), as_json)


def _print_round(view: ConsultationView, as_json: bool) -> None:
    if as_json:
        _print_json(view)
        return
    table = Table(show_header=False, title=f"round {view.round_id} ({view.kind.value})")
    table.add_row("window", f"closes {view.closes_at.astimezone(VIETNAM).isoformat()}" + (" (closed)" if view.closed else ""))
    table.add_row("answered", ", ".join(a.consultee for a in view.answers) or "none")
    table.add_row("comments", str(view.comments))
    table.add_row("awaited", ", ".join(view.awaiting) or "none")
    table.add_row("silent", ", ".join(view.silent) or "none")
    table.add_row("comments to answer", ", ".join(view.unanswered_comments) or "none")
    table.add_row("compiled", "yes" if view.compiled else "no")
    out.print(table)


@app.command()
def api() -> None:
    """Serve the HTTP API on LEGIS_HTTP_HOST:LEGIS_API_PORT against LEGIS_TEMPORAL_ADDRESS and LEGIS_DATABASE_URL."""
    import uvicorn

    from activities.database import create_pool
    from api.app import create_app

    settings = _settings()
    if not settings.database_url:
        _fail("LEGIS_DATABASE_URL: required for `legis api` (`legis dev` serves the API on its embedded database)")
    configure_logging(settings.log_level, json_lines=settings.log_json)

    async def connect():
        return await temporal_client(settings), await create_pool(settings.database_url)

    uvicorn.run(create_app(connect=connect, task_queue=settings.task_queue), host=settings.http_host, port=settings.api_port, log_config=None)


@app.command()
def openapi() -> None:
    """Print the HTTP API's OpenAPI document (the repository keeps a copy in api/openapi.json)."""
    from api.app import create_app

    print(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False))


tokens_app = typer.Typer(help="Tokens of the HTTP API's callers: one agency in one role each; stored hashed.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


@tokens_app.command("issue")
def issue_token(
    agency_code: Annotated[str, typer.Argument(help="the agency the token acts for, e.g. BTP or BCT")],
    role: Annotated[CallerRole, typer.Argument(help="the role it acts in; OPERATOR reads everything but classified details")],
    issued_by: Annotated[str, typer.Option("--by", help="the operator issuing it")],
    label: Annotated[str, typer.Option(help="what system uses it")] = "",
) -> None:
    """Issue a token and print it once: only its hash is kept."""
    from api.tokens import issue

    if not AGENCY_CODE.fullmatch(agency_code):
        _fail("agency_code: 2-24 capital letters, digits or _ , starting with a letter")
    token_id, token = _with_database(lambda db: issue(db, agency_code=agency_code, role=role, issued_by=issued_by, label=label))
    out.print(f"token {token_id}: {agency_code} as {role.value}")
    print(f"secret (shown once; send as `Authorization: Bearer ...`): {token}", flush=True)


@tokens_app.command("list")
def list_api_tokens() -> None:
    """Tokens issued, live and revoked (never their secrets)."""
    from api.tokens import list_tokens

    rows = _with_database(list_tokens)
    table = Table(title="API tokens")
    for column in ("id", "agency", "role", "label", "issued", "by", "revoked"):
        table.add_column(column)
    for t in rows:
        table.add_row(t.token_id, t.agency_code, t.role.value, t.label, f"{t.issued_at:%Y-%m-%d}", t.issued_by,
                      f"{t.revoked_at:%Y-%m-%d}" if t.revoked_at else "")
    out.print(table)


@tokens_app.command("revoke")
def revoke_token(token_id: str, revoked_by: Annotated[str, typer.Option("--by", help="the operator revoking it")]) -> None:
    """Revoke a token: its next request is refused."""
    from api.tokens import revoke

    if not _with_database(lambda db: revoke(db, token_id, revoked_by=revoked_by)):
        _fail(f"token_id: no live token {token_id}")
    out.print(f"token {token_id} revoked")


@app.command()
def refusals(
    submission_id: Annotated[str | None, typer.Option(help="only attempts on this draft")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: AsJson = False,
) -> None:
    """Refused HTTP API attempts (part of the audit trail), newest first."""
    from api.tokens import list_refusals

    rows = _with_database(lambda db: list_refusals(db, submission_id=submission_id, limit=limit))
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title="refused attempts")
    for column in ("when (UTC)", "token", "agency", "role", "action", "draft", "status", "field", "rule"):
        table.add_column(column)
    for r in rows:
        table.add_row(f"{r.occurred_at:%Y-%m-%d %H:%M:%S}", r.token_id or "", r.agency_code or "", r.role or "", r.action,
                      r.submission_id or "", str(r.status), r.field, r.rule)
    out.print(table)
