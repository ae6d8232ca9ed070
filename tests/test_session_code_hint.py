"""A mistyped session code's refusal tells the operator how to type one: it must not teach a rule legis does not hold.

Found by a new user: `legis list --session 16/2` answers "... numbers from 1 to 99 without leading zeros, E in capitals
(rule: session_code)", yet every place an operator types a session code takes the extraordinary session's mark in either
case (README, CLI: "an extraordinary session's mark too, `16-e2` read as `16-E2`"; `legis calendar set-session`: "an
extraordinary session's code read in either case (`16-e3` is 16-E3)"). The hint makes an operator retype a code that was
never wrong in its case."""

from __future__ import annotations

from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from tests.stack import Cli, isolated_env


async def test_the_session_code_hint_does_not_ask_for_a_capital_e_that_legis_does_not_require(tmp_path):
    # No Temporal answers here: a code that passes validation ends in exit 5 (unavailable), a refused one in exit 2.
    cli = Cli(isolated_env(tmp_path / "config", LEGIS_TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}", LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY,
                           LEGIS_DATA_DIR=str(tmp_path / "data")))
    code, _, err = await cli("--timeout", "1", "list", "--session", "16-e2")
    assert code == 5, (code, err)  # the lowercase mark is taken: it is not the code that is refused
    code, _, err = await cli("list", "--session", "16/2")
    assert code == 2 and "(rule: session_code)" in err, err
    assert "E in capitals" not in err and "an E before an extraordinary session's" in err, err
