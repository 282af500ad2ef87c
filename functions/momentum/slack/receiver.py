"""`POST /webhooks/slack/interactions`: Slack's interactivity requests, verified.

Slack names the workspace in the payload; the workspace's installation gives the org and
its signing secret, and slack_sdk's SignatureVerifier checks the `X-Slack-Signature`
HMAC over the raw body and refuses a timestamp more than five minutes off. Only then is
anything read or written. An unknown workspace, a bad signature or a stale timestamp is
a 401 with nothing done.

Both answers are inline, well inside Slack's 3 s: a button opens the form with one
`views.open`; a submitted form records the check-in (a few DynamoDB writes and the
roll-up) and updates the reminder. `bench/slack.py` measures it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import parse_qs

# The installations alone: notify.api would bring the Web API client and the mailer.
from momentum.notify.slack_install import Installation, installations_for_team
from momentum.slack.signature import SignatureVerifier

PATH = "/webhooks/slack/interactions"
MAX_BODY_BYTES = 256 * 1024


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def raw_body(event: dict[str, Any]) -> str:
    raw = event.get("body") or ""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    if event.get("isBase64Encoded"):
        try:
            data = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as error:
            raise Refused(400, "The body is not valid base64.") from error
    if len(data) > MAX_BODY_BYTES:
        raise Refused(413, "The body is too large.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(400, "The body is not valid UTF-8.") from error


def payload_of(body: str) -> dict[str, Any]:
    try:
        payload = json.loads(parse_qs(body, strict_parsing=True)["payload"][0])
    except (KeyError, ValueError, IndexError) as error:
        raise Refused(400, "Slack interactions carry a form field `payload` of JSON.") from error
    if not isinstance(payload, dict):
        raise Refused(400, "The payload must be a JSON object.")
    return payload


def verified(headers: dict[str, str], body: str, payload: dict[str, Any]) -> Installation:
    """The installation whose signing secret signed this request; Refused otherwise."""
    team = payload.get("team") or {}
    team_id = team.get("id") if isinstance(team, dict) else None
    if not isinstance(team_id, str) or not team_id:
        raise Refused(401, "The request names no Slack workspace.")
    apps = installations_for_team(team_id)
    if len(apps) != 1:  # none, or (after a race) two orgs: trust neither
        raise Refused(401, "This Slack workspace is not connected to Momentum.")
    app = apps[0]
    verifier = SignatureVerifier(app.signing_secret)
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or not verifier.is_valid(body, timestamp, signature):
        raise Refused(401, "The Slack signature or its timestamp is not valid.")
    return app


def interact(headers: dict[str, str], body: str) -> dict[str, Any] | None:
    """Answer one verified interaction; the JSON Slack expects back, or None (empty 200)."""
    payload = payload_of(body)
    app = verified(headers, body, payload)
    from momentum.slack import interactions  # the domain, only for verified requests

    kind = payload.get("type")
    try:
        if kind == "block_actions":
            actions = payload.get("actions") or []
            if any(a.get("action_id") == "checkin" for a in actions if isinstance(a, dict)):
                interactions.open_checkin_form(app, payload)
            return None
        if (
            kind == "view_submission"
            and (payload.get("view") or {}).get("callback_id") == "checkin"
        ):
            return interactions.record_checkin(app, payload)
    except interactions.NotAllowed as refused:
        raise Refused(403, str(refused)) from refused
    except (KeyError, TypeError, AttributeError) as error:
        raise Refused(400, f"The {kind} payload is not shaped as Slack sends it.") from error
    return None  # other interactions (a closed modal, a link click) need no answer
