"""Who sends a public comment, as its rate and its fingerprint know the sender: by address, and by a key no database holds."""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection

from store import public
from workflows.codec import keys_of

# The network one subscriber holds: a home's or a phone's IPv6 prefix, whose privacy addresses change by themselves.
SUBSCRIBER_PREFIX = 64


def client_address(http: HTTPConnection) -> str:
    """The client as the public's rate and the senders' hashes count it: an IPv4 address whole (an IPv4-mapped IPv6 one
    too), an IPv6 one by its /64 ("2001:db8:1:2::/64"; found by the public's trial: a second address of one /64 walked
    past the rate and the repeat check), "unknown" where the server gives none."""
    host = http.client.host if http.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, SUBSCRIBER_PREFIX), strict=False))


def senders_key(app) -> bytes:
    """`store.public.sender_key` of the app's Temporal client's payload keys: made once, kept by the app."""
    key = getattr(app.state, "sender_key", None)
    if key is None:
        client = app.state.client
        key = app.state.sender_key = public.sender_key(keys_of(client.data_converter) if client is not None else None)
    return key
