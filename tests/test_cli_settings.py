"""Settings and the services a command needs, wrong or missing: said with the setting and the rule, and an exit code,
before a long-running process starts (found by a fresh-user trial: tracebacks, or an error cut off before its reason)."""

from __future__ import annotations

import asyncio
import socket

import asyncpg
import pytest

from activities.database import SCHEMA_REVISION, migrate
from cli.failures import ExitCode
from tests.certificates import certificate_files
from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from tests.stack import Cli, isolated_env


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(isolated_env(tmp_path / "config", LEGIS_DATA_DIR=str(tmp_path / "data")))


@pytest.mark.parametrize(("variable", "value", "rule"), [
    ("LEGIS_API_RATE_PER_TOKEN", "lots", "rate_notation"),
    ("LEGIS_PUBLIC_COMMENT_RATE", "10/fortnight", "rate_notation"),
    ("LEGIS_TEMPORAL_ADDRESS", "127.0.0.1:99999", "host_port"),
    ("LEGIS_DATABASE_URL", "notaurl", "postgresql_url"),
    ("LEGIS_HEALTH_PORT", "off", "int_parsing"),
    # Found by a fresh-user trial: the Web UI's port had no range (a traceback), and 0 was taken as a port.
    ("LEGIS_UI_PORT", "99999", "less_than_equal"),
    ("LEGIS_HEALTH_PORT", "0", "greater_than_equal"),
    # Found by a trial: these two were refused with their regular expression, not in words.
    ("LEGIS_LOG_LEVEL", "LOUD", "log_level"),
    ("LEGIS_OTLP_ENDPOINT", "notaurl", "otlp_endpoint"),
])
@pytest.mark.parametrize("command", ["api", "dev", "worker", "migrate", "list"])
async def test_a_malformed_setting_stops_every_command_naming_the_variable(cli, tmp_path, command, variable, value, rule):
    code, out, err = await cli(command, env=cli.env | {variable: value})
    assert code == ExitCode.INVALID and f"settings: {variable}: " in err and f"(rule: {rule})" in err, err
    assert "Traceback" not in out + err and not (tmp_path / "data").exists()


async def test_a_port_setting_says_none_turns_it_off(cli):
    _, _, err = await cli("list", env=cli.env | {"LEGIS_HEALTH_PORT": "off"})
    assert "none: off" in err


async def test_a_certificate_without_its_key_names_the_key(cli, tmp_path):
    cert, _ = certificate_files(tmp_path)
    _, _, err = await cli("list", env=cli.env | {"LEGIS_TLS_CERT": str(cert)})
    assert "settings: LEGIS_TLS_KEY: give LEGIS_TLS_CERT and LEGIS_TLS_KEY both, or neither" in err and "(rule: tls_pair)" in err


# Found by an operator's trial: a missing file was refused as `settings: [Errno 2] ...`, naming no variable, and the
# certificate given for the key too was told as Temporal not answering at its address (exit 5).
@pytest.mark.parametrize("variable", ["LEGIS_TLS_CERT", "LEGIS_TLS_KEY", "LEGIS_TLS_CA"])
async def test_a_tls_file_missing_or_of_the_wrong_kind_is_refused_naming_its_variable(cli, tmp_path, variable):
    cert, key = certificate_files(tmp_path)
    env = cli.env | {"LEGIS_TLS_CERT": str(cert), "LEGIS_TLS_KEY": str(key), "LEGIS_TLS_CA": str(cert),
                     "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"}
    for wrong in (tmp_path / "absent.pem", cert if variable == "LEGIS_TLS_KEY" else key):
        code, out, err = await cli("--timeout", "3", "list", env=env | {variable: str(wrong)})
        assert code == ExitCode.INVALID and f"settings: {variable}: {wrong} " in err and "(rule: tls_files_readable)" in err, err
        assert "Traceback" not in out + err


@pytest.mark.parametrize("command", ["api", "worker", "migrate"])
async def test_postgresql_not_answering_is_unavailable_before_anything_starts(cli, command):
    silent = f"postgresql://legis@127.0.0.1:{free_port()}/legis"
    code, out, err = await cli("--timeout", "3", command, env=cli.env | {"LEGIS_DATABASE_URL": silent})
    assert code == ExitCode.UNAVAILABLE and "PostgreSQL does not answer" in err and "(rule: database_reachable)" in err, err
    # Where the URL may come from (found by a trial: a profile's was told as LEGIS_DATABASE_URL's).
    assert "is its URL right (LEGIS_DATABASE_URL, the profile)" in err and "Traceback" not in out + err


@pytest.mark.parametrize("command", ["api", "worker"])
async def test_temporal_not_answering_is_unavailable_before_anything_starts(cli, fresh_database_url, command):
    env = cli.env | {"LEGIS_DATABASE_URL": fresh_database_url, "LEGIS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
                     "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY}
    code, out, err = await cli("--timeout", "3", command, env=env)
    assert code == ExitCode.UNAVAILABLE and "(rule: temporal_reachable)" in err and "Traceback" not in out + err, err


@pytest.mark.parametrize("command", ["migrate", "worker", "api"])
async def test_a_database_a_later_release_migrated_is_refused_naming_its_revision(cli, dev_env, fresh_database_url, command):
    """Found by an upgrade trial: a release started again on a database its successor had migrated stopped with a
    traceback ("No path found ..."); it says what happened and changes nothing, before a worker polls."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        await connection.execute("INSERT INTO migrations (from_revision, to_revision) VALUES ($1, 'laterv99')", SCHEMA_REVISION)
        env = cli.env | {"LEGIS_DATABASE_URL": fresh_database_url, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
                         "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY}
        code, out, err = await asyncio.wait_for(cli(command, env=env), 60)
        assert code == ExitCode.REFUSED and "(rule: schema_known)" in err and "Traceback" not in out + err, out + err
        assert f"schema revision laterv99, which this release (schema revision {SCHEMA_REVISION}) does not know" in err, err
        assert await connection.fetchval("SELECT to_revision FROM migrations ORDER BY id DESC LIMIT 1") == "laterv99"
    finally:
        await connection.close()


async def test_the_api_refuses_a_database_its_release_has_not_migrated_yet(cli, dev_env, fresh_database_url):
    """Found by a breaker: `legis api` of a new release on a database the last one migrated served it, answered 500 to
    every public comment (its statement named an index the migration makes) and said ready; it refuses to start, naming
    both revisions and what to run, and serves once the database is migrated."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        before = await connection.fetchval("DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING from_revision")
        env = cli.env | {"LEGIS_DATABASE_URL": fresh_database_url, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
                         "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY}
        code, out, err = await asyncio.wait_for(cli("api", env=env), 60)
    finally:
        await connection.close()
    assert code == ExitCode.REFUSED and "(rule: schema_current)" in err and "Traceback" not in out + err, out + err
    assert f"schema revision {before}, before this release's {SCHEMA_REVISION}: migrate it first (`legis migrate`" in err, err


async def test_migrate_names_the_revision_it_leaves_and_says_legis_dev_migrates_its_own(cli, fresh_database_url):
    """Found by a trial: `legis migrate` said "applied: nothing (up to date)" without the revision, and, without a URL,
    "required" alone, where the embedded database of `legis dev` needs no command (it migrates as it starts)."""
    code, _, err = await cli("migrate")
    assert code == ExitCode.INVALID and "`legis dev` migrates its embedded database itself" in err and "(rule: database_configured)" in err, err
    for _ in range(2):
        code, out, err = await cli("migrate", env=cli.env | {"LEGIS_DATABASE_URL": fresh_database_url})
        assert code == ExitCode.OK and out.strip() == f"applied: nothing (up to date); the database is at schema revision {SCHEMA_REVISION}", out + err


async def test_another_schemas_migrations_table_first_on_the_search_path_is_not_the_databases_revision(fresh_database_url):
    """Found by a breaker: the revision was read from whichever `migrations` table the search path found first, so that
    another application's table refused a database this release had migrated."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        await connection.execute("CREATE SCHEMA other; CREATE TABLE other.migrations (id serial, from_revision text, to_revision text);"
                                 "INSERT INTO other.migrations (from_revision, to_revision) VALUES ('x', 'foreignv9')")
        name = await connection.fetchval("SELECT current_database()")
        await connection.execute(f'ALTER DATABASE "{name}" SET search_path = other, public')
    finally:
        await connection.close()
    assert await migrate(fresh_database_url) == []


@pytest.mark.parametrize("command", ["api", "worker"])
async def test_missing_or_open_payload_keys_are_said_whole_before_the_api_or_a_worker_starts(cli, dev_env, fresh_database_url, tmp_path,
                                                                                           command):
    address = dev_env.client.service_client.config.target_host
    keys = tmp_path / "open.keys"
    keys.write_text("k1:" + "A" * 43 + "=\n")
    keys.chmod(0o644)
    env = cli.env | {"LEGIS_DATABASE_URL": fresh_database_url, "LEGIS_TEMPORAL_ADDRESS": address}
    for key_file, said in ((tmp_path / "none.keys", "does not exist"), (keys, "chmod 600")):
        code, out, err = await asyncio.wait_for(cli(command, env=env | {"LEGIS_ENCRYPTION_KEY_FILE": str(key_file)}), 60)
        assert code == ExitCode.INVALID and said in err and "(rule: encryption_keys_configured)" in err, err
        assert "more characters cut" not in out + err and "Traceback" not in out + err


async def test_a_profile_with_a_malformed_address_or_url_is_refused_when_set(cli):
    for option, value, rule in (("--address", "not an address", "host_port"), ("--database-url", "notaurl", "postgresql_url")):
        code, _, err = await cli("profile", "set", "bad", option, value)
        assert code == ExitCode.INVALID and f"(rule: {rule})" in err, err
    code, out, _ = await cli("profile", "list")
    assert code == 0 and "bad" not in out


@pytest.mark.parametrize(("option", "value", "field"), [
    ("--database-url", "postgresql://legis@db/legis\udcff", "database_url"), ("--address", "temporal\udcff:7233", "address")])
async def test_a_value_not_utf8_is_refused_when_set_and_the_profiles_saved_before_are_kept(cli, tmp_path, option, value, field):
    """Found by a breaker: a URL holding a byte that is not UTF-8 (a shell's `$'...\\xff'`, text pasted from another
    encoding; Python reads it as a lone surrogate) passed its rule, then failed as the file was written, with a traceback,
    leaving `profiles.toml` empty: every profile saved before was lost."""
    code, _, err = await cli("profile", "set", "staging", "--address", "temporal.staging:7233", "--database-url", "postgresql://legis@db/legis")
    assert code == ExitCode.OK, err
    saved = tmp_path / "config" / "legis" / "profiles.toml"
    before = saved.read_text(encoding="utf-8")
    code, out, err = await cli("profile", "set", "other", option, value)
    assert code == ExitCode.INVALID and f"{field}: " in err and "not UTF-8" in err and "Traceback" not in out + err, err
    assert saved.read_text(encoding="utf-8") == before and [path.name for path in saved.parent.iterdir()] == ["profiles.toml"]


async def test_a_token_given_as_a_name_is_refused_and_never_echoed(cli):
    token = "legis_67e8b53208eb_a8iYRXCzoppHT9Pj8veH67tL52bPvFE1kClGrDfueow"
    for given in (token, f"x{token}", f"operator {token}"):
        code, out, err = await cli("calendar", "set-meeting", "UBTVQH-60", "--on", "2030-01-10", "--by", given)
        assert code == ExitCode.INVALID and "(rule: not_a_secret)" in err and "a8iYRXCz" not in out + err, err
    # A token's label is listed to every operator (found by a trial: `legis tokens list` showed the secret whole).
    code, out, err = await cli("tokens", "issue", "BTC", "CONSULTEE", "--by", "operator", "--label", f"uses {token}")
    assert code == ExitCode.INVALID and "label: " in err and "(rule: not_a_secret)" in err and "a8iYRXCz" not in out + err, err
    # A subscriber's address is listed to every operator (found by a re-check).
    code, out, err = await cli("subscribers", "add", "BTC", f"http://127.0.0.1:9/hook?key={token}")
    assert code == ExitCode.INVALID and "url: " in err and "(rule: not_a_secret)" in err and "a8iYRXCz" not in out + err, err
    # A request ID is kept in the draft's state and in Temporal's update IDs (found by a breaker).
    code, out, err = await cli("decide", "BGDDT-2026-017", "decision.json", "--request-id", token)
    assert code == ExitCode.INVALID and "request_id: " in err and "(rule: not_a_secret)" in err and "a8iYRXCz" not in out + err, err


async def test_dev_refuses_two_settings_on_one_port_before_anything_starts(cli, tmp_path):
    """Found by a fresh-user trial: metrics on the API's port left `legis dev` hanging, deaf to Ctrl-C and SIGTERM."""
    port = str(free_port())
    code, out, err = await cli("dev", env=cli.env | {"LEGIS_API_PORT": port, "LEGIS_METRICS_PORT": port})
    assert code == ExitCode.INVALID and f"settings: LEGIS_METRICS_PORT: port {port} is LEGIS_API_PORT's too" in err, err
    assert "(rule: ports_distinct)" in err and "Traceback" not in out + err and not (tmp_path / "data").exists()


@pytest.mark.parametrize(("command", "shared", "other"), [("worker", "LEGIS_METRICS_PORT", "LEGIS_HEALTH_PORT"),
                                                     ("api", "LEGIS_METRICS_PORT", "LEGIS_API_PORT")])
async def test_a_worker_and_the_api_refuse_their_ports_shared_or_taken_naming_the_setting(cli, command, shared, other):
    """Found by a trial: `legis api` on a port taken printed the web server's bind error and exited 3 (refused by the
    rules), `legis worker` said "is the port taken?" naming no setting, and two of a process's ports the same were not
    refused, as `legis dev` refuses them."""
    port = free_port()
    env = cli.env | {"LEGIS_DATABASE_URL": "postgresql://legis@127.0.0.1:9/legis", "LEGIS_HEALTH_PORT": str(free_port()),
                     "LEGIS_API_PORT": str(free_port()), "LEGIS_METRICS_PORT": str(free_port())}
    code, out, err = await cli(command, env=env | {shared: str(port), other: str(port)})
    assert code == ExitCode.INVALID and f"settings: {shared}: port {port} is {other}'s too" in err and "(rule: ports_distinct)" in err, err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        code, out, err = await cli(command, env=env | {other: str(port)})
    assert code == ExitCode.UNEXPECTED and f"127.0.0.1:{port} ({other}, " in err and "is already in use by another program" in err, err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("where", ["a file", "under a file"])
async def test_dev_refuses_a_data_folder_it_cannot_use_naming_the_variable(cli, tmp_path, where):
    """Found by a fresh-user trial: a data folder that was a file ended in a traceback "for a bug report"."""
    (tmp_path / "afile").write_text("x")
    folder = tmp_path / "afile" if where == "a file" else tmp_path / "afile" / "data"
    code, out, err = await cli("dev", env=cli.env | {"LEGIS_DATA_DIR": str(folder)})
    assert code == ExitCode.INVALID and "settings: LEGIS_DATA_DIR: " in err and "(rule: writable_folder)" in err, err
    assert "Traceback" not in out + err and "bug report" not in out + err


@pytest.mark.parametrize("host", ["::1", "::", "no-such-host.invalid"])
@pytest.mark.parametrize("command", ["api", "worker"])
async def test_the_port_check_takes_an_ipv6_host_and_names_a_host_not_found(cli, command, host):
    """Found by a breaker: the port check probed `::1` with an IPv4 socket, and a host name not found, both ending in a
    traceback, where uvicorn binds `::1`."""
    env = cli.env | {"LEGIS_DATABASE_URL": f"postgresql://legis@127.0.0.1:{free_port()}/legis", "LEGIS_HTTP_HOST": host,
                     "LEGIS_METRICS_PORT": "none", "LEGIS_HEALTH_PORT": str(free_port()), "LEGIS_API_PORT": str(free_port())}
    code, out, err = await cli("--timeout", "2", command, env=env)
    assert "Traceback" not in out + err, err
    if host.endswith(".invalid"):
        assert code == ExitCode.INVALID and "settings: LEGIS_HTTP_HOST: no-such-host.invalid is not a host" in err and "(rule: host_known)" in err, err
    else:  # past its ports, to the database, which does not answer here
        assert code == ExitCode.UNAVAILABLE and "(rule: database_reachable)" in err, err


@pytest.mark.parametrize("command", ["worker", "api"])
async def test_the_help_of_a_process_names_the_settings_it_reads_with_their_defaults(cli, command):
    """Found by a trial: `legis worker --help` named no setting; an operator had to find the README's table."""
    from cli.stack import API_SETTINGS, WORKER_SETTINGS

    code, out, _ = await cli(command, "--help", env=cli.env | {"COLUMNS": "200"})
    read = WORKER_SETTINGS if command == "worker" else API_SETTINGS
    assert code == ExitCode.OK and all(f"LEGIS_{name.upper()}" in out for name in read), out
    assert "LEGIS_METRICS_PORT (default 9464)" in out and "LEGIS_LOG_LEVEL (default INFO)" in out
