"""Organisation and users routes (API.md "Organisation and users")."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from momentum.core.pages import DEFAULT_LIMIT, Cursor, Limit, Page
from momentum.frame.idempotency import create_once
from momentum.frame.principal import current_principal
from momentum.identity import activity_log, members, places, service, settings
from momentum.identity.models import Me, User, UserCreate, UserPatch, UserSettingsPatch
from momentum.identity.org_models import (
    ActivityEntry,
    Company,
    CompanyCreate,
    Location,
    LocationCreate,
    OrgSettings,
    OrgSettingsPatch,
)

router = Router()
Id = Annotated[str, Path(max_length=64)]


@router.get("/v1/me", tags=["Organisation and users"])
def get_me() -> Me:
    return settings.me(current_principal())


@router.patch("/v1/me/settings", tags=["Organisation and users"])
def patch_my_settings(patch: Annotated[UserSettingsPatch, Body()]) -> Me:
    return settings.patch_my_settings(current_principal(), patch)


@router.get("/v1/org/settings", tags=["Organisation and users"])
def get_org_settings() -> OrgSettings:
    return settings.org_settings(current_principal())


@router.patch("/v1/org/settings", tags=["Organisation and users"])
def patch_org_settings(patch: Annotated[OrgSettingsPatch, Body()]) -> OrgSettings:
    return settings.patch_org_settings(current_principal(), patch)


@router.post("/v1/users", tags=["Organisation and users"])
def create_user(request: Annotated[UserCreate, Body()]) -> Response[User]:
    return create_once(router, request, lambda: members.create_user(current_principal(), request))


@router.get("/v1/users", tags=["Organisation and users"])
def list_users(
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[User]:
    items, next_cursor = service.list_users(current_principal(), q, limit, cursor)
    return Page[User](items=items, next_cursor=next_cursor)


@router.get("/v1/users/<user_id>", tags=["Organisation and users"])
def get_user(user_id: Id) -> User:
    return service.get_user(current_principal(), user_id)


@router.patch("/v1/users/<user_id>", tags=["Organisation and users"])
def patch_user(user_id: Id, patch: Annotated[UserPatch, Body()]) -> User:
    return members.patch_user(current_principal(), user_id, patch)


@router.post("/v1/companies", tags=["Organisation and users"])
def create_company(request: Annotated[CompanyCreate, Body()]) -> Response[Company]:
    return create_once(router, request, lambda: places.create_company(current_principal(), request))


@router.get("/v1/companies", tags=["Organisation and users"])
def list_companies() -> Page[Company]:
    return Page[Company](items=places.list_companies(current_principal()))


@router.post("/v1/companies/<company_id>/locations", tags=["Organisation and users"])
def create_location(
    company_id: Id, request: Annotated[LocationCreate, Body()]
) -> Response[Location]:
    return create_once(
        router, request, lambda: places.create_location(current_principal(), company_id, request)
    )


@router.get("/v1/companies/<company_id>/locations", tags=["Organisation and users"])
def list_locations(company_id: Id) -> Page[Location]:
    return Page[Location](items=places.list_locations(current_principal(), company_id))


@router.get("/v1/activity", tags=["Organisation and users"])
def list_activity(
    entity_id: Annotated[str, Query(min_length=1, max_length=64)],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ActivityEntry]:
    items, next_cursor = activity_log.entries(current_principal(), entity_id, limit, cursor)
    return Page[ActivityEntry](items=items, next_cursor=next_cursor)
