"""`legis subscribers`: each agency's URL that receives its drafts' events, signed with a secret shown once.

URLs are checked against `activities.destinations` (public addresses over https, or hosts LEGIS_WEBHOOK_ALLOWED_HOSTS
names); secrets are sealed with the payload keys before they are stored (`store.subscribers`).
"""

from __future__ import annotations

import asyncio
import re
import shlex
from datetime import timedelta
from typing import Annotated

import typer
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from cli import database, temporal
from cli.app import identifier, no_secret, settings, whole_number
from cli.failures import Invalid, NotFound, Rejected, from_refusal
from cli.output import AsJson, Format, Output, choose, emit_json, examples, instant, out, print_table, table, wants_json, warn
from schemas.messages import AgencyCode
from schemas.records import WebhookInput
from schemas.text import PG_INT_MAX
from store import subscribers
from workers.settings import Settings
from workflows.codec import KeyRing, KeyRingError
from workflows.webhook_delivery import WebhookDeliveryWorkflow, workflow_id_for

app = typer.Typer(help="Webhook subscribers: each agency's URL that receives its drafts' events.", no_args_is_help=True, epilog=examples("legis subscribers add BGDDT https://docs.moet.example/legis-hook", "legis subscribers list"))

VERIFY = "verify as Standard Webhooks: webhook-signature = v1,base64 HMAC-SHA256 of {webhook-id}.{webhook-timestamp}.{body}"
_DURATION = re.compile(r"(\d{1,5})([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
LONGEST_OVERLAP = timedelta(days=30)


def _delivery(subscriber_id: int) -> temporal.Target:
    return temporal.Target(workflow_id_for(subscriber_id), "subscriber_id", f"no delivery workflow for subscriber {subscriber_id}",
                           f"the delivery workflow of subscriber {subscriber_id}", "delivery_closed")


@app.command("add", epilog=examples("legis subscribers add BGDDT https://docs.moet.example/legis-hook",
                                    "LEGIS_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 legis subscribers add '*' http://127.0.0.1:9000/hook --output json"))
def add_subscriber(
    agency_code: Annotated[str, typer.Argument(help="the lead ministry whose drafts it follows, or '*' for every draft")],
    url: Annotated[str, typer.Argument(help="where events are POSTed", callback=no_secret("url", lambda url: url, "the receiver's own address"))],
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Register a webhook, print its signing secret once, whole, on one line, and start its delivery workflow.

    The URL must reach a public address over https, unless LEGIS_WEBHOOK_ALLOWED_HOSTS names its host (in the worker's
    settings too: it is the worker that delivers)."""
    from activities import destinations
    from activities.webhooks import new_secret

    choose(output, as_json)
    if agency_code != "*":
        identifier(AgencyCode, "agency_code")(agency_code)
    config = settings()
    # Checked as the worker checks it with no allowed hosts, then with the ones set here: what only these let in is said.
    try:
        asyncio.run(destinations.check(url, destinations.AllowedHosts.parse(())))
        let_in = None
    except destinations.DestinationRefused as strict:
        try:
            asyncio.run(destinations.check(url, config.allowed_hosts()))
        except destinations.DestinationRefused as refused:
            raise from_refusal(refused) from None
        let_in = strict.rule
    url = destinations.normal_form(url)
    keys, secret = _keys(config), new_secret()

    async def add(client: Client) -> int:
        async with database.connection(config) as db:
            try:
                subscriber_id = await subscribers.add(db, keys, agency_code=agency_code, url=url, secret=secret)
            except subscribers.SubscriberExists as exists:
                raise Rejected(f"url: subscriber {exists.subscriber_id} delivers {agency_code}'s events to {url} already; `legis "
                               f"subscribers rotate-secret {exists.subscriber_id}` gives it a new secret", field="url",
                               rule="subscriber_exists") from None
        await temporal.call(client, _delivery(subscriber_id), client.start_workflow(
            WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id), id=workflow_id_for(subscriber_id),
            task_queue=config.task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING))
        return subscriber_id

    subscriber_id = temporal.run(add)
    if let_in:
        # Found by a new user: the worker of `legis dev`, started without it, held every delivery and said so in its log alone.
        warn(f"LEGIS_WEBHOOK_ALLOWED_HOSTS let this address in ({let_in} without it): the worker that delivers needs the same setting, "
             "else its deliveries are held (its log: webhook deliveries held)")
    if wants_json():
        emit_json({"subscriber_id": subscriber_id, "agency_code": agency_code, "url": url, "secret": secret})
        return
    out.print(f"subscriber {subscriber_id}: {agency_code} -> {url}")
    out.print(f"signing secret (shown once; {VERIFY}): {secret}")


SubscriberId = Annotated[int, typer.Argument(metavar="ID", help="a subscriber's ID, from `legis subscribers list`",
                                              parser=whole_number("subscriber_id", 1, PG_INT_MAX))]


@app.command("rotate-secret", epilog=examples("legis subscribers rotate-secret 1", "legis subscribers rotate-secret 1 --keep-old-for 0"))
def rotate_secret(
    subscriber_id: SubscriberId,
    keep_old_for: Annotated[str, typer.Option(help="how long the old secret signs too (30m, 24h, 7d; 0: not at all), at most 30d")] = "24h",
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Give a subscriber a new signing secret, printed once.

    Until --keep-old-for has passed, every delivery carries a signature with the old one too, so that the receiver
    can switch without losing an event."""
    from activities.webhooks import new_secret

    choose(output, as_json)
    overlap = _duration(keep_old_for)
    keys, secret = _keys(settings()), new_secret()

    async def rotate(db) -> subscribers.Rotated:
        try:
            rotated = await subscribers.rotate(db, keys, subscriber_id, secret, keep_old_for=overlap)
        except subscribers.SubscriberRemoved as removed:
            # As `dead-letters retry` refuses a removed subscriber's letters: it signs nothing, and adding it again
            # gives it a new secret, printed then.
            again = shlex.join(("legis", "subscribers", "add", removed.agency_code, removed.url))
            raise Rejected(f"subscriber_id: subscriber {subscriber_id} was removed and signs nothing; `{again}` makes it active "
                           "again, with a new secret", field="subscriber_id", rule="subscriber_active") from None
        if rotated is None:
            raise NotFound(f"subscriber_id: no subscriber {subscriber_id}", field="subscriber_id", rule="known")
        return rotated

    rotated = database.read(rotate)
    # An instant as every command writes one (ISO 8601, Ha Noi offset, to the second), in the table and the JSON alike.
    until = instant(rotated.previous_until) if rotated.previous_until else None
    if wants_json():
        emit_json({"subscriber_id": subscriber_id, "secret": secret, "previous_until": until})
        return
    out.print(f"subscriber {subscriber_id}: " + (f"the old secret signs too until {until}" if until else "the old secret no longer signs"))
    out.print(f"signing secret (shown once; {VERIFY}): {secret}")


def _keys(config: Settings) -> KeyRing:
    """The payload keys that seal the secret, or the reason there are none."""
    try:
        return config.key_ring()
    except KeyRingError as missing:
        raise Invalid(f"encryption_keys: {missing}; subscribers' secrets are stored sealed with them", field="encryption_keys",
                      rule="encryption_keys_configured") from None


def _duration(text: str) -> timedelta:
    if text.strip() == "0":
        return timedelta(0)
    matched = _DURATION.fullmatch(text.strip())
    if matched is None:
        raise Invalid(f"keep_old_for: {text!r} is not a duration such as 30m, 24h or 7d (or 0)", field="keep_old_for", rule="duration")
    overlap = timedelta(**{_UNITS[matched.group(2)]: int(matched.group(1))})
    if overlap > LONGEST_OVERLAP:
        raise Invalid(f"keep_old_for: {text} is longer than 30 days", field="keep_old_for", rule="at_most_30_days")
    return overlap


@app.command("list", epilog=examples("legis subscribers list --output json"))
def list_subscribers(output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """The subscribers, what each received and when last, what waits for it, and its dead letters.

    A receiver down shows as events waiting, and why (the receiver's answer, or the worker holding them: its URL or secret
    it cannot use), since when; a receiver refusing an event's body, as open dead letters."""
    choose(output, as_json)
    rows = database.read(subscribers.listed)
    if wants_json():
        emit_json(rows)
        return
    shown = table("webhook subscribers", "id", "agency", "url", "active", "delivered", "last delivered", "waiting", "dead letters", "failing")
    for r in rows:
        shown.add_row(str(r.subscriber_id), r.agency_code, r.url, "yes" if r.active else "no", str(r.delivered),
                      instant(r.last_delivered_at) if r.last_delivered_at else "", str(r.waiting), str(r.dead_letters),
                      f"{r.failure} (since {instant(r.failing_since)})" if r.failure and r.failing_since else "")
    print_table(shown)


@app.command("remove", epilog=examples("legis subscribers remove 1"))
def remove_subscriber(subscriber_id: SubscriberId, output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """Stop a subscriber's deliveries (its record and delivery log are kept)."""
    choose(output, as_json)
    config = settings()

    async def remove(client: Client) -> None:
        async with database.connection(config) as db:
            if not await subscribers.deactivate(db, subscriber_id):
                raise NotFound(f"subscriber_id: no subscriber {subscriber_id}", field="subscriber_id", rule="known")
        try:
            await temporal.call(client, _delivery(subscriber_id), client.get_workflow_handle(workflow_id_for(subscriber_id)).cancel())
        except Rejected as ended:
            # Removed before: its delivery workflow has ended already.
            if ended.rule != "delivery_closed":
                raise

    temporal.run(remove)
    emit_json({"subscriber_id": subscriber_id, "active": False}) if wants_json() else out.print(f"subscriber {subscriber_id} stopped")
