"""`/v1/org/scim-tokens` (API.md "Additions"): admins create, list and revoke tokens."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import Field

from momentum.core.models import Strict, View
from momentum.core.pages import Page
from momentum.frame.api import no_content
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal
from momentum.scim import tokens

router = Router()
TAG = ["Provisioning"]


class ScimTokenCreate(Strict):
    description: Annotated[str, Field(min_length=1, max_length=200)]


class ScimToken(View):
    id: str
    description: str
    created_at: str
    created_by: str
    last_used_at: str | None = None
    revoked_at: str | None = None
    active: bool


class NewScimToken(ScimToken):
    token: str  # shown only in this answer


@router.post("/v1/org/scim-tokens", tags=TAG)
def create_scim_token(request: Annotated[ScimTokenCreate, Body()]) -> Response[NewScimToken]:
    """Admins: a bearer token for an identity provider's SCIM client, shown once."""
    return create_once(
        router,
        request,
        lambda: NewScimToken(**tokens.create(current_principal(), request.description)),
    )


@router.get("/v1/org/scim-tokens", tags=TAG)
def list_scim_tokens() -> Page[ScimToken]:
    items = [ScimToken(**token) for token in tokens.list_tokens(current_principal())]
    return Page[ScimToken](items=items)


@router.delete("/v1/org/scim-tokens/<token_id>", tags=TAG)
def revoke_scim_token(token_id: Annotated[str, Path(max_length=64)]) -> Response[None]:
    tokens.revoke(current_principal(), token_id)
    return no_content()
