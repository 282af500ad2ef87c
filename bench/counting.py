"""Counting DynamoDB round trips and items read, through botocore's event hooks."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from momentum.core import aws


class DynamoCounter:
    """`with DynamoCounter() as c: ...` then `c.calls`, `c.items_read`, `c.operations`."""

    def __init__(self) -> None:
        self.calls = 0
        self.items_read = 0
        self.operations: list[str] = []

    def _before(self, model: Any, **_: Any) -> None:
        self.calls += 1
        self.operations.append(model.name)

    def _after(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if "Items" in parsed:
            self.items_read += len(parsed["Items"])
        elif "Item" in parsed:
            self.items_read += 1
        elif "Responses" in parsed and isinstance(parsed["Responses"], dict):
            self.items_read += sum(len(v) for v in parsed["Responses"].values())

    def __enter__(self) -> DynamoCounter:
        events = aws.dynamodb().meta.events
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        events = aws.dynamodb().meta.events
        events.unregister("before-call.dynamodb", self._before)
        events.unregister("after-call.dynamodb", self._after)
