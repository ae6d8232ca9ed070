"""Where webhooks may go: public addresses over https, and the hosts an operator names (LEGIS_WEBHOOK_ALLOWED_HOSTS).

A subscriber's URL is checked when it is registered (`legis subscribers add`) and again before every round of
deliveries (`activities.webhooks`): its host is resolved anew, every address it resolves to must be allowed, and the
requests of the round go to the address that was checked (the name still in `Host` and in TLS's server name), so that
a name that later resolves elsewhere (DNS rebinding) reaches nothing it should not.

Refused: loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the cloud metadata endpoint
169.254.169.254, fe80::/10), unspecified, multicast and shared (carrier-grade NAT, 100.64.0.0/10) addresses, and any
other that is not globally routable (reserved, documentation ranges). An IPv6 address that carries an IPv4 address at a
fixed place (IPv4-mapped ::ffff:0:0/96, SIIT ::ffff:0:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4
2002::/16) may reach that IPv4 address through a translator or a tunnel: it is judged as the IPv4 address it carries.
The local-use NAT64 prefix 64:ff9b:1::/48 places the IPv4 address where its operator chose, so it is refused outright, as
is deprecated site-local fec0::/10 (private in all but name). Plain http only to an allowed host: the body of a classified draft's event, though thin,
is not for the network to read.

The URL itself must be one that can be sent to as written: at most 2,000 characters (`url_length`), RFC 3986's
characters only (`url_characters`: no space or control character, no raw non-ASCII, `%` only before two hex digits;
httpx would quietly escape some of them, and the receiver's route would not be the one registered), and a port from 1 to
65535 (`url_port`: httpx takes any number, and the socket refuses it only when connecting).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from schemas.refusal import RefusalKind, Refused

FIELD = "url"
SETTING = "LEGIS_WEBHOOK_ALLOWED_HOSTS"
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A receiver's address, not a place for data: browsers and servers take about 2,000 characters.
LONGEST_URL = 2000
# RFC 3986's characters: unreserved and reserved ones, and `%` with two hex digits.
_URL_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
PORTS = range(1, 65536)

# Each refused range: its rule, what it is called, its networks. An address in none of them is still refused when it is
# not globally routable (`public_address`).
REFUSED_RANGES: tuple[tuple[str, str, tuple[Network, ...]], ...] = tuple(
    (rule, name, tuple(ipaddress.ip_network(n) for n in networks)) for rule, name, networks in (
        ("no_loopback", "a loopback address", ("127.0.0.0/8", "::1/128")),
        ("no_private", "a private address", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")),
        ("no_link_local", "a link-local address (cloud metadata endpoints are here)", ("169.254.0.0/16", "fe80::/10")),
        ("no_unspecified", "an unspecified address", ("0.0.0.0/8", "::/128")),
        ("no_multicast", "a multicast address", ("224.0.0.0/4", "ff00::/8")),
        ("no_shared", "a shared (carrier-grade NAT) address", ("100.64.0.0/10",)),
        ("no_local_nat64", "a local-use NAT64 address (it may carry any IPv4 address, private ones too)", ("64:ff9b:1::/48",)),
    )
)

# IPv6 forms that carry an IPv4 address, the bits it sits at (from the most significant), and what each is called.
EMBEDDING: tuple[tuple[ipaddress.IPv6Network, int, str], ...] = tuple(
    (ipaddress.IPv6Network(network), at, name) for network, at, name in (
        ("::ffff:0:0/96", 96, "IPv4-mapped"),
        ("::ffff:0:0:0/96", 96, "SIIT"),
        ("64:ff9b::/96", 96, "NAT64"),
        ("2002::/16", 16, "6to4"),
        ("::/96", 96, "IPv4-compatible"),
    )
)


class DestinationRefused(Refused):
    """A webhook URL that may not be sent to: the field is `url`, the rule says why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(FIELD, rule, message, RefusalKind.INVALID)


@dataclass(frozen=True)
class AllowedHosts:
    """The operator's exceptions: host names (any address they resolve to) and addresses or networks."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Sequence[str]) -> AllowedHosts:
        """Entries as `localhost`, `127.0.0.1`, `10.1.0.0/16` or `::1`. Raises ValueError naming a malformed entry."""
        names, networks = set(), []
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                name = _name(entry)
                if not name or any(c in name for c in "/:@ "):
                    raise ValueError(f"{SETTING}: {entry!r} is neither a host name nor an address or network") from None
                names.add(name)
        return cls(frozenset(names), tuple(networks))

    def names_host(self, host: str) -> bool:
        address = _address(host)
        return _name(host) in self.names if address is None else self.covers(address)

    def covers(self, address: Address) -> bool:
        return any(address in network for network in self.networks)


@dataclass(frozen=True)
class Destination:
    """A checked URL: `url` goes to the address that was checked; `host` is the name to send in `Host` and as TLS's
    server name."""

    url: httpx.URL
    host: str
    netloc: str

    def request_options(self) -> dict:
        """`httpx` options that keep the name the receiver knows while connecting to the checked address."""
        options: dict = {"headers": {"Host": self.netloc}}
        if self.url.scheme == "https" and _address(self.host) is None:
            options["extensions"] = {"sni_hostname": self.host}
        return options


def normal_form(url: str) -> str:
    """The URL as it is registered: scheme and host in lower case, the scheme's default port left out, an empty path as
    "/" (RFC 3986 6.2.2 and 6.2.3), and no fragment (never sent), so that one receiver written two ways is one
    subscriber, not two sent every event. For a URL `check` took."""
    parsed = httpx.URL(url).copy_with(fragment=None)
    if parsed.port == {"http": 80, "https": 443}.get(parsed.scheme):
        parsed = parsed.copy_with(port=None)
    return str(parsed.copy_with(path=parsed.path or "/"))


async def check(url: str, allowed: AllowedHosts) -> Destination:
    """The URL with its host resolved to an address that may be sent to. Raises DestinationRefused with the rule."""
    if len(url) > LONGEST_URL:
        raise DestinationRefused("url_length", f"is {len(url):,} characters long; a webhook URL has at most {LONGEST_URL:,}")
    written = _URL_CHARACTERS.match(url).end()
    if written < len(url):
        raise DestinationRefused("url_characters", f"holds {url[written]!r} at position {written + 1}, which a URL does not hold as written "
                                 "(RFC 3986: a space as %20, '%' only before two hex digits, a non-ASCII name in its xn-- form)")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as malformed:
        raise DestinationRefused("url_valid", f"not a valid URL ({malformed})") from None
    if parsed.scheme not in ("http", "https"):
        raise DestinationRefused("http_url", "must start with http:// or https://")
    if not parsed.host:
        raise DestinationRefused("url_host", "names no host")
    if parsed.port is not None and parsed.port not in PORTS:
        raise DestinationRefused("url_port", f"port {parsed.port} is not a port; a port is from 1 to 65535")
    if parsed.userinfo:
        raise DestinationRefused("no_credentials_in_url", "carries a user name or password; the signature authenticates the sender")
    host = parsed.host
    if parsed.scheme == "http" and not allowed.names_host(host):
        raise DestinationRefused("https_only", f"plain http to {host}; use https (http only to a host {SETTING} names)")
    addresses = await _resolve(host, parsed.port or (443 if parsed.scheme == "https" else 80))
    if _name(host) not in allowed.names:
        for address in addresses:
            _refuse_unless_public(host, address, allowed)
    return Destination(parsed.copy_with(host=str(addresses[0])), host, parsed.netloc.decode("ascii"))


def _refuse_unless_public(host: str, address: Address, allowed: AllowedHosts) -> None:
    if allowed.covers(address):
        return
    where = f"{host} is" if _address(host) == address else f"{host} resolves to {address},"
    unless = f"webhooks go to public addresses only, unless {SETTING} names the host"
    judged, carried = address, _carried(address)
    if carried is not None and not _refused_range(address):  # ::1 and :: are loopback and unspecified, not IPv4
        judged, form = carried
        unless = f"it carries the IPv4 address {judged} ({form}); {unless}"
    refused = _refused_range(judged)
    if refused is not None:
        rule, name, network = refused
        raise DestinationRefused(rule, f"{where} {name} ({network}); {unless}")
    if not judged.is_global:
        raise DestinationRefused("public_address", f"{where} not a globally routable address; {unless}")


def _refused_range(address: Address) -> tuple[str, str, Network] | None:
    for rule, name, networks in REFUSED_RANGES:
        network = next((n for n in networks if address.version == n.version and address in n), None)
        if network is not None:
            return rule, name, network
    return None


def _carried(address: Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries at a fixed place, with the form's name and prefix."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    for network, at, name in EMBEDDING:
        if address in network:
            return ipaddress.IPv4Address(int(address) >> (96 - at) & 0xFFFF_FFFF), f"{name}, {network}"
    return None


async def _resolve(host: str, port: int) -> list[Address]:
    address = _address(host)
    if address is not None:
        return [address]
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as unresolved:
        raise DestinationRefused("host_resolves", f"{host} does not resolve ({unresolved})") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].partition("%")[0]) for info in found))
    if not addresses:
        raise DestinationRefused("host_resolves", f"{host} resolves to no address")
    return addresses


def _address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _name(host: str) -> str:
    return host.strip().rstrip(".").lower()
