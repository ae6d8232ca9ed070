"""Commands that read the audit trail in PostgreSQL: a draft's history, its dossier's versions, its Akoma Ntoso
export, and the deadline report. `-` stands for standard output wherever they write a file."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from temporalio.client import Client

from cli import database, temporal
from cli.app import SubmissionId, day_option, identifier
from cli.failures import NotFound, from_refusal
from cli.output import AsJson, Format, Output, choose, day, emit_json, err, examples, instant, plain, print_table, table, wants_json, written
from schemas import messages
from schemas.enums import EventKind
from schemas.refusal import Refused
from schemas.state import dossier_key
from schemas.views import HistoryEntry, HistoryView, VersionsView
from store import audit, board, registry
from workflows import client as drafts
from workflows.deadlines import local_day

app = typer.Typer()
PANEL = "Audit trail and reports"


async def whole_history(db, submission_id: str) -> HistoryView:
    """Every event of a draft, page after page; not found for a submission the audit trail does not know."""
    await known(db, submission_id)
    entries = []
    while page := (await audit.history(db, submission_id, after=entries[-1].seq if entries else 0)).entries:
        entries.extend(page)
    return HistoryView(submission_id=submission_id, entries=tuple(entries))


async def registered(db, submission_id: str):
    """The draft's classification as the registry holds it (`api.permissions.Registered`); one the registry does not
    hold is read as classified, its details withheld (the audit trail's first write registers a draft)."""
    from api.permissions import Registered

    return Registered(*(await registry.classification(db, submission_id) or (True, "")))


async def _with_classification(db, submission_id: str, read):
    """What `read(db, submission_id)` gives, with the draft's classification (`registered`)."""
    return await read(db, submission_id), await registered(db, submission_id)


async def known(db, submission_id: str) -> None:
    """Raises for a submission the audit trail does not know: `draft_closed` when Temporal says it has ended (as the
    API's history and versions say it), else not found."""
    if not await audit.recorded(db, submission_id):
        if (ended := await temporal.draft_ended(submission_id)) is not None:
            raise from_refusal(ended)
        # As `legis status` says it: the draft the registry holds in other letter case, not a classified one.
        named = await board.in_other_case(db, submission_id, own_agency=None)
        raise NotFound(f"submission_id: no draft {submission_id} in the audit trail" + (f"; {named} differs from it only in letter case"
                       if named else ""), field="submission_id", rule="draft_unknown")


@app.command(rich_help_panel=PANEL, epilog=examples("legis history BGDDT-2026-017", "legis history BGDDT-2026-017 --output json"))
def history(submission_id: SubmissionId, output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """Everything that happened to a draft: who did what, in what role, when (from the audit trail)."""
    choose(output, as_json)
    from api.permissions import CLI_READER, history_for

    view, draft = database.read(lambda db: _with_classification(db, submission_id, whole_history))
    view = history_for(CLI_READER, view, draft)  # a classified draft's details are its lead ministry's alone, as through the API
    # As the board's timeline says them: the alarms a decision ending their stage, or a postponement moving their deadline,
    # entered afterwards and dated before them, overtook.
    superseded, moved = audit.ended_before_raised(view.entries), audit.moved_before_raised(view.entries)
    if wants_json():
        # Each entry as the API gives it; beside them, by `seq`, the alarms overtaken, each with the day of what overtook it
        # (found by a re-check: the table said it, the JSON did not).
        emit_json(plain(view.model_copy(update={"raised_before_stage_ended": superseded, "raised_before_deadline_moved": moved})))
        return
    shown = table(f"history of {view.submission_id}", "#", "recorded", "happened on", "event", "stage", "outcome", "to", "by", "documents",
                  "deadline after", "note")
    for e in view.entries:
        happened = (day(e.occurred_on) if e.occurred_on else "") + (" (imported)" if e.imported else "")
        ended = (f"raised before the decision ending this stage on {day(superseded[e.seq])} was entered: the stage had ended by then"
                 if e.seq in superseded else
                 f"raised before the postponement approved on {day(moved[e.seq])} was entered: the deadline had moved by then"
                 if e.seq in moved else "")
        shown.add_row(
            str(e.seq), instant(e.at), happened, e.event.value, e.stage.value, e.outcome.value if e.outcome else "",
            e.to_stage.value if e.to_stage and e.to_stage != e.stage else "", acted_by(e), ", ".join(d.kind.value for d in e.documents),
            deadline_after(e), "; ".join(part for part in (postponement_note(e), vote_note(e), e.label, reasons_note(e.reasons, e.event), ended)
                                         if part),
        )
    print_table(shown)


REASONS_SHOWN = 300


def reasons_note(reasons: str, event: EventKind | None = None) -> str:
    """Why, as the decision or request gave it, its first `REASONS_SHOWN` characters ("why: ..."); `--output json` has all
    of it (found by a National Assembly Office official's trial: who did what and why could not be printed). An opinion's
    are its comments' numbers ("comments: 1; 2", as the board heads them; found by a trial: "why: 1; 2")."""
    reasons = " ".join(reasons.split())
    if not reasons:
        return ""
    said = "comments" if event is EventKind.OPINION_RECEIVED else "why"
    return f"{said}: {reasons}" if len(reasons) <= REASONS_SHOWN else f"{said}: {reasons[:REASONS_SHOWN]}… (all of it: --output json)"


def postponement_note(entry: HistoryEntry) -> str:
    """What a postponement asked or decided: "asked to 2026-12-17 (late request)", "approved: 2026-12-17", "refused"."""
    if entry.event is EventKind.POSTPONEMENT_REQUESTED and entry.requested_deadline is not None:
        return f"asked to {day(entry.requested_deadline)}" + (" (late request)" if entry.late_request else "")
    if entry.event is EventKind.POSTPONEMENT_DECIDED and entry.approved is not None:
        return f"approved: {day(entry.requested_deadline)}" if entry.approved and entry.requested_deadline else "refused"
    return ""


def vote_note(entry: HistoryEntry) -> str:
    """A vote's result and counts: "passed: 320 of 480 deputies in favour, 20 against, 10 abstaining", "not passed: ..."
    (the outcome column says VOTE for both). The parts voted down are the event's label's ("passed in part; ...")."""
    vote = entry.vote
    if vote is None:
        return ""
    counts = f"{vote.in_favour} of {vote.total_deputies} deputies in favour, {vote.against} against, {vote.abstaining} abstaining"
    return f"{'passed' if vote.passed else 'not passed'}: {counts}"


# Events that may set, move or lift the deadline in force without saying so in their note.
_RECOUNTING = frozenset({EventKind.SESSION_RESCHEDULED, EventKind.MEETING_SCHEDULED, EventKind.DEADLINE_RECOUNTED, EventKind.SESSION_SLIPPED})


def deadline_after(entry: HistoryEntry) -> str:
    """For a calendar event, the deadline in force after it ("none": a limit that waits for a sitting to count back from);
    for an event that moved the draft to a stage, that stage's deadline (recorded from the tenth generation); other events
    record the deadline of the stage as it stood when they happened (a decision's is the stage it left), so nothing is
    shown for them."""
    if entry.to_stage_deadline is not None:
        return day(entry.to_stage_deadline)
    if entry.event not in _RECOUNTING:
        return ""
    return day(entry.deadline) if entry.deadline is not None else "none"


def acted_by(entry: HistoryEntry) -> str:
    """Whatever of who acted an event holds: "MOJ/BTP MINISTER Bộ trưởng"; a consultee's opinion its agency and official
    only; an alarm nobody."""
    acting = "/".join(part for part in (entry.actor.value if entry.actor else "", entry.agency_code or "") if part)
    return " ".join(part for part in (acting, entry.role.value if entry.role else "", entry.official or "") if part)


@app.command(rich_help_panel=PANEL, epilog=examples(
    "legis versions BGDDT-2026-017", "legis versions BGDDT-2026-017 --compare 3 4 --output json"))
def versions(
    submission_id: SubmissionId,
    compare: Annotated[tuple[int, int] | None, typer.Option(metavar="N M", help="two version numbers to compare by content hash")] = None,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """The versions of a draft's dossier (each filing that changed a document), or two of them compared by hash."""
    choose(output, as_json)

    from api.permissions import CLI_READER, versions_for

    async def reading(db, _: str) -> VersionsView:
        await known(db, submission_id)
        return await audit.versions(db, submission_id)

    view, draft = database.read(lambda db: _with_classification(db, submission_id, reading))
    view = versions_for(CLI_READER, view, draft)
    if compare is None:
        if wants_json():
            emit_json(view)
            return
        shown = table(f"dossier versions of {submission_id}", "version", "event #", "recorded", "filed on", "documents (kind: sha256)")
        for v in view.versions:
            shown.add_row(str(v.number), str(v.seq), instant(v.at), day(v.occurred_on) if v.occurred_on else "",
                          "\n".join(f"{_named(d)}: {d.sha256}" for d in v.documents))
        print_table(shown)
        return
    by_number = {v.number: v for v in view.versions}
    missing = [n for n in compare if n not in by_number]
    if missing:
        raise NotFound(f"compare: no version {missing[0]}; this draft has {len(view.versions)}", field="compare", rule="version_known")
    # Each compilation of comments by its name, as the dossier keeps them (found by a re-check: a second compilation read as
    # the first one changed).
    left, right = ({_named(d): d.sha256 for d in by_number[n].documents} for n in compare)
    changes = []
    for kind in sorted(left.keys() | right.keys()):
        a, b = left.get(kind), right.get(kind)
        changes.append({"document": kind, "left": a, "right": b,
                        "change": "added" if a is None else "removed" if b is None else "same" if a == b else "changed"})
    if wants_json():
        emit_json({"submission_id": submission_id, "left": compare[0], "right": compare[1], "documents": changes})
        return
    shown = table(f"{submission_id}: version {compare[0]} against {compare[1]}", "document", f"v{compare[0]}", f"v{compare[1]}", "change")
    for c in changes:
        shown.add_row(c["document"], c["left"] or "", c["right"] or "", c["change"])
    print_table(shown)


def _named(document: messages.DocumentRef) -> str:
    """A document of a version as the dossier tells it apart: its kind, and a compilation of comments its name too."""
    key = dossier_key(document)
    return f"{key[0].value} ({key[1]})" if isinstance(key, tuple) else key.value


@app.command(rich_help_panel=PANEL, short_help="A draft's history as Akoma Ntoso XML (a classified draft's names neither title nor ministry).",
             epilog=examples("legis export BGDDT-2026-017 -o draft.akn.xml", "legis export BGDDT-2026-017 | head -20",
                             "legis export BGDDT-2026-017 --json"))
def export(
    submission_id: SubmissionId,
    to: Annotated[Path, typer.Option("--file", "-o", help="the file to write; - for standard output", allow_dash=True)] = Path("-"),
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """A draft's history as Akoma Ntoso XML: text versions as <eventRef>, decisions as <step>. A classified draft's
    names neither its title nor its lead ministry. With --output json: {"submission_id", "xml"}, or, with a file,
    {"submission_id", "written", "bytes"}."""
    from api.permissions import exported
    from schemas.akoma_ntoso import to_akoma_ntoso

    choose(output, as_json)
    target = temporal.draft(submission_id)

    async def fetch(client: Client) -> str:
        status = await temporal.call(client, target, drafts.status(client, submission_id))
        async with database.connection() as db:
            history = await whole_history(db, submission_id)
        return to_akoma_ntoso(*exported(status, history))

    xml = temporal.run(fetch)
    xml += "" if xml.endswith("\n") else "\n"
    if str(to) == "-":
        emit_json({"submission_id": submission_id, "xml": xml}) if wants_json() else sys.stdout.write(xml)
        return
    with written(to, "file") as handle:
        handle.write(xml)
    if wants_json():
        emit_json({"submission_id": submission_id, "written": str(to), "bytes": len(xml.encode())})
    else:
        err.print(f"written: {to}")


@app.command(rich_help_panel=PANEL, epilog=examples(
    "legis report --since 2026-01-01 --until 2026-07-01", "legis report --ministry BGDDT --csv -", "legis report --output json"))
def report(
    since: Annotated[date | None, typer.Option(parser=day_option("since"), metavar="YYYY-MM-DD", help="first day, in Ha Noi (default: 1 January this year)")] = None,
    until: Annotated[date | None, typer.Option(parser=day_option("until"), metavar="YYYY-MM-DD", help="the day after the last (default: tomorrow)")] = None,
    ministry: Annotated[str | None, typer.Option(
        help="only the drafts this agency code leads, e.g. BGDDT; the rows stay one per body that acted on them (MOJ, VPCP, ...; "
             "the ministry itself under its code)", callback=identifier(messages.AgencyCode, "ministry"))] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="also write the report as CSV to this file; - for standard output only",
                                                  allow_dash=True)] = None,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Deadlines per agency: stages finished on time and late, overdue now, postponed, late requests."""
    from activities.reports import deadline_report, report_period, write_csv

    choose(output, as_json)
    today = local_day(datetime.now(UTC))
    try:
        first, last = report_period(since, until, today=today)
    except Refused as refused:
        raise from_refusal(refused) from None
    rows = database.read(lambda db: deadline_report(db, since=first, until=last, today=today, lead_ministry=ministry))
    if ministry is not None and len(rows) == 1 and not wants_json():
        err.print(f"no draft led by {ministry} has anything to count in the period (the registry's agency codes: `legis list`)")
    if csv_file is not None and str(csv_file) == "-":
        write_csv(rows, sys.stdout)
        return
    if csv_file is not None:
        with written(csv_file, "csv") as handle:
            write_csv(rows, handle)
        err.print(f"written: {csv_file}")
    if wants_json():
        emit_json({"since": first, "until": last, "overdue_as_of": today,
                   "rows": [plain(r) for r in rows]})
        return
    figures = ("finished on time", "finished late", "on-time rate", "overdue now", "postponed", "late requests")
    shown = table(f"deadlines from {day(first)} to {day(last - timedelta(days=1))} (overdue as of {day(today)})",
                  "agency", *figures, numbers=figures)
    for r in rows:
        rate = "" if r.on_time_rate is None else f"{r.on_time_rate:.0%}"
        shown.add_row(r.agency, str(r.on_time), str(r.late), rate, str(r.overdue_now), str(r.postponed), str(r.late_requests),
                      style="bold" if r.agency == "ALL" else None)
    print_table(shown)
