"""`legis replay`: whether this release's workflow code replays histories exported from a running deployment, before the
release takes their drafts over (Upgrading to a new release)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from temporalio.client import WorkflowHistory

from cli.app import settings
from cli.failures import Invalid, Rejected
from cli.output import AsJson, Format, Output, choose, emit_json, examples, out, wants_json

app = typer.Typer()


REPAIR_HINT = ("What next: a release's history that does not replay is not deployed (README, \"Upgrading to a new release\"); a draft "
               "stuck by the SDK, \"[TMPRL1100] Nondeterminism error: Update machine\", is repaired with `temporal workflow reset` "
               "(README, \"Updates that arrive after a worker ran a draft ahead\").")


def load_history(path: Path) -> WorkflowHistory:
    """A history as `temporal workflow show --output json` writes it, under the workflow ID it was recorded with (the
    workflow checks it). Raises ValueError, KeyError, IndexError or TypeError for a file that is not one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return WorkflowHistory.from_json(raw["events"][0]["workflowExecutionStartedEventAttributes"]["workflowId"], raw)


@app.command(rich_help_panel="Operators", short_help="Replay histories exported from a deployment with this release's code.", epilog=examples(
    "temporal workflow show -w draft-law-BGDDT-2026-017 --output json > BGDDT-2026-017.json && legis replay BGDDT-2026-017.json"))
def replay(
    files: Annotated[list[Path], typer.Argument(help="histories as `temporal workflow show --output json` writes them", exists=True,
                                                dir_okay=False, readable=True)],
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Replay each exported history (a draft's, a round's or a webhook delivery's) with this release's workflow code and the
    payload keys of this deployment, and say whether it replays; exit 3 when one does not (the release would fail that
    workflow's tasks once it took it over). Nothing is sent to Temporal."""
    choose(output, as_json)
    from temporalio.runtime import Runtime, TelemetryConfig
    from temporalio.worker import Replayer

    from workers.worker import sandbox_runner
    from workflows.codec import KeyRingError, data_converter
    from workflows.consultation import ConsultationWorkflow
    from workflows.draft_law import DraftLawWorkflow
    from workflows.webhook_delivery import WebhookDeliveryWorkflow

    histories = []
    for path in files:
        try:
            histories.append((path, load_history(path)))
        except (ValueError, KeyError, IndexError, TypeError) as unreadable:
            raise Invalid(f"files: {path} is not a history as `temporal workflow show --output json` writes one ({type(unreadable).__name__})",
                          field="files", rule="history_json") from None
    try:
        keys = settings().key_ring()
    except KeyRingError as missing:
        raise Invalid(f"encryption_keys: {missing}; the histories' payloads are sealed with them", field="encryption_keys",
                      rule="encryption_keys_configured") from None
    # sdk-core's own log of a failing task goes to standard output, where the results are: each failure is said there.
    replayer = Replayer(workflows=[DraftLawWorkflow, ConsultationWorkflow, WebhookDeliveryWorkflow], data_converter=data_converter(keys),
                        workflow_runner=sandbox_runner(), runtime=Runtime(telemetry=TelemetryConfig(logging=None)))

    async def each() -> list[dict]:
        # The SDK's log of each failing activation (a traceback a screen long, per task) goes too: each failure is said once
        # below (found by a breaker: about 95 lines before the one-line refusal of a history sealed with another key).
        logging.getLogger("temporalio").setLevel(logging.CRITICAL)
        found = []
        for path, history in histories:
            result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
            found.append({"file": str(path), "workflow_id": history.workflow_id,
                          "failure": None if result.replay_failure is None else str(result.replay_failure)[:2000]})
        return found

    results = asyncio.run(each())
    failed = [r for r in results if r["failure"] is not None]
    if sealed := [r for r in failed if "KeyRingError" in r["failure"]]:
        # The payloads' keys, not the release's code (found by a re-check: told the release did not replay a sound history).
        raise Invalid(f"encryption_keys: {len(sealed)} of {len(results)} histories are sealed with a key this command's settings do not hold "
                      "(LEGIS_ENCRYPTION_KEYS, LEGIS_ENCRYPTION_KEY_FILE): run it with the deployment's keys", field="encryption_keys",
                      rule="encryption_keys_configured", problems=results)
    if not wants_json():
        for result in results:
            out.print(f"{result['file']}: {result['workflow_id']} replays" if result["failure"] is None else
                      f"{result['file']}: {result['workflow_id']} does not replay: {result['failure']}")
        if failed:  # what to do next, beside the SDK's own words (found by a new user: a raw dump alone)
            out.print(REPAIR_HINT, markup=False)
    elif not failed:
        emit_json(results)
    if failed:  # in JSON, every history's result with the failure (one document)
        raise Rejected(f"files: {len(failed)} of {len(results)} histories do not replay with this release", field="files", rule="replays",
                       problems=results)
