"""Running legis: the local stack, a production worker, the HTTP API, the database migrations, the OpenAPI document."""

from __future__ import annotations

import asyncio
import json

import typer

from cli.app import settings
from cli.failures import Failure, Invalid
from cli.output import examples, out
from schemas.refusal import Refused
from workers.log_config import configure_logging
from workers.settings import Settings

app = typer.Typer()
PANEL = "Running legis"


def _reachable(config: Settings, *, temporal: bool) -> None:
    """PostgreSQL (and Temporal, with the payload keys) answer before a long-running process starts: what is wrong is
    said as any command says it (rule `database_reachable`, `temporal_reachable`, ...), not as a traceback."""
    from cli.database import connection
    from cli.temporal import connect, namespace_known

    async def check() -> None:
        async with connection(config):
            pass
        if temporal:
            # A namespace the cluster lacks: a worker would stop on it, an API answer every draft "unknown" (found by an
            # operator's trial).
            await namespace_known(config, await connect(config))

    asyncio.run(check())


WORKER_SETTINGS = ("temporal_address", "namespace", "task_queue", "database_url", "encryption_keys", "encryption_key_file", "data_dir",
                   "tls_cert", "tls_key", "tls_ca", "api_key", "http_host", "health_port", "metrics_port", "pin_by_reference", "max_cached_workflows",
                   "max_concurrent_activities", "max_concurrent_workflow_tasks", "webhook_allowed_hosts", "otlp_endpoint", "log_level",
                   "log_json")
API_SETTINGS = ("temporal_address", "namespace", "task_queue", "database_url", "encryption_keys", "encryption_key_file", "data_dir",
                "tls_cert", "tls_key", "tls_ca", "api_key", "http_host", "api_port", "trusted_proxies", "metrics_port", "web_ui_origin", "api_timeout",
                "api_rate_per_token", "api_rate_per_address", "api_refusals_recorded", "public_comment_rate", "otlp_endpoint", "log_level",
                "log_json")

# `legis dev` runs a worker and the API with the same settings: theirs apply too (found by a new user: its help named none).
DEV_SETTINGS = ("data_dir", "temporal_address", "ui_port", "api_port", "health_port", "metrics_port", "http_host", "database_url",
                "encryption_keys", "encryption_key_file", "namespace", "task_queue", "log_level", "log_json")


def settings_read(fields: tuple[str, ...]) -> str:
    """A command's settings for its help: each variable, its default and what it is (found by a trial: `legis worker
    --help` named none; every one is in the README's Configuration table too)."""
    lines = []
    for name in fields:
        field = Settings.model_fields[name]
        default = "" if field.default in (None, ()) else f" (default {field.default})"
        lines.append(f"LEGIS_{name.upper()}{default}: {field.description or ''}")
    return "[bold]Settings[/bold] (environment variables)\n\n" + "\n\n".join(lines)


def _ports_distinct(config: Settings, parts: tuple[str, ...], command: str) -> None:
    from workers.dev_stack import ports_shared

    if shared := ports_shared(config, parts):
        variable, other, port = shared
        raise Invalid(f"settings: {variable}: port {port} is {other}'s too; each part of `legis {command}` needs a port of its own",
                      field=variable.removeprefix("LEGIS_").lower(), rule="ports_distinct")


def _ports_free(config: Settings, parts: tuple[str, ...], command: str) -> None:
    """`legis worker` and `legis api` as `legis dev`: two of its ports the same refused (exit 2), a port taken by another
    program named by its setting (exit 1), before anything starts (found by a trial: uvicorn's bind error, exit 3)."""
    from workers.dev_stack import HostUnknown, refuse_taken_ports

    _ports_distinct(config, parts, command)
    try:
        refuse_taken_ports(config, parts)
    except RuntimeError as taken:
        raise Failure(str(taken)) from None
    except HostUnknown as unknown:
        raise Invalid(str(unknown), field="http_host", rule="host_known") from None


@app.command(rich_help_panel=PANEL, epilog=examples(
    "legis dev",
    "LEGIS_DATA_DIR=/tmp/legis2 LEGIS_TEMPORAL_ADDRESS=127.0.0.1:7243 LEGIS_UI_PORT=8243 LEGIS_API_PORT=8010 LEGIS_HEALTH_PORT=8091 "
    "LEGIS_METRICS_PORT=9474 legis dev") + "\n\n" + settings_read(DEV_SETTINGS)
    + "\n\nThe worker's and the API's other settings apply to theirs: `legis worker --help`, `legis api --help`.")
def dev() -> None:
    """Run everything locally: Temporal dev server + Web UI, embedded PostgreSQL, the worker and the HTTP API.

    A second stack on one machine gives each part a port of its own and a data folder of its own (the second example)."""
    from workers.dev_stack import DEV_PORTS, HostUnknown, data_folder_problem, run_dev_stack

    config = settings()
    _ports_distinct(config, DEV_PORTS, "dev")
    if problem := data_folder_problem(config.data_dir):
        raise Invalid(f"settings: LEGIS_DATA_DIR: {problem} (LEGIS_DATA_DIR: where `legis dev` keeps its databases)", field="data_dir",
                      rule="writable_folder")
    configure_logging(config.log_level, json_lines=config.log_json)
    try:
        asyncio.run(run_dev_stack(config))
    except HostUnknown as unknown:
        raise Invalid(str(unknown), rule="host_known") from None
    except RuntimeError as failed:
        # Exit code 1: what stops the stack (a port taken, a server that exits) needs a person, not a retry.
        raise Failure(str(failed)) from None


@app.command(rich_help_panel=PANEL, epilog=examples("LEGIS_DATABASE_URL=postgresql://legis@db/legis legis --address temporal:7233 worker")
             + "\n\n" + settings_read(WORKER_SETTINGS))
def worker() -> None:
    """Run a worker against LEGIS_TEMPORAL_ADDRESS and LEGIS_DATABASE_URL (production)."""
    from workers.dev_stack import WORKER_PORTS
    from workers.worker import run_worker

    config = settings()
    if not config.database_url:
        raise Invalid("LEGIS_DATABASE_URL: required for `legis worker` (only `legis dev` embeds PostgreSQL)", field="database_url",
                      rule="database_configured")
    _ports_free(config, WORKER_PORTS, "worker")
    _reachable(config, temporal=True)
    configure_logging(config.log_level, json_lines=config.log_json)
    try:
        asyncio.run(run_worker(config))
    except Refused:
        raise  # told by its kind (`cli.main`), not as a setting
    except ValueError as invalid:
        raise Invalid(str(invalid), rule="worker_settings") from None
    except RuntimeError as failed:  # a port it serves is taken
        raise Failure(str(failed)) from None


@app.command(rich_help_panel=PANEL, epilog=examples("LEGIS_DATABASE_URL=postgresql://legis@db/legis legis migrate"))
def migrate() -> None:
    """Apply the database migrations to LEGIS_DATABASE_URL (with the payload keys, when one seals data)."""
    from activities.database import SCHEMA_REVISION
    from activities.database import migrate as apply
    from workflows.codec import KeyRingError

    config = settings()
    if not config.database_url:
        raise Invalid("LEGIS_DATABASE_URL: required (`legis dev` migrates its embedded database itself, as it starts)",
                      field="database_url", rule="database_configured")
    _reachable(config, temporal=False)
    try:
        keys = config.key_ring()
    except KeyRingError:
        keys = None  # needed only by a migration that finds something to seal, which then says so
    try:
        applied = asyncio.run(apply(config.database_url, keys))
    except KeyRingError as missing:
        raise Invalid(str(missing), field="encryption_keys", rule="encryption_keys_configured") from None
    out.print(f"applied: {', '.join(applied) or 'nothing (up to date)'}; the database is at schema revision {SCHEMA_REVISION}")


@app.command(rich_help_panel=PANEL, epilog=examples("legis --api-address 0.0.0.0:8000 api") + "\n\n" + settings_read(API_SETTINGS))
def api() -> None:
    """Serve the HTTP API on --api-address (LEGIS_HTTP_HOST:LEGIS_API_PORT) against LEGIS_TEMPORAL_ADDRESS and LEGIS_DATABASE_URL."""
    import uvicorn

    from activities.database import create_pool, refuse_schema_not_current
    from api.app import create_app
    from workers.dev_stack import API_PORTS
    from workers.settings import API_SERVICE, metrics_runtime, temporal_client
    from workers.tracing import start_tracing

    config = settings()
    if not config.database_url:
        raise Invalid("LEGIS_DATABASE_URL: required for `legis api` (`legis dev` serves the API on its embedded database)",
                      field="database_url", rule="database_configured")
    _ports_free(config, API_PORTS, "api")
    _reachable(config, temporal=True)
    asyncio.run(refuse_schema_not_current(config.database_url))  # the API migrates nothing: it serves what a worker migrated
    configure_logging(config.log_level, json_lines=config.log_json)
    try:
        runtime = metrics_runtime(config, API_SERVICE)
    except RuntimeError as failed:  # its port is taken
        raise Failure(str(failed)) from None
    tracing = start_tracing(config, API_SERVICE)

    async def connect():
        return await temporal_client(config, runtime=runtime, interceptors=tracing.client_interceptors()), await create_pool(config.database_url)

    app = create_app(connect=connect, task_queue=config.task_queue, settings=config, runtime=runtime, tracing=tracing)
    try:
        # legis.access logs each request once, with its request ID and status (uvicorn's own access line would repeat it).
        uvicorn.run(app, host=config.http_host, port=config.api_port, log_config=None, access_log=False, **config.http_options())
    finally:
        tracing.close()


@app.command(rich_help_panel=PANEL, epilog=examples("legis openapi > api/openapi.json"))
def openapi() -> None:
    """Print the HTTP API's OpenAPI document (the repository keeps a copy in api/openapi.json)."""
    from api.app import create_app

    print(json.dumps(create_app().openapi(), indent=2, ensure_ascii=False))
