"""Outbound URL rules: Momentum only calls public HTTPS endpoints.

Checked when a subscription is saved (scheme, host shape, literal addresses) and again
before every delivery (the name's current addresses), so a name re-pointed at an
internal address later is refused too. Loopback (127.0.0.1) is allowed in local mode
only, where the test receivers live.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from momentum.core.config import settings

LOCAL_RECEIVER = "127.0.0.1"
_RESERVED_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


class RefusedUrl(ValueError):
    pass


def _loopback_allowed(host: str) -> bool:
    return settings().local_mode and host == LOCAL_RECEIVER


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def check_shape(url: str) -> None:
    """Refuse a URL Momentum must never call, without network access (at save time)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as error:
        raise RefusedUrl(f"The URL is malformed: {error}.") from error
    host = (parts.hostname or "").lower()
    if not host:
        raise RefusedUrl("The URL needs a host.")
    if parts.username or parts.password:
        raise RefusedUrl("The URL may not carry credentials.")
    if _loopback_allowed(host):
        if parts.scheme not in ("http", "https"):
            raise RefusedUrl("The URL must use https.")
        return
    if parts.scheme != "https":
        raise RefusedUrl("The URL must use https.")
    if host == "localhost" or host.endswith(_RESERVED_SUFFIXES) or "." not in host:
        raise RefusedUrl("The URL must name a public host.")
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return
    if not _public(str(literal)):
        raise RefusedUrl("The URL may not point at a private, loopback or reserved address.")


def check_before_sending(url: str) -> None:
    """The shape again, and every address the host resolves to now must be public."""
    check_shape(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _loopback_allowed(host):
        return
    try:
        answers = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise RefusedUrl(f"The host does not resolve: {error}.") from error
    if not answers or not all(_public(str(answer[4][0])) for answer in answers):
        raise RefusedUrl("The host resolves to a private, loopback or reserved address.")
