"""`legis rulebook show`: the stage table of a process version, for a person who knows the law to check in one sitting."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli.app import any_case
from cli.output import AsJson, Format, Output, choose, emit_json, examples, out, print_table, table, wants_json
from cli.stage_table import Limit, StageRow, StageTable, kinds_words, mermaid, stage_table, starts, words
from schemas.enums import SITTING_STAGES, DeadlineAnchor, ProcessVersion
from schemas.rulebook import Decider, load_rulebook

app = typer.Typer(help="The rulebooks: the statutory path, deciders, documents and time limits of each process version.",
                  no_args_is_help=True, epilog=examples("legis rulebook show LAW_2025", "legis rulebook show LAW_2025 --diagram"))


ANEW = "(anew)"

# How a round's window is counted (`workflows.sessions.round_closes_at`), in words: the anchor's name alone read as the
# stage's entry, where a window runs from the round's opening (found by a lead ministry's trial).
_WINDOW_COUNTED = {
    DeadlineAnchor.STAGE_ENTRY: "from the round's opening (a last day on a rest day moved to the next working day)",
    DeadlineAnchor.BEFORE_NA_SESSION: "closing that many days before the session the draft aims at opens (a rest day moved to the working "
                                      "day before)",
}


def _documents(row: StageRow) -> str:
    return "\n".join(kind + (f" {ANEW}" if kind in row.renewed_documents else "") for kind in row.required_documents)


def _deciders(deciders: tuple[Decider, ...]) -> str:
    return "; ".join(f"{d.actor.value}: {', '.join(r.value for r in d.roles)}" for d in deciders)


def _limit(limit: Limit) -> str:
    applies = " and ".join(part for part in (", ".join(k.value for k in limit.law_kinds), ", ".join(p.value for p in limit.procedures)) if part)
    said = f"{limit.days} {limit.counting}, {limit.anchor}; on a rest day: {limit.rest_day.value}"
    return said + (f"; only for {applies}" if applies else "") + (" [UNVERIFIED]" if limit.unverified else "") + f" ({limit.source})"


def _print_table(shown: StageTable) -> None:
    out.print(f"{shown.process_version}, rulebook edition {shown.version} (digest {shown.digest}): {shown.source}")
    if shown.url:
        out.print(shown.url)
    rows = table(None, "stage", "on the path of", "outcome -> next stage", "who decides", "documents needed", "time limits", "source")
    for row in shown.stages:
        on = words((row.on_path,)) or "every draft"
        if row.referred_from:
            on += f"; ordinances referred from {' and '.join(s.value for s in row.referred_from)}"
        if row.skipped_on:
            on += f"; skipped on the {' and '.join(t.value for t in row.skipped_on)} track"
            on += "".join(f", but not by {kept}" for kept in row.kept_on)
        moves = "\n".join(f"{m.outcome} -> {m.to.value}" + (f" ({words(m.when)})" if m.when else "") + (" (default)" if m.default else "")
                          for m in row.transitions)
        limits = "\n".join(f"{limit.name}: {_limit(limit)}" for limit in row.limits) or "none"
        # Who may move it (found by a new engineer: only the JSON said, and which stages' deadlines cannot be moved).
        if row.limits:
            limits += f"\npostponed by: {_deciders(row.postponement_authority)}" if row.postponement_authority else "\ncannot be postponed"
        rows.add_row(f"{row.stage.value}\n{row.name_vi}", on, moves, _deciders(row.deciders), _documents(row) or "none",
                     limits, row.source + (" [UNVERIFIED]" if row.unverified else "") + (f"\n{row.url}" if row.url else ""))
    print_table(rows)
    out.print(f"WITHDRAW -> WITHDRAWN, at any stage before the text is passed (not PROMULGATION, PUBLICATION), by {_deciders(shown.withdrawal)}")
    if sitting := [row.stage.value for row in shown.stages if row.stage in SITTING_STAGES]:
        out.print(f"{', '.join(sitting)}: decided at a sitting, on or after the opening of the session the draft aims at (every "
                  "outcome but WITHDRAW; workflows.sittings.check_sitting)")
    out.print(f"documents needed: {ANEW} counts only when filed at that stage for its decision (one filed for an earlier decision or stage "
              "does not count); the others may have been filed at an earlier stage")
    out.print(f"documents filed by {_deciders(shown.filing)}" + (f", but for those a deciding body gives with its decision, never filed: "
                                                                 f"{', '.join(k.value for k in shown.filed_with_decisions)}" if shown.filed_with_decisions else ""))
    for track in shown.tracks:
        flag = " [UNVERIFIED]" if track.unverified else ""
        kept = "".join(f"; {kinds_words(k.law_kinds)} still pass {k.stage.value}" for k in track.kept_for)
        out.print(f"{track.track.value} track skips {', '.join(s.value for s in track.skips)}{kept}{flag} ({track.source})")
    for window in shown.consultation:
        flag = " [UNVERIFIED]" if window.unverified else ""
        least = "" if window.statutory_minimum else " (a default, not a minimum: the law sets no number)"
        counted = _WINDOW_COUNTED.get(window.anchor, window.anchor.value)
        out.print(f"consultation {window.kind.value}: {window.days} {window.counting.value}{least}, {counted}, at "
                  f"{', '.join(s.value for s in window.stages)}{flag} ({window.source})")
    if shown.ordinance_reconsideration:
        out.print(f"an ordinance sent back by the President: {_limit(shown.ordinance_reconsideration)}")
    follow = shown.follow_up
    out.print(f"follow-up: warnings at {', '.join(f'{f:.0%}' for f in follow.warn_at_fractions)} of the window and "
              f"{', '.join(str(d) for d in follow.warn_days_before)} days before the deadline; escalation "
              f"{', '.join(f'{s.level.value} +{s.days_after}d' for s in follow.escalation)}; a postponement asked fewer than "
              f"{follow.late_request_days} days before the deadline, or after it, is flagged late{' [UNVERIFIED]' if follow.unverified else ''} ({follow.source})")
    for row in (r for r in shown.stages if r.escalation_ladder):
        own = row.escalation_ladder
        out.print(f"escalation at {row.stage.value}: {', '.join(f'{s.level.value} +{s.days_after}d' for s in own.escalation)}"
                  f"{' [UNVERIFIED]' if own.unverified else ''} ({own.source})")
    for cited in shown.citations:
        out.print(f"{cited.rule}: {cited.source}{' [UNVERIFIED]' if cited.unverified else ''}" + (f" {cited.url}" if cited.url else ""))
    found = shown.unverified
    out.print(f"unverified: {found.count} of the {found.of} numbers and rules with a source are not yet read in a law text "
              f"({found.numbers_unverified} of the {found.numbers} numbers, {found.count - found.numbers_unverified} of the "
              f"{found.of - found.numbers} rules)" + (f": {', '.join(found.where)}" if found.where else "")
              + f"; the other {found.of - found.count} name their article and the URL where its text was read")
    if found.uncited:
        out.print(f"claimed without their article or URL: {', '.join(found.uncited)}")


@app.command("show", epilog=examples("legis rulebook show LAW_2025", "legis rulebook show LAW_2015 --output json",
                                     "legis rulebook show LAW_2025 --diagram > law_2025.mmd"))
def show(
    process_version: Annotated[ProcessVersion, typer.Argument(help="the process version, in any letter case", parser=any_case(ProcessVersion, "process_version"),
                                                              metavar="PROCESS_VERSION")],
    diagram: Annotated[bool, typer.Option("--diagram", help="print a Mermaid state diagram (stateDiagram-v2) instead")] = False,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """The stage table of a process version, on one page.

    Each stage on any path, each outcome and the stage it leads to, who decides, the documents needed, the time
    limit (anchor, counting, rest-day rule, kinds of draft), the source article; and how many numbers are
    unverified."""
    choose(output, as_json)
    book = load_rulebook(process_version)
    shown = stage_table(book)
    if diagram and wants_json():  # one JSON document, as every reading command gives
        emit_json({"process_version": process_version.value, "format": "mermaid", "diagram": mermaid(shown, starts(book))})
    elif diagram:
        sys.stdout.write(mermaid(shown, starts(book)))
    elif wants_json():
        emit_json(shown)
    else:
        _print_table(shown)
