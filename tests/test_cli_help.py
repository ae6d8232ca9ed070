"""Every `legis ... --help` as an 80-column terminal shows it (found by fresh-user trials): no option's name cut, and the
description's paragraphs rewrapped to the terminal, not broken where the source's lines end."""

from __future__ import annotations

import re
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from cli.main import app


def commands(command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


def test_every_help_page_names_each_option_whole_and_rewraps_its_paragraphs_at_80_columns():
    runner, cut, joined, padded, pages = CliRunner(), [], [], [], 0
    for path in commands(typer.main.get_command(app)):
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80", "TERMINAL_WIDTH": None})
        assert shown.exit_code == 0, (path, shown.output)
        pages += 1
        cut += [(" ".join(path), line.strip()) for line in shown.output.splitlines() if re.search(r"--[\w-]*…", line)]
        # An example on shell continuation lines keeps them: a backslash within a line is a paste that fails (a fresh-user trial).
        joined += [(" ".join(path), line.strip()) for line in shown.output.splitlines() if re.search(r" \\ +\S", line)]
        # And ends its line: spaces after it, the help padded to the terminal's width, escaped a space instead of the line
        # break when pasted from a saved help or a pager (found by a new user: `--by \ ` sent " ").
        padded += [(" ".join(path), line) for line in shown.output.splitlines() if re.search(r"\\ +$", line)]
    assert pages > 50 and not cut and not joined and not padded, (cut, joined, padded[:3])
    shown = runner.invoke(app, ["calendar", "set-session", "--help"], env={"COLUMNS": "80", "TERMINAL_WIDTH": None}).output
    # The source breaks this paragraph after "(16-2) or": at 80 columns it came out ragged, one short line after another.
    assert "legislature-session (16-2) or legislature-E-session (16-E9)" in shown, shown
