"""Engagement templates: the settings launched engagements copy (and then keep).

Admins create and edit templates; every user of the org may read them.
"""

from __future__ import annotations

from momentum.coaching import repository, views
from momentum.coaching.models import Template, TemplateCreate, TemplatePatch
from momentum.coaching.service import (
    patched_tracking,
    record,
    require_coaching,
    tracking_body,
)
from momentum.core import clock
from momentum.core.ids import is_id, new_id
from momentum.core.problems import NotFound
from momentum.frame.principal import Principal
from momentum.store import activity, transactions
from momentum.store.codec import Item


def create_template(principal: Principal, request: TemplateCreate) -> Template:
    require_coaching(principal)
    principal.require_admin()
    now, template_id = clock.now(), new_id()
    body = {
        "id": template_id,
        "name": request.name,
        "engagement_type": request.type,
        "description": request.description,
        "progress_tracking": tracking_body(request.progress_tracking),
        "created_at": clock.api_instant(now),
        "version": 1,
    }
    audit = {k: {"before": None, "after": body[k]} for k in ("name", "progress_tracking")}
    transactions.write(
        [
            transactions.put_new(repository.template_item(principal.org_id, body)),
            record(
                principal,
                template_id,
                "engagement_template",
                "engagement_template_created",
                now,
                audit,
            ),
        ]
    )
    return views.template_view(body)


def template_or_404(principal: Principal, template_id: str) -> Item:
    item = repository.template(principal.org_id, template_id) if is_id(template_id) else None
    if item is None:
        raise NotFound("Engagement template not found.")
    return item


def get_template(principal: Principal, template_id: str) -> Template:
    require_coaching(principal)
    return views.template_view(template_or_404(principal, template_id))


def list_templates(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[Template], str | None]:
    require_coaching(principal)
    items, next_cursor = repository.templates_page(principal.org_id, limit, cursor)
    return [views.template_view(i) for i in items], next_cursor


def patch_template(principal: Principal, template_id: str, patch: TemplatePatch) -> Template:
    """Launched engagements keep the settings they were launched with."""
    require_coaching(principal)
    principal.require_admin()
    current = template_or_404(principal, template_id)
    changes = patch.model_dump(exclude_none=True, exclude={"progress_tracking"})
    if patch.progress_tracking is not None:
        changes["progress_tracking"] = patched_tracking(
            current["progress_tracking"], patch.progress_tracking
        )
    updated = {**current, **changes}
    audit = activity.changed_fields(current, changes)
    transactions.write(
        [
            transactions.put_versioned(updated, current.get("version", 1)),
            record(
                principal,
                template_id,
                "engagement_template",
                "engagement_template_updated",
                clock.now(),
                audit,
            ),
        ]
    )
    updated["version"] = current.get("version", 1) + 1
    return views.template_view(updated)
