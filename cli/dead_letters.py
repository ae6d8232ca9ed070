"""`legis dead-letters`: what an activity kept instead of retrying without end, because of its data.

An audit event the database refuses (a value over a column's range, a constraint it breaks) is kept
here and the draft's later events are written after it, leaving its number free; `retry` writes it
in that place once the cause is fixed, so the trail has no gap. A webhook event its receiver refuses
(400, 413, 415, 422) is kept here and the draft's later events are delivered; `retry` hands it back
to the subscriber's delivery, which sends it in its next round.
"""

from __future__ import annotations

import json
import shlex
from typing import Annotated

import typer

from cli import database
from cli.app import SubmissionIdFilter, any_case, whole_number
from cli.failures import NotFound, Rejected
from cli.output import AsJson, Format, Output, choose, cut_at, emit_json, examples, instant, out, pairs, print_table, table, wants_json
from schemas.text import PG_BIGINT_MAX
from store import dead_letters
from store.dead_letters import DeadLetter, Kind, Reason

app = typer.Typer(help="Messages refused for their data, kept with the reason: list, show and retry them.", no_args_is_help=True, epilog=examples("legis dead-letters list", "legis dead-letters show 1", "legis dead-letters retry 1"))

# What a person may read of a classified draft's message: what happened, never who wrote what.
_CLASSIFIED_TEXTS = {"title", "reasons", "official", "name", "reason", "summary"}


def _withheld(value):
    if isinstance(value, dict):
        return {key: "(classified)" if key in _CLASSIFIED_TEXTS and value[key] else _withheld(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_withheld(item) for item in value]
    return value


def message_of(letter: DeadLetter) -> object:
    """The kept message as data, a classified draft's texts withheld."""
    try:
        message = json.loads(letter.payload or "null")
    except json.JSONDecodeError:
        return letter.payload
    return _withheld(message) if letter.classified else message


@app.command("list", epilog=examples("legis dead-letters list", "legis dead-letters list --all --submission-id BGDDT-2026-017 --output json"))
def list_letters(
    all_letters: Annotated[bool, typer.Option("--all", help="resolved ones too (default: the open ones)")] = False,
    submission_id: SubmissionIdFilter = None,
    kind: Annotated[Kind | None, typer.Option(help="only AUDIT or WEBHOOK, in any letter case", parser=any_case(Kind, "kind"), metavar="KIND")] = None,
    limit: Annotated[int, typer.Option(parser=whole_number("limit", 1, 10_000), metavar="N", help="at most this many (1 to 10,000), oldest first")] = 100,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Dead letters, oldest first: the open ones, or all with --all."""
    choose(output, as_json)
    rows = cut_at(database.read(lambda db: dead_letters.listed(db, open_only=not all_letters, submission_id=submission_id, kind=kind,
                                                               limit=limit + 1)), limit, "the newer ones")
    if wants_json():
        emit_json(rows)
        return
    shown = table("dead letters" if all_letters else "open dead letters", "id", "kind", "submission", "#", "event", "subscriber", "kept",
                  "reason", "retries", "resolved")
    for r in rows:
        shown.add_row(str(r.id), r.kind.value, r.submission_id, str(r.seq), r.event, "" if r.subscriber_id is None else str(r.subscriber_id),
                      instant(r.created_at), r.reason, str(r.retries), instant(r.resolved_at) if r.resolved_at else "")
    print_table(shown)


async def _letter(db, letter_id: int, *, unless: str = "") -> DeadLetter:
    letter = await dead_letters.one(db, letter_id)
    if letter is None:
        raise NotFound(f"dead_letter_id: no dead letter {letter_id}" + (f"; {unless}" if unless else ""), field="dead_letter_id", rule="known")
    return letter


@app.command("show", epilog=examples("legis dead-letters show 7", "legis dead-letters show 7 --output json"))
def show_letter(
    letter_id: Annotated[int, typer.Argument(metavar="ID", help="a dead letter's ID, from `legis dead-letters list`",
                                             parser=whole_number("dead_letter_id", 1, PG_BIGINT_MAX))],
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """One dead letter: why it was refused, its retries, and the message kept (a classified draft's texts withheld)."""
    choose(output, as_json)
    letter = database.read(lambda db: _letter(db, letter_id))
    message = message_of(letter)
    if wants_json():
        emit_json(letter.model_copy(update={"payload": None}).model_dump(mode="python", exclude={"payload"}) | {"message": message})
        return
    rows = [("id", str(letter.id)), ("kind", letter.kind.value), ("submission", letter.submission_id), ("event", f"#{letter.seq} {letter.event}"),
            ("kept", instant(letter.created_at)), ("reason", letter.reason), ("retries", str(letter.retries))]
    rows += [("workflow", f"{letter.workflow_id} run {letter.run_id}")] if letter.workflow_id else []
    rows += [("subscriber", str(letter.subscriber_id))] if letter.subscriber_id is not None else []
    rows += [("last retry", f"{instant(letter.last_retry_at)}: {letter.last_error or 'carried out'}")] if letter.last_retry_at else []
    rows += [("resolved", instant(letter.resolved_at))] if letter.resolved_at else []
    rows.append(("message", json.dumps(message, ensure_ascii=False, indent=1)))
    out.print(pairs(f"dead letter {letter.id}", rows))


async def _retry(db, letter: DeadLetter) -> dict:
    from activities.audit import retry as write_again

    if letter.resolved_at is not None:
        # A webhook letter handed back is resolved at once, before its subscriber answers: said as what was done.
        return {"id": letter.id, "outcome": "already_handed_to_delivery" if letter.kind is Kind.WEBHOOK else "already_resolved"}
    if letter.kind is Kind.WEBHOOK:
        subscriber = await db.fetchrow("SELECT active, agency_code, url FROM subscribers WHERE id = $1", letter.subscriber_id)
        if not subscriber["active"]:
            # Its delivery has stopped: resolved, the letter would be lost unsent. It stays open until the subscriber is added again.
            again = shlex.join(("legis", "subscribers", "add", subscriber["agency_code"], subscriber["url"]))
            return {"id": letter.id, "outcome": "refused", "rule": "subscriber_active", "reason": f"subscriber {letter.subscriber_id} was "
                    f"removed; `{again}` makes it active again, to retry its dead letters"}
        # The delivery activity leaves out only open letters: resolved, the event is pending again for its subscriber.
        await dead_letters.retried(db, letter.id, error=None)
        return {"id": letter.id, "outcome": "handed_to_delivery"}
    try:
        written = await write_again(db, letter)
    except Exception as failure:
        if not dead_letters.refused_for_its_data(failure):
            raise
        reason = Reason.of(failure, classified=letter.classified)
        await dead_letters.retried(db, letter.id, error=reason)
        return {"id": letter.id, "outcome": "refused", "rule": "database_accepts", "reason": reason.text}
    await dead_letters.retried(db, letter.id, error=None)
    return {"id": letter.id, "outcome": "written" if written else "already_recorded"}


@app.command("retry", epilog=examples("legis dead-letters retry 7", "legis dead-letters retry 7 8 --output json"))
def retry_letters(
    letter_ids: Annotated[list[int], typer.Argument(metavar="ID...", help="dead letters' IDs; a draft's are retried in its order",
                                                    parser=whole_number("dead_letter_id", 1, PG_BIGINT_MAX))],
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Carry out dead letters again once their cause is fixed.

    An audit event is written in its own place in the trail; a webhook event is handed back to its subscriber's
    delivery. Exit 3 if the database still refuses one."""
    choose(output, as_json)

    async def retrying(db) -> list[dict]:
        letters = [await _letter(db, letter_id, unless="none of the letters given was retried") for letter_id in dict.fromkeys(letter_ids)]
        return [await _retry(db, letter) for letter in sorted(letters, key=lambda x: (x.submission_id, x.seq, x.id))]

    # Retried in each draft's order, said in the order given (found by an operator's trial: 1 2 3 4 answered 1, 3, 2, 4).
    given = {letter_id: n for n, letter_id in enumerate(dict.fromkeys(letter_ids))}
    results = sorted(database.read(retrying), key=lambda r: given[r["id"]])
    refused = [r for r in results if r["outcome"] == "refused"]
    if not wants_json():
        # The first refused is the failure's own line, on standard error: not said twice (found by a trial).
        for r in results if not refused else [r for r in results if r is not refused[0]]:
            out.print(f"dead letter {r['id']}: {r['outcome'].replace('_', ' ')}" + (f" ({r['reason']})" if "reason" in r else ""))
    if refused:
        # With --output json the failure's object lists every letter's outcome under `problems`.
        first = refused[0]
        why = "the database still refuses" if first["rule"] == "database_accepts" else "cannot retry"
        raise Rejected(f"dead_letter_id: {why} dead letter {first['id']}: {first['reason']}", field="dead_letter_id", rule=first["rule"],
                       problems=results)
    if wants_json():
        emit_json({"results": results})
