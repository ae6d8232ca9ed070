"""`legis subscribers`: each agency's URL that receives its drafts' events, signed with a secret shown once."""

from __future__ import annotations

from typing import Annotated

import typer
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from cli import database, temporal
from cli.app import settings
from cli.failures import Invalid, NotFound, Rejected
from cli.output import AsJson, Format, Output, choose, emit_json, examples, out, table, wants_json
from schemas.records import WebhookInput
from store import subscribers
from workflows.webhook_delivery import WebhookDeliveryWorkflow, workflow_id_for

app = typer.Typer(help="Webhook subscribers: each agency's URL that receives its drafts' events.", no_args_is_help=True)


def _delivery(subscriber_id: int) -> temporal.Target:
    return temporal.Target(workflow_id_for(subscriber_id), "subscriber_id", f"no delivery workflow for subscriber {subscriber_id}")


@app.command("add", epilog=examples("legis subscribers add BGDDT https://docs.moet.example/legis-hook",
                                    "legis subscribers add '*' http://127.0.0.1:9000/hook --output json"))
def add_subscriber(
    agency_code: Annotated[str, typer.Argument(help="the lead ministry whose drafts it follows, or '*' for every draft")],
    url: Annotated[str, typer.Argument(help="where events are POSTed")],
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Register a webhook, print its signing secret once, whole, on one line, and start its delivery workflow."""
    from activities.webhooks import new_secret

    choose(output, as_json)
    if not url.startswith(("http://", "https://")):
        raise Invalid("url: must start with http:// or https://", field="url", rule="http_url")
    config = settings()
    secret = new_secret()

    async def add(client: Client) -> int:
        async with database.connection(config) as db:
            subscriber_id = await subscribers.add(db, agency_code=agency_code, url=url, secret=secret)
        await temporal.call(client, _delivery(subscriber_id), client.start_workflow(
            WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id), id=workflow_id_for(subscriber_id),
            task_queue=config.task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING))
        return subscriber_id

    subscriber_id = temporal.run(add)
    if wants_json():
        emit_json({"subscriber_id": subscriber_id, "agency_code": agency_code, "url": url, "secret": secret})
        return
    out.print(f"subscriber {subscriber_id}: {agency_code} -> {url}")
    out.print(f"signing secret (shown once; verify X-Legis-Signature = sha256=HMAC-SHA256(secret, body)): {secret}")


@app.command("list", epilog=examples("legis subscribers list --output json"))
def list_subscribers(output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """The subscribers and how many events each has received."""
    choose(output, as_json)
    rows = database.read(subscribers.listed)
    if wants_json():
        emit_json(rows)
        return
    shown = table("webhook subscribers", "id", "agency", "url", "active", "delivered")
    for r in rows:
        shown.add_row(str(r.subscriber_id), r.agency_code, r.url, "yes" if r.active else "no", str(r.delivered))
    out.print(shown)


@app.command("remove", epilog=examples("legis subscribers remove 1"))
def remove_subscriber(subscriber_id: int, output: Output = Format.TABLE, as_json: AsJson = False) -> None:
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
            if ended.rule != "closed":
                raise

    temporal.run(remove)
    emit_json({"subscriber_id": subscriber_id, "active": False}) if wants_json() else out.print(f"subscriber {subscriber_id} stopped")
