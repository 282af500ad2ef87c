"""A user's SCIM document: checked and normalised on the way in, projected on the way out,
and read for the Momentum user fields it determines (email, name, status, manager)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from momentum.scim.errors import ScimError, invalid_value
from momentum.scim.schema import (
    ENTERPRISE_ATTRIBUTES,
    ENTERPRISE_SCHEMA,
    USER_ATTRIBUTES,
    USER_SCHEMA,
    USER_SHAPE,
    sub_names,
)

CORE = USER_SHAPE.core_names
EXTENSION = USER_SHAPE.extension_names

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 500
BOOLEAN = {"active", "primary"}


def _text(name: str, value: Any) -> str:
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    raise invalid_value(f"'{name}' must be a string of at most {MAX_TEXT} characters.")


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):  # Entra sends "False"
        return value.lower() == "true"
    raise invalid_value(f"'{name}' must be a boolean.")


def _simple(name: str, value: Any) -> Any:
    return _boolean(name, value) if name in BOOLEAN else _text(name, value)


def _complex(declared: list[dict[str, Any]], name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_value(f"'{name}' must be an object.")
    subs = sub_names(declared, name)
    return {
        subs[key.lower()]: _simple(subs[key.lower()], sub)
        for key, sub in value.items()
        if key.lower() in subs and sub is not None
    }


def _attributes(
    declared: list[dict[str, Any]], names: dict[str, str], raw: dict[str, Any]
) -> dict[str, Any]:
    kinds = {a["name"]: a for a in declared}
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        name = names.get(key.lower())
        if name is None or value is None:
            continue  # attributes Momentum does not keep are ignored (RFC 7644 §3.3)
        attribute = kinds.get(name)
        if attribute is None:  # externalId: a common attribute, not in the schema
            clean[name] = _text(name, value)
        elif attribute["multiValued"]:
            if not isinstance(value, list):
                raise invalid_value(f"'{name}' must be a list.")
            clean[name] = [_complex(declared, name, element) for element in value]
        elif attribute["type"] == "complex":
            clean[name] = _complex(declared, name, value)
        else:
            clean[name] = _simple(name, value)
        if clean[name] in ({}, []):
            clean.pop(name)
    return clean


def normalise(raw: Any) -> dict[str, Any]:
    """The document Momentum keeps for a SCIM User body (POST, PUT, or after a PATCH)."""
    if not isinstance(raw, dict):
        raise ScimError(400, "The body must be a SCIM User object.", "invalidSyntax")
    document = _attributes(USER_ATTRIBUTES, CORE, raw)
    extension = next((v for k, v in raw.items() if k.lower() == ENTERPRISE_SCHEMA.lower()), None)
    if extension is not None:
        if not isinstance(extension, dict):
            raise invalid_value("The enterprise extension must be an object.")
        kept = _attributes(ENTERPRISE_ATTRIBUTES, EXTENSION, extension)
        if kept:
            document[ENTERPRISE_SCHEMA] = kept
    if not str(document.get("userName", "")).strip():
        raise invalid_value("'userName' is required.")
    emails = document.get("emails") or []
    primaries = [e for e in emails if e.get("primary")]
    if len(primaries) > 1:
        raise invalid_value("At most one email may be primary.")
    return document


def _address(document: dict[str, Any]) -> str | None:
    emails = document.get("emails") or []
    chosen = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    address = str((chosen or {}).get("value") or document["userName"])
    return address.lower() if EMAIL.match(address) and len(address) <= 254 else None


def email_of(document: dict[str, Any]) -> str:
    """The user's Momentum email. A person provisioned without any address is kept as an
    internal record (they cannot sign in) under the reserved `.test` domain (RFC 6761: no
    mail reaches it; the API's email rule accepts it, `.invalid` it refuses), so the org
    chart is complete even before the directory knows their mailbox."""
    address = _address(document)
    if address is not None:
        return address
    digest = hashlib.sha256(str(document["userName"]).lower().encode()).hexdigest()[:24]
    return f"scim-{digest}@no-email.test"


def name_of(document: dict[str, Any]) -> str:
    name = document.get("name") or {}
    given = " ".join(p for p in (name.get("givenName"), name.get("familyName")) if p)
    chosen = document.get("displayName") or name.get("formatted") or given or document["userName"]
    return str(chosen).strip()[:200] or str(document["userName"])[:200]


def status_of(document: dict[str, Any]) -> str:
    if document.get("active") is False:
        return "inactive"
    return "active" if _address(document) is not None else "internal_record"


def manager_reference(document: dict[str, Any]) -> str | None:
    manager = (document.get(ENTERPRISE_SCHEMA) or {}).get("manager") or {}
    value = manager.get("value")
    return str(value) if value else None


def representation(
    record: dict[str, Any], base_url: str, groups: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    document = {**record["document"], **({"groups": groups} if groups else {})}
    location = f"{base_url}/Users/{record['user_id']}"
    schemas = [USER_SCHEMA] + ([ENTERPRISE_SCHEMA] if ENTERPRISE_SCHEMA in document else [])
    return {
        "schemas": schemas,
        "id": record["user_id"],
        **document,
        "meta": {
            "resourceType": "User",
            "created": record["created_at"],
            "lastModified": record["modified_at"],
            "location": location,
            "version": etag(record),
        },
    }


def etag(record: dict[str, Any]) -> str:
    return f'W/"{record["version"]}"'


def project(resource: dict[str, Any], attributes: list[str], excluded: list[str]) -> dict[str, Any]:
    """`attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5); id and schemas always stay."""

    def wanted(name: str, names: list[str]) -> bool:
        lowered = name.lower()
        return any(
            n.lower() == lowered
            or n.lower().startswith(lowered + ".")
            or n.lower().startswith(lowered + ":")
            for n in names
        )

    always = {"id", "schemas"}
    if attributes:
        kept = {
            k: v
            for k, v in resource.items()
            if k in always
            or wanted(k, attributes)
            or (k == ENTERPRISE_SCHEMA and any(a.lower().startswith(k.lower()) for a in attributes))
        }
        if ENTERPRISE_SCHEMA in kept and isinstance(kept[ENTERPRISE_SCHEMA], dict):
            prefix = ENTERPRISE_SCHEMA.lower() + ":"
            inner = [a[len(prefix) :] for a in attributes if a.lower().startswith(prefix)]
            if inner:
                kept[ENTERPRISE_SCHEMA] = {
                    k: v for k, v in kept[ENTERPRISE_SCHEMA].items() if wanted(k, inner)
                }
        return kept
    if excluded:
        return {
            k: v
            for k, v in resource.items()
            if k in always or not any(n.lower() == k.lower() for n in excluded)
        }
    return resource
