"""The `legis` entry point: the command groups put together, and every failure turned into its exit code."""

from __future__ import annotations

import os
import sys
import traceback

from cli import broadcast, calendar, consult, drafts, profiles, records, rulebook, stack, subscribers, tokens
from cli.app import app
from cli.failures import ExitCode, Failure
from cli.output import emit_json, err, tolerant_streams, wants_json

for commands in (drafts.app, records.app, broadcast.app, tokens.refusals_app, stack.app):
    app.add_typer(commands)
app.add_typer(calendar.app, name="calendar", rich_help_panel="Operators")
app.add_typer(consult.app, name="consult", rich_help_panel="Drafts")
app.add_typer(tokens.app, name="tokens", rich_help_panel="Operators")
app.add_typer(subscribers.app, name="subscribers", rich_help_panel="Operators")
app.add_typer(rulebook.app, name="rulebook", rich_help_panel="Rules")
app.add_typer(profiles.app, name="profile", rich_help_panel="Settings")


def report(failure: Failure) -> int:
    if wants_json():
        emit_json(failure.as_json())
    else:
        err.print(failure.line())
    return int(failure.code)


def main() -> None:
    """The `legis` entry point.

    It leaves through os._exit once the command's output is flushed: the Temporal client's Rust
    threads can crash CPython's teardown of a short-lived process (temporalio/sdk-python#300).
    """
    tolerant_streams()
    code = int(ExitCode.UNEXPECTED)
    try:
        app()
        code = 0
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else (0 if leaving.code is None else int(ExitCode.UNEXPECTED))
    except Failure as failure:
        code = report(failure)
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
