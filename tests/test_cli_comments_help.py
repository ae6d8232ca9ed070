"""`legis consult comments --help` sends the lead ministry to the HTTP API for the public's comments (found by a public
trial): "the public's comments on a public posting are read by article through the API (`.../comments`)", and the
command itself, run on a public round, says "GET .../consultations/ROUND/comments". The operators are officials, not
engineers, and the CLI has the command that reads them, `legis consult export` (README, CLI: "`export` writes a public
round's comments of the public to a CSV file"): the help must name it."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cli.main import app

STYLES = re.compile(r"\x1b\[[0-9;]*m")


def test_consult_comments_help_names_the_command_that_reads_the_publics_comments():
    shown = CliRunner().invoke(app, ["consult", "comments", "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": None})
    assert shown.exit_code == 0, shown.output
    text = " ".join(STYLES.sub("", shown.output).split())
    assert "public" in text  # it does speak of the public's comments
    assert "consult export" in text, text
