"""Found by a new user reading `legis api --help` (and `legis worker --help`'s neighbour) for the settings to set.

The README (Configuration, `LEGIS_TRUSTED_PROXIES`) says a network may be named "only where every address in it is a
proxy of yours: not a container network whose gateway relays the published port, through which any client would name
its own address". `legis api --help` gives as its example `172.18.0.0/16`: the network Docker Compose gives a project
such as this repository's docker-compose.yml (the default bridge pools are 172.17.0.0/16 to 172.31.0.0/16), whose
gateway relays the API's published port. The setting accepts it, so an engineer who copies the help's example lets any
client choose its own address through X-Forwarded-For (the rate limits and the public's comment limit per address).
"""

from __future__ import annotations

import ipaddress
import re

from typer.testing import CliRunner

from cli.main import app
from workers.settings import Settings

# Docker's default address pools for bridge networks (docker compose's project networks among them).
CONTAINER_POOLS = ipaddress.ip_network("172.16.0.0/12")


def _proxies_paragraph(help_text: str) -> str:
    flat = " ".join(help_text.split())
    found = re.search(r"LEGIS_TRUSTED_PROXIES:(.*?)(?: LEGIS_[A-Z_]+ \(default| LEGIS_[A-Z_]+:)", flat)
    assert found, flat
    return found.group(1)


def test_the_api_help_does_not_suggest_trusting_a_container_network():
    shown = CliRunner().invoke(app, ["api", "--help"], env={"COLUMNS": "400", "TERMINAL_WIDTH": None})
    assert shown.exit_code == 0, shown.output
    paragraph = _proxies_paragraph(shown.output)
    networks = [ipaddress.ip_network(n) for n in re.findall(r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b", paragraph)]
    suggested = [n for n in networks if n.subnet_of(CONTAINER_POOLS) and n.prefixlen <= 24]
    # The setting takes it as written: the help's example is not refused, it is applied.
    for network in suggested:
        assert Settings(trusted_proxies=str(network)).trusted_proxies == (str(network),)
    assert not suggested, (
        f"`legis api --help` suggests LEGIS_TRUSTED_PROXIES={suggested[0]}, a container bridge network, which the README "
        f"says not to name: {paragraph.strip()}")
