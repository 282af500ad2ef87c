"""The /local/* routes of API.md: orgs, tokens, identity, sweeps, outbox, the fake Slack webhook,
and the functions' containers.

They exist only in the local server (never deployed) so a person or a test can drive the
whole system on one machine.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from infra.local import outbox
from infra.local.identity import SignInRefused
from infra.local.transport import problem_answer
from momentum.core.problems import BadRequest, Conflict, Invalid, NotFound, field_error

if TYPE_CHECKING:
    from infra.local.server import LocalStack

Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def _body(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def handle(
    stack: LocalStack, method: str, target: str, raw: bytes, headers: dict[str, str]
) -> Answer:
    path = target.split("?")[0]
    if path.startswith("/local/calendar/"):  # the fake providers take form and empty bodies
        from infra.local import calendar_fakes

        return calendar_fakes.handle(stack, method, target, raw, headers)
    if path.startswith(("/local/slack/api/", "/local/slack/control/")):  # the fake Web API
        from infra.local import slack_fake

        return slack_fake.handle(stack, method, target, raw, headers)
    body = _body(raw)
    if body is None:
        return problem_answer(BadRequest("The body must be a JSON object."))
    route = (method, path)
    if route == ("POST", "/local/orgs"):
        return _create_org(stack, body)
    if route == ("POST", "/local/tokens"):
        return _issue_token(stack, body)
    if route == ("GET", "/local/outbox"):
        return _json(200, {"items": outbox.read(stack.moto_url, stack.slack_log)})
    if route == ("GET", "/local/containers"):  # each function's pool (containers.py)
        from infra.local import gateway

        return _json(200, {"functions": gateway.describe()})
    if route == ("GET", "/local/identity"):
        return _json(200, stack.identity.info())
    if route == ("POST", "/local/queues/drain"):
        return _json(200, {"delivered": stack.queues.drain()})
    if route == ("POST", "/local/slack/webhook"):
        return _slack(stack, raw)
    if method == "POST" and path.startswith("/local/sweeps/"):
        return _run_sweep(stack, path.removeprefix("/local/sweeps/"), body)
    return problem_answer(NotFound(f"No local route for {method} {path}."))


def _create_org(stack: LocalStack, body: dict[str, Any]) -> Answer:
    from pydantic import ValidationError

    from momentum.identity import members, service
    from momentum.identity.org_models import OrgCreate

    password = body.pop("admin_password", None)
    if password is not None and (not isinstance(password, str) or len(password) > 256):
        return problem_answer(Invalid("admin_password must be a string."))
    try:
        request = OrgCreate.model_validate(body)
    except ValidationError as error:
        errors = [field_error(".".join(map(str, e["loc"])), e["msg"]) for e in error.errors()]
        return problem_answer(Invalid("The org request is not valid.", errors=errors))
    try:
        org_id, admin_id = members.create_org(request, invite=False)
    except Conflict as conflict:
        return problem_answer(conflict)
    admin = service.user_item(org_id, admin_id) or {}
    if password:
        stack.identity.set_password(admin["sign_in_sub"], password)
        token = stack.identity.sign_in(admin["email"], password)
    else:
        token = stack.identity.shortcut_token(admin, org_id)
    return _json(201, {"org_id": org_id, "admin_user_id": admin_id, "token": token})


def _issue_token(stack: LocalStack, body: dict[str, Any]) -> Answer:
    """Signs the user in through the local Cognito (no password needed: a test shortcut)."""
    from momentum.core.ids import is_id
    from momentum.identity import service

    org_id, user_id = body.get("org_id"), body.get("user_id")
    if not isinstance(org_id, str) or not isinstance(user_id, str):
        return problem_answer(Invalid("Give org_id and user_id as strings."))
    user = service.user_item(org_id, user_id) if is_id(org_id) else None
    if user is None or not user.get("sign_in_sub"):
        return problem_answer(NotFound("There is no such user in this organisation."))
    try:
        token = stack.identity.shortcut_token(user, org_id)
    except SignInRefused as refused:
        return problem_answer(
            Conflict(
                f"Cognito refused the sign-in ({refused}); a user who chose a password "
                "signs in with it (GET /local/identity)."
            )
        )
    return _json(201, {"token": token})


def _run_sweep(stack: LocalStack, sweep: str, body: dict[str, Any]) -> Answer:
    from momentum import catalog

    try:
        catalog.schedule_named(sweep)
    except KeyError:
        return problem_answer(NotFound(f"There is no sweep named '{sweep}'."))
    raw_time = body.get("time")
    try:
        instant = (
            datetime.fromisoformat(raw_time.replace("Z", "+00:00"))
            if isinstance(raw_time, str)
            else datetime.now(UTC)
        )
    except ValueError:
        return problem_answer(BadRequest("time must be an ISO 8601 instant."))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return _json(200, stack.fire_sweep(sweep, instant))


def _slack(stack: LocalStack, raw: bytes) -> Answer:
    """A fake Slack incoming webhook: records the message for the outbox, answers 'ok'."""
    payload = _body(raw) or {}
    entry = {
        "channel": "slack",
        "to": ["slack-webhook"],
        "subject": "",
        "text": str(payload.get("text", "")),
        "html": "",
        "sent_at": datetime.now(UTC).isoformat(),
    }
    with stack.slack_log.open("a") as log:
        log.write(json.dumps(entry) + "\n")
    return 200, {"Content-Type": "text/plain"}, b"ok"
