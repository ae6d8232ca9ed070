"""Found by a new user: `legis dev --help`, the command the README's first line runs, named none of its settings (its
ports, its data folder), where `legis worker --help` and `legis api --help` list theirs."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import app
from workers.dev_stack import DEV_PORTS


def test_the_dev_help_names_its_ports_and_data_folder_with_their_defaults():
    shown = CliRunner().invoke(app, ["dev", "--help"], env={"COLUMNS": "400", "TERMINAL_WIDTH": None})
    assert shown.exit_code == 0, shown.output
    flat = " ".join(shown.output.split())
    for variable in (*DEV_PORTS, "LEGIS_DATA_DIR", "LEGIS_ENCRYPTION_KEYS"):
        assert f"{variable} " in flat or f"{variable}:" in flat, (variable, flat)
    assert "LEGIS_API_PORT (default 8000)" in flat and "`legis worker --help`" in flat, flat
