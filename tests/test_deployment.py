"""The production compose file and Dockerfile, checked without a Docker engine: `docker-compose
config` (Debian's docker-compose) validates the file, its services agree with the settings, only the
HTTP API is published on the host, every image is pinned by digest, and the image installs the locked
packages with their hashes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from workers.settings import Settings
from workflows import search_attributes as sa
from workflows.codec import new_key_entry

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
PASSWORDS = {"TEMPORAL_DB_PASSWORD": "temporal-secret", "LEGIS_DB_PASSWORD": "legis-secret", "GRAFANA_ADMIN_PASSWORD": "grafana-secret",
             "LEGIS_ENCRYPTION_KEYS": new_key_entry("compose")}


def compose_config(env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    command = shutil.which("docker-compose")
    assert command, "docker-compose is missing: run tests/system-packages.sh"
    chosen = [argument for file in files or ("docker-compose.yml",) for argument in ("-f", str(ROOT / file))]
    return subprocess.run([command, *chosen, "config"], env=env, capture_output=True, text=True, timeout=60)


def services_of(*files: str) -> dict:
    result = compose_config({"PATH": os.environ["PATH"], **PASSWORDS}, *files)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


@pytest.fixture(scope="module")
def services() -> dict:
    return services_of()


def published(service: dict) -> set[tuple[str, int, int]]:
    """(host address, host port, container port), whichever way the compose version writes them; "" is every interface."""
    triples = set()
    for port in service.get("ports", []):
        if isinstance(port, dict):
            triples.add((port.get("host_ip", ""), int(port["published"]), int(port["target"])))
        else:
            *address, host, container = str(port).split("/")[0].split(":")
            triples.add(("".join(address), int(host), int(container)))
    return triples


def settings_of(service: dict) -> Settings:
    environment = service["environment"]
    unknown = [name for name in environment if name.startswith("LEGIS_") and name.removeprefix("LEGIS_").lower() not in Settings.model_fields]
    assert not unknown, f"variables the settings model does not read: {unknown}"
    values = {name.removeprefix("LEGIS_").lower(): value for name, value in environment.items() if name.startswith("LEGIS_")}
    # The TLS files are the containers' (mounted at run time), which the settings would read here.
    files = {field: Path(values.pop(field)) for field in ("tls_cert", "tls_key", "tls_ca") if field in values}
    return Settings(_env_file=None, **values).model_copy(update=files)


def test_the_file_validates_and_holds_every_part(services):
    assert {"temporal-postgresql", "temporal-schema", "temporal", "temporal-setup", "temporal-ui", "app-postgresql", "worker", "api",
            "prometheus", "grafana"} <= services.keys()
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["temporal"]["environment"]["DB"] == "postgres12"


def test_only_the_http_api_is_published_on_the_hosts_interfaces(services):
    api = settings_of(services["api"])
    everywhere = {name: {(host, container) for address, host, container in published(service) if address != LOOPBACK}
                  for name, service in services.items()}
    assert {name: ports for name, ports in everywhere.items() if ports} == {"api": {(api.api_port, api.api_port)}}
    # The frontend and the databases have no port on the host at all, not even on loopback.
    for name in ("temporal", "temporal-postgresql", "app-postgresql"):
        assert "ports" not in services[name], name
    assert {name for name, service in services.items() if name != "api" and published(service)} == {"temporal-ui", "prometheus", "grafana"}


def test_the_web_ui_is_read_only(services):
    ui = services["temporal-ui"]["environment"]
    switches = {name for name in ui if name == "TEMPORAL_DISABLE_WRITE_ACTIONS" or name.endswith("_DISABLED")}
    assert switches >= {"TEMPORAL_DISABLE_WRITE_ACTIONS", "TEMPORAL_WORKFLOW_TERMINATE_DISABLED", "TEMPORAL_WORKFLOW_CANCEL_DISABLED",
                        "TEMPORAL_WORKFLOW_SIGNAL_DISABLED", "TEMPORAL_WORKFLOW_UPDATE_DISABLED", "TEMPORAL_WORKFLOW_RESET_DISABLED",
                        "TEMPORAL_BATCH_ACTIONS_DISABLED", "TEMPORAL_START_WORKFLOW_DISABLED", "TEMPORAL_ACTIVITY_COMMANDS_DISABLED"}
    assert {ui[name] for name in switches} == {"true"}


def test_no_password_is_written_in_the_file():
    result = compose_config({"PATH": os.environ["PATH"]})
    assert result.returncode != 0 and "TEMPORAL_DB_PASSWORD" in result.stderr + result.stdout
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*\w*(PASSWORD|PWD):\s*(?!\$\{)\S", text, re.M)


def test_worker_and_api_settings_agree_with_the_model_and_the_other_services(services):
    for name in ("worker", "api"):
        settings = settings_of(services[name])
        host, _, port = settings.temporal_address.rpartition(":")
        assert host in services and port in {str(p) for p in services[host]["expose"]}
        database = re.match(r"postgresql://(\w+):([^@]+)@([\w-]+):(\d+)/(\w+)$", settings.database_url or "")
        assert database, settings.database_url
        user, password, db_host, _, db_name = database.groups()
        app_db = services[db_host]["environment"]
        assert (user, password, db_name) == (app_db["POSTGRES_USER"], app_db["POSTGRES_PASSWORD"], app_db["POSTGRES_DB"])
        assert settings.http_host == "0.0.0.0"
    worker = settings_of(services["worker"])
    assert {str(worker.health_port), str(worker.metrics_port)} <= {str(p) for p in services["worker"]["expose"]}
    assert f":{worker.health_port}/readyz" in " ".join(services["worker"]["healthcheck"]["test"])
    api = settings_of(services["api"])
    assert ("", api.api_port, api.api_port) in published(services["api"])
    assert f":{api.api_port}/readyz" in " ".join(services["api"]["healthcheck"]["test"])


def test_the_web_ui_decodes_through_the_apis_codec_server_and_the_keys_come_from_the_environment(services):
    ui = services["temporal-ui"]["environment"]
    api = settings_of(services["api"])
    assert ui["TEMPORAL_CODEC_ENDPOINT"] == f"http://localhost:{api.api_port}/codec" and ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"
    assert api.ui_origin() == "http://localhost:8080" and (LOOPBACK, 8080, 8080) in published(services["temporal-ui"])
    for name in ("worker", "api"):
        assert settings_of(services[name]).key_ring().ids == ("compose",)
    missing = compose_config({"PATH": os.environ["PATH"], **PASSWORDS, "LEGIS_ENCRYPTION_KEYS": ""})
    assert missing.returncode != 0 and "LEGIS_ENCRYPTION_KEYS" in missing.stderr + missing.stdout


def mounts(service: dict) -> dict[str, Path]:
    """Files bound into a container: its path there -> the file in this repository."""
    bound = {}
    for volume in service.get("volumes", []):
        source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) else str(volume).split(":")[:2]
        if source.startswith("/"):
            bound[target] = Path(source)
    return bound


def test_prometheus_scrapes_every_worker_and_the_api_with_the_rules_and_grafana_shows_the_dashboard(services):
    prometheus, grafana = services["prometheus"], services["grafana"]
    files = mounts(prometheus)
    config = yaml.safe_load(files["/etc/prometheus/prometheus.yml"].read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker, api = settings_of(services["worker"]), settings_of(services["api"])
    # One address per replica: every worker is scraped, however many run.
    assert jobs["legis-worker"]["dns_sd_configs"] == [{"names": ["worker"], "type": "A", "port": worker.metrics_port}]
    assert jobs["legis-api"]["static_configs"] == [{"targets": [f"api:{api.metrics_port}"]}]
    assert str(api.metrics_port) in {str(p) for p in services["api"]["expose"]}
    endpoint = services["temporal"]["environment"]["PROMETHEUS_ENDPOINT"]
    assert jobs["temporal"]["static_configs"] == [{"targets": [f"temporal:{endpoint.rpartition(':')[2]}"]}]
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"] and files["/etc/prometheus/alerts.yml"] == ROOT / "monitoring" / "alerts.yml"
    assert (LOOPBACK, 9090, 9090) in published(prometheus)

    shown = mounts(grafana)
    datasources = yaml.safe_load(shown["/etc/grafana/provisioning/datasources/legis.yml"].read_text(encoding="utf-8"))["datasources"]
    assert [source["url"] for source in datasources] == ["http://prometheus:9090"]
    providers = yaml.safe_load(shown["/etc/grafana/provisioning/dashboards/legis.yml"].read_text(encoding="utf-8"))["providers"]
    folder = providers[0]["options"]["path"]
    assert shown[f"{folder}/legis.json"] == ROOT / "monitoring" / "grafana" / "legis.json"
    assert (LOOPBACK, 3000, 3000) in published(grafana)


def test_the_search_attributes_registered_are_the_ones_the_workflow_sets(services):
    script = " ".join(services["temporal-setup"]["command"])
    registered = set(re.findall(r"(Legis\w+)=(\w+)", script))
    assert registered == {(n, t) for n, t in (flag.split("=") for flag in sa.dev_server_flags()[1::2])}


def test_the_image_carries_every_package_and_runs_the_legis_command():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    top_level = {package.split(".")[0] for package in project["tool"]["setuptools"]["packages"]}
    copied = set(re.findall(r"^COPY (\w+) ", dockerfile, re.M))
    assert top_level <= copied, f"not copied into the image: {top_level - copied}"
    assert 'ENTRYPOINT ["legis"]' in dockerfile and project["project"]["scripts"]["legis"] == "cli.main:main"


PINNED = re.compile(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}")


def test_every_image_is_pinned_by_digest(services):
    pulled = {name: service["image"] for name, service in services.items() if "build" not in service}
    assert pulled and {name: image for name, image in pulled.items() if not PINNED.fullmatch(image)} == {}
    assert {service["image"] for service in services.values() if "build" in service} == {"legis:latest"}
    bases = re.findall(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M)
    assert bases and all(PINNED.fullmatch(base) for base in bases), bases


def test_the_image_installs_the_locked_packages_by_hash_then_legis_alone():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    installs = re.findall(r"\bpip install [^&\n]*", dockerfile)
    assert [install.strip() for install in installs] == ["pip install --require-hashes -r requirements.lock",
                                                         "pip install --no-deps --no-build-isolation ."]
    assert dockerfile.index("COPY requirements.lock ./") < dockerfile.index(installs[0])


def locked(name: str) -> dict[str, str]:
    """A lock file's packages (name -> version), each checked to carry its sha256 hashes."""
    packages = {}
    for entry in re.split(r"\n(?=[^\s#])", (ROOT / name).read_text(encoding="utf-8").strip()):
        first, *rest = entry.splitlines()
        if first.startswith("#"):
            continue
        requirement = re.fullmatch(r"([A-Za-z0-9][\w.-]*)==(\S+) \\", first)
        assert requirement, f"{name}: not an exact pin: {first}"
        hashes = [line.strip() for line in rest if line.strip() and not line.strip().startswith("#")]
        assert hashes and all(re.fullmatch(r"--hash=sha256:[0-9a-f]{64}( \\)?", line) for line in hashes), f"{name}: {first}"
        packages[canonicalize_name(requirement[1])] = requirement[2]
    return packages


def test_the_locks_hold_every_dependency_of_pyproject_at_its_pinned_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime, test = locked("requirements.lock"), locked("requirements-test.lock")
    declared = project["project"]["dependencies"]
    for lock, requirements in ((runtime, declared), (test, declared + project["project"]["optional-dependencies"]["test"])):
        for requirement in map(Requirement, requirements):
            (pin,) = requirement.specifier
            assert pin.operator == "==", f"pyproject.toml pins every dependency: {requirement}"
            assert lock.get(canonicalize_name(requirement.name)) == pin.version, f"the lock disagrees with pyproject.toml: {requirement}"
        # The build backend too: legis is installed with --no-build-isolation, from the locked setuptools.
        for requirement in map(Requirement, project["build-system"]["requires"]):
            assert requirement.specifier.contains(lock[canonicalize_name(requirement.name)])
    # The tests run on the versions the image ships.
    assert {name: version for name, version in test.items() if name in runtime} == runtime


def test_the_mtls_overlay_secures_the_frontend_for_each_of_its_clients():
    services = services_of("docker-compose.yml", "docker-compose.mtls.yml")
    server, files = services["temporal"]["environment"], mounts(services["temporal"])
    assert server["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    ca = files[server["TEMPORAL_TLS_CLIENT1_CA_CERT"]]
    assert files[server["TEMPORAL_TLS_SERVER_CA_CERT"]] == ca and ca.name == "ca.pem"
    for name in ("TEMPORAL_TLS_SERVER_CERT", "TEMPORAL_TLS_SERVER_KEY", "TEMPORAL_TLS_FRONTEND_CERT", "TEMPORAL_TLS_FRONTEND_KEY"):
        assert server[name] in files, name
    # Every client presents a certificate and checks the server's against the same CA, under the name it dials.
    server_name = server["TEMPORAL_TLS_FRONTEND_SERVER_NAME"]
    for name in ("worker", "api"):
        settings, bound = settings_of(services[name]), mounts(services[name])
        assert bound[str(settings.tls_ca)] == ca and {str(settings.tls_cert), str(settings.tls_key)} <= bound.keys()
        assert settings.temporal_address.rpartition(":")[0] == server_name
    ui, bound = services["temporal-ui"]["environment"], mounts(services["temporal-ui"])
    assert bound[ui["TEMPORAL_TLS_CA"]] == ca and {ui["TEMPORAL_TLS_CERT"], ui["TEMPORAL_TLS_KEY"]} <= bound.keys()
    assert (ui["TEMPORAL_TLS_SERVER_NAME"], ui["TEMPORAL_TLS_ENABLE_HOST_VERIFICATION"]) == (server_name, "true")
    setup, bound = services["temporal-setup"]["environment"], mounts(services["temporal-setup"])
    assert bound[setup["TEMPORAL_TLS_SERVER_CA_CERT_PATH"]] == ca and setup["TEMPORAL_TLS_SERVER_NAME"] == server_name
    assert {setup["TEMPORAL_TLS_CLIENT_CERT_PATH"], setup["TEMPORAL_TLS_CLIENT_KEY_PATH"]} <= bound.keys()
    # The overlay publishes nothing more.
    assert {name: published(service) for name, service in services.items()} == {name: published(service) for name, service in services_of().items()}


def test_the_readmes_commands_install_from_the_locks_and_ci_runs_the_test_command_as_written():
    run, test = (ROOT / "README.md").read_text(encoding="utf-8").split("```bash\n", 1)[1].splitlines()[:2]
    assert "pip install --require-hashes -r requirements.lock && .venv/bin/pip install --no-deps --no-build-isolation -e ." in run
    assert "pip install --require-hashes -r requirements-test.lock && .venv/bin/pip install --no-deps --no-build-isolation -e ." in test
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()[-1] == test


def _seconds(value: str | int | None) -> float:
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return value / 1e9 if value > 10_000 else float(value)  # compose config may write nanoseconds
    total = 0.0
    for number, unit in re.findall(r"([0-9.]+)(ms|s|m|h)", value):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def test_compose_waits_for_a_worker_that_migrates_before_it_is_healthy(services):
    """Found by a breaker: the API waits for a healthy worker, which is ready once it has migrated; with no start period
    compose called a worker still migrating unhealthy after 30 s and never started the API."""
    assert services["api"]["depends_on"]["worker"]["condition"] == "service_healthy"
    check = services["worker"]["healthcheck"]
    waited = _seconds(check.get("start_period")) + _seconds(check.get("interval")) * int(check.get("retries", 3))
    # At least a few minutes: the migration of a national consultation's comments, and the replicas taking turns.
    assert waited >= 300, f"compose gives a migrating worker {waited:.0f} s before it gives up on the API: {check}"
