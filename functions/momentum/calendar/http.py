"""The one httpx client every provider call goes through (created lazily, per container).

Tests and the local server may install a transport (e.g. the fake providers in-process).
"""

from __future__ import annotations

from typing import Any

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
_client: httpx.Client | None = None
_transport: httpx.BaseTransport | None = None


def client() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=TIMEOUT, transport=_transport, follow_redirects=False)
    return _client


def use_transport(transport: httpx.BaseTransport | None) -> None:
    """Route provider calls through `transport` (None: the network)."""
    global _client, _transport
    _transport, _client = transport, None


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return client().request(method, url, **kwargs)
    except httpx.HTTPError as error:
        from momentum.calendar.events import ProviderError

        raise ProviderError(f"{method} {url.split('?')[0]} failed: {error}") from error
