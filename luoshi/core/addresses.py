"""Where a request came from: the one rule for the audit trail and the sign-in throttle alike."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """Addresses and networks, comma-separated ("127.0.0.1, 10.0.0.0/8"); ValueError on a bad one."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def _trusted(address: str, proxies: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy (LUOSHI_TRUSTED_PROXIES).

    Behind trusted proxies, X-Forwarded-For is read from the right, skipping the proxies' own entries: the
    first address no trusted proxy vouches for is the client. Entries further left were written by the
    client and are never believed. A proxy that sends only X-Real-IP is believed for that header.
    """
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    proxies: list[Network] = settings.LUOSHI_TRUSTED_PROXIES
    if remote is None or not proxies or not _trusted(remote, proxies):
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [a.strip() for a in header.split(",") if a.strip()]
    real_ip: str = request.META.get("HTTP_X_REAL_IP", "").strip()
    if not forwarded and real_ip:
        forwarded = [real_ip]
    for address in reversed(forwarded):
        if not _trusted(address, proxies):
            return address if _is_address(address) else remote
    return forwarded[0] if forwarded and _is_address(forwarded[0]) else remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
