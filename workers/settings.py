"""Configuration from environment variables (LEGIS_*), in one validated model."""

from __future__ import annotations

import ipaddress
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from limits import parse as parse_rate
from pydantic import AfterValidator, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from temporalio.client import Client, Interceptor
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import TLSConfig

from activities.destinations import AllowedHosts
from schemas.text import invalid
from workers.log_config import core_logging
from workflows.client import connect
from workflows.codec import KeyRing, KeyRingError
from workflows.draft_law import TASK_QUEUE


def _pem(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as unreadable:
        raise invalid("tls_files_readable", f"{path} cannot be read ({unreadable.strerror or unreadable})") from None


def _pair(cert: Path, key: Path) -> bool:
    """Whether `key` (PEM) is the private key of the first certificate in `cert` (PEM), both read already."""
    public = x509.load_pem_x509_certificates(cert.read_bytes())[0].public_key()
    private = serialization.load_pem_private_key(key.read_bytes(), password=None).public_key()
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return public.public_bytes(*spki) == private.public_bytes(*spki)


def _utf8(text: str, rule: str) -> None:
    """A value read from a shell or a file in another encoding holds bytes that are not UTF-8 (Python reads each as a
    lone surrogate): refused here, where it would otherwise fail wherever it is next written or sent (a breaker's
    profile file was emptied by one)."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as wrong:
            raise invalid(rule, f"holds a byte that is not UTF-8 at character {wrong.start + 1}") from None


def _host_port(text: str) -> str:
    _utf8(text, "host_port")
    host, colon, port = text.rpartition(":")
    if not (colon and host and port.isdecimal() and 1 <= int(port) <= 65535) or "/" in text or any(c.isspace() for c in text):
        raise invalid("host_port", "not host:port with a port from 1 to 65535, e.g. 127.0.0.1:7233 or temporal.example.gov:7233")
    return text


def _postgresql_url(text: str) -> str:
    # Never quotes the URL: it may hold a password.
    _utf8(text, "postgresql_url")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise invalid("postgresql_url", "not a PostgreSQL URL such as postgresql://legis@db.example.gov:5432/legis") from None
    # One host or several (host1:5432,host2:5433, as libpq and asyncpg take them), each port a number up to 65535.
    for host in parts.netloc.rpartition("@")[2].split(","):
        port = host.rpartition("]")[2].partition(":")[2]
        if port and not (port.isdecimal() and int(port) <= 65535):
            raise invalid("postgresql_url", "not a PostgreSQL URL: a port is not a number from 0 to 65535")
    if parts.scheme not in ("postgresql", "postgres"):
        raise invalid("postgresql_url", "not a PostgreSQL URL such as postgresql://legis@db.example.gov:5432/legis")
    return text


def _web_origin(text: str) -> str:
    _utf8(text, "web_origin")
    if not re.fullmatch(r"https?://[^\s/?#@]+", text):
        raise invalid("web_origin", "not an origin: http or https, the host and its port if any, nothing after (https://temporal.example.gov)")
    return text


def _otlp_endpoint(text: str) -> str:
    _utf8(text, "otlp_endpoint")
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", text):
        raise invalid("otlp_endpoint", "not an OTLP/HTTP endpoint: http or https, the host and its port, a path if any "
                                       "(http://otel-collector:4318)")
    return text


def _log_level(text: str) -> str:
    if text.upper() not in _LOG_LEVELS:
        raise invalid("log_level", f"not a level of the lines logged: {', '.join(_LOG_LEVELS)}")
    return text.upper()


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
HostPort = Annotated[str, AfterValidator(_host_port)]
OtlpEndpoint = Annotated[str, AfterValidator(_otlp_endpoint)]
LogLevel = Annotated[str, AfterValidator(_log_level)]
WebOrigin = Annotated[str, AfterValidator(_web_origin)]
PostgresqlUrl = Annotated[str, AfterValidator(_postgresql_url)]


_MAPPED_IPV4 = ipaddress.ip_network("::ffff:0:0/96")


def _every_client(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """A network wider than a /8 of IPv4 (IPv4-mapped IPv6 counted as IPv4) or a /32 of IPv6: not the proxies of one
    deployment, but the clients (found by a breaker: 0.0.0.0/0 and ::ffff:0.0.0.0/96 were taken, where `*` is refused)."""
    if network.version == 4:
        return network.prefixlen < 8
    if network.subnet_of(_MAPPED_IPV4):
        return network.prefixlen - 96 < 8
    return network.prefixlen < 32


class Settings(BaseSettings):
    # Errors never echo what was given: it may be a key.
    model_config = SettingsConfigDict(env_prefix="LEGIS_", extra="ignore", env_parse_none_str="none", hide_input_in_errors=True)

    temporal_address: HostPort = Field(default="127.0.0.1:7233", description="host:port of the Temporal frontend")
    # Neither blank (an empty line in an environment file): Temporal refuses an empty name, and a worker polling it would
    # say it is ready and run no draft (found by an operator's trial).
    namespace: str = Field(default="default", description="Temporal namespace")
    task_queue: str = Field(default=TASK_QUEUE, description="task queue the workers poll")
    tls_cert: Path | None = Field(default=None, description="client certificate (PEM) for mTLS to a secured cluster")
    tls_key: Path | None = Field(default=None, description="its private key (PEM)")
    tls_ca: Path | None = Field(default=None, description="CA bundle (PEM) that signed the server's certificate")
    api_key: SecretStr | None = Field(default=None, description="API key, e.g. for Temporal Cloud (implies TLS)")
    database_url: PostgresqlUrl | None = Field(
        default=None, description="PostgreSQL URL; `legis dev` starts an embedded server when unset"
    )
    data_dir: Path = Field(default=Path("data"), description="where `legis dev` keeps its databases")
    ui_port: int = Field(default=8233, ge=1, le=65535, description="port of the Web UI that `legis dev` starts")
    max_cached_workflows: int = Field(
        default=500, ge=0, description="drafts a worker keeps in memory; others replay their history on their next event"
    )
    max_concurrent_activities: int = Field(default=100, ge=1, description="activities one worker runs at once")
    max_concurrent_workflow_tasks: int = Field(default=100, ge=1, description="workflow tasks one worker runs at once")
    pin_by_reference: bool = Field(
        default=True, description="new drafts pin their rulebook by reference (its edition's name); false while workers of a release "
        "that cannot read such a pin still run (a rolling upgrade from one)"
    )
    http_host: str = Field(default="127.0.0.1", description="address the HTTP API, health and metrics endpoints bind (0.0.0.0 in containers)")
    api_port: int = Field(default=8000, ge=1, le=65535, description="port of the HTTP API (`legis api`, `legis dev`)")
    health_port: int | None = Field(default=8081, ge=1, le=65535, description="worker's /healthz and /readyz; none: off")
    metrics_port: int | None = Field(
        default=9464, ge=1, le=65535, description="Prometheus /metrics of the worker and of the API (SDK and application metrics); none: off"
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        description="payload keys as id:base64key,... (32-byte AES keys, newest first: the first seals, every one opens); "
        "when unset, the key file is read",
    )
    encryption_key_file: Path | None = Field(
        default=None,
        description="a file of id:base64key lines, newest first, readable by its owner only; default: encryption.keys in the data folder, "
        "which `legis dev` creates on its first start",
    )
    web_ui_origin: WebOrigin | None = Field(
        default=None,
        description="origin of the Temporal Web UI allowed to call the codec server from a browser (CORS), e.g. https://temporal.example.gov; "
        "default: the Web UI of `legis dev` (http://<temporal host>:<ui port>)",
    )
    otlp_endpoint: OtlpEndpoint | None = Field(
        default=None,
        description="OTLP/HTTP endpoint traces are sent to (e.g. http://otel-collector:4318); unset: no traces are sent anywhere",
    )
    api_timeout: float = Field(default=30.0, gt=0, le=300, description="seconds the HTTP API waits for Temporal before answering 504")
    api_rate_per_token: str | None = Field(default="600/minute", description="requests a token may send (the `limits` notation); none: no limit")
    api_rate_per_address: str | None = Field(default="1200/minute", description="requests one client address may send; none: no limit")
    api_refusals_recorded: str | None = Field(default="20/minute", description="refused attempts one caller (token or address) gets written "
                                       "to access_refusals; the rest are logged and counted; none: every one")
    public_comment_rate: str | None = Field(default="10/minute", description="public comments one client address may send to a "
                                     "consultation (the `limits` notation); none: no limit")
    webhook_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="host names, addresses and networks webhooks may be sent to although they are not public (a test "
        "receiver on 127.0.0.1, an agency's internal host), and with plain http; comma-separated",
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="addresses and networks of the reverse proxies in front of the HTTP API, whose X-Forwarded-For "
        "it believes (e.g. 10.0.0.5, or 10.0.8.0/29 where every address in it is a proxy of yours: never a container network "
        "whose gateway relays the published port); comma-separated; none: a client is the address that connects",
    )
    log_level: LogLevel = Field(default="INFO", description="the lowest level of the lines logged: DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(default=False, description="JSON log lines instead of the console renderer")

    @field_validator("api_rate_per_token", "api_rate_per_address", "api_refusals_recorded", "public_comment_rate")
    @classmethod
    def _rate_notation(cls, text: str | None) -> str | None:
        if text and text != "none":
            try:
                amount = parse_rate(text).amount
            except ValueError:
                amount = 0
            if amount < 1:
                raise invalid("rate_notation", "not a rate such as 600/minute (one or more per second, minute, hour or day)")
        return text

    @field_validator("namespace", "task_queue")
    @classmethod
    def _named(cls, name: str) -> str:
        if not name.strip():
            raise invalid("not_blank", "a name is needed, not a blank one (an empty line in an environment file?)")
        return name

    @field_validator("tls_cert", "tls_key", "tls_ca")
    @classmethod
    def _tls_file_readable(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        # The certificate given for its key too is a common slip: Temporal's client then fails its handshake, which reads
        # as a server that does not answer (found by an operator's trial).
        if path is not None:
            pem, key = _pem(path), info.field_name == "tls_key"
            try:
                serialization.load_pem_private_key(pem, password=None) if key else x509.load_pem_x509_certificates(pem)
            except (ValueError, TypeError):
                what = "unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)" if key else "PEM certificate (-----BEGIN CERTIFICATE-----)"
                raise invalid("tls_files_readable", f"{path} holds no {what}") from None
        return path

    @field_validator("encryption_keys")
    @classmethod
    def _keys_parse(cls, keys: SecretStr | None) -> SecretStr | None:
        if keys is not None:
            try:
                KeyRing.parse(keys.get_secret_value())
            except KeyRingError as malformed:  # the rule the README names (found by an operator's trial: `value_error`)
                raise invalid("encryption_keys_configured", str(malformed)) from None
        return keys

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _hosts_listed(cls, hosts: str | Sequence[str] | None) -> tuple[str, ...]:
        entries = tuple(h.strip() for h in (hosts.split(",") if isinstance(hosts, str) else hosts or ()) if h.strip())
        AllowedHosts.parse(entries)
        return entries

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies_listed(cls, proxies: str | Sequence[str] | None) -> tuple[str, ...]:
        entries = tuple(p.strip() for p in (proxies.split(",") if isinstance(proxies, str) else proxies or ()) if p.strip())
        for entry in entries:
            try:
                # Strict, as uvicorn reads it: "10.0.0.5/24" (an address with its prefix, as `ip addr` prints it) would
                # be taken here and trusted by no one there (found by a breaker).
                network = ipaddress.ip_network(entry, strict=True)
                if _every_client(network):
                    raise ValueError(entry)
            except ValueError:
                raise invalid("proxy_address", "each entry must be an IP address, or a network written from its first address "
                              "(192.0.2.0/24, not 192.0.2.7/24) no wider than a /8 (a /32 for IPv6): a proxy is named by its "
                              "address, not its host name, and a network of every client would let each name its own") from None
        return entries

    def http_options(self) -> dict[str, object]:
        """uvicorn's options for the API: X-Forwarded-For believed from the proxies named alone (found by a breaker of the
        public pages: uvicorn's default believed it from any connection from 127.0.0.1, and from no proxy elsewhere, so a
        local process chose its own address and a proxy of its own container was every citizen at once), and the HTTP
        protocol that answers a request it cannot parse as a problem (`api.http_protocol`)."""
        from api.http_protocol import ProblemHttpTools  # the API's own, imported where it is served

        return {"proxy_headers": bool(self.trusted_proxies), "forwarded_allow_ips": list(self.trusted_proxies) or None, "http": ProblemHttpTools}

    def allowed_hosts(self) -> AllowedHosts:
        return AllowedHosts.parse(self.webhook_allowed_hosts)

    @model_validator(mode="after")
    def _tls_pairs(self) -> Settings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise invalid("tls_pair", "give LEGIS_TLS_CERT and LEGIS_TLS_KEY both, or neither", "tls_key" if self.tls_key is None else "tls_cert")
        # A key left from before a certificate was renewed fails the handshake, told as Temporal not answering (a re-check).
        if self.tls_cert is not None and self.tls_key is not None and not _pair(self.tls_cert, self.tls_key):
            raise invalid("tls_files_readable", f"{self.tls_key} is not the private key of the certificate in {self.tls_cert}", "tls_key")
        return self

    def temporal_tls(self) -> TLSConfig | bool:
        """The client's TLS settings: mTLS files when given, plain TLS with an API key, else none."""
        if self.tls_cert or self.tls_ca:
            return TLSConfig(
                client_cert=self.tls_cert.read_bytes() if self.tls_cert else None,
                client_private_key=self.tls_key.read_bytes() if self.tls_key else None,
                server_root_ca_cert=self.tls_ca.read_bytes() if self.tls_ca else None,
            )
        return self.api_key is not None

    def key_file(self) -> Path:
        return self.encryption_key_file or self.data_dir / KEY_FILE

    def key_ring(self) -> KeyRing:
        """The payload keys: LEGIS_ENCRYPTION_KEYS, else the key file.

        Raises KeyRingError (a ValueError) when neither gives a key, or when the file is readable by others than
        its owner; the message says how to fix it and never shows a key."""
        if self.encryption_keys is not None:
            return KeyRing.parse(self.encryption_keys.get_secret_value())
        return read_key_file(self.key_file())

    def ui_origin(self) -> str:
        """The origin the codec server answers browsers of (CORS)."""
        host = self.temporal_address.rpartition(":")[0] or "127.0.0.1"
        return self.web_ui_origin or f"http://{host}:{self.ui_port}"


KEY_FILE = "encryption.keys"


def read_key_file(path: Path) -> KeyRing:
    """The key ring a key file holds (see `KeyRing.parse`), refused when others than its owner may read it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyRingError(
            f"no payload key: set LEGIS_ENCRYPTION_KEYS or LEGIS_ENCRYPTION_KEY_FILE ({path.resolve()} does not exist; "
            "`legis dev` creates it on its first start, in its data folder: LEGIS_DATA_DIR, by default data/ in the current folder)"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyRingError(f"{path}: readable by others than its owner (mode {stat.S_IMODE(mode):04o}); `chmod 600 {path}`")
    try:
        return KeyRing.parse(path.read_text(encoding="utf-8"))
    except KeyRingError as malformed:
        raise KeyRingError(f"{path}: {malformed}") from None


async def temporal_client(settings: Settings, *, runtime: Runtime | None = None, interceptors: Sequence[Interceptor] = ()) -> Client:
    """A client for the configured cluster, with its TLS files or API key and the payload keys.

    Raises KeyRingError (a ValueError) when no usable key is configured, RuntimeError when Temporal is unreachable."""
    return await connect(
        settings.temporal_address,
        settings.namespace,
        keys=settings.key_ring(),
        tls=settings.temporal_tls(),
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        runtime=runtime,
        interceptors=interceptors,
    )


# The `service_name` label of each process's metrics, and the `service.name` of its traces.
WORKER_SERVICE, API_SERVICE, DEV_SERVICE = "legis-worker", "legis-api", "legis-dev"


def metrics_runtime(settings: Settings, service: str) -> Runtime | None:
    """A Temporal runtime that exports the SDK's metrics, and the application's, for Prometheus, by its conventions:
    counters end in `_total`, durations are in seconds and say so (`_seconds`), and every series carries the process's
    own `service_name` instead of the SDK's `temporal-core-sdk`; None without a metrics port. Either way the SDK core's
    own log lines (its retries, a query it fails) go through the process's logging (`workers.log_config.core_logging`),
    this runtime's or, without one, the default runtime's."""
    if settings.metrics_port is None:
        Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=core_logging())), error_if_already_set=False)
        return None
    # A socket address as Rust writes it: an IPv6 host in brackets (found by an operator's trial: `:::9464` was refused).
    host = f"[{settings.http_host}]" if ":" in settings.http_host else settings.http_host
    prometheus = PrometheusConfig(bind_address=f"{host}:{settings.metrics_port}", counters_total_suffix=True, unit_suffix=True,
                                  durations_as_seconds=True)
    try:
        return Runtime(telemetry=TelemetryConfig(logging=core_logging(), metrics=prometheus, global_tags={"service_name": service},
                                                 attach_service_name=False))
    except ValueError as unbound:
        named = f"{host}:{settings.metrics_port} (LEGIS_METRICS_PORT, the metrics): {unbound}"
        if "Address already in use" in str(unbound):  # taken by another program: a person frees it (exit 1)
            raise RuntimeError(named) from None
        raise ValueError(named) from None  # an address this host does not have: a setting to correct (exit 2)
