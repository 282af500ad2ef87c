"""The two bases every context's pydantic models stand on.

Both defer building their validators until first use: a function imports every model
its routes mention, but one request touches only a few of them, so a cold start
should not pay for the rest.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    """What the API answers with, and values kept inside items."""

    model_config = ConfigDict(defer_build=True)


class Strict(View):
    """What clients send: an unknown field is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
