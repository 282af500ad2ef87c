"""Lambda entry point: SCIM 2.0 provisioning at /scim/v2 (its own bearer tokens)."""

from typing import Any

from momentum.handlers.cold_start import loaded
from momentum.scim.http import handle


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context)


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
