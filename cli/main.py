"""The `legis` entry point: the command groups put together, and every failure turned into its exit code."""

from __future__ import annotations

import os
import sys
import traceback

import typer
from typer import rich_utils
from typer._click import exceptions as click  # typer carries its own click

from cli import broadcast, calendar, consult, dead_letters, drafts, profiles, records, replay, rulebook, stack, subscribers, tokens
from cli.app import app
from cli.failures import ExitCode, Failure, Invalid, from_refusal
from cli.output import emit_json, err, tolerant_streams, wants_json
from schemas.refusal import Refused

for commands in (drafts.app, records.app, broadcast.app, replay.app, tokens.refusals_app, stack.app):
    app.add_typer(commands)
app.add_typer(calendar.app, name="calendar", rich_help_panel="Operators")
app.add_typer(consult.app, name="consult", rich_help_panel="Drafts")
app.add_typer(tokens.app, name="tokens", rich_help_panel="Operators")
app.add_typer(subscribers.app, name="subscribers", rich_help_panel="Operators")
app.add_typer(dead_letters.app, name="dead-letters", rich_help_panel="Operators")
app.add_typer(rulebook.app, name="rulebook", rich_help_panel="Rules")
app.add_typer(profiles.app, name="profile", rich_help_panel="Settings")


def report(failure: Failure, *, json: bool = False) -> int:
    if json or wants_json():
        emit_json(failure.as_json())
    else:
        err.print(failure.line())
    return int(failure.code)


# What click names the ways a command line can be wrong, as rules.
_USAGE_RULES = ((click.MissingParameter, "required"), (click.NoSuchOption, "unknown_option"), (click.BadParameter, "invalid_value"))


def usage_failure(usage: click.UsageError) -> Invalid:
    """A command line click refused, as an Invalid naming the option or argument (its name as typed, `by` for `--by`)."""
    param = getattr(usage, "param", None)
    named = (max(param.opts, key=len) if param.opts else param.name) if param is not None else getattr(usage, "option_name", None)
    field = (named or "").lstrip("-").replace("-", "_") or None
    rule = next((rule for kind, rule in _USAGE_RULES if isinstance(usage, kind)), "usage")
    return Invalid(f"{field + ': ' if field else ''}{usage.format_message()}", field=field, rule=rule)


def placed_where_it_goes(usage: click.UsageError) -> None:
    """A root option given after a command (`legis status X --timeout 5`) is refused by click as unknown to that command;
    its message then says where it goes (found by a new user: "No such option: --timeout", no hint that it is legis's own)."""
    ctx = getattr(usage, "ctx", None)
    if not isinstance(usage, click.NoSuchOption) or ctx is None or ctx.parent is None:
        return
    root = ctx.find_root()
    param = next((p for p in root.command.params if usage.option_name in (*p.opts, *p.secondary_opts)), None)
    if param is None:
        return
    value = "" if getattr(param, "is_flag", False) else f" {param.metavar or param.name.upper()}"
    # An eager flag (--version) acts alone, before any command.
    command = "" if param.is_eager else f" {ctx.command_path.removeprefix(root.command_path).strip()} ..."
    usage.message += f": it is an option of {root.command_path} itself, given before the command ({root.command_path} {usage.option_name}{value}{command})"


def json_asked(argv: list[str]) -> bool:
    """Whether the command line asks for JSON (`--json`, `--output json`), read before click could parse it."""
    return "--json" in argv or "--output=json" in argv or any(a == "--output" and b == "json" for a, b in zip(argv, argv[1:], strict=False))


def main() -> None:
    """The `legis` entry point.

    It leaves through os._exit once the command's output is flushed: the Temporal client's Rust
    threads can crash CPython's teardown of a short-lived process (temporalio/sdk-python#300).
    """
    tolerant_streams()
    code = int(ExitCode.UNEXPECTED)
    try:
        # Not standalone: a usage error comes back here, to be told as every other failure is (one line, or JSON).
        done = app(standalone_mode=False)
        code = done if isinstance(done, int) else 0
    except click.ClickException as failed:
        if isinstance(failed, click.UsageError):
            placed_where_it_goes(failed)
        # A script that asked for JSON gets the command line's mistake as JSON too; a person, typer's box.
        if isinstance(failed, click.UsageError) and not isinstance(failed, click.NoArgsIsHelpError) and json_asked(sys.argv[1:]):
            code = report(usage_failure(failed), json=True)
        else:
            rich_utils.rich_format_error(failed)
            code = failed.exit_code
    except typer.Abort:
        err.print("Aborted.")
        code = 1
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else int(ExitCode.UNEXPECTED))
    except Failure as failure:
        # A value refused while the command line is read (an ID, a day) fails before the command chose its output.
        code = report(failure, json=json_asked(sys.argv[1:]))
    except Refused as refused:  # a rule refused a command's work, not the command line (a database newer than this release)
        code = report(from_refusal(refused), json=json_asked(sys.argv[1:]))
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # A reader that stopped early (`| head`) is not a failure of the command.
        code = 0
    except BaseException:
        err.print("error: unexpected; the trace below is for a bug report")
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            pass
        os._exit(code)
