"""SCIM Users: every change goes through identity's own use cases (the Cognito user,
the manager chain, deactivation), acting as the org's SCIM token, then the SCIM record.

Identity writes the Momentum user first and the SCIM record follows; if the second write
never happens, a retried POST finds the user by email and adopts it, so an identity
provider's retry heals the gap instead of failing on a duplicate email.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from momentum.core import clock
from momentum.core.ids import is_id
from momentum.core.problems import Conflict, Problem
from momentum.frame.principal import Principal
from momentum.identity import members
from momentum.identity import service as identity
from momentum.identity.models import UserCreate, UserPatch
from momentum.scim import documents, filters, repository
from momentum.scim.errors import ScimError, from_problem
from momentum.scim.schema import USER_SHAPE
from momentum.scim.tokens import ScimCaller
from momentum.store import transactions
from momentum.store.codec import Item

logger = Logger(service="momentum")


def acting_principal(caller: ScimCaller) -> Principal:
    """The SCIM token acting with an admin's rights, named as itself in activity entries."""
    return Principal(
        org_id=caller.org_id,
        user_id=caller.actor_id,
        name=f"SCIM: {caller.description}",
        email="",
        roles=frozenset({"admin"}),
        status="active",
        time_zone="UTC",
    )


def _not_found() -> ScimError:
    return ScimError(404, "User not found.")


def _record_or_404(caller: ScimCaller, user_id: str) -> Item:
    found = repository.record(caller.org_id, user_id) if is_id(user_id) else None
    if found is None:
        raise _not_found()
    return found


def _check_version(record: Item, if_match: str | None) -> None:
    if if_match and if_match.strip() != "*" and if_match.strip() != documents.etag(record):
        raise ScimError(412, "The user changed since this version was read.")


def _resolve_manager(caller: ScimCaller, reference: str | None) -> str | None:
    """A manager reference (a SCIM id or an externalId) as a Momentum user id, if known."""
    if reference is None:
        return None
    if is_id(reference) and identity.user_item(caller.org_id, reference) is not None:
        return reference
    return repository.by_external_id(caller.org_id, reference)


def _sync_user(caller: ScimCaller, user_id: str | None, document: dict[str, Any]) -> str:
    """Create or update the Momentum user the document describes; its id."""
    principal = acting_principal(caller)
    reference = documents.manager_reference(document)
    manager_id = _resolve_manager(caller, reference)
    if manager_id == user_id and user_id is not None:
        raise ScimError(400, "A user cannot be their own manager.", "invalidValue")
    fields = {
        "name": documents.name_of(document),
        "status": documents.status_of(document),
        "manager_id": manager_id,
    }
    try:
        if user_id is None:
            email = documents.email_of(document)
            known, _ = identity.list_users(principal, email, 1, None)
            if known and repository.record(caller.org_id, known[0].id) is None:
                user_id = known[0].id  # created in Momentum before SCIM: adopted
            elif known:
                raise ScimError(409, "A user with this email is already provisioned.", "uniqueness")
            else:
                return members.create_user(principal, UserCreate(email=email, **fields)).id
        current = identity.user_item(caller.org_id, user_id) or {}
        changed = {k: v for k, v in fields.items() if current.get(k) != v}
        if changed:
            members.patch_user(principal, user_id, UserPatch(**changed))
    except Problem as problem:
        raise from_problem(problem) from problem
    return user_id


def _awaiting_ops(
    caller: ScimCaller, user_id: str, document: dict[str, Any]
) -> list[transactions.Op]:
    reference = documents.manager_reference(document)
    if reference is None or _resolve_manager(caller, reference) is not None:
        return []
    item = {
        **repository.awaiting_key(caller.org_id, reference, user_id),
        "type": "scim_awaiting_manager",
        "user_id": user_id,
    }
    return [transactions.put(item)]


def _resolve_waiting_reports(caller: ScimCaller, manager_id: str, document: dict[str, Any]) -> None:
    """Reports provisioned before this manager now get their manager (and chain)."""
    references = [manager_id] + ([document["externalId"]] if document.get("externalId") else [])
    principal = acting_principal(caller)
    for reference in references:
        for waiting in repository.awaiting(caller.org_id, reference):
            report = repository.record(caller.org_id, waiting["user_id"])
            still_wanted = report and documents.manager_reference(report["document"]) == reference
            if still_wanted and waiting["user_id"] != manager_id:
                try:
                    members.patch_user(
                        principal, waiting["user_id"], UserPatch(manager_id=manager_id)
                    )
                except Problem:  # e.g. a cycle: the report keeps waiting, this user stays
                    logger.warning("waiting report not placed", extra={"user": waiting["user_id"]})
                    continue
            transactions.write(
                [
                    transactions.delete(
                        repository.awaiting_key(caller.org_id, reference, waiting["user_id"])
                    )
                ]
            )


def _save(
    caller: ScimCaller, user_id: str, before: Item | None, document: dict[str, Any], action: str
) -> Item:
    now = clock.api_instant(clock.now())
    record = {
        **repository.record_key(caller.org_id, user_id),
        "type": "scim_user",
        "user_id": user_id,
        "document": document,
        "version": (before or {}).get("version", 0) + 1,
        "created_at": (before or {}).get("created_at", now),
        "modified_at": now,
    }
    write = (
        transactions.put_versioned(record, before["version"])
        if before
        else transactions.put_new(
            record,
            on_condition_failed=lambda: Conflict("This user is already provisioned."),
        )
    )
    old_reference = documents.manager_reference((before or {}).get("document") or {})
    ops = [
        write,
        *repository.marker_changes(
            caller.org_id, user_id, (before or {}).get("document") or {}, document
        ),
        *_awaiting_ops(caller, user_id, document),
        caller.activity("user", user_id, action, f"SCIM token '{caller.description}'"),
    ]
    if old_reference and old_reference != documents.manager_reference(document):
        ops.append(
            transactions.delete(repository.awaiting_key(caller.org_id, old_reference, user_id))
        )
    transactions.write(ops)
    record["version"] = (before or {}).get("version", 0) + 1
    return record


def create(caller: ScimCaller, body: Any) -> Item:
    document = documents.normalise(body)
    if repository.by_user_name(caller.org_id, document["userName"]):
        raise ScimError(409, "Another user already has this userName.", "uniqueness")
    if document.get("externalId") and repository.by_external_id(
        caller.org_id, document["externalId"]
    ):
        raise ScimError(409, "Another user already has this externalId.", "uniqueness")
    user_id = _sync_user(caller, None, document)
    record = _save(caller, user_id, None, document, "scim_user_provisioned")
    _resolve_waiting_reports(caller, user_id, document)
    return record


def get(caller: ScimCaller, user_id: str) -> Item:
    return _record_or_404(caller, user_id)


def replace(caller: ScimCaller, user_id: str, body: Any, if_match: str | None) -> Item:
    before = _record_or_404(caller, user_id)
    _check_version(before, if_match)
    document = documents.normalise(body)
    return _update(caller, before, document)


def modify(caller: ScimCaller, user_id: str, body: Any, if_match: str | None) -> Item:
    from momentum.scim import patch

    before = _record_or_404(caller, user_id)
    _check_version(before, if_match)
    document = documents.normalise(patch.apply(USER_SHAPE, _copy(before["document"]), body))
    return _update(caller, before, document)


def _copy(document: dict[str, Any]) -> dict[str, Any]:
    import copy

    return copy.deepcopy(document)


def _update(caller: ScimCaller, before: Item, document: dict[str, Any]) -> Item:
    user_id = before["user_id"]
    _sync_user(caller, user_id, document)
    record = _save(caller, user_id, before, document, "scim_user_updated")
    if before["document"].get("externalId") != document.get("externalId"):
        _resolve_waiting_reports(caller, user_id, document)
    return record


def delete(caller: ScimCaller, user_id: str, if_match: str | None) -> None:
    """The identity provider let go of this person: deactivated in Momentum (their goals,
    1:1s and history stay), and the SCIM resource is gone."""
    before = _record_or_404(caller, user_id)
    _check_version(before, if_match)
    try:
        members.patch_user(acting_principal(caller), user_id, UserPatch(status="inactive"))
    except Problem as problem:
        raise from_problem(problem) from problem
    from momentum.scim import groups

    groups.leave_all(caller.org_id, user_id)
    reference = documents.manager_reference(before["document"])
    transactions.write(
        [
            transactions.delete(repository.record_key(caller.org_id, user_id)),
            *repository.marker_changes(caller.org_id, user_id, before["document"], {}),
            *(
                [transactions.delete(repository.awaiting_key(caller.org_id, reference, user_id))]
                if reference
                else []
            ),
            caller.activity(
                "user", user_id, "scim_user_deprovisioned", f"SCIM token '{caller.description}'"
            ),
        ]
    )


def search(caller: ScimCaller, filter_text: str | None) -> list[Item]:
    """The records a filter selects (all of the org's when there is none), oldest first."""
    if not filter_text:
        return sorted(repository.records(caller.org_id), key=lambda r: r["user_id"])
    node = filters.parse(filter_text)
    look_ups = filters.look_ups(node)
    if look_ups is None:
        candidates = repository.records(caller.org_id)
    else:
        ids: set[str] = set()
        for attribute, value in look_ups:
            ids |= _ids_with(caller, attribute, value)
        candidates = [r for r in (repository.record(caller.org_id, i) for i in ids) if r]
    base = ""
    found = [r for r in candidates if filters.matches(node, documents.representation(r, base))]
    return sorted(found, key=lambda r: r["user_id"])


def _ids_with(caller: ScimCaller, attribute: str, value: str) -> set[str]:
    if attribute == "id":
        return {value} if is_id(value) else set()
    if attribute == "userName":
        found = repository.by_user_name(caller.org_id, value)
    else:
        found = repository.by_external_id(caller.org_id, value)
    return {found} if found else set()
