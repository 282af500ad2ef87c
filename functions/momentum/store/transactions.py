"""Writes: several ops as one TransactWriteItems (all of them or none), or one op as a
single conditional write.

Each operation carries the domain error to raise if its own condition fails, so a
cancelled transaction says *which* rule was broken ("a series already exists for this
pair"), not just that something was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from botocore.exceptions import ClientError

from momentum.core import aws
from momentum.core.problems import Conflict, Problem
from momentum.store.codec import Item, deserialize, serialize, serialize_value
from momentum.store.table import table_name

MAX_TRANSACTION_ITEMS = 100


def _stale() -> Problem:
    return Conflict("The item changed since it was read; reload and try again.")


class Op(msgspec.Struct):
    kind: str  # Put | Update | Delete | ConditionCheck
    params: dict[str, Any]
    on_condition_failed: Callable[[], Problem] = _stale

    def request(self) -> dict[str, Any]:
        return {self.kind: {"TableName": table_name(), **self.params}}


def _expression_params(
    condition: str | None, names: dict[str, str] | None, values: dict[str, Any] | None
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if condition:
        params["ConditionExpression"] = condition
    if names:
        params["ExpressionAttributeNames"] = names
    if values:
        params["ExpressionAttributeValues"] = {k: serialize_value(v) for k, v in values.items()}
    return params


def put(
    item: Item,
    *,
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    on_condition_failed: Callable[[], Problem] = _stale,
) -> Op:
    return Op(
        "Put",
        {"Item": serialize(item), **_expression_params(condition, names, values)},
        on_condition_failed,
    )


def put_new(item: Item, *, on_condition_failed: Callable[[], Problem] = _stale) -> Op:
    """Put that fails if an item with the same key exists (uniqueness markers, creates)."""
    return put(item, condition="attribute_not_exists(pk)", on_condition_failed=on_condition_failed)


def put_versioned(
    item: Item, expected_version: int, *, on_condition_failed: Callable[[], Problem] = _stale
) -> Op:
    """Replace an item only if nobody wrote it since `expected_version` was read."""
    item = {**item, "version": expected_version + 1}
    return put(
        item,
        condition="#version = :expected",
        names={"#version": "version"},
        values={":expected": expected_version},
        on_condition_failed=on_condition_failed,
    )


def update(
    key: dict[str, str],
    expression: str,
    *,
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    on_condition_failed: Callable[[], Problem] = _stale,
) -> Op:
    return Op(
        "Update",
        {
            "Key": serialize(key),
            "UpdateExpression": expression,
            **_expression_params(condition, names, values),
        },
        on_condition_failed,
    )


def delete(
    key: dict[str, str],
    *,
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    on_condition_failed: Callable[[], Problem] = _stale,
) -> Op:
    return Op(
        "Delete",
        {"Key": serialize(key), **_expression_params(condition, names, values)},
        on_condition_failed,
    )


def check(
    key: dict[str, str],
    condition: str,
    *,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    on_condition_failed: Callable[[], Problem] = _stale,
) -> Op:
    return Op(
        "ConditionCheck",
        {"Key": serialize(key), **_expression_params(condition, names, values)},
        on_condition_failed,
    )


def write(ops: Sequence[Op], *, token: str | None = None) -> None:
    """Apply every op or none, in one round trip; a failed condition raises its error."""
    if not ops:
        return
    if len(ops) == 1 and ops[0].kind in _SINGLE_WRITE and token is None:
        _write_one(ops[0])
        return
    if len(ops) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"{len(ops)} operations exceed one transaction")
    params: dict[str, Any] = {"TransactItems": [op.request() for op in ops]}
    if token:
        params["ClientRequestToken"] = token
    try:
        aws.dynamodb().transact_write_items(**params)
    except ClientError as error:
        raise _domain_error(error, ops) from error


# A lone write needs no transaction: a plain conditional write is atomic, and costs half.
_SINGLE_WRITE = {"Put": "put_item", "Update": "update_item", "Delete": "delete_item"}
CONFLICT_ATTEMPTS = 5


def _write_one(op: Op) -> None:
    try:
        getattr(aws.dynamodb(), _SINGLE_WRITE[op.kind])(TableName=table_name(), **op.params)
    except ClientError as error:
        raise _domain_error(error, [op]) from error


def write_if(op: Op) -> bool:
    """One conditional write (Put, Update or Delete); False when its condition did not
    hold, for claims and re-arms where losing the race is an answer, not an error."""
    return _attempt(op) is not None


def update_returning(
    key: dict[str, str],
    expression: str,
    *,
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    returning: str = "ALL_NEW",
    wire: bool = False,
) -> Item | None:
    """One conditional UpdateItem; the item as written (`returning="ALL_OLD"`: as it was,
    {} if it did not exist), or None when the condition failed. `wire` keeps DynamoDB's
    attribute values as sent (numbers as exact decimal strings, for sums added with ADD)."""
    op = update(key, expression, condition=condition, names=names, values=values)
    return _attempt(op, returning=returning, wire=wire)


def delete_returning(
    key: dict[str, str],
    *,
    condition: str | None = None,
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Item | None:
    """One DeleteItem; the item as it was, or None when the condition failed (or there
    was nothing to delete): read-and-consume in one step."""
    op = delete(key, condition=condition, names=names, values=values)
    return _attempt(op, returning="ALL_OLD") or None


def _attempt(op: Op, *, returning: str | None = None, wire: bool = False) -> Item | None:
    """A single write; None if its condition failed, else the returned attributes ({}).
    A write refused because a transaction holds the item was not applied, so it is
    retried (briefly): an ADD is never counted twice."""
    params = {**op.params, "ReturnValues": returning} if returning else op.params
    write = getattr(aws.dynamodb(), _SINGLE_WRITE[op.kind])
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            answer = write(TableName=table_name(), **params)
            break
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                return None
            if code != "TransactionConflictException" or attempt == CONFLICT_ATTEMPTS - 1:
                raise
            time.sleep(0.01 * 2**attempt)
    raw = answer.get("Attributes") or {}
    return raw if wire else deserialize(raw)


def _domain_error(error: ClientError, ops: Sequence[Op]) -> Exception:
    code = str(error.response.get("Error", {}).get("Code", ""))
    if code == "TransactionCanceledException":
        reasons: list[dict[str, Any]] = list(error.response.get("CancellationReasons") or [])
        for op, reason in zip(ops, reasons, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed":
                return op.on_condition_failed()
        if any(reason.get("Code") == "TransactionConflict" for reason in reasons):
            return Conflict("Another change to the same items was in progress; try again.")
        # Some emulators omit per-item reasons; name the only condition if there is one.
        message = error.response.get("Error", {}).get("Message", "")
        if "ConditionalCheckFailed" in message:
            conditioned = [op for op in ops if "ConditionExpression" in op.params]
            return conditioned[0].on_condition_failed() if len(conditioned) == 1 else _stale()
    if code == "ConditionalCheckFailedException":
        return ops[0].on_condition_failed()
    unknown: Exception = error  # not a rule we know: re-raised as it came
    return unknown
