"""The store's attribute-value codec speaks the same wire format as boto3's serializers.

The functions do not import boto3 (a cold-start cost), so the store encodes DynamoDB
attribute values itself; these properties hold it to boto3's TypeSerializer and
TypeDeserializer on generated items, and to the store's own conversions on top.
"""

from __future__ import annotations

from decimal import Decimal, DecimalException
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from momentum.store import codec

BOTO3_SERIALIZER, BOTO3_DESERIALIZER = TypeSerializer(), TypeDeserializer()

numbers = st.integers(min_value=-(10**37), max_value=10**37) | st.decimals(
    allow_nan=False, allow_infinity=False, places=6, min_value=-(10**20), max_value=10**20
)
scalars = st.none() | st.booleans() | st.text() | numbers | st.binary(max_size=32)
values = st.recursive(
    scalars
    | st.sets(st.text(), min_size=1, max_size=4)
    | st.sets(st.integers(), min_size=1, max_size=4)
    | st.sets(st.binary(min_size=1, max_size=8), min_size=1, max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _sets_sorted(attribute: Any) -> Any:
    """Sets have no order on the wire: compare their members sorted."""
    if isinstance(attribute, dict):
        return {
            k: sorted(v) if k in ("SS", "NS", "BS") else _sets_sorted(v)
            for k, v in attribute.items()
        }
    if isinstance(attribute, list):
        return [_sets_sorted(v) for v in attribute]
    return attribute


def _boto3_wire(attribute: Any) -> Any:
    """boto3 wraps binary values in Binary; on the wire both are bytes."""
    if isinstance(attribute, Binary):
        return attribute.value
    if isinstance(attribute, dict):
        return {k: _boto3_wire(v) for k, v in attribute.items()}
    if isinstance(attribute, list):
        return [_boto3_wire(v) for v in attribute]
    return attribute


@given(values)
def test_values_are_written_as_boto3_writes_them(value: Any) -> None:
    ours = codec.serialize_value(value)
    assert _sets_sorted(ours) == _sets_sorted(_boto3_wire(BOTO3_SERIALIZER.serialize(value)))


def _as_store_reads(value: Any) -> Any:
    """boto3's reading, then the store's own conversions: int or float, sets as lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Binary):
        return value.value
    if isinstance(value, set):
        return sorted(_as_store_reads(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_store_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_store_reads(v) for v in value]
    return value


def _lists_of_sets_sorted(read: Any, attribute: dict[str, Any]) -> Any:
    ((kind, inner),) = attribute.items()
    if kind in ("SS", "NS", "BS"):
        return sorted(read)
    if kind == "M":
        return {k: _lists_of_sets_sorted(read[k], v) for k, v in inner.items()}
    if kind == "L":
        return [_lists_of_sets_sorted(r, v) for r, v in zip(read, inner, strict=True)]
    return read


@given(values)
def test_values_read_back_as_boto3_reads_them_with_the_stores_conversions(value: Any) -> None:
    wire = codec.serialize_value(value)
    ours = _lists_of_sets_sorted(codec.deserialize_value(wire), wire)
    assert ours == _as_store_reads(BOTO3_DESERIALIZER.deserialize(wire))


# Progress, targets and weights: magnitudes a person types (beyond 2**53 an integral float
# would read back as the int it equals only approximately; below 1e-128 DynamoDB has none).
typed_floats = st.floats(min_value=-1e12, max_value=1e12).filter(lambda f: f == 0 or abs(f) > 1e-12)


@given(typed_floats)
def test_a_float_is_stored_as_the_decimal_it_prints_as(value: float) -> None:
    assert codec.serialize_value(value) == {"N": str(Decimal(repr(value)))}
    assert codec.deserialize_value(codec.serialize_value(value)) == value


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (float("nan"), TypeError),
        (float("inf"), TypeError),
        (Decimal("Infinity"), TypeError),
        (10**40 + 1, DecimalException),  # 41 digits: DynamoDB keeps 38 and would refuse it
        (set(), ValueError),
        ({1, "a"}, TypeError),
        (object(), TypeError),
    ],
)
def test_what_dynamodb_cannot_store_is_refused_before_it_is_sent(value: Any, error: type) -> None:
    with pytest.raises(error):
        codec.serialize_value(value)


def test_an_item_round_trips_with_binary_as_bytes() -> None:
    item = {"PK": "ORG#1", "n": 3, "ratio": 0.25, "blob": b"\x00\x01", "tags": ["a"], "gone": None}
    assert codec.deserialize(codec.serialize(item)) == item
