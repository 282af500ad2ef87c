"""Calendar routes (API.md "Calendar"): connections, the OAuth callback (public), event
listings for bulk create and create new, and import as a linked 1:1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from momentum.calendar import service
from momentum.calendar.connections import oauth
from momentum.calendar.models import (
    ConnectAnswer,
    ConnectionStatus,
    ConnectRequest,
    EventList,
    ImportRequest,
    ProviderName,
)
from momentum.calendar.providers.events import ProviderError, provider_unavailable
from momentum.calendar.repository import STATE_TTL
from momentum.core.config import settings
from momentum.core.problems import BadRequest
from momentum.frame.api import no_content
from momentum.frame.idempotency import create_once
from momentum.frame.org import require_module
from momentum.frame.principal import Principal, current_principal
from momentum.one_on_ones.models import CreateAnswer

router = Router()


@contextmanager
def _provider_calls() -> Iterator[None]:
    """Provider failures that reach a route answer 503, never a 500."""
    try:
        yield
    except ProviderError as error:
        raise provider_unavailable(error) from error


TAG = "Calendar"
Provider = Annotated[ProviderName, Path(max_length=64)]
ON_TO_THE_PROVIDER: dict[int, Any] = {
    302: {
        "description": "On to the provider's consent page, this browser bound to the flow",
        "headers": {
            "Location": {"schema": {"type": "string"}},
            "Set-Cookie": {"schema": {"type": "string"}},
        },
    }
}
ON_TO_THE_APP: dict[int, Any] = {
    302: {
        "description": "Connected: on to the app's calendar settings",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }
}


@router.post("/v1/calendar/connections", tags=[TAG])
def connect(request: Annotated[ConnectRequest, Body()]) -> ConnectAnswer:
    principal = current_principal()
    require_module(principal, service.MODULE)
    url = oauth.authorization_url(principal, request.provider)
    return ConnectAnswer(provider=request.provider, authorization_url=url)


def _binding_cookie(state: str, value: str, max_age: int) -> Cookie:
    """HttpOnly, Lax (sent on the provider's top-level redirect back), only to the OAuth
    paths, Secure wherever the API is served over HTTPS."""
    return Cookie(
        name=oauth.binding_cookie_name(state),
        value=value,
        path="/v1/calendar/oauth",
        secure=settings().api_base_url.startswith("https://"),
        http_only=True,
        max_age=max_age,
        same_site=SameSite.LAX_MODE,
    )


def _binding_from_browser(state: str) -> str | None:
    wanted = oauth.binding_cookie_name(state)
    cookies = router.current_event.raw_event.get("cookies") or []  # HTTP API v2: a list
    for cookie in cookies if isinstance(cookies, list) else []:
        name, _, value = str(cookie).strip().partition("=")
        if name == wanted and value:
            return value
    return None


@router.get(oauth.START_PATH, tags=[TAG], responses=ON_TO_THE_PROVIDER)
def oauth_start(state: Annotated[str, Query(min_length=1, max_length=512)]) -> Response[Any]:
    """Public: the connect answer's `authorization_url`. Binds the sign-in to this browser
    (a cookie) and sends it on to the provider's consent page; good once."""
    consent, binding = oauth.start(state)
    return Response(
        status_code=302,
        content_type="text/plain",
        body="",
        headers={"Location": consent, "Cache-Control": "no-store"},
        cookies=[_binding_cookie(state, binding, int(STATE_TTL.total_seconds()))],
    )


@router.get("/v1/calendar/oauth/callback", tags=[TAG], responses=ON_TO_THE_APP)
def oauth_callback(
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=512)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response[Any]:
    """Public: the provider sends the user's browser back here; on success it goes on to
    the app's calendar settings. Only the browser that opened the start link may finish,
    with the provider account of the user who started."""
    if error:
        raise BadRequest(f"The calendar connection was not granted ({error}).")
    if not code or not state:
        raise BadRequest("The callback needs code and state.")
    with _provider_calls():
        provider, _ = oauth.finish(code, state, _binding_from_browser(state))
    location = f"{settings().app_url}/settings/calendar?connected={provider}"
    return Response(
        status_code=302,
        content_type="text/plain",
        body="",
        headers={"Location": location},
        cookies=[_binding_cookie(state, "", 0)],  # spent: the browser forgets it
    )


@router.get("/v1/calendar/connections/<provider>", tags=[TAG])
def connection_status(provider: Provider) -> ConnectionStatus:
    return oauth.status(current_principal(), provider)


@router.delete("/v1/calendar/connections/<provider>", tags=[TAG])
def disconnect(provider: Provider) -> Response[None]:
    with _provider_calls():
        oauth.disconnect(current_principal(), provider)
    return no_content()


@router.get("/v1/calendar/recurring-events", tags=[TAG])
def recurring_events() -> EventList:
    with _provider_calls():
        return service.recurring_events(current_principal())


@router.get("/v1/calendar/events", tags=[TAG])
def events_with(with_user_id: Annotated[str, Query(min_length=1, max_length=64)]) -> EventList:
    with _provider_calls():
        return service.events_with(current_principal(), with_user_id)


@router.post("/v1/one-on-ones/import", tags=[TAG])
def import_event(request: Annotated[ImportRequest, Body()]) -> Response[CreateAnswer]:
    return create_once(router, request, lambda: _imported(current_principal(), request))


def _imported(principal: Principal, request: ImportRequest) -> CreateAnswer:
    with _provider_calls():
        return service.import_event(principal, request)
