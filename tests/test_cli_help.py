"""Every `legis ... --help` as an 80-column terminal shows it (found by fresh-user trials): no option's name cut, and the
description's paragraphs rewrapped to the terminal, not broken where the source's lines end."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from cli.main import app
from tests.stack import LEGIS

STYLES = re.compile(r"\x1b\[[0-9;]*m")


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


def test_help_pages_in_a_colour_terminal_end_their_lines_where_their_text_ends():
    """Found by a re-check: in a terminal rich styles the padding, in runs between escape codes, and only the last run was
    taken off (the usage line of every page and each dim paragraph still ended in spaces)."""
    env = {**os.environ, "COLUMNS": "80", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    padded = []
    for command in ([], ["calendar", "holidays"], ["subscribers", "add"], ["remap-agency"], ["start"]):
        shown = subprocess.run([LEGIS, *command, "--help"], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert shown.returncode == 0 and "\x1b[" in shown.stdout, shown.stderr  # styled, as in a terminal
        plain = [STYLES.sub("", line) for line in shown.stdout.splitlines()]
        padded += [(" ".join(command), line[-40:]) for line in plain if line != line.rstrip()]
    assert not padded, padded[:6]
