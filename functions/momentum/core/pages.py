"""List answers: `{"items": [...], "next_cursor": ...}` with limit 1-100 (default 25)."""

from typing import Annotated, Generic, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict

from momentum.core.models import mark_model

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1-100)")]
Cursor = Annotated[str | None, Query(max_length=2048, description="Opaque cursor")]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_extra=mark_model)

    items: list[T]
    next_cursor: str | None = None
