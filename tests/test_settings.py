"""Configuration from LEGIS_* environment variables."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from temporalio.service import TLSConfig

from tests.certificates import certificate_files
from workers.settings import Settings


def test_defaults_are_the_local_dev_stack(monkeypatch):
    for name in ("LEGIS_TEMPORAL_ADDRESS", "LEGIS_DATABASE_URL", "LEGIS_API_KEY", "LEGIS_TLS_CERT", "LEGIS_TLS_KEY", "LEGIS_TLS_CA"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.temporal_address, settings.task_queue, settings.database_url) == ("127.0.0.1:7233", "legis-submissions", None)
    assert settings.temporal_tls() is False


def test_mutual_tls_files_are_read(monkeypatch, tmp_path):
    cert, key = certificate_files(tmp_path)
    for name, path in (("CERT", cert), ("KEY", key), ("CA", cert)):
        monkeypatch.setenv(f"LEGIS_TLS_{name}", str(path))
    tls = Settings().temporal_tls()
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.client_private_key, tls.server_root_ca_cert) == (cert.read_bytes(), key.read_bytes(), cert.read_bytes())


@pytest.mark.parametrize("variable", ["LEGIS_TLS_CERT", "LEGIS_TLS_KEY", "LEGIS_TLS_CA"])
def test_a_tls_file_that_is_missing_or_not_what_it_names_is_refused_by_its_field(monkeypatch, tmp_path, variable):
    cert, key = certificate_files(tmp_path)
    for name, path in (("LEGIS_TLS_CERT", cert), ("LEGIS_TLS_KEY", key), ("LEGIS_TLS_CA", cert)):
        monkeypatch.setenv(name, str(path))
    field = variable.removeprefix("LEGIS_").lower()
    monkeypatch.setenv(variable, str(tmp_path / "absent.pem"))
    with pytest.raises(ValidationError, match="absent.pem cannot be read") as refused:
        Settings()
    assert (refused.value.errors()[0]["type"], refused.value.errors()[0]["loc"]) == ("tls_files_readable", (field,))
    # The certificate given for the key, and the key for a certificate: each named as what it is not.
    monkeypatch.setenv(variable, str(cert if variable == "LEGIS_TLS_KEY" else key))
    with pytest.raises(ValidationError, match="holds no unencrypted PEM private key" if variable == "LEGIS_TLS_KEY" else "holds no PEM certificate") as refused:
        Settings()
    assert (refused.value.errors()[0]["type"], refused.value.errors()[0]["loc"]) == ("tls_files_readable", (field,))


def test_an_api_key_implies_tls_and_is_never_printed(monkeypatch):
    monkeypatch.setenv("LEGIS_API_KEY", "very-secret")
    settings = Settings()
    assert settings.temporal_tls() is True and "very-secret" not in repr(settings)


def test_a_certificate_without_its_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGIS_TLS_CERT", str(certificate_files(tmp_path)[0]))
    monkeypatch.delenv("LEGIS_TLS_KEY", raising=False)
    with pytest.raises(ValidationError, match="LEGIS_TLS_CERT and LEGIS_TLS_KEY") as refused:
        Settings()
    assert refused.value.errors()[0]["type"] == "tls_pair" and refused.value.errors()[0]["ctx"] == {"field": "tls_key"}


def test_endpoints_and_concurrency_are_configurable_and_checked(monkeypatch):
    monkeypatch.setenv("LEGIS_HEALTH_PORT", "none")
    monkeypatch.setenv("LEGIS_METRICS_PORT", "9100")
    monkeypatch.setenv("LEGIS_MAX_CONCURRENT_ACTIVITIES", "8")
    settings = Settings()
    assert (settings.health_port, settings.metrics_port, settings.max_concurrent_activities) == (None, 9100, 8)
    monkeypatch.setenv("LEGIS_MAX_CONCURRENT_ACTIVITIES", "0")
    with pytest.raises(ValidationError, match="max_concurrent_activities"):
        Settings()


# Found by a fresh-user trial: these crashed `legis api` and `legis dev` (a rate), or every command (an address), with a
# traceback, or were taken and failed later.
@pytest.mark.parametrize(("variable", "value", "rule"), [
    ("LEGIS_API_RATE_PER_TOKEN", "lots", "rate_notation"),
    ("LEGIS_API_RATE_PER_ADDRESS", "-5/minute", "rate_notation"),
    ("LEGIS_PUBLIC_COMMENT_RATE", "10/fortnight", "rate_notation"),
    ("LEGIS_API_REFUSALS_RECORDED", "0/hour", "rate_notation"),
    ("LEGIS_TEMPORAL_ADDRESS", "not an address", "host_port"),
    ("LEGIS_TEMPORAL_ADDRESS", "127.0.0.1:99999", "host_port"),
    ("LEGIS_TEMPORAL_ADDRESS", "http://127.0.0.1:7233", "host_port"),
    ("LEGIS_DATABASE_URL", "notaurl", "postgresql_url"),
    ("LEGIS_DATABASE_URL", "mysql://legis@db/legis", "postgresql_url"),
    ("LEGIS_DATABASE_URL", "postgresql://legis:hunter2@db:99999/legis", "postgresql_url"),
    ("LEGIS_DATABASE_URL", "postgresql://legis:hunter2@h1:5432,h2:port/legis", "postgresql_url"),
    ("LEGIS_WEB_UI_ORIGIN", "notanorigin", "web_origin"),
    ("LEGIS_WEB_UI_ORIGIN", "https://temporal.example.gov/ui", "web_origin"),
    ("LEGIS_TRUSTED_PROXIES", "10.0.0.5, proxy.internal", "proxy_address"),
    ("LEGIS_TRUSTED_PROXIES", "10.0.0.5/24", "proxy_address"),  # uvicorn would trust no one of it (a breaker)
    ("LEGIS_TRUSTED_PROXIES", "172.18.0.1/16", "proxy_address"),
    ("LEGIS_TRUSTED_PROXIES", "0.0.0.0/0", "proxy_address"),  # every client (a breaker)
    ("LEGIS_TRUSTED_PROXIES", "::/0", "proxy_address"),
    ("LEGIS_TRUSTED_PROXIES", "::ffff:0.0.0.0/96", "proxy_address"),
])
def test_a_malformed_setting_is_refused_naming_its_rule_and_never_echoed(monkeypatch, variable, value, rule):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    [error] = refused.value.errors()
    assert (error["loc"], error["type"]) == ((variable.removeprefix("LEGIS_").lower(),), rule)
    assert value not in str(refused.value) and "hunter2" not in str(refused.value)


@pytest.mark.parametrize(("variable", "value"), [
    ("LEGIS_API_RATE_PER_TOKEN", "none"), ("LEGIS_API_RATE_PER_TOKEN", "5/second"), ("LEGIS_PUBLIC_COMMENT_RATE", "1 per 2 minutes"),
    ("LEGIS_TEMPORAL_ADDRESS", "temporal.example.gov:7233"), ("LEGIS_TEMPORAL_ADDRESS", "[::1]:7233"),
    ("LEGIS_DATABASE_URL", "postgresql://legis@db.example.gov:5432/legis"), ("LEGIS_DATABASE_URL", "postgres:///legis?host=/run/postgresql"),
    # A breaker's find: several hosts, as libpq and asyncpg take them, were refused for their port.
    ("LEGIS_DATABASE_URL", "postgresql://legis@h1:5432,h2:5433/legis"), ("LEGIS_DATABASE_URL", "postgresql://legis@[::1]:5432/legis"),
    ("LEGIS_WEB_UI_ORIGIN", "https://temporal.example.gov:8443"),
])
def test_well_formed_settings_are_taken(monkeypatch, variable, value):
    # "none" for a rate (no limit) was refused from the environment until the trial's fix: the type took no None.
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), variable.removeprefix("LEGIS_").lower()) == (None if value == "none" else value)


@pytest.mark.parametrize("keys", ["k1", "k1:not-base64!", "k1:" + "QUFB" * 4])
def test_malformed_payload_keys_are_refused_by_the_rule_the_readme_names(monkeypatch, keys):
    """Found by an operator's trial: clear words, under pydantic's `value_error`."""
    monkeypatch.setenv("LEGIS_ENCRYPTION_KEYS", keys)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert (refused.value.errors()[0]["type"], refused.value.errors()[0]["loc"]) == ("encryption_keys_configured", ("encryption_keys",))
