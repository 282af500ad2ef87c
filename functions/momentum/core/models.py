"""The two bases every context's pydantic models stand on.

Both defer building their validators until first use: a function imports every model
its routes mention, but one request touches only a few of them, so a cold start
should not pay for the rest.

Modules that define models do not write `from __future__ import annotations`: pydantic
collects a model's fields when the class is created, and with postponed annotations it
must compile and evaluate every annotation string to do so, which was a tenth of an API
function's own import time. A validator that returns its own model says `-> Self`.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

# Where a model is defined, written into its JSON schema so the API document can name
# each schema after its context (momentum.api_contract.schemas), then removed there.
MODEL_MARK = "x-momentum-model"


def mark_model(schema: dict[str, Any], model: type[Any]) -> None:
    schema[MODEL_MARK] = f"{model.__module__}:{model.__qualname__}"


class View(BaseModel):
    """What the API answers with, and values kept inside items."""

    model_config = ConfigDict(defer_build=True, json_schema_extra=mark_model)


class Strict(View):
    """What clients send: an unknown field is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", defer_build=True, json_schema_extra=mark_model)
