"""What we are willing to fetch, and from where.

A URL from a summary is untrusted input: it may point at the machine we run on
(``http://127.0.0.1:8080/admin``), the local network or a cloud metadata service
(``169.254.169.254``), directly or through a redirect, or through a DNS name that
resolves there.  So we check the address a socket actually connected to, on every
connection (and so on every redirect hop), not only the URL or one DNS answer.
We use our own urllib3 connection classes rather than trafilatura's guard
because that guard switches itself off when proxy variables are set (FIELD.md).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

ALLOWED_SCHEMES = ("http", "https")


class UnsafeURL(Exception):
    """The URL itself is refused (scheme, credentials, no host)."""


class PrivateAddress(Exception):
    """The connection reached an address we do not fetch from without --allow-private.

    Deliberately not an OSError so that urllib3 does not wrap it or retry."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to a private or local address ({address})")
        self.host = host
        self.address = address


def check_url(url: str) -> None:
    """Refuse what no fetch should ever see: other schemes, credentials in the URL, no host."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a malformed port
    except ValueError as exc:
        raise UnsafeURL(f"malformed URL: {url} ({exc})") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURL(f"only http and https URLs are fetched, not {parts.scheme or 'a bare path'}: {url}")
    if not parts.hostname:
        raise UnsafeURL(f"URL has no host: {url}")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(f"URLs with credentials are not fetched: {parts.scheme}://…@{parts.hostname}")


def is_forbidden_address(address: str) -> bool:
    """True for loopback, private, link-local, unspecified, reserved, multicast and
    shared (CGNAT) addresses, and IPv4-mapped/6to4/Teredo forms of them."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return True  # not an IP we can judge: refuse rather than guess
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:  # 64:ff9b::a.b.c.d reaches a.b.c.d
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_forbidden_address(str(embedded))
    # is_global is False for loopback, RFC 1918, link-local, 0.0.0.0, reserved and CGNAT ranges.
    return not ip.is_global or ip.is_multicast


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class _PeerCheck:
    """Mixin: after the TCP connect (before TLS and before any byte of the request),
    look at the peer address and refuse forbidden ones."""

    def _new_conn(self):  # type: ignore[override]
        sock = super()._new_conn()  # type: ignore[misc]
        try:
            peer = sock.getpeername()[0]
        except OSError:
            sock.close()
            raise
        if is_forbidden_address(peer):
            sock.close()
            raise PrivateAddress(self.host, peer)  # type: ignore[attr-defined]
        return sock


class GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


GUARDED_POOLS = {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}
