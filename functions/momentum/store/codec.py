"""Python values <-> DynamoDB attribute values, and pydantic models <-> items."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

if TYPE_CHECKING:  # the store itself stays free of pydantic (the webhook receiver is light)
    from pydantic import BaseModel

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

Item = dict[str, Any]
M = TypeVar("M", bound="BaseModel")


def _to_dynamo_number(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo_number(v) for k, v in value.items() if v is not None or k}
    if isinstance(value, list):
        return [_to_dynamo_number(v) for v in value]
    return value


def _from_dynamo_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo_number(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_dynamo_number(v) for v in value]
    return value


def serialize(item: Item) -> dict[str, Any]:
    return {k: _serializer.serialize(_to_dynamo_number(v)) for k, v in item.items()}


def serialize_value(value: Any) -> Any:
    return _serializer.serialize(_to_dynamo_number(value))


def deserialize(raw: dict[str, Any]) -> Item:
    return {k: _from_dynamo_number(_deserializer.deserialize(v)) for k, v in raw.items()}


def as_bytes(value: Any) -> bytes:
    """A binary attribute as bytes, whether read back (boto3's Binary) or as written."""
    raw: bytes = value.value if isinstance(value, Binary) else value
    return raw


def to_item(model: BaseModel, **keys: Any) -> Item:
    """The model's JSON form plus its keys; None fields are left out of the item."""
    body = model.model_dump(mode="json", exclude_none=True)
    body.update({k: v for k, v in keys.items() if v is not None})
    return body


def from_item(model: type[M], item: Item) -> M:
    return model.model_validate(item)
