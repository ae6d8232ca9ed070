"""Found by an operator's trial: `legis worker` (and `legis api`, which then said it was ready and answered every draft
"unknown") given a namespace the cluster does not have
(LEGIS_NAMESPACE=nope, a typo of the deployment's) stops with exit 1, "unexpected" by the README's table, and a raw
gRPC dump with escaped protobuf bytes:

    error: Worker validation failed: Namespace nope was not found or otherwise could not be described: Status { code:
    NotFound, message: "Namespace nope is not found.", details: b"\\x08\\x05\\x12\\x1cNamespace nope ...", metadata: ...

where every other `legis` command refuses it as a setting, exit 2: `invalid: namespace: Temporal at 127.0.0.1:17300 has
no namespace nope (--namespace, LEGIS_NAMESPACE, the profile) (rule: namespace_known)`.
README, "Exit codes": 2 is "an unknown `--namespace` or `--profile`, settings that do not validate"; "Configuration":
`legis worker` and `legis api` make sure Temporal answers before they start and say what does not as every command does.
"""

from __future__ import annotations

import pytest

from cli.failures import ExitCode
from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from tests.stack import Cli, isolated_env


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(isolated_env(tmp_path / "config", LEGIS_DATA_DIR=str(tmp_path / "data")))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", ["worker", "api"])
async def test_an_unknown_namespace_stops_a_worker_or_the_api_naming_the_setting(cli, dev_env, fresh_database_url, command):
    env = cli.env | {"LEGIS_DATABASE_URL": fresh_database_url,
                     "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
                     "LEGIS_NAMESPACE": "no-such-namespace", "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY,
                     "LEGIS_HEALTH_PORT": str(free_port()), "LEGIS_METRICS_PORT": str(free_port()),
                     "LEGIS_API_PORT": str(free_port())}
    code, out, err = await cli("--timeout", "10", command, env=env)
    assert code == ExitCode.INVALID, (code, err[-800:])
    assert "(rule: namespace_known)" in err and "LEGIS_NAMESPACE" in err, err[-800:]
    assert "\\x08" not in err and "MetadataMap" not in err and "Traceback" not in out + err, err[-800:]
