"""What a login-proxy tunnel may reach, and what counts as one client: strict CONNECT names,
the allowlist, global unicast addresses, a client's network for the caps."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Sequence

_NAME = re.compile(r"[a-z0-9.-]{1,253}")
# Not global unicast, though some of them pass ipaddress's is_global: 6to4 and Teredo embed any
# IPv4 address (2002:7f00:1:: is 127.0.0.1), NAT64 reaches IPv4 through a local gateway.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32",
        "2001:2::/48", "2001:10::/28", "2001:20::/28", "2001:db8::/32", "2002::/16",
        "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")


def connect_name(target: str, port: int) -> str | None:
    """The DNS name of a ``CONNECT name:port`` target, lowercased; None unless it is ASCII
    ``[a-z0-9.-]`` (≤ 253, labels of 1–63) on ``port`` — checked before any allowlist, so a
    NUL or any other byte a resolver reads differently never gets that far."""
    host, sep, port_text = target.rpartition(":")
    if not sep or not target.isascii() or not port_text.isdigit() or int(port_text) != port:
        return None
    host = host.lower()
    if not _NAME.fullmatch(host) or not all(0 < len(label) <= 63 for label in host.split(".")):
        return None
    return host


def host_allowed(host: str, allow: Sequence[str]) -> bool:
    """``host`` is an entry of the allowlist, or under a ``*.suffix`` entry."""
    for entry in allow:
        if entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif host == entry:
            return True
    return False


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: str) -> bool:
    """A global unicast address: none of the private, shared, special or tunnelled ranges."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if any(ip in net for net in _NOT_GLOBAL if net.version == ip.version):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST_V6:
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def client_network(address: str) -> str:
    """What the per-client caps count: the /24 of an IPv4 address, the /64 of an IPv6 one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def plain_address(address: str) -> str:
    """A client address as the binds record it (``::ffff:1.2.3.4`` is ``1.2.3.4``)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)
