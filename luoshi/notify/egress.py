"""Posting to a group robot without letting its address reach into the server's own network (SSRF).

A robot address must use an allowed scheme (https), name an allowed host by its name (never by number) and
carry no user name. When sending, the host is resolved, every address it resolves to is checked, and the
request goes to the checked address itself with the host's name kept for TLS (SNI, certificate) and the
Host header, so a DNS answer that changes between the check and the connection cannot slip past. Redirects
are never followed. No Django here: the caller passes the rules.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

# The hosts the platforms give robot addresses on (their documentation's webhook examples):
# https://oapi.dingtalk.com/robot/send?access_token=…, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…,
# https://open.feishu.cn/open-apis/bot/v2/hook/… and, for Lark, https://open.larksuite.com/open-apis/bot/v2/hook/….
PLATFORM_HOSTS = frozenset(
    {"oapi.dingtalk.com", "qyapi.weixin.qq.com", "open.feishu.cn", "open.larksuite.com"}
)

# Cloud instance-metadata services (AWS/Huawei/OpenStack, AWS ECS, Alibaba Cloud, Tencent Cloud, AWS over
# IPv6). All are non-public anyway; naming them means no exemption can ever reach one.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "169.254.0.23", "fd00:ec2::254")
)


class Blocked(Exception):
    """The address may not be reached. `code` names the rule broken; the text says how, in English."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class Rules:
    hosts: frozenset[str] = PLATFORM_HOSTS
    # Any host name (outbound event webhooks, whose receivers are the subscribers' own servers); numbers,
    # schemes and the addresses a name resolves to are checked all the same.
    any_host: bool = False
    schemes: frozenset[str] = frozenset({"https"})
    # Non-public networks let through all the same. Only tests set this, to reach a server on 127.0.0.1;
    # no setting or environment variable leads here.
    exempt: tuple[Network, ...] = ()


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    body: bytes
    location: str


def numeric_host(host: str) -> Address | None:
    """The address a host written as a number stands for, in any form a resolver takes (127.0.0.1, ::1,
    2130706433, 0177.0.0.1, 0x7f.1), or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def check_url(url: str, rules: Rules) -> Target:
    """Where a robot address points, or Blocked when it breaks a rule; no DNS is asked."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise Blocked("invalid", "not a valid address") from None
    scheme = parts.scheme.lower()
    if scheme not in rules.schemes:
        raise Blocked("scheme", f"{scheme or 'no'} scheme; only {', '.join(sorted(rules.schemes))}")
    if "@" in parts.netloc:
        raise Blocked("credentials", "a user name or password in the address")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Blocked("invalid", "no host")
    number = numeric_host(host)
    if number is not None:
        if not any(number in network for network in rules.exempt):
            raise Blocked("number", f"{host} is a numeric address, not a host name")
    elif not rules.any_host and host not in rules.hosts:
        raise Blocked("host", f"{host} is not an allowed robot host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    return address.teredo[1] if address.teredo else None


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet: not loopback, private, link-local, shared (CGNAT),
    multicast, reserved or unspecified, also when it wraps an IPv4 address (::ffff:127.0.0.1, 6to4)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None and not is_public(embedded):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
    )


def check_address(address: Address, rules: Rules) -> None:
    if address in METADATA or (_embedded_ipv4(address) or address) in METADATA:
        raise Blocked("address", f"{address} is a cloud metadata address")
    if any(address in network for network in rules.exempt):
        return
    if not is_public(address):
        raise Blocked("address", f"resolves to {address}, which is not a public address")


def system_resolver(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def checked_address(target: Target, rules: Rules, resolver: Resolver) -> str:
    """An address of the target's host, after checking every address the host resolves to."""
    addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolver(target.host, target.port)]
    if not addresses:
        raise Blocked("address", f"{target.host} resolves to nothing")
    for address in addresses:
        check_address(address, rules)
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Talks to `address`, which was checked; the Host header still names the host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Talks TLS to `address`, which was checked; SNI, the certificate check and Host name the host."""

    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, tls: ssl.SSLContext | None = None
    ) -> None:
        self.tls = tls or ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str],
    rules: Rules,
    timeout: float,
    limit: int,
    resolver: Resolver | None = None,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """POST to a checked address and return the answer as it came (a redirect is an answer, not followed).

    Raises Blocked, before any connection, when the address breaks a rule; OSError when it cannot be reached.
    """
    target = check_url(url, rules)
    address = checked_address(target, rules, resolver or system_resolver)
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(
            target.host, target.port, address=address, timeout=timeout, tls=tls
        )
    else:
        connection = _PinnedHTTPConnection(target.host, target.port, address=address, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(
            response.status, response.reason, response.read(limit), response.getheader("Location", "")
        )
    finally:
        connection.close()
