"""Configuration from LEGIS_* environment variables."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from temporalio.service import TLSConfig

from workers.settings import Settings


def test_defaults_are_the_local_dev_stack(monkeypatch):
    for name in ("LEGIS_TEMPORAL_ADDRESS", "LEGIS_DATABASE_URL", "LEGIS_API_KEY", "LEGIS_TLS_CERT", "LEGIS_TLS_KEY", "LEGIS_TLS_CA"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.temporal_address, settings.task_queue, settings.database_url) == ("127.0.0.1:7233", "legis-submissions", None)
    assert settings.temporal_tls() is False


def test_mutual_tls_files_are_read(monkeypatch, tmp_path):
    for name, content in (("cert", b"CERT"), ("key", b"KEY"), ("ca", b"CA")):
        (tmp_path / f"{name}.pem").write_bytes(content)
        monkeypatch.setenv(f"LEGIS_TLS_{name.upper()}", str(tmp_path / f"{name}.pem"))
    tls = Settings().temporal_tls()
    assert isinstance(tls, TLSConfig) and (tls.client_cert, tls.client_private_key, tls.server_root_ca_cert) == (b"CERT", b"KEY", b"CA")


def test_an_api_key_implies_tls_and_is_never_printed(monkeypatch):
    monkeypatch.setenv("LEGIS_API_KEY", "very-secret")
    settings = Settings()
    assert settings.temporal_tls() is True and "very-secret" not in repr(settings)


def test_a_certificate_without_its_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGIS_TLS_CERT", str(tmp_path / "cert.pem"))
    monkeypatch.delenv("LEGIS_TLS_KEY", raising=False)
    with pytest.raises(ValidationError, match="LEGIS_TLS_CERT and LEGIS_TLS_KEY"):
        Settings()


def test_endpoints_and_concurrency_are_configurable_and_checked(monkeypatch):
    monkeypatch.setenv("LEGIS_HEALTH_PORT", "none")
    monkeypatch.setenv("LEGIS_METRICS_PORT", "9100")
    monkeypatch.setenv("LEGIS_MAX_CONCURRENT_ACTIVITIES", "8")
    settings = Settings()
    assert (settings.health_port, settings.metrics_port, settings.max_concurrent_activities) == (None, 9100, 8)
    monkeypatch.setenv("LEGIS_MAX_CONCURRENT_ACTIVITIES", "0")
    with pytest.raises(ValidationError, match="max_concurrent_activities"):
        Settings()
