"""Changes told to every running draft: the session calendar's (`cli.calendar`) and a lead ministry's new code.

Each draft is told in turn, each within `--timeout`: a draft whose worker does not answer is listed and
does not hold up the others. Telling a draft again is harmless, so the remedy for a partial run is to
run the same command again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.text import Text
from temporalio.client import Client

from cli import database, temporal
from cli.app import by_option
from cli.failures import Failure, Invalid, Unavailable
from cli.jsonfile import invalid_model
from cli.output import AsJson, Format, Output, choose, emit_json, err, examples, out, wants_json, warn
from schemas.enums import MERGED_COMMITTEES, NA_COMMITTEES, committee_refusal
from schemas.messages import AgencyRemap, RunRenewal
from store import registry, subscribers
from workflows import client as drafts

app = typer.Typer()
# Drafts asked their status at once, when a committee's remap names those an earlier run kept (every running draft may be).
ASKED_AT_ONCE = 16


class NotAllTold(Failure):
    """Some drafts were not told; the exit code is that of the first failure, or 5 when any draft did not answer."""

    def __init__(self, told: int, failed: list[tuple[str, Failure]], retry: str) -> None:
        super().__init__(f"{len(failed)} of {told + len(failed)} running drafts not told; {retry}")
        unavailable = [f for _, f in failed if isinstance(f, Unavailable)]
        self.code = (unavailable or [failed[0][1]])[0].code
        self.label = "not all told"
        self.problems = [{"submission_id": sid, "error": f.label, "rule": f.rule, "message": f.message} for sid, f in failed]


async def tell_each(client: Client, submission_ids: list[str], send: Callable[[str], Awaitable[object]], *,
                    retry: str = "run the command again to tell them", changed: dict | None = None,
                    maybe_absent: frozenset[str] = frozenset(), not_concerned: str | None = None,
                    passed_over: list[str] | None = None) -> int:
    """Send one update to each draft in turn, with progress on standard error (every 100), then say how many were told (and
    return it). A draft
    whose workflow has ended though the registry still counts it running (terminated, say) takes no message: it is named
    as ended, and nothing is left to retry for it; one of `maybe_absent` that Temporal does not know (a start claimed that
    never ran) is passed over, uncounted, and so is a draft refusing the message by the rule `not_concerned` (one it does
    not concern), and gathered in `passed_over` when given. `changed`, what the command changed, opens its JSON. Raises NotAllTold, saying how to retry (`retry`),
    when others failed."""
    failed: list[tuple[str, Failure]] = []
    ended: list[tuple[str, Failure]] = []
    absent = 0
    for done, submission_id in enumerate(submission_ids, 1):
        try:
            await temporal.call(client, temporal.draft(submission_id), send(submission_id))
        except Failure as not_told:
            if (submission_id in maybe_absent and not_told.rule == "draft_unknown") or (not_concerned and not_told.rule == not_concerned):
                absent += 1
                if passed_over is not None and not_told.rule == not_concerned:
                    passed_over.append(submission_id)
                continue
            (ended if not_told.rule == "draft_closed" else failed).append((submission_id, not_told))
        # Progress while drafts remain: the last count is the result's own line (a fresh-user trial read it twice).
        if done % 100 == 0 and done < len(submission_ids):
            err.print(f"sent to {done}/{len(submission_ids)} running drafts")
    told = len(submission_ids) - len(failed) - len(ended) - absent
    if wants_json():
        emit_json((changed or {}) | {"told": told, "not_told": [{"submission_id": sid, **f.as_json()} for sid, f in failed],
                   "ended": [{"submission_id": sid, "message": f.message} for sid, f in ended]})
    else:
        out.print(f"{told} running draft{'' if told == 1 else 's'} told")
        for submission_id, closed in ended:
            err.print(Text.assemble(("ended", "yellow"), f" {submission_id}: {closed.message}"))
        for submission_id, not_told in failed:
            err.print(Text.assemble(("not told", "yellow"), f" {submission_id}: {not_told.line()}"))
    if failed:
        raise NotAllTold(told, failed, retry)
    return told


async def _examined_by_an_earlier_run(client: Client, passed_over: list[str], old_code: str) -> int:
    """Name the drafts passed over whose examining committee is `old_code` still: their run, of a generation before the
    twenty-second, refuses a committee's remap until it continues as new (found by a re-check: passed over, uncounted,
    where an operator had to find them)."""
    at_once = asyncio.Semaphore(ASKED_AT_ONCE)

    async def examined(submission_id: str) -> bool:
        async with at_once:
            try:
                view = await temporal.call(client, temporal.draft(submission_id), drafts.status(client, submission_id))
            except Failure:
                return False
        return view.examining_committee == old_code

    found = await asyncio.gather(*(examined(sid) for sid in passed_over))
    for submission_id in (sid for sid, named in zip(passed_over, found, strict=True) if named):
        err.print(Text.assemble(("not remapped", "yellow"), f" {submission_id}: examined by {old_code}, its run (a generation before "
                                f"the twenty-second) refuses a committee's remap: `legis renew {submission_id} --by WHO`, then run the command again"))
    return sum(found)


@app.command("remap-agency", rich_help_panel="Operators", epilog=examples(
    'legis remap-agency BKHDT BTC --by "VPCP operator" --reason "Nghị quyết 176/2025/QH15: ministries merged"',
    'legis remap-agency UBXH UBVHXH --by "VPQH" --reason "Hợp nhất các Ủy ban của Quốc hội năm 2025"'))
def remap_agency(
    old_code: Annotated[str, typer.Argument(help="the lead ministry's code until now, or the examining committee's")],
    new_code: Annotated[str, typer.Argument(help="its code from now on")],
    changed_by: by_option("who makes the change (recorded in each draft)"),
    reason: Annotated[str, typer.Option(help="e.g. the decree that merged the ministries")],
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Replace a lead ministry's or an examining committee's code by another in every running draft; each records it.

    Ministries merged: the drafts the old code leads. Committees merged: every running draft is asked (a committee is in
    no column of the registry) and those it examines take the new code; a run of a generation before the twenty-second
    refuses it until it continues as new."""
    choose(output, as_json)
    try:
        remap = AgencyRemap(old_code=old_code, new_code=new_code, changed_by=changed_by, reason=reason)
    except ValidationError as invalid:
        raise invalid_model("remap not sent", invalid) from None

    # A committee's code goes to a committee, as each draft would refuse it one by one (found by a re-check: told "run the
    # command again", which could never succeed).
    if (old_code in NA_COMMITTEES or old_code in MERGED_COMMITTEES) and (why := committee_refusal(new_code)) is not None:
        raise Invalid(f"new_code: {why}", field="new_code", rule="examining_committee_known")

    async def change(client: Client) -> None:
        # A committee's code, current or merged, or the code a committee's was remapped to: a new code names a committee (`rules.check_remap`).
        committee = old_code in NA_COMMITTEES or old_code in MERGED_COMMITTEES or new_code in NA_COMMITTEES or new_code in MERGED_COMMITTEES
        async with database.connection() as db:
            led, maybe_absent = await registry.drafts_to_tell(db, led_by=None if committee else old_code)
            hooked = await subscribers.active_of(db, old_code)
            ministry = committee and bool((await registry.drafts_to_tell(db, led_by=old_code))[0])
        if ministry:  # a lead ministry's code is a ministry's (found by a re-check: every draft of BGDDT was "led" by a committee)
            raise Invalid(f"new_code: {new_code} is a committee of the National Assembly, and {old_code} leads running drafts as their "
                          "ministry: a lead ministry's code is remapped to a ministry's", field="new_code", rule="lead_ministry_code")
        if not led and not committee:
            warn(f"no running draft is led by {old_code}: nothing to remap (a code as the drafts write it: legis list --ministry CODE)")
        passed_over: list[str] = []
        told = await tell_each(client, led, lambda sid: drafts.remap_agency(client, sid, remap), maybe_absent=maybe_absent,
                               not_concerned="old_code_leads" if committee else None, passed_over=passed_over)
        # As a ministry's code leading nothing is warned of (found by a new user: a committee's, "0 running drafts told" alone).
        if committee and not await _examined_by_an_earlier_run(client, passed_over, old_code) and not told:
            warn(f"no running draft is examined by {old_code}: nothing to remap (a committee as the drafts name it: legis status ID, "
                 "examining_committee)")
        if led and hooked:
            err.print(Text.assemble(("note", "yellow"), f" webhook subscriber{'s' if len(hooked) > 1 else ''} "
                                    f"{', '.join(map(str, hooked))} of {old_code} receive{'' if len(hooked) > 1 else 's'} no event of these "
                                    f"drafts from now on: they are {new_code}'s (legis subscribers add {new_code} URL)"))

    temporal.run(change)


@app.command("renew", rich_help_panel="Operators", short_help="Have drafts' runs continue as new, taking up this release's rules.", epilog=examples('legis renew BGDDT-2026-017 --by "VPCP operator"', 'legis renew --all --by "VPCP operator"'))
def renew(
    changed_by: by_option("who asks it (in each run's history)"),
    submission_ids: Annotated[list[str] | None, typer.Argument(help="the drafts whose runs to renew")] = None,
    every: Annotated[bool, typer.Option("--all", help="every running draft (after an upgrade)")] = False,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Have a draft's run continue as new with its state, so that a run begun under an earlier release takes up this
    release's rules (its generation: `workflows/generations.py`); nothing is recorded, and messages sent meanwhile are
    answered as busy and sent again. A run continues as new by itself only after thousands of events."""
    choose(output, as_json)
    if bool(submission_ids) == every:
        raise Invalid("submission_ids: name the drafts, or give --all (one or the other)", field="submission_ids", rule="drafts_or_all")
    try:
        renewal = RunRenewal(asked_by=changed_by)
    except ValidationError as invalid:
        raise invalid_model("renewal not sent", invalid) from None

    async def renewing(client: Client) -> None:
        named = list(dict.fromkeys(submission_ids or []))
        if every:
            async with database.connection() as db:
                named, absent = await registry.drafts_to_tell(db)
        await tell_each(client, named, lambda sid: drafts.renew_run(client, sid, renewal), maybe_absent=absent if every else frozenset(),
                        retry="run the command again for those that did not answer; a draft Temporal does not know needs no renewal (legis list)")

    temporal.run(renewing)
