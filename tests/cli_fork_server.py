"""What the fork server of `tests.cli_forks` runs once, before any command: `cli.main` imported as a command run by a
test imports it, its standard output and error not a terminal and none of the settings its consoles read when they are
built (`cli.output`: colours, a terminal forced), so that a command forked from it prints as the installed command
started by a test does, whatever the terminal pytest runs in."""

import os

from tests.cli_forks import CONSOLE_SETTINGS

_null = os.open(os.devnull, os.O_WRONLY)
for _stream in (1, 2):
    os.dup2(_null, _stream)
for _name in CONSOLE_SETTINGS:
    os.environ.pop(_name, None)

import cli.main  # noqa: E402, F401 (imported once here, for every command forked)
