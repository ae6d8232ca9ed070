"""`legis tokens`: the HTTP API's callers, one agency in one role each, stored hashed; and `legis refusals`, the
attempts the API refused."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated

import typer

from cli import database
from cli.app import SubmissionIdFilter, by_option, day_option, identifier, no_secret, whole_number
from cli.failures import Invalid, NotFound, Rejected
from cli.output import AsJson, Format, Output, choose, cut_at, day, emit_json, examples, instant, out, print_table, table, wants_json
from schemas.calendar import out_of_reach
from schemas.consultation import PUBLIC
from schemas.enums import BODY_CODES, Actor, CallerRole, ProcessVersion, Role, body_code_refusal
from schemas.redaction import token_id_in
from schemas.refusal import RefusalKind
from schemas.text import name
from schemas.time import VIETNAM

app = typer.Typer(help="Tokens of the HTTP API's callers: one agency in one role each; stored hashed.", no_args_is_help=True, epilog=examples('legis tokens issue BGDDT LEAD_MINISTRY --by "Nguyễn Văn C"', "legis tokens list"))
refusals_app = typer.Typer()

AGENCY_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,23}")
TokenLabel = name(200, 0)  # one line, NFC, visible characters: it is shown in `tokens list`


def _caller_role(value: str) -> CallerRole:
    """A token's role, in any letter case: the body it acts as, which a decision names in its `actor` (PM), or OPERATOR.
    An office an official holds, which a decision names in its `role` (PRIME_MINISTER), is refused naming the bodies an
    official in that office acts for: the two are spelled alike, and a fresh-user trial gave the one for the other."""
    written = value.upper()
    if written in CallerRole._value2member_map_:
        return CallerRole(written)
    known = ", ".join(r.value for r in CallerRole)
    if written in Role._value2member_map_:
        acting = _acting_for(Role(written))
        for_office = f", for an official in that office {' or '.join(acting)}" if acting else ""
        raise Invalid(f"role: {written} is an office an official holds (a decision's `role`); a token's role is the body it acts as (a "
                      f"decision's `actor`){for_office}: one of {known}", field="role", rule="actor_not_office")
    raise Invalid(f"role: {value!r} is not an actor of the process nor OPERATOR; one of {known}", field="role", rule="enum")


def _acting_for(office: Role) -> list[str]:
    """The actors whose decisions an official in `office` may take, by the shipped rulebooks' deciders (every one the
    rulebooks list, wherever they list it: a stage's, a postponement's, a withdrawal's ...)."""
    from schemas.rulebook import load_rulebook

    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if office.value in value.get("roles", ()) and "actor" in value:
                found.add(value["actor"])
            for part in value.values():
                walk(part)
        elif isinstance(value, list):
            for part in value:
                walk(part)

    for version in ProcessVersion:
        walk(load_rulebook(version).model_dump(mode="json"))
    return sorted(found)


@app.command("issue", epilog=examples('legis tokens issue BGDDT LEAD_MINISTRY --by "Nguyễn Văn C" --label "BGDDT document system"',
                                      'legis tokens issue BTP MOJ --by operator --expires 2027-12-31',
                                      'legis tokens issue BTP MOJ --by operator --output json | jq -r .secret'))
def issue_token(
    agency_code: Annotated[str, typer.Argument(help="the agency the token acts for, e.g. BTP or BCT; a body that is one agency takes its own "
                                                    "code: " + ", ".join(f"{a.value} {c}" for a, c in BODY_CODES.items()))],
    role: Annotated[CallerRole, typer.Argument(
        parser=_caller_role,
        help="the body it acts as, in any letter case: a decision's `actor` (PM), not the office its official holds, the decision's "
             "`role` (PRIME_MINISTER); OPERATOR reads everything but classified details")],
    issued_by: by_option("the operator issuing it"),
    label: Annotated[str, typer.Option(help="what system uses it (one line, at most 200 characters)",
                                       callback=no_secret("label", identifier(TokenLabel, "label"), "what system uses the token"))] = "",
    expires: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="the last Ha Noi day it is valid (YYYY-MM-DD); unset: until revoked")] = None,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Issue a token and print it once, whole, on one line: only its hash is kept."""
    from api.tokens import issue

    choose(output, as_json)
    if not AGENCY_CODE.fullmatch(agency_code):
        raise Invalid("agency_code: 2-24 capital letters, digits or _ , starting with a letter", field="agency_code", rule="agency_code")
    if agency_code == PUBLIC:  # found by a public trial: a round's warning advised issuing one, which every route then refused
        raise Invalid(f"agency_code: {PUBLIC} is the public, which comments on a public posting's page with no token; issue tokens "
                      "to the bodies a round asks by name", field="agency_code", rule="public_not_an_agency")
    if role.value in Actor._value2member_map_ and (why := body_code_refusal(Actor(role.value), agency_code)) is not None:
        issued_to = BODY_CODES.get(Actor(role.value), "a committee's code")
        raise Invalid(f"agency_code: {why}; a token acting as {role.value} is issued to {issued_to}", field="agency_code", rule="body_agency_code")
    expires_at = _end_of(expires) if expires is not None else None
    token_id, token = database.read(lambda db: issue(db, agency_code=agency_code, role=role, issued_by=issued_by, label=label,
                                                     expires_at=expires_at))
    if wants_json():
        emit_json({"token_id": token_id, "agency_code": agency_code, "role": role, "label": label, "secret": token,
                   "expires_at": instant(expires_at) if expires_at else None})
        return
    # The day as given: the instant it ends (the next day's midnight in Ha Noi) would read as one day more.
    until = f", valid through {expires} (Ha Noi)" if expires is not None else ""
    out.print(f"token {token_id}: {agency_code} as {role.value}{until}")
    out.print(f"secret (shown once; send as `Authorization: Bearer ...`): {token}")


def _end_of(day: str) -> datetime:
    """The first instant after Ha Noi day `day`, which must not have passed."""
    last = day_option("expires")(day)
    if (problem := out_of_reach(last)) is not None:
        raise Invalid(f"expires: {problem}", field="expires", rule="date_in_range")
    if last < datetime.now(VIETNAM).date():
        raise Invalid(f"expires: {day} has passed", field="expires", rule="not_in_past")
    return datetime.combine(last + timedelta(days=1), time(), VIETNAM)


def _valid_through(expires_at: datetime) -> str:
    """The last Ha Noi day a token is valid, as `issue --expires` took it; an instant that ends no Ha Noi day as it is."""
    local = expires_at.astimezone(VIETNAM)
    return day(local.date() - timedelta(days=1)) if local.time() == time() else instant(expires_at)


@app.command("list", epilog=examples("legis tokens list", "legis tokens list --output json"))
def list_api_tokens(output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """Tokens issued, live and revoked (never their secrets)."""
    from api.tokens import list_tokens

    choose(output, as_json)
    rows = database.read(list_tokens)
    if wants_json():
        emit_json(rows)
        return
    shown = table("API tokens", "id", "agency", "role", "label", "issued", "by", "valid through", "revoked")
    for t in rows:
        shown.add_row(t.token_id, t.agency_code, t.role.value, t.label, instant(t.issued_at), t.issued_by,
                      _valid_through(t.expires_at) if t.expires_at else "", instant(t.revoked_at) if t.revoked_at else "")
    print_table(shown)


@app.command("revoke", epilog=examples('legis tokens revoke 3f9c0a1b2c4d --by "VPCP operator"'))
def revoke_token(
    token_id: Annotated[str, typer.Argument(help="the ID `legis tokens list` shows")],
    revoked_by: by_option("the operator revoking it"),
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Revoke a token: its next request is refused."""
    from api.tokens import list_tokens, revoke

    choose(output, as_json)
    if (named := token_id_in(token_id)) is not None:
        # A secret pasted in place of its ID (it is the line `issue` printed): refused, so that the command means one thing,
        # naming the ID to give, never the secret (which a terminal's scrollback or a CI log would keep).
        raise Invalid(f"token_id: this is a whole token, its secret included, not a token ID; its ID is {named}: "
                      f"legis tokens revoke {named} --by ...", field="token_id", rule="token_id_not_secret")
    async def revoking(db) -> None:
        if await revoke(db, token_id, revoked_by=revoked_by):
            return
        revoked = next((t.revoked_at for t in await list_tokens(db) if t.token_id == token_id), None)
        if revoked is None:
            raise NotFound(f"token_id: no token {token_id}", field="token_id", rule="known")
        raise Rejected(f"token_id: token {token_id} was revoked at {instant(revoked)}", field="token_id", rule="live_token", kind=RefusalKind.CLOSED)

    database.read(revoking)
    emit_json({"token_id": token_id, "revoked": True}) if wants_json() else out.print(f"token {token_id} revoked")


@refusals_app.command(rich_help_panel="Operators", epilog=examples("legis refusals --submission-id BGDDT-2026-017 --limit 20"))
def refusals(
    submission_id: SubmissionIdFilter = None,
    limit: Annotated[int, typer.Option(parser=whole_number("limit", 1, 10_000), metavar="N", help="at most this many attempts, the newest (1 to 10,000)")] = 50,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Refused HTTP API attempts (part of the audit trail), newest first."""
    from api.tokens import list_refusals

    choose(output, as_json)
    rows = cut_at(database.read(lambda db: list_refusals(db, submission_id=submission_id, limit=limit + 1)), limit, "the older ones")
    if wants_json():
        emit_json(rows)
        return
    shown = table("refused attempts", "when", "token", "agency", "role", "action", "draft", "status", "field", "rule")
    for r in rows:
        shown.add_row(instant(r.occurred_at), r.token_id or "", r.agency_code or "", r.role or "", r.action,
                      r.submission_id or "", str(r.status), r.field, r.rule)
    print_table(shown)
