"""A client key that is a key, but not the one of LEGIS_TLS_CERT's certificate (the key of an earlier certificate left
in place after a renewal), is told as Temporal not answering (rule temporal_reachable, exit 5: `is it running?`),
from Temporal's handshake (`InconsistentKeys(KeyMismatch)`), not refused naming the variable as a TLS file that is
not what it names (README, Configuration: `tls_files_readable`, exit 2)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.certificates import certificate_files
from workers.settings import Settings


def test_a_key_not_of_the_certificate_is_refused_naming_the_key(monkeypatch, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    cert, _ = certificate_files(tmp_path / "a")
    _, other_key = certificate_files(tmp_path / "b")
    monkeypatch.setenv("LEGIS_TLS_CERT", str(cert))
    monkeypatch.setenv("LEGIS_TLS_KEY", str(other_key))
    monkeypatch.delenv("LEGIS_TLS_CA", raising=False)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert refused.value.errors()[0]["type"] == "tls_files_readable"
