"""Named profiles: where a cluster is (Temporal address and namespace, task queue, database, the HTTP API's address).

Kept in `profiles.toml` under the user's configuration folder (`$XDG_CONFIG_HOME/legis/` on Linux), as
`temporal env` keeps its environments. The profile named `default` applies when none is chosen.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated

import platformdirs
import tomli_w
import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cli.failures import Invalid, NotFound
from cli.jsonfile import describe
from cli.output import AsJson, Format, Output, choose, emit_json, err, examples, print_table, table, wants_json
from schemas.refusal import beyond_json_limits
from workers.settings import HostPort, PostgresqlUrl

NAME = r"^[A-Za-z0-9_-]{1,40}$"
DEFAULT = "default"


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    address: HostPort | None = Field(default=None, description="host:port of the Temporal frontend (LEGIS_TEMPORAL_ADDRESS)")
    namespace: str | None = Field(default=None, min_length=1, description="Temporal namespace (LEGIS_NAMESPACE)")
    task_queue: str | None = Field(default=None, min_length=1, description="task queue of workers and new drafts (LEGIS_TASK_QUEUE)")
    database_url: PostgresqlUrl | None = Field(default=None, description="PostgreSQL URL (LEGIS_DATABASE_URL)")
    api_address: str | None = Field(
        default=None, pattern=r"^[^:\s]+:[0-9]{1,5}$", description="host:port the HTTP API serves on (LEGIS_HTTP_HOST, LEGIS_API_PORT)"
    )

    def settings(self) -> dict[str, tuple[str, str]]:
        """The profile's values as `Settings` fields, keyed by the environment variable that would give each instead."""
        fields = {"LEGIS_TEMPORAL_ADDRESS": ("temporal_address", self.address), "LEGIS_NAMESPACE": ("namespace", self.namespace),
                  "LEGIS_TASK_QUEUE": ("task_queue", self.task_queue), "LEGIS_DATABASE_URL": ("database_url", self.database_url)}
        if self.api_address:
            host, _, port = self.api_address.rpartition(":")
            fields |= {"LEGIS_HTTP_HOST": ("http_host", host), "LEGIS_API_PORT": ("api_port", port)}
        return {variable: (field, value) for variable, (field, value) in fields.items() if value is not None}


def path() -> Path:
    return Path(platformdirs.user_config_dir("legis")) / "profiles.toml"


def load_all() -> dict[str, Profile]:
    file = path()
    try:
        stored = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as unreadable:
        raise Invalid(f"{file}: {unreadable}", field="profile", rule="profiles_readable") from None
    except (RecursionError, ValueError) as beyond:  # Python's own limits: nesting depth, digits of an integer
        raise Invalid(f"{file}: not read: {beyond_json_limits(beyond)}", field="profile", rule="profiles_readable") from None
    # Only `[profiles.NAME]` tables are read: another top-level key is refused, not ignored (found by a new user: a file
    # written by hand with `[default]` read as no profile at all).
    if stray := sorted(set(stored) - {"profiles"}):
        where = (f"a profile is written [profiles.{stray[0]}]" if isinstance(stored[stray[0]], dict)
                 else "a value outside any profile; a profile's values go in its table, [profiles.NAME]")
        raise Invalid(f"{file}: {stray[0]}: not a table this file holds; {where} (legis profile set writes it)", field="profile",
                      rule="profiles_shape")
    tables = stored.get("profiles", {})
    # Nor a `profiles` that is no table of tables (found by a breaker: `profiles = "x"` ended in a traceback).
    if not isinstance(tables, dict) or (loose := next((name for name, values in tables.items() if not isinstance(values, dict)), None)):
        named = "profiles" if not isinstance(tables, dict) else f"profiles.{loose}"
        raise Invalid(f"{file}: {named}: not a table; each profile is a table [profiles.NAME] (legis profile set writes it)",
                      field="profile", rule="profiles_shape")
    profiles = {}
    for name, values in tables.items():
        try:
            profiles[name] = Profile.model_validate(values)
        except ValidationError as invalid:  # named with its profile (found by a re-check: "address: ..." of which?)
            problem = describe(invalid)[0]
            raise Invalid(f"{file}: profiles.{name}.{problem['field']}: {problem['message']}", field="profile", rule=problem["rule"]) from None
    return profiles


def chosen(name: str | None) -> Profile:
    """The profile asked for (it must exist), else `default` when there is one."""
    profiles = load_all()
    if name is None:
        return profiles.get(DEFAULT, Profile())
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none yet: `legis profile set NAME ...`"
        raise Invalid(f"profile: no profile {name} in {path()} (profiles: {known})", field="profile", rule="profile_known")
    return profiles[name]


def save(profiles: dict[str, Profile]) -> Path:
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    body = tomli_w.dumps({"profiles": {name: p.model_dump(exclude_none=True) for name, p in sorted(profiles.items())}})
    # A database URL may carry a password: the file is the user's alone. Written beside it and renamed over it, so that a
    # write that fails (a full disk, a value that cannot be encoded) leaves the profiles saved before as they were.
    written = file.with_name(f".{file.name}.{os.getpid()}")
    try:
        with os.fdopen(os.open(written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
            handle.write(body)
        os.replace(written, file)
    finally:
        written.unlink(missing_ok=True)
    return file


# Commands ------------------------------------------------------------------------------------------

app = typer.Typer(help="Named profiles of settings (address, namespace, task queue, database, API address), as `temporal env` keeps them.",
                  no_args_is_help=True, epilog=examples("legis profile set staging --address temporal.staging:7233 --namespace legis", "legis profile list"))
ProfileName = Annotated[str, typer.Argument(help="the profile's name; `default` applies when no --profile is given")]


def _hidden_password(profile: Profile) -> dict[str, str]:
    shown = profile.model_dump(exclude_none=True)
    if "database_url" in shown:
        shown["database_url"] = re.sub(r"(://[^:/@]*:)[^@]+@", r"\1***@", shown["database_url"])
    return shown


@app.command("set", epilog=examples("legis profile set staging --address temporal.staging:7233 --namespace legis",
                                    "legis --profile staging list --stage APPRAISAL"))
def set_profile(
    name: ProfileName,
    address: Annotated[str | None, typer.Option(help="host:port of the Temporal frontend")] = None,
    namespace: Annotated[str | None, typer.Option(help="Temporal namespace")] = None,
    task_queue: Annotated[str | None, typer.Option(help="task queue of workers and new drafts")] = None,
    database_url: Annotated[str | None, typer.Option(help="PostgreSQL URL (the file is readable by you alone)")] = None,
    api_address: Annotated[str | None, typer.Option(help="host:port the HTTP API serves on")] = None,
) -> None:
    """Create a profile, or change the values given of an existing one."""
    if not re.fullmatch(NAME, name):
        raise Invalid(f"name: {name!r} may hold only letters, digits, _ and -", field="name", rule="profile_name")
    stored = load_all()
    given = {"address": address, "namespace": namespace, "task_queue": task_queue, "database_url": database_url, "api_address": api_address}
    try:
        stored[name] = Profile.model_validate(stored.get(name, Profile()).model_dump() | {k: v for k, v in given.items() if v is not None})
    except ValidationError as invalid:
        problem = describe(invalid)[0]
        raise Invalid(f"{problem['field']}: {problem['message']}", field=problem["field"], rule=problem["rule"]) from None
    err.print(f"profile {name} saved in {save(stored)}")


@app.command("list", epilog=examples("legis profile list", "legis profile list --output json"))
def list_profiles(output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """The profiles and their values (a database password is not shown)."""
    choose(output, as_json)
    stored = load_all()
    if wants_json():
        emit_json({name: _hidden_password(p) for name, p in sorted(stored.items())})
        return
    shown = table(f"profiles in {path()}", "name", "address", "namespace", "task queue", "database", "API address")
    for name, p in sorted(stored.items()):
        hidden = _hidden_password(p)
        shown.add_row(name, *(hidden.get(f, "") for f in ("address", "namespace", "task_queue", "database_url", "api_address")))
    print_table(shown)


@app.command("delete", epilog=examples("legis profile delete staging"))
def delete_profile(name: ProfileName) -> None:
    """Delete a profile."""
    stored = load_all()
    if name not in stored:
        raise NotFound(f"name: no profile {name} in {path()}", field="name", rule="known")
    del stored[name]
    err.print(f"profile {name} deleted from {save(stored)}")
