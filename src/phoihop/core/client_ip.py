"""The client's address, the one answer used by the sign-in lockout, the audit log and portal counting.

Behind a reverse proxy every request comes from the proxy, and the browser's address travels in
`X-Forwarded-For`. That header is written by whoever sends the request, so it is believed only when the
immediate peer (`REMOTE_ADDR`) is one of the proxies listed in the `TRUSTED_PROXIES` setting
(`PHOIHOP_TRUSTED_PROXIES`: addresses or networks, comma-separated). Then the header is read from the
right, skipping further trusted proxies; the first address that is not one is the client. A header from
an untrusted peer, or one that holds no valid address, is ignored: the peer is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:443"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "203.0.113.5:51234"
        raw = raw.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the browser or script that sent `request` (see the module docstring)."""
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for raw in reversed(forwarded.split(",")):
        address = _parse(raw)
        if address is None:
            break  # a garbled hop: nothing to its left can be believed
        if not _trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)
