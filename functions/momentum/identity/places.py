"""Companies and their locations (coaching and reporting scope users by them)."""

from __future__ import annotations

from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.identity import keys, repository
from momentum.identity.org_models import Company, CompanyCreate, Location, LocationCreate
from momentum.store import transactions


def create_company(principal: Principal, request: CompanyCreate) -> Company:
    principal.require_admin()
    company = Company(id=new_id(), name=request.name, created_at=clock.api_instant(clock.now()))
    item = {
        **keys.company_key(principal.org_id, company.id),
        "type": "company",
        **company.model_dump(),
    }
    transactions.write([transactions.put_new(item)])
    return company


def list_companies(principal: Principal) -> list[Company]:
    return [Company.model_validate(item) for item in repository.companies(principal.org_id)]


def create_location(principal: Principal, company_id: str, request: LocationCreate) -> Location:
    principal.require_admin()
    if not is_id(company_id) or repository.company(principal.org_id, company_id) is None:
        raise NotFound("Company not found.")
    location = Location(
        id=new_id(),
        company_id=company_id,
        name=request.name,
        time_zone=request.time_zone,
        created_at=clock.api_instant(clock.now()),
    )
    item = {
        **keys.location_key(principal.org_id, company_id, location.id),
        "type": "location",
        **location.model_dump(exclude_none=True),
    }
    transactions.write([transactions.put_new(item)])
    return location


def list_locations(principal: Principal, company_id: str) -> list[Location]:
    company, locations = (
        repository.company_with_locations(principal.org_id, company_id)
        if is_id(company_id)
        else (None, [])
    )
    if company is None:
        raise NotFound("Company not found.")
    return [Location.model_validate(item) for item in locations]
