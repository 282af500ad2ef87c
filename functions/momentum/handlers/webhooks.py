"""Lambda entry point: Google and Microsoft calendar change notifications (public routes).

A plain function over the API Gateway v2 event rather than the Powertools resolver: it
must answer within milliseconds even on a cold start, so it imports no provider client,
no pydantic and no resolver; it verifies, enqueues "sync this connection" and returns.
"""

from __future__ import annotations

from typing import Any

from momentum.calendar.sync import inbox
from momentum.core import config, edge, observability, problems
from momentum.handlers.cold_start import loaded

logger = observability.logger
config.check_cold_start()


def _answer(status: int, body: str = "", content_type: str = "text/plain") -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type},
        "body": body,
        "isBase64Encoded": False,
    }


def _problem(status: int, detail: str) -> dict[str, Any]:
    return problems.lambda_result(problems.for_status(status, detail))


def _route(event: dict[str, Any]) -> dict[str, Any]:
    path = event.get("rawPath") or ""
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method", "")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    if path not in ("/webhooks/google", "/webhooks/microsoft"):
        return _problem(404, f"No route for {method} {path}.")
    if method != "POST":
        return _problem(405, "Notifications are POSTed.")
    if path == "/webhooks/google":
        return _answer(inbox.google(headers))
    token = inbox.validation_token(event.get("rawQueryString") or "")
    if token is not None:
        # The subscription handshake: echo the decoded token as plain text, nothing else.
        return _answer(200, token, "text/plain")
    body = edge.body_text(event)
    edge.check_json(body)
    return _answer(inbox.microsoft(body))


@observability.traced(observability.API_REQUEST_ID)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return edge.secured(_answered(event))


def _answered(event: dict[str, Any]) -> dict[str, Any]:
    try:
        return _route(event)
    except problems.Problem as problem:
        return problems.lambda_result(problem)
    except inbox.Refused as refused:
        if refused.status in (401, 403):
            logger.warning("notification refused", extra={"detail": refused.detail})
        return _problem(refused.status, refused.detail)
    except Exception:  # Google and Graph retry a 5xx: a transient failure is not lost
        logger.exception("notification failed")
        return _problem(500, "The notification could not be accepted; retry.")


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
