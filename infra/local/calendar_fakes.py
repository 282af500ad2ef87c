"""Fake Google Calendar and Microsoft Graph providers under /local/calendar/ (local mode).

They implement the subset Momentum uses: OAuth authorize (auto-approve) and token
endpoints with PKCE, Google events list with sync tokens, instances, watch/stop, and
Graph events, instances, calendarView (delta) and subscriptions with the validation
handshake. Test-control routes under /local/calendar/control/ create and change fake
events; each change delivers real-shaped webhooks to the local API, and the answer lists
them (so a test can replay them). State lives in a JSON file in the stack's data folder.

The consent page approves as the `login_hint` account, or as the account a test names
with `fake_account=` added to the authorize URL (a person picking another account at the
provider); `fake_email_verified=false` makes Google report that address unverified. The
signed-in account answers at Google's OpenID userinfo and Graph's /me, as the real ones do.

URL layout (what configure_environment points the providers' base URLs at):
  /local/calendar/google/oauth/{authorize,token,revoke,userinfo}   GOOGLE_OAUTH_BASE
  /local/calendar/google/calendar/v3/...                  GOOGLE_API_BASE (…/google)
  /local/calendar/microsoft/oauth/{authorize,token}       MICROSOFT_LOGIN_BASE
  /local/calendar/microsoft/v1.0/...                      MICROSOFT_GRAPH_BASE
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from infra.local.calendar_fakes_render import from_slot, instant, slot_of

Answer = tuple[int, dict[str, str], bytes]
_lock = threading.RLock()
PREFIX = "/local/calendar"
EVENTS_URI = "calendar/v3/calendars/primary/events"


def _json(status: int, body: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


def error(status: int, code: str, message: str = "") -> Answer:
    return _json(status, {"error": {"code": code, "message": message or code}})


class Fake:
    """One request's view of the fake providers' state (loaded and saved under a lock)."""

    def __init__(self, stack: Any, state: dict[str, Any], host: str) -> None:
        self.stack, self.state, self.host = stack, state, host
        self.deliveries: list[dict[str, Any]] = []

    @property
    def base(self) -> str:
        return f"http://{self.host}{PREFIX}"

    def account(self, provider: str, email: str) -> dict[str, Any]:
        accounts = self.state.setdefault("accounts", {})
        return accounts.setdefault(f"{provider}:{email.lower()}", {
            "provider": provider, "email": email.lower(), "epoch": 1, "events": {},
            "channels": {}, "subscriptions": {},
        })  # fmt: skip

    def next_seq(self) -> int:
        self.state["seq"] = self.state.get("seq", 0) + 1
        return int(self.state["seq"])

    def caller(self, headers: dict[str, str], provider: str) -> dict[str, Any] | None:
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        grant = self.state.get("access", {}).get(token)
        if not grant or grant["provider"] != provider:
            return None
        return self.account(provider, grant["email"])

    # --- webhooks ------------------------------------------------------------------------

    def deliver(self, url: str, headers: dict[str, str], body: str) -> int:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        record = {"path": target, "headers": headers, "body": body}
        hook = getattr(self.stack, "deliver", None)
        if hook is not None:
            status = int(hook(target, headers, body))
        else:
            import httpx

            try:
                status = httpx.post(
                    f"http://127.0.0.1:{self.stack.port}{target}",
                    headers=headers,
                    content=body.encode(),
                    timeout=10,
                ).status_code
            except httpx.HTTPError:
                status = 0
        self.deliveries.append({**record, "status": status})
        return status

    def deliver_text(self, url: str, headers: dict[str, str]) -> tuple[int, str]:
        """The Graph validation handshake: (status, body text) of our answer."""
        hook = getattr(self.stack, "deliver_text", None)
        parts = urlsplit(url)
        target = parts.path + f"?{parts.query}"
        if hook is not None:
            status, text = hook(target, headers, "")
            return int(status), str(text)
        import httpx

        answer = httpx.post(
            f"http://127.0.0.1:{self.stack.port}{target}", headers=headers, content=b"", timeout=10
        )
        return answer.status_code, answer.text

    def notify(self, account: dict[str, Any], event_id: str, change: str) -> None:
        if account["provider"] == "google":
            for channel in list(account["channels"].values()):
                channel["number"] = channel.get("number", 1) + 1
                self.deliver(channel["address"], {
                    "X-Goog-Channel-ID": channel["id"],
                    "X-Goog-Message-Number": str(channel["number"]),
                    "X-Goog-Resource-ID": channel["resourceId"],
                    "X-Goog-Resource-State": "exists",
                    "X-Goog-Resource-URI": f"{self.base}/google/{EVENTS_URI}",
                    "X-Goog-Channel-Token": channel.get("token", ""),
                    "X-Goog-Channel-Expiration": channel["expirationText"],
                    "Content-Length": "0",
                }, "")  # fmt: skip
            return
        for sub in list(account["subscriptions"].values()):
            item = {
                "subscriptionId": sub["id"], "subscriptionExpirationDateTime": sub["expires"],
                "changeType": change, "clientState": sub["clientState"],
                "resource": f"Users/{account['email']}/Events/{event_id}",
                "resourceData": {"@odata.type": "#Microsoft.Graph.Event",
                                 "@odata.id": f"Users/{account['email']}/Events/{event_id}",
                                 "@odata.etag": f'W/"{self.state.get("seq", 0)}"',
                                 "id": event_id},
                "tenantId": "00000000-0000-0000-0000-000000000000",
            }  # fmt: skip
            self.deliver(
                sub["notificationUrl"],
                {"Content-Type": "application/json"},
                json.dumps({"value": [item]}),
            )

    def lifecycle(self, account: dict[str, Any], event: str) -> None:
        for sub in list(account["subscriptions"].values()):
            item = {
                "subscriptionId": sub["id"],
                "subscriptionExpirationDateTime": sub["expires"],
                "lifecycleEvent": event,
                "clientState": sub["clientState"],
                "tenantId": "00000000-0000-0000-0000-000000000000",
            }
            if event == "subscriptionRemoved":  # Graph has already dropped it
                del account["subscriptions"][sub["id"]]
            self.deliver(
                sub["lifecycleUrl"],
                {"Content-Type": "application/json"},
                json.dumps({"value": [item]}),
            )


def _state_file(stack: Any) -> Path:
    return Path(stack.data_dir) / "calendar-fakes.json"


def handle(
    stack: Any, method: str, target: str, raw_body: bytes, headers: dict[str, str]
) -> Answer:
    parts = urlsplit(target)
    path = parts.path.removeprefix(PREFIX)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    lowered = {k.lower(): v for k, v in headers.items()}
    with _lock:
        file = _state_file(stack)
        state = json.loads(file.read_text()) if file.exists() else {}
        fake = Fake(stack, state, lowered.get("host", "127.0.0.1"))
        try:
            answer = _route(fake, method, path, query, raw_body, lowered)
        except (KeyError, ValueError, TypeError) as problem:
            answer = error(400, "BadRequest", f"{type(problem).__name__}: {problem}")
        file.write_text(json.dumps(state))
    return answer


def _route(
    fake: Fake, method: str, path: str, query: dict[str, str], raw: bytes, headers: dict[str, str]
) -> Answer:
    from infra.local import calendar_fakes_api as api
    from infra.local import calendar_fakes_control as control

    if path.startswith("/control/"):
        return control.handle(fake, method, path.removeprefix("/control"), raw)
    throttled = _throttled(fake, method, path)
    if throttled is not None:
        return throttled
    for provider in ("google", "microsoft"):
        if path == f"/{provider}/oauth/authorize" and method == "GET":
            return _authorize(fake, provider, query)
        if path == f"/{provider}/oauth/token" and method == "POST":
            return _token(fake, provider, dict(parse_qsl(raw.decode())))
    if path == "/google/oauth/userinfo" and method == "GET":
        return _userinfo(fake, headers)
    if path == "/google/oauth/revoke" and method == "POST":
        token = query.get("token") or dict(parse_qsl(raw.decode())).get("token", "")
        grant = fake.state.get("refresh", {}).get(token)
        if grant:
            grant["revoked"] = True
        return 200, {"Content-Type": "application/json"}, b"{}"
    if path.startswith("/google/calendar/v3/"):
        account = fake.caller(headers, "google")
        if account is None:
            return error(401, "401", "Invalid Credentials")
        return api.google(
            fake, account, method, path.removeprefix("/google/calendar/v3"), query, raw
        )
    if path.startswith("/microsoft/v1.0/"):
        account = fake.caller(headers, "microsoft")
        if account is None:
            return error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
        return api.graph(fake, account, method, path.removeprefix("/microsoft/v1.0"), query, raw)
    return error(404, "NotFound", f"The fake providers have no {method} {path}.")


def _throttled(fake: Fake, method: str, path: str) -> Answer | None:
    """A provider that is throttling (control /throttle): the next `times` calls whose path
    holds `path` answer `status` with the Retry-After asked for, as Google and Graph do."""
    for rule in fake.state.get("throttle", []):
        if rule["times"] > 0 and path.startswith(f"/{rule['provider']}/") and rule["path"] in path:
            rule["times"] -= 1
            fake.state.setdefault("throttled", []).append(f"{method} {path}")
            google = rule["provider"] == "google"
            graph = {429: "TooManyRequests", 503: "ServiceNotAvailable"}
            code = str(rule["status"]) if google else graph.get(rule["status"], "ServiceError")
            status, headers, body = error(rule["status"], code, "Rate limit exceeded")
            if rule.get("retry_after") is not None:
                headers = {**headers, "Retry-After": str(rule["retry_after"])}
            return status, headers, body
    return None


# --- OAuth -------------------------------------------------------------------------------------


def _authorize(fake: Fake, provider: str, query: dict[str, str]) -> Answer:
    required = ("client_id", "redirect_uri", "state", "code_challenge", "login_hint")
    missing = [name for name in required if not query.get(name)]
    if (
        missing
        or query.get("response_type") != "code"
        or query.get("code_challenge_method") != "S256"
    ):
        return error(400, "invalid_request", f"missing or wrong: {missing or 'PKCE S256'}")
    code = secrets.token_urlsafe(24)
    fake.state.setdefault("codes", {})[code] = {
        "provider": provider, "email": (query.get("fake_account") or query["login_hint"]).lower(),
        "challenge": query["code_challenge"], "redirect_uri": query["redirect_uri"],
        "client_id": query["client_id"],
        "email_verified": query.get("fake_email_verified", "true") != "false",
    }  # fmt: skip
    location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
    return 302, {"Location": location, "Content-Type": "text/plain"}, b""


def _userinfo(fake: Fake, headers: dict[str, str]) -> Answer:
    """Google's OpenID Connect userinfo: who the access token belongs to."""
    token = headers.get("authorization", "").removeprefix("Bearer ").strip()
    grant = fake.state.get("access", {}).get(token)
    if not grant or grant["provider"] != "google":
        return _json(401, {"error": "invalid_token"})
    email = grant["email"]
    return _json(200, {
        "sub": hashlib.sha256(email.encode()).hexdigest()[:21], "email": email,
        "email_verified": grant.get("email_verified", True),
    })  # fmt: skip


def _issue(
    fake: Fake, provider: str, email: str, refresh: str | None, *, email_verified: bool = True
) -> dict[str, Any]:
    access = secrets.token_urlsafe(24)
    fake.state.setdefault("access", {})[access] = {
        "provider": provider,
        "email": email,
        "email_verified": email_verified,
    }
    if refresh is None or provider == "microsoft":  # Microsoft rotates on every use
        refresh = secrets.token_urlsafe(32)
        fake.state.setdefault("refresh", {})[refresh] = {
            "provider": provider,
            "email": email,
            "revoked": False,
        }
        fake.account(provider, email)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": 3599,
        "token_type": "Bearer",
        "scope": "calendar",
    }


def _token(fake: Fake, provider: str, form: dict[str, str]) -> Answer:
    if form.get("grant_type") == "authorization_code":
        grant = fake.state.get("codes", {}).pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if (
            not grant
            or grant["provider"] != provider
            or grant["redirect_uri"] != form.get("redirect_uri")
            or challenge.decode() != grant["challenge"]
        ):
            return _json(400, {"error": "invalid_grant", "error_description": "bad code"})
        verified = bool(grant.get("email_verified", True))
        return _json(200, _issue(fake, provider, grant["email"], None, email_verified=verified))
    if form.get("grant_type") == "refresh_token":
        grant = fake.state.get("refresh", {}).get(form.get("refresh_token", ""))
        if not grant or grant["revoked"] or grant["provider"] != provider:
            return _json(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        body = _issue(fake, provider, grant["email"], form["refresh_token"])
        if provider == "google":
            body.pop("refresh_token")  # Google keeps the refresh token
        return _json(200, body)
    return _json(400, {"error": "unsupported_grant_type"})


# --- helpers the API and control modules share ------------------------------------------------


def now() -> datetime:
    return datetime.now(UTC)


def new_id(provider: str) -> str:
    return (
        ("g" + secrets.token_hex(10))
        if provider == "google"
        else ("AAMkAG" + secrets.token_hex(12))
    )


def graph_subscription_expiry(asked: str) -> datetime:
    """What was asked (the client's "now" may be a replayed sweep instant; Graph itself
    refuses more than 10,080 minutes from its own clock)."""
    return instant(asked)


__all__ = ["Fake", "error", "from_slot", "handle", "instant", "new_id", "now", "quote", "slot_of"]
