"""An option of `legis` itself given after a command is refused as unknown to that command, and says where it goes
(found by a new user: `legis status X --timeout 5` answered "No such option: --timeout", with no hint that it is a
global option, `legis --timeout 5 status X`)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.stack import LEGIS


def legis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LEGIS, *args], capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize(("args", "option", "where"), [
    (("status", "X", "--timeout", "5"), "--timeout", "legis --timeout SECONDS status ..."),
    (("consult", "show", "X", "R", "--address=127.0.0.1:7233"), "--address", "legis --address ADDRESS consult show ..."),
    (("calendar", "show", "--profile", "staging"), "--profile", "legis --profile PROFILE calendar show ..."),
    (("status", "X", "--version"), "--version", "legis --version)"),
])
def test_a_root_option_after_the_command_says_it_goes_before_it(args, option, where):
    shown = legis(*args)
    assert shown.returncode == 2 and f"No such option: {option}: it is an option of legis itself, given before the command" in shown.stderr, shown.stderr
    assert where in shown.stderr, shown.stderr
    asked = json.loads(legis(*args, "--json").stdout)
    assert (asked["rule"], asked["field"]) == ("unknown_option", option.lstrip("-")) and where in asked["message"], asked


def test_an_option_no_command_has_is_refused_as_before():
    shown = legis("status", "X", "--no-such-option")
    assert shown.returncode == 2 and "No such option: --no-such-option" in shown.stderr and "itself" not in shown.stderr, shown.stderr
