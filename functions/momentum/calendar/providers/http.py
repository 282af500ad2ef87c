"""The one httpx client every provider call goes through (created lazily, per container).

httpx itself is imported on the first provider call, not with the module: most requests
the calendar function serves (status, disconnect) never reach a provider, and its cold
start should not pay for an HTTP client they do not use.

Tests and the local server may install a transport (e.g. the fake providers in-process).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from momentum.core import outbound

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 10.0, 3.0
_client: httpx.Client | None = None
_transport: httpx.BaseTransport | None = None


def client() -> httpx.Client:
    global _client
    if _client is None:
        import httpx

        timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
        _client = httpx.Client(timeout=timeout, transport=_transport, follow_redirects=False)
    return _client


def use_transport(transport: httpx.BaseTransport | None) -> None:
    """Route provider calls through `transport` (None: the network)."""
    global _client, _transport
    _transport, _client = transport, None


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    import httpx

    from momentum.calendar.providers.events import ProviderError

    if not outbound.is_allowed(url, outbound.CALENDAR_PROVIDER):  # also links a provider sent
        raise ProviderError(f"{method} {url.split('?')[0][:100]} is not a provider URL")
    try:
        return client().request(method, url, **kwargs)
    except httpx.HTTPError as error:
        raise ProviderError(f"{method} {url.split('?')[0]} failed: {error}") from error
