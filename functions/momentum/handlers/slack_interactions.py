"""Lambda entry point: Slack interactivity (public route), verified by the signing secret.

A plain function over the API Gateway v2 event, like the calendar webhooks: it imports
no resolver and no pydantic until a request has been verified.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from momentum.core import problems
from momentum.handlers.cold_start import loaded
from momentum.slack.receiver import PATH, Refused, interact, raw_body

logger = logging.getLogger("momentum.slack")


def _route(event: dict[str, Any]) -> dict[str, Any]:
    path = event.get("rawPath") or ""
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method", "")
    if path != PATH:
        raise Refused(404, f"No route for {method} {path}.")
    if method != "POST":
        raise Refused(405, "Slack interactions are POSTed.")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    answer = interact(headers, raw_body(event))
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(answer) if answer is not None else "",
        "isBase64Encoded": False,
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return _route(event)
    except Refused as refused:
        if refused.status in (401, 403):
            logger.warning("slack interaction refused: %s", refused.detail)
        return problems.lambda_result(problems.for_status(refused.status, refused.detail))
    except Exception:
        logger.exception("slack interaction failed")
        return problems.lambda_result(problems.for_status(500, "The interaction failed; retry."))


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
