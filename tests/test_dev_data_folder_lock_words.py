"""A second `legis dev` on a data folder in use is refused without naming the setting to change.

Found by a new user running a second stack beside the first (README, Configuration: "A second `legis dev` on one machine
sets it, ... and `LEGIS_DATA_DIR` to its own"): with the ports changed but LEGIS_DATA_DIR forgotten, `legis dev` answers
only "error: the data folder /.../data is already in use by another `legis dev` (pid N)", exit 1. Every other refusal of
`legis dev`'s settings names the variable (a port taken: "... (LEGIS_API_PORT, the HTTP API) is already in use by another
program: stop it, or set LEGIS_API_PORT to a free port"; a data folder that is a file: "settings: LEGIS_DATA_DIR: ...
(rule: writable_folder)"). This one names neither the variable nor what to do."""

from __future__ import annotations

import pytest

from workers.dev_stack import data_folder_lock


def test_a_data_folder_in_use_is_refused_naming_the_setting_to_change(tmp_path):
    with data_folder_lock(tmp_path / "data"), pytest.raises(RuntimeError) as refused, data_folder_lock(tmp_path / "data"):
        pass
    message = str(refused.value)
    assert "is already in use by another `legis dev`" in message, message
    assert "LEGIS_DATA_DIR" in message, message
