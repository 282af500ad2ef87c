"""Python values <-> DynamoDB attribute values, and pydantic models <-> items.

The attribute-value codec is written here rather than taken from boto3's TypeSerializer:
boto3's package imports s3transfer and its resource layer (about 20 ms of every cold
start, `make bench`), while the functions only need botocore's client, which speaks the
wire format. It follows boto3's rules (tests/unit/test_store_codec.py checks it against
TypeSerializer and TypeDeserializer on generated values), with the conversions the store
always wanted on top: floats are written as the decimal they print as, numbers read back
as int or float, and sets read back as lists.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the store itself stays free of pydantic (the webhook receiver is light)
    from pydantic import BaseModel

Item = dict[str, Any]
M = TypeVar("M", bound="BaseModel")

# DynamoDB's number type: 38 significant digits, exponent -128..+126; nothing rounded.
NUMBERS = decimal.Context(
    Emin=-128,
    Emax=126,
    prec=38,
    traps=[decimal.Clamped, decimal.Overflow, decimal.Inexact, decimal.Rounded, decimal.Underflow],
)


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError("DynamoDB numbers cannot be infinite or NaN.")
        value = Decimal(repr(value))  # 0.1 is stored as 0.1, not as its binary expansion
    elif isinstance(value, Decimal) and not value.is_finite():
        raise TypeError("DynamoDB numbers cannot be infinite or NaN.")
    return str(NUMBERS.create_decimal(value))


def _set(values: set[Any] | frozenset[Any]) -> dict[str, Any]:
    if not values:
        raise ValueError("DynamoDB cannot store an empty set.")
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        return {"NS": [_number(v) for v in values]}
    if all(isinstance(v, str) for v in values):
        return {"SS": list(values)}
    if all(isinstance(v, bytes | bytearray) for v in values):
        return {"BS": [bytes(v) for v in values]}
    raise TypeError("A set must hold only numbers, only strings or only bytes.")


def serialize_value(value: Any) -> dict[str, Any]:
    """One Python value as a DynamoDB attribute value."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):  # before int: True is an int too
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value)}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Mapping):
        return {"M": {str(k): serialize_value(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize_value(v) for v in value]}
    if isinstance(value, set | frozenset):
        return _set(value)
    raise TypeError(f"Cannot store a {type(value).__name__} in DynamoDB.")


def _read_number(text: str) -> int | float:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def deserialize_value(attribute: Mapping[str, Any]) -> Any:
    """One DynamoDB attribute value as a Python value."""
    ((kind, value),) = attribute.items()
    if kind in ("S", "BOOL"):
        return value
    if kind == "N":
        return _read_number(value)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: deserialize_value(v) for k, v in value.items()}
    if kind == "L":
        return [deserialize_value(v) for v in value]
    if kind == "B":
        return bytes(value)
    if kind == "SS":
        return list(value)
    if kind == "NS":
        return [_read_number(v) for v in value]
    if kind == "BS":
        return [bytes(v) for v in value]
    raise TypeError(f"Unknown DynamoDB attribute type {kind}.")


def serialize(item: Item) -> dict[str, Any]:
    return {k: serialize_value(v) for k, v in item.items()}


def deserialize(raw: Mapping[str, Any]) -> Item:
    return {k: deserialize_value(v) for k, v in raw.items()}


def to_item(model: BaseModel, **keys: Any) -> Item:
    """The model's JSON form plus its keys; None fields are left out of the item."""
    body = model.model_dump(mode="json", exclude_none=True)
    body.update({k: v for k, v in keys.items() if v is not None})
    return body


def from_item(model: type[M], item: Item) -> M:
    return model.model_validate(item)
