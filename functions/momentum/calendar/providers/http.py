"""The one httpx client every provider call goes through (created lazily, per container),
with bounded retries.

httpx and stamina are imported on the first provider call, not with the module: most
requests the calendar function serves (status, disconnect) never reach a provider, and
its cold start should not pay for an HTTP client they do not use.

Retries (stamina, over tenacity): at most ATTEMPTS tries, and no more than MAX_WAIT
seconds of waiting in all, well under the API function's 29 s. 429 and 503 are retried
for every method (the provider did not do the work) after the `Retry-After` it asks for
(seconds or an HTTP date) or, without one, after a short jittered backoff; 500, 502 and
504 only for methods that may safely run twice (a repeated POST could start a second
channel or subscription); a connection that never opened, always. When the provider
asks for a longer wait than is left, the call gives up at once with the provider's
reason in the error: the sync that failed is retried later by its queue, a request
answers 503.

Tests and the local server may install a transport (e.g. the fake providers in-process);
tests put stamina in testing mode, so no retry sleeps.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from momentum.calendar.providers.events import ProviderError
from momentum.core import clock, outbound

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 10.0, 3.0
ATTEMPTS = 3
MAX_WAIT = 8.0  # seconds of Retry-After waiting, all retries of one call together
START_BY = 15.0  # seconds after the first attempt, no other one starts
BUSY = frozenset({429, 503})  # "not now": the provider did not do the work
FLAKY = frozenset({500, 502, 504})  # may have done it: retried only when it is safe twice
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
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


class ProviderBusy(ProviderError):
    """A 429/5xx answer still failing after the retries (or asking to wait too long)."""

    def __init__(self, message: str, answer: httpx.Response) -> None:
        super().__init__(message)
        self.answer = answer


def retry_after(answer: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the provider asks us to wait (Retry-After: seconds or an HTTP date)."""
    value = answer.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (clock.now().timestamp() if now is None else now))


def _reason(answer: httpx.Response) -> str:
    """The provider's own words for a refusal (Google and Graph: error.code/message)."""
    try:
        body = answer.json()
    except ValueError:
        return answer.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{error.get('code', '')} {str(error.get('message', ''))[:200]}".strip()
    return str(error or answer.reason_phrase)[:200]


class _Call:
    """One provider call and its retries: what may be retried, and how long to wait."""

    def __init__(self, method: str, url: str) -> None:
        self.method, self.url, self.what = method, url, f"{method} {url.split('?')[0]}"
        self.attempts, self.waited, self.gave_up = 0, 0.0, ""

    def send(self, **kwargs: Any) -> httpx.Response:
        import httpx

        self.attempts += 1
        try:
            answer = client().request(self.method, self.url, **kwargs)
        except httpx.HTTPError as error:
            raise ProviderError(f"{self.what} failed: {error}") from error
        retried = BUSY | FLAKY if self.method in IDEMPOTENT else BUSY
        if answer.status_code in retried:
            raise ProviderBusy(f"{self.what} answered {answer.status_code}", answer)
        return answer

    def backoff(self, error: Exception) -> bool | float:
        """stamina's hook: False gives up, True backs off, a number waits that long."""
        import httpx

        if isinstance(error, ProviderBusy):
            asked = retry_after(error.answer)
            if asked is None:
                return True
            if self.waited + asked > MAX_WAIT:
                self.gave_up = f"asks to wait {asked:.0f} s (Retry-After): more than we wait"
                return False
            self.waited += asked
            return asked
        # Only a connection that never opened is safe to retry whatever the method.
        return isinstance(error.__cause__, httpx.ConnectError | httpx.ConnectTimeout)


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    import stamina

    if not outbound.is_allowed(url, outbound.CALENDAR_PROVIDER):  # also links a provider sent
        raise ProviderError(f"{method} {url.split('?')[0][:100]} is not a provider URL")
    call = _Call(method, url)
    try:
        # No attempt starts after START_BY seconds, so one call (its last attempt capped by
        # the 10 s timeout) stays under the API function's 29 s.
        for attempt in stamina.retry_context(
            on=call.backoff, attempts=ATTEMPTS, timeout=START_BY,
            wait_initial=0.2, wait_max=2.0, wait_jitter=0.3,
        ):  # fmt: skip
            with attempt:
                answer = call.send(**kwargs)
    except ProviderBusy as busy:
        why = call.gave_up or f"still so after {call.attempts} attempts"
        raise ProviderBusy(f"{busy} ({_reason(busy.answer)}); {why}", busy.answer) from busy
    return answer
