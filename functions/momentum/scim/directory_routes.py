"""`/v1/directory-groups`: the groups identity providers push, as Momentum shows them
(admins: to filter reports by team or department)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from momentum.core.models import View
from momentum.core.pages import Page
from momentum.core.problems import NotFound
from momentum.frame.principal import current_principal
from momentum.scim import service

router = Router()
TAG = ["Provisioning"]


class DirectoryGroup(View):
    id: str
    name: str
    external_id: str | None = None
    member_count: int


class DirectoryGroupMembers(View):
    id: str
    member_ids: list[str]


@router.get("/v1/directory-groups", tags=TAG)
def list_directory_groups(
    member_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[DirectoryGroup]:
    """Admins: every directory group, or `member_id`'s groups."""
    principal = current_principal()
    principal.require_admin()
    found = service.directory_groups(principal.org_id, member_id)
    return Page[DirectoryGroup](items=[DirectoryGroup.model_validate(g) for g in found])


@router.get("/v1/directory-groups/<group_id>", tags=TAG)
def get_directory_group(group_id: Annotated[str, Path(max_length=64)]) -> DirectoryGroupMembers:
    principal = current_principal()
    principal.require_admin()
    members = service.group_member_ids(principal.org_id, group_id)
    if members is None:
        raise NotFound("Directory group not found.")
    return DirectoryGroupMembers(id=group_id, member_ids=sorted(members))
