"""SCIM filters and PATCH, pure: what Okta and Entra ID send, applied to documents."""

from __future__ import annotations

from typing import Any

import pytest

from momentum.scim import filters, patch
from momentum.scim.errors import ScimError
from momentum.scim.schema import ENTERPRISE_SCHEMA, GROUP_SHAPE, PATCH_SCHEMA, USER_SHAPE

ANA: dict[str, Any] = {
    "userName": "Ana@Acme.test",
    "externalId": "00u-ana",
    "active": True,
    "emails": [{"value": "ana@acme.test", "type": "work", "primary": True}],
    ENTERPRISE_SCHEMA: {"department": "Sales", "manager": {"value": "00u-max"}},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('userName eq "ana@acme.test"', True),  # userName is case-insensitive
        ('externalId eq "00U-ANA"', False),  # externalId is case-exact
        ('emails.value eq "ana@acme.test" and active eq true', True),
        ('emails[type eq "work" and value co "@acme"]', True),
        ('userName eq "bob@acme.test" or externalId eq "00u-ana"', True),
        (f'{ENTERPRISE_SCHEMA}:department eq "Sales"', True),
        ('manager.value eq "00u-max"', True),
        ("title pr", False),
        ("not (active eq true)", False),
        ('userName sw "ana" and not (externalId eq "x")', True),
    ],
)
def test_filters_match_documents(text: str, expected: bool) -> None:
    assert filters.matches(filters.parse(text), ANA) is expected


def test_look_ups_pin_indexed_attributes_only() -> None:
    assert filters.look_ups(filters.parse('userName eq "a" and active eq true')) == [
        ("userName", "a")
    ]
    pair = filters.look_ups(filters.parse('externalId eq "x" or userName eq "y"'))
    assert pair == [("externalId", "x"), ("userName", "y")]
    assert filters.look_ups(filters.parse('userName eq "a" or active eq true')) is None


def test_a_broken_filter_is_a_scim_400() -> None:
    with pytest.raises(ScimError) as raised:
        filters.parse("userName eq")
    assert (raised.value.status, raised.value.scim_type) == (400, "invalidFilter")


def _patch(shape: Any, document: dict[str, Any], *ops: dict[str, Any]) -> dict[str, Any]:
    return patch.apply(shape, document, {"schemas": [PATCH_SCHEMA], "Operations": list(ops)})


def test_okta_and_entra_patches() -> None:
    doc = _patch(USER_SHAPE, {"userName": "a"}, {"op": "replace", "value": {"active": False}})
    assert doc["active"] is False
    doc = _patch(
        USER_SHAPE,
        doc,
        {"op": "Replace", "path": f"{ENTERPRISE_SCHEMA}:manager", "value": "00u-max"},
    )
    assert doc[ENTERPRISE_SCHEMA]["manager"] == {"value": "00u-max"}
    doc = _patch(
        USER_SHAPE,
        doc,
        {"op": "add", "path": "emails", "value": [{"value": "a@x.test", "type": "work"}]},
    )
    doc = _patch(
        USER_SHAPE,
        doc,
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "b@x.test"},
    )
    assert doc["emails"] == [{"value": "b@x.test", "type": "work"}]
    doc = _patch(
        USER_SHAPE,
        doc,
        {
            "op": "remove",
            "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        },
    )
    assert ENTERPRISE_SCHEMA not in doc
    group = _patch(
        GROUP_SHAPE,
        {"displayName": "G", "members": [{"value": "1"}, {"value": "2"}]},
        {"op": "Remove", "path": "members", "value": [{"value": "1"}]},
    )
    assert group["members"] == [{"value": "2"}]


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "path": "id", "value": "x"},
        {"op": "replace", "path": "groups", "value": []},
        {"op": "add", "path": "nickName", "value": "x"},
        {"op": "remove"},
        {"op": "move", "path": "userName"},
    ],
)
def test_bad_patches_are_scim_400s(operation: dict[str, Any]) -> None:
    with pytest.raises(ScimError) as raised:
        _patch(USER_SHAPE, {"userName": "a"}, operation)
    assert raised.value.status == 400
