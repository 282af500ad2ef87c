"""The table, through boto3's low-level client: reads, queries and item writes.

Round trips are what requests pay for, so every helper here is exactly one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import msgspec

from momentum.core import aws, cursors
from momentum.core.config import settings
from momentum.store.codec import Item, deserialize, serialize, serialize_value
from momentum.store.schema import GSI_DUE, Index


def table_name() -> str:
    return settings().table_name


def client() -> Any:
    """The DynamoDB client, for libraries that take one (Powertools idempotency)."""
    return aws.dynamodb()


def get(
    key: dict[str, str], *, consistent: bool = False, attributes: Sequence[str] = ()
) -> Item | None:
    """One GetItem; `attributes` reads only those (a projection)."""
    params: dict[str, Any] = {
        "TableName": table_name(),
        "Key": serialize(key),
        "ConsistentRead": consistent,
    }
    if attributes:
        params["ProjectionExpression"] = ", ".join(f"#a{i}" for i in range(len(attributes)))
        params["ExpressionAttributeNames"] = {f"#a{i}": name for i, name in enumerate(attributes)}
    raw = aws.dynamodb().get_item(**params).get("Item")
    return deserialize(raw) if raw else None


def batch_get(keys: list[dict[str, str]], *, consistent: bool = False) -> list[Item]:
    """Items by key: one round trip per 100 keys (unprocessed keys are retried).
    `consistent` reads what was just written (roll-ups recompute from it)."""
    found: list[Item] = []
    for start in range(0, len(keys), 100):
        chunk = keys[start : start + 100]
        wanted: dict[str, Any] = {"Keys": [serialize(k) for k in chunk]}
        if consistent:
            wanted["ConsistentRead"] = True
        request: dict[str, Any] = {table_name(): wanted}
        while request:
            answer = aws.dynamodb().batch_get_item(RequestItems=request)
            found += [deserialize(raw) for raw in answer["Responses"].get(table_name(), [])]
            request = answer.get("UnprocessedKeys") or {}
    return found


class Page(msgspec.Struct):
    items: list[Item]
    last_key: dict[str, Any] | None


def query(
    pk: str,
    *,
    index: Index | None = None,
    sk_prefix: str | None = None,
    sk_between: tuple[str, str] | None = None,
    sk_at_most: str | None = None,
    newest_first: bool = False,
    limit: int | None = None,
    start_key: dict[str, Any] | None = None,
    filter_expression: str | None = None,
    filter_values: dict[str, Any] | None = None,
    filter_names: dict[str, str] | None = None,
    consistent: bool = False,
) -> Page:
    """One Query round trip on the table or an index (consistent reads: table only)."""
    pk_name = index.partition_key if index else "pk"
    sk_name = index.sort_key if index else "sk"
    condition = "#pk = :pk"
    names = {"#pk": pk_name}
    values: dict[str, Any] = {":pk": pk}
    if sk_prefix is not None:
        condition += " AND begins_with(#sk, :sk)"
        names["#sk"], values[":sk"] = sk_name, sk_prefix
    elif sk_between is not None:
        condition += " AND #sk BETWEEN :lo AND :hi"
        names["#sk"] = sk_name
        values[":lo"], values[":hi"] = sk_between
    elif sk_at_most is not None:
        condition += " AND #sk <= :hi"
        names["#sk"], values[":hi"] = sk_name, sk_at_most
    params: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": condition,
        "ScanIndexForward": not newest_first,
    }
    if index:
        params["IndexName"] = index.name
    elif consistent:
        params["ConsistentRead"] = True
    if filter_expression:
        params["FilterExpression"] = filter_expression
        values.update(filter_values or {})
        names.update(filter_names or {})
    params["ExpressionAttributeNames"] = names
    params["ExpressionAttributeValues"] = {k: serialize_value(v) for k, v in values.items()}
    if limit:
        params["Limit"] = limit
    if start_key:
        params["ExclusiveStartKey"] = start_key
    answer = aws.dynamodb().query(**params)
    return Page(
        [deserialize(raw) for raw in answer.get("Items", [])], answer.get("LastEvaluatedKey")
    )


def page(
    pk: str, *, scope: str, cursor: str | None, limit: int, **kwargs: Any
) -> tuple[list[Item], str | None]:
    """One page of a list answer: the Query resumes at the cursor, and the next cursor is
    bound to `scope` (the org and the list), so it cannot be replayed on another list."""
    found = query(pk, limit=limit, start_key=cursors.decode(cursor, scope=scope), **kwargs)
    return found.items, cursors.encode(found.last_key, scope=scope)


def query_all(pk: str, **kwargs: Any) -> list[Item]:
    """Every item of a collection, following pages (one round trip per 1 MB)."""
    items: list[Item] = []
    start: dict[str, Any] | None = None
    while True:
        page = query(pk, start_key=start, **kwargs)
        items += page.items
        if not page.last_key:
            return items
        start = page.last_key


def due_items(partition: str, at_most: str, *, page_size: int) -> Iterator[Page]:
    """Pages of due-index entries at or before `at_most`, oldest first."""
    start: dict[str, Any] | None = None
    while True:
        page = query(partition, index=GSI_DUE, sk_at_most=at_most, limit=page_size, start_key=start)
        yield page
        if not page.last_key:
            return
        start = page.last_key


def has_due(partition: str, at_most: str) -> bool:
    """Whether anything in this due partition is due: one Query of at most one key."""
    return bool(query(partition, index=GSI_DUE, sk_at_most=at_most, limit=1).items)


def put(item: Item) -> None:
    aws.dynamodb().put_item(TableName=table_name(), Item=serialize(item))


def batch_put(items: Iterable[Item]) -> None:
    """Unconditional bulk writes (seeding, benchmarks): 25 per round trip."""
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == 25:
            _write_batch(batch)
            batch = []
    if batch:
        _write_batch(batch)


def _write_batch(batch: list[Item]) -> None:
    request: dict[str, Any] = {
        table_name(): [{"PutRequest": {"Item": serialize(item)}} for item in batch]
    }
    while request:
        answer = aws.dynamodb().batch_write_item(RequestItems=request)
        request = answer.get("UnprocessedItems") or {}
