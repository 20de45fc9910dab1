"""Where a webhook may be delivered: the SSRF guard, at registration and again at delivery.

A target is an ``http`` or ``https`` URL whose host resolves only to public addresses. One that
resolves to a loopback, private, link-local, multicast, reserved or otherwise internal address
(an IPv6 address embedding such an IPv4 one included) is refused unless its host is listed in
``BRIEFS_WEBHOOK_ALLOW_HOSTS``. The check runs again before every delivery, and the delivery
connects to the very address that was checked (`PinnedTarget`), so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot point the request inward.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import SplitResult, urlsplit

import msgspec

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
"""The addresses a host name resolves to (``getaddrinfo`` by default); raises ``OSError``."""

_RESOLVE_TIMEOUT_SECONDS = 5.0
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefusedError(Exception):
    """A webhook URL that may not be delivered to; ``str()`` says why in one sentence.

    ``retryable`` is true when the refusal may pass (the host did not resolve just now)."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.retryable = retryable


class PinnedTarget(msgspec.Struct, kw_only=True, frozen=True):
    """A checked target: the URL to request (its host replaced by the checked address), the
    ``Host`` header and TLS server name of the original host."""

    url: str
    host_header: str
    server_name: str


async def resolve_with_getaddrinfo(host: str, port: int) -> list[str]:
    """The system resolver's addresses for ``host`` (bounded in time)."""
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(_RESOLVE_TIMEOUT_SECONDS):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class TargetGuard:
    """Checks webhook URLs against the allow-list, resolving host names with ``resolver``."""

    def __init__(
        self, allow_hosts: Iterable[str], resolver: Resolver = resolve_with_getaddrinfo
    ) -> None:
        self.allow_hosts = frozenset(_normal_host(host) for host in allow_hosts)
        self._resolve = resolver

    async def check(self, url: str) -> PinnedTarget:
        """The target to connect to for ``url``; raises `TargetRefusedError`."""
        parts = _split(url)
        host = _normal_host(parts.hostname or "")
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
        addresses = await self._addresses(host, port)
        if host not in self.allow_hosts:
            for address in addresses:
                kind = internal_kind(address)
                if kind is not None:
                    article = "an" if kind[0] in "aeiou" else "a"
                    raise TargetRefusedError(
                        f"{host} resolves to {address}, {article} {kind} address; webhooks go to"
                        " public addresses only, unless BRIEFS_WEBHOOK_ALLOW_HOSTS lists the host"
                    )
        chosen = min(addresses, key=lambda address: address.version)  # IPv4 first, as most do
        literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
        netloc = f"{literal}:{port}"
        pinned = parts._replace(netloc=netloc).geturl()
        host_header = parts.netloc.rpartition("@")[2]
        return PinnedTarget(url=pinned, host_header=host_header, server_name=host)

    async def _addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass  # a name, not an address
        try:
            found = await self._resolve(host, port)
        except UnicodeError:  # the IDNA codec refuses it: an empty or over-long label
            raise TargetRefusedError(f"{host[:80]!r} is not a valid host name") from None
        except (OSError, TimeoutError) as error:
            raise TargetRefusedError(
                f"{host} does not resolve ({error or type(error).__name__})", retryable=True
            ) from None
        addresses = [ipaddress.ip_address(address.partition("%")[0]) for address in found]
        if not addresses:
            raise TargetRefusedError(f"{host} does not resolve", retryable=True)
        return addresses


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port raises on a bad one
    except ValueError as error:
        raise TargetRefusedError(f"the URL is malformed: {error}") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise TargetRefusedError("the URL must start with http:// or https://")
    if not parts.hostname:
        raise TargetRefusedError("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefusedError("the URL may not carry credentials (user:password@)")
    if parts.fragment:
        raise TargetRefusedError("the URL may not have a fragment (#...)")
    return parts


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


_INTERNAL_KINDS = (
    ("loopback", "is_loopback"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("unspecified", "is_unspecified"),
    ("reserved", "is_reserved"),
    ("private", "is_private"),
)
"""The kinds of internal address, most telling first, by the ``ipaddress`` property of each."""


def internal_kind(address: IPAddress) -> str | None:
    """What makes an address internal (``loopback``, ``private``, ...), ``None`` if public."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return internal_kind(embedded)
    for kind, test in _INTERNAL_KINDS:
        if getattr(address, test):
            return kind
    return None if address.is_global else "non-public"


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
