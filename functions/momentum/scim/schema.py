"""What Momentum's SCIM service offers: the attribute schemas, resource types and the
service provider configuration, as the discovery endpoints answer them.

Only attributes Momentum keeps are declared, so an identity provider (and scim2-tester)
never writes an attribute that would be silently dropped.
"""

from __future__ import annotations

from typing import Any

import msgspec

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
MAX_RESULTS = 200


def _attribute(name: str, kind: str = "string", **overrides: Any) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": False,
        "description": name,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    }
    if kind == "reference":
        attribute["referenceTypes"] = overrides.pop("reference_types", ["external"])
    attribute.update(overrides)
    return attribute


def _complex(name: str, sub: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return _attribute(name, "complex", subAttributes=sub, **overrides)


USER_ATTRIBUTES: list[dict[str, Any]] = [
    _attribute("userName", required=True, uniqueness="server", description="The sign-in name"),
    _complex(
        "name",
        [_attribute("formatted"), _attribute("familyName"), _attribute("givenName")],
    ),
    _attribute("displayName", description="The name Momentum shows"),
    _complex(
        "emails",
        [
            _attribute("value"),
            _attribute("type", canonicalValues=["work", "home", "other"]),
            _attribute("primary", "boolean"),
        ],
        multiValued=True,
    ),
    _attribute("active", "boolean", description="False deactivates the Momentum user"),
]

ENTERPRISE_ATTRIBUTES: list[dict[str, Any]] = [
    _attribute("employeeNumber"),
    _attribute("department"),
    _complex(
        "manager",
        [
            _attribute("value", description="The manager's SCIM id or externalId"),
            _attribute("$ref", "reference", reference_types=["User"]),
        ],
    ),
]


def _schema(schema_id: str, name: str, attributes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": schema_id,
        "name": name,
        "description": name,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": f"/Schemas/{schema_id}"},
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    USER_SCHEMA: _schema(USER_SCHEMA, "User", USER_ATTRIBUTES),
    ENTERPRISE_SCHEMA: _schema(ENTERPRISE_SCHEMA, "EnterpriseUser", ENTERPRISE_ATTRIBUTES),
}

RESOURCE_TYPES: dict[str, dict[str, Any]] = {
    "User": {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "description": "A person of the organisation",
        "endpoint": "/Users",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": False}],
        "meta": {"resourceType": "ResourceType", "location": "/ResourceTypes/User"},
    },
}

SERVICE_PROVIDER_CONFIG: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    "documentationUri": "https://momentum.example/docs/scim",
    "patch": {"supported": True},
    "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
    "filter": {"supported": True, "maxResults": MAX_RESULTS},
    "changePassword": {"supported": False},
    "sort": {"supported": False},
    "etag": {"supported": True},
    "authenticationSchemes": [
        {
            "type": "oauthbearertoken",
            "name": "SCIM bearer token",
            "description": "A token an organisation admin creates at /v1/org/scim-tokens",
            "primary": True,
        }
    ],
    "meta": {"resourceType": "ServiceProviderConfig", "location": "/ServiceProviderConfig"},
}


def canonical_names(attributes: list[dict[str, Any]]) -> dict[str, str]:
    """Lower-cased name -> declared name (SCIM attribute names are case-insensitive)."""
    return {attribute["name"].lower(): attribute["name"] for attribute in attributes}


def sub_names(attributes: list[dict[str, Any]], name: str) -> dict[str, str]:
    for attribute in attributes:
        if attribute["name"] == name:
            return canonical_names(attribute.get("subAttributes") or [])
    return {}


def is_multi_valued(attributes: list[dict[str, Any]], name: str) -> bool:
    return any(a["name"] == name and a["multiValued"] for a in attributes)


GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"

GROUP_ATTRIBUTES: list[dict[str, Any]] = [
    _attribute("displayName", required=True, uniqueness="server", description="The group name"),
    _complex(
        "members",
        [
            _attribute("value", mutability="immutable", description="A member user's id"),
            _attribute("$ref", "reference", reference_types=["User"], mutability="immutable"),
        ],
        multiValued=True,
    ),
]

USER_ATTRIBUTES.append(
    _complex(
        "groups",
        [
            _attribute("value", mutability="readOnly"),
            _attribute("$ref", "reference", reference_types=["Group"], mutability="readOnly"),
            _attribute("display", mutability="readOnly"),
        ],
        multiValued=True,
        mutability="readOnly",
        description="The directory groups the user is a member of",
    )
)

SCHEMAS[GROUP_SCHEMA] = _schema(GROUP_SCHEMA, "Group", GROUP_ATTRIBUTES)
RESOURCE_TYPES["Group"] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    "id": "Group",
    "name": "Group",
    "description": "A directory group (team, department) pushed by the identity provider",
    "endpoint": "/Groups",
    "schema": GROUP_SCHEMA,
    "schemaExtensions": [],
    "meta": {"resourceType": "ResourceType", "location": "/ResourceTypes/Group"},
}


class Shape(msgspec.Struct, frozen=True):
    """A resource type's attributes, as PATCH and validation walk them."""

    attributes: list[dict[str, Any]]
    extension: str | None = None
    extension_attributes: list[dict[str, Any]] = msgspec.field(default_factory=list)
    read_only: frozenset[str] = frozenset({"id", "meta", "schemas"})

    @property
    def core_names(self) -> dict[str, str]:
        writable = [a for a in self.attributes if a["mutability"] != "readOnly"]
        return {**canonical_names(writable), "externalid": "externalId"}

    @property
    def extension_names(self) -> dict[str, str]:
        return canonical_names(self.extension_attributes)


USER_SHAPE = Shape(
    USER_ATTRIBUTES,
    ENTERPRISE_SCHEMA,
    ENTERPRISE_ATTRIBUTES,
    frozenset({"id", "meta", "schemas", "groups"}),
)
GROUP_SHAPE = Shape(GROUP_ATTRIBUTES)
