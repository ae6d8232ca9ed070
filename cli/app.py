"""The root of `legis`: its global options and the settings every command reads.

Where a setting comes from, first found wins: the command line (`--address`, `--namespace`,
`--api-address`), the environment (LEGIS_*), the chosen profile (`--profile` or LEGIS_PROFILE, else
the profile named `default`), the built-in default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, TypeVar, get_args

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.console import Console
from rich.segment import Segment
from typer import rich_utils
from typer.core import TyperOption

from cli import profiles
from cli.failures import Invalid
from cli.jsonfile import describe
from cli.output import out
from schemas import messages
from schemas.redaction import secret_in
from schemas.text import Label, misread, typed_whole_number
from schemas.time import Day
from workers.settings import Settings

E = TypeVar("E", bound=Enum)
N = TypeVar("N", int, float)

EPILOG = """[bold]Exit codes[/bold]: 0 ok, 1 unexpected, 2 usage or invalid input, 3 refused by the draft or the rules, 4 not found, 5 unavailable (Temporal, a worker or PostgreSQL did not answer).

[bold]Examples[/bold]

legis --profile staging status BGDDT-2026-017 --output json

LEGIS_TEMPORAL_ADDRESS=10.0.0.5:7233 legis list --stage APPRAISAL"""



def identifier(kind: object, field: str):
    """An argument checked against its schema's pattern before anything is read or sent, as the API checks its path
    (`path_pattern`), with the rule `start` names for the same ID in a file."""
    checked = TypeAdapter(kind)

    def check(value: str | None) -> str | None:
        if value is None:  # an option left out
            return None
        try:
            taken = checked.validate_python(value)
        except ValidationError as invalid:
            problem = describe(invalid)[0]
            raise Invalid(f"{field}: {problem['message']}", field=field, rule=problem["rule"]) from None
        # New input, as a file's texts are (`admissions.admits_nothing_misread`; found by a re-check: `--by` took U+2028).
        if isinstance(taken, str) and (wrong := misread(taken)) is not None:
            raise Invalid(f"{field}: {wrong[1]}", field=field, rule=wrong[0])
        return taken

    return check


def any_case(kind: type[E], field: str) -> Callable[[str], E]:
    """A parser of a value of `kind` (a str Enum) in any letter case (`law_2025`), refused naming the values as they are
    written (`LAW_2025`) in the CLI's one line, field and rule (found by a fresh-user trial: typer's box said "Value error")."""
    def parse(value: str) -> E:
        try:
            return kind(value.upper())
        except ValueError:
            known = ", ".join(member.value for member in kind)
            raise Invalid(f"{field}: {value!r} is not one of {known}", field=field, rule="enum") from None

    return parse


# Written in ASCII digits, of any length Python reads (4,300 digits); the range is checked on the number.
_DECIMAL = re.compile(r"[+-]?([0-9]{1,4000}(\.[0-9]{0,4000})?|\.[0-9]{1,4000})")


def whole_number(field: str, least: int, most: int) -> Callable[[str], int]:
    """The parser of a whole number from `least` to `most` (an ID the database numbers, a count, a year), written in ASCII
    digits; anything else refused in the CLI's one line naming the field and the rule, before anything is read (found by
    trials: typer's usage box named no rule, and an ID past its column failed the database's query)."""
    def parse(value: str | int) -> int:
        if isinstance(value, int):  # the option's default, typed already
            return value
        if (number := typed_whole_number(value)) is None:
            raise Invalid(f"{field}: {value!r} is not a whole number", field=field, rule="int_parsing")
        return _within(field, number, least, most)

    return parse


def seconds(field: str, least: float, most: float) -> Callable[[str], float]:
    """The parser of a number of seconds from `least` to `most` (`2`, `0.5`), refused as `whole_number` refuses."""
    def parse(value: str | float) -> float:
        if isinstance(value, int | float):  # the option's default, typed already
            return value
        number = value.strip(" \t")  # as `schemas.text.typed_whole_number` reads a whole one
        if not _DECIMAL.fullmatch(number):
            raise Invalid(f"{field}: {value!r} is not a number of seconds, e.g. 30 or 2.5", field=field, rule="float_parsing")
        return _within(field, float(number), least, most)

    return parse


def _within(field: str, number: N, least: N, most: N) -> N:
    if number < least:
        raise Invalid(f"{field}: {number} is less than {least}, the least it may be", field=field, rule="greater_than_equal")
    if number > most:
        raise Invalid(f"{field}: {number} is more than {most}, the most it may be", field=field, rule="less_than_equal")
    return number


_DAY = TypeAdapter(Day)


def day_option(field: str):
    """The parser of an option that takes a Ha Noi day (`schemas.time.Day`, written YYYY-MM-DD): anything else is
    refused (exit 2) naming the option's field and the rule the API names for the same day."""
    def parse(value: str) -> date:
        try:
            return _DAY.validate_python(value)
        except ValidationError as invalid:
            problem = describe(invalid)[0]
            raise Invalid(f"{field}: {value!r} is not a day: {problem['message']}", field=field, rule=problem["rule"]) from None

    return parse


def no_secret(field: str, then: Callable[[str | None], str | None], what: str) -> Callable[[str | None], str | None]:
    """A text option that is stored and listed (who acts, a token's label): one holding an API token's secret would be
    shown whole (`legis tokens list`), so it is refused (exit 2, `not_a_secret`), naming the token's ID only, before
    `then` checks it; `what` says what to give instead."""
    def check(value: str | None) -> str | None:
        if value is not None and secret_in(value):  # the failure's message keeps the token's ID only (`cli.failures`)
            raise Invalid(f"{field}: {value} holds an API token's secret; give {what}", field=field, rule="not_a_secret")
        return then(value)

    return check


def by_option(help: str) -> object:
    """`--by`: who acts, recorded with what the command changes; a name as the drafts' messages take one (`Label`: not
    blank, at most 200 characters, and no API token in it), refused (exit 2) before anything is stored."""
    return Annotated[str, typer.Option("--by", help=help, callback=no_secret("by", identifier(Label, "by"), "the name of who acts"))]


def json_file(model: type[BaseModel]) -> object:
    """A JSON file argument whose help names the fields of `model`, the message it holds (those that may be left out
    apart), and where each field's rule is said (the API's reference, of the same models)."""
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    optional = [name for name in model.model_fields if name not in required]
    days = [name for name, field in model.model_fields.items() if date in _types_in(field.annotation)]
    choices = [f"{name}: {' | '.join(e.value for e in kind)}" for name, field in model.model_fields.items()
               for kind in _types_in(field.annotation) if isinstance(kind, type) and issubclass(kind, Enum) and len(kind) <= 12]
    return Annotated[Path, typer.Argument(
        allow_dash=True,
        help=f"a JSON file (UTF-8), or - for standard input, holding the message the API's reference calls {model.__name__}: {', '.join(required)}"
             f"{'; optional: ' + ', '.join(optional) if optional else ''}."
             f"{' Days (' + ', '.join(days) + ') are Ha Noi days, YYYY-MM-DD.' if days else ''}"
             f"{' ' + '; '.join(choices) + '.' if choices else ''} Each field's type and rule: `legis openapi`, or the "
             "API's /docs; examples in schemas/examples")]


def _types_in(annotation: object) -> set[object]:
    """The types an annotation names, through unions and containers (`date | None` names `date`)."""
    args = get_args(annotation)
    return {annotation} if not args else {found for arg in args for found in _types_in(arg)}


SubmissionId = Annotated[str, typer.Argument(help="the draft's submission ID, e.g. BGDDT-2026-017",
                                             callback=identifier(messages.SubmissionId, "submission_id"))]
SubmissionIdFilter = Annotated[str | None, typer.Option("--submission-id", help="only this draft's, by its submission ID",
                                                        callback=identifier(messages.SubmissionId, "submission_id"))]
MinistryFilter = Annotated[str | None, typer.Option(help="only drafts led by this agency code, e.g. BGDDT",
                                                   callback=identifier(messages.AgencyCode, "ministry"))]
RoundId = Annotated[str, typer.Argument(help="the round's ID, e.g. Y-KIEN-BO-NGANH", callback=identifier(messages.RoundId, "round_id"))]
RequestId = Annotated[
    str | None, typer.Option(help="idempotency key, 1 to 200 printable ASCII characters without spaces: sent again, the message is "
                             "applied once (default: a new key, printed if no answer comes)",
                             callback=no_secret("request_id", identifier(messages.RequestId, "request_id"), "a key of your own"))
]


# typer 0.29 shows every flag in the help as taking a value (`--json <bool>`, `--help <bool>`), which a flag refuses
# (`--json true`: an unexpected extra argument): a flag shows none.
_value_shown = TyperOption.display_type_rich
TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _value_shown(self, ctx)  # type: ignore[method-assign]

# In rich markup, typer 0.29 keeps a docstring's line breaks after its first paragraph, so that lines wrapped at the
# source's 120 columns came out ragged at 80 (a line and a half, then a word): a paragraph is one line, rewrapped to the
# terminal, unless it starts with click's \b (keep as written) or is an example's command on shell continuation lines
# (`cli.output.examples`; found by a fresh-user trial: joined, a pasted example was one line with a stray "\").
rich_utils._fix_linebreaks = lambda paragraphs, markup_mode: "\n\n".join(
    paragraph if paragraph.startswith("\b") or " \\\n" in paragraph else " ".join(paragraph.split("\n")) for paragraph in paragraphs)


class _TrimmedConsole(Console):
    """typer's help console, its lines not padded with spaces to the terminal's width: an example's line ending in "\\"
    then spaces, pasted from a saved help or a pager, escaped a space instead of the line break (found by a new user:
    `--by \\ ` sent " ", and the next line ran as a command of its own)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return _PADDED.sub(lambda end: "".join(_STYLE.findall(end.group())), super()._render_buffer(buffer))


# A line's end of spaces and styles, its styles kept: in a terminal the padding comes styled, in runs (found by a re-check).
_STYLE = re.compile(r"\x1b\[[0-9;]*m")
_PADDED = re.compile(r"(?:\x1b\[[0-9;]*m| )*(?: )(?:\x1b\[[0-9;]*m| )*$", re.MULTILINE)
_typer_console = rich_utils._get_rich_console


def _help_console(stderr: bool = False) -> Console:
    console = _typer_console(stderr)
    console.__class__ = _TrimmedConsole  # typer's own settings kept: its theme, width and colours
    return console


rich_utils._get_rich_console = _help_console

app = typer.Typer(
    help="legis: Vietnamese draft laws on their statutory path, on Temporal.",
    epilog=EPILOG,
    no_args_is_help=True,
    rich_markup_mode="rich",
    # `cli.main` prints failures as one line each; an unexpected one ends with exit code 1.
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass
class Chosen:
    """The root options of this run."""

    profile: str | None = None
    address: str | None = None
    namespace: str | None = None
    api_address: str | None = None
    timeout: float = 30.0


chosen = Chosen()


def _show_version(asked: bool) -> None:
    """The package's version, and what tells one release from another where the version does not (found by an upgrade
    trial: two releases both said 0.1.0): the database schema it migrates to and the draft generation it starts."""
    if asked:
        from activities.database import SCHEMA_REVISION
        from schemas.state import NEWEST_GENERATION

        out.print(f"legis {version('legis')} (schema revision {SCHEMA_REVISION}, draft generation {NEWEST_GENERATION})")
        raise typer.Exit()


@app.callback()
def root(
    profile: Annotated[str | None, typer.Option(envvar="LEGIS_PROFILE", help="a profile of `legis profile list`")] = None,
    address: Annotated[str | None, typer.Option(help="host:port of the Temporal frontend (env LEGIS_TEMPORAL_ADDRESS)")] = None,
    namespace: Annotated[str | None, typer.Option(help="Temporal namespace (env LEGIS_NAMESPACE)")] = None,
    api_address: Annotated[
        str | None, typer.Option(help="host:port the HTTP API serves on, for `legis api` and `legis dev` (env LEGIS_HTTP_HOST, LEGIS_API_PORT)")
    ] = None,
    timeout: Annotated[
        float, typer.Option(envvar="LEGIS_TIMEOUT", parser=seconds("timeout", 0.1, 3600), metavar="SECONDS",
                            help="seconds to wait for Temporal, a worker or PostgreSQL (0.1 to 3600)")
    ] = 30.0,
    _version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="print legis's version and exit")
    ] = False,
) -> None:
    chosen.profile, chosen.address, chosen.namespace, chosen.api_address, chosen.timeout = profile, address, namespace, api_address, timeout


def settings() -> Settings:
    """The settings of this run: options, then environment variables, then the profile, then the defaults."""
    given = {name.upper() for name in os.environ}
    values = {field: value for variable, (field, value) in profiles.chosen(chosen.profile).settings().items() if variable not in given}
    try:
        options = profiles.Profile(address=chosen.address, namespace=chosen.namespace, api_address=chosen.api_address).settings()
        return Settings(**values | dict(options.values()))
    except ValidationError as invalid:
        problem = describe(invalid)[0]
        field = problem["field"]
        variable = f"LEGIS_{field.upper()}"
        described = Settings.model_fields[field].description if field in Settings.model_fields else None
        raise Invalid(f"settings: {variable}: {problem['message']}" + (f" ({variable}: {described})" if described else ""),
                      field=field, rule=problem["rule"]) from None
