"""One way to talk to Momentum in tests, in-process (moto) or over HTTP (local stack).

Tests written against `Api` read like a client's session: `api.post(alice, "/v1/goals",
{...})` returns a `Reply` with `.status` and `.json`. Users are `Actor`s (org id, user
id, and a token when speaking HTTP).
"""

from __future__ import annotations

import importlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from infra.local.outbox import parse_email

from momentum import catalog
from momentum.core.clock import api_instant, parse_instant
from tests.support import events


@dataclass(frozen=True)
class Actor:
    org_id: str
    user_id: str
    token: str | None = None
    email: str = ""
    name: str = ""


@dataclass
class Reply:
    status: int
    json: Any
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def ok(self) -> Any:
        assert 200 <= self.status < 300, f"{self.status}: {self.text}"
        return self.json


def admin_email(org_name: str) -> str:
    """A first admin's address: an email signs in to one organisation only (Cognito), and
    tests make many organisations of the same name."""
    slug = re.sub(r"[^a-z0-9]+", "-", _ascii(org_name).lower()).strip("-")
    return f"admin@{slug}-{secrets.token_hex(3)}.test"


def _ascii(name: str) -> str:
    """Cognito takes ASCII email addresses only, so accents are dropped from names."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


class Api:
    def request(
        self,
        actor: Actor | None,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw_body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        raise NotImplementedError

    def get(self, actor: Actor | None, path: str, **kw: Any) -> Reply:
        return self.request(actor, "GET", path, **kw)

    def post(self, actor: Actor | None, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request(actor, "POST", path, body, **kw)

    def patch(self, actor: Actor | None, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request(actor, "PATCH", path, body, **kw)

    def put(self, actor: Actor | None, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request(actor, "PUT", path, body, **kw)

    def delete(self, actor: Actor | None, path: str, **kw: Any) -> Reply:
        return self.request(actor, "DELETE", path, **kw)

    def new_org(self, name: str = "Acme", time_zone: str = "UTC") -> Actor:
        """An org with its first admin."""
        raise NotImplementedError

    def actor(self, org_id: str, user_id: str) -> Actor:
        raise NotImplementedError

    def add_user(self, admin: Actor, name: str, **fields: Any) -> Actor:
        """A user created through POST /v1/users by `admin`."""
        slug = _ascii(name).lower().replace(" ", ".")
        # Unique per org, so tests sharing one stack's outbox can tell their mail apart.
        email_address = f"{slug}@{admin.org_id[-8:].lower()}.example.test"
        body = {"email": email_address, "name": name, **fields}
        user = self.post(admin, "/v1/users", body).ok()
        actor = self.actor(admin.org_id, user["id"])
        return Actor(actor.org_id, actor.user_id, actor.token, user["email"], user["name"])

    def run_sweep(self, sweep: str, time: str) -> dict[str, Any]:
        raise NotImplementedError

    def run_background(self) -> int:
        """Let the background worker finish every queued job (core/background.py), as its
        queue's event source would; returns the messages delivered."""
        raise NotImplementedError

    def outbox(self) -> list[dict[str, Any]]:
        """Everything sent, newest first: {"channel", "to", "subject", "text", "html"}."""
        raise NotImplementedError

    def keep_dirty_email(self, org_id: str, user_id: str, email: str) -> None:
        """Store `email` on the user as data saved before addresses were validated would
        be: straight into the table, past the API's rules (dirty data for sweeps to meet)."""
        from momentum.store.codec import serialize, serialize_value
        from momentum.store.keys import user_key

        self.dynamodb().update_item(
            TableName=self.table(),
            Key=serialize(user_key(org_id, user_id)),
            UpdateExpression="SET email = :email",
            ExpressionAttributeValues={":email": serialize_value(email)},
        )

    def dynamodb(self) -> Any:
        raise NotImplementedError

    def table(self) -> str:
        raise NotImplementedError


class InProcessApi(Api):
    """Dispatches like the local server and API Gateway do (catalog routes), in-process."""

    def request(
        self,
        actor: Actor | None,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw_body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        route = catalog.route_owner(path.split("?")[0])
        function = route[0] if route else catalog.function_named(catalog.DEFAULT_ROUTE_FUNCTION)
        public = bool(route and route[1])
        signed_in = actor is not None and not public
        event = events.api_request(
            method,
            path,
            org_id=actor.org_id if signed_in and actor else None,
            user_id=_sign_in_sub(actor) if signed_in and actor else None,
            body=body,
            raw_body=raw_body,
            headers=headers,
        )
        handler = getattr(importlib.import_module(function.module), function.attribute)
        result = handler(event, LambdaContext())
        text = result.get("body") or ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        out = dict(result.get("headers") or {})
        for cookie in result.get("cookies") or []:  # as the local server sends them
            out["Set-Cookie"] = cookie
        return Reply(result["statusCode"], parsed, out, text)

    def new_org(self, name: str = "Acme", time_zone: str = "UTC") -> Actor:
        from momentum.identity import members
        from momentum.identity.org_models import OrgCreate

        email = admin_email(name)
        org_id, admin_id = members.create_org(
            OrgCreate(name=name, admin_email=email, admin_name=f"{name} Admin", time_zone=time_zone)
        )
        return Actor(org_id, admin_id, email=email, name=f"{name} Admin")

    def actor(self, org_id: str, user_id: str) -> Actor:
        return Actor(org_id, user_id)

    def run_sweep(self, sweep: str, time: str) -> dict[str, Any]:
        from momentum.handlers import sweeps

        event = events.scheduled(sweep, api_instant(parse_instant(time)), inline=True)
        result: dict[str, Any] = sweeps.handler(event, LambdaContext())
        return result

    def run_background(self, context: Any = None, max_rounds: int = 100) -> int:
        from infra.local.queues import _sqs_event

        from momentum.core import aws
        from momentum.core.config import settings
        from momentum.handlers import background

        sqs, url = aws.client("sqs"), settings().background_queue_url
        delivered = 0
        for _ in range(max_rounds):
            messages = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not messages:
                break
            delivered += len(messages)
            result = background.handler(_sqs_event(url, messages), context or LambdaContext())
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            for message in messages:
                if message["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return delivered

    def dynamodb(self) -> Any:
        from momentum.core import aws

        return aws.dynamodb()

    def table(self) -> str:
        from momentum.store.table import table_name

        return table_name()

    def outbox(self) -> list[dict[str, Any]]:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        sent = [parse_email(message.raw_data) for message in backend.sent_messages]
        sent.sort(key=lambda item: item.get("sent_at") or "")
        return list(reversed(sent))


def fake_sign_in() -> None:
    """The user pool of the stack in moto (moto is on), made from the CDK pool's settings."""
    import os

    from infra.sign_in_pool import create_client_request, create_user_pool_request

    from momentum.core import aws
    from momentum.core.config import settings

    cognito = aws.client("cognito-idp")
    pool = cognito.create_user_pool(**create_user_pool_request())["UserPool"]["Id"]
    cognito.create_user_pool_client(**create_client_request(pool))
    os.environ["USER_POOL_ID"] = pool
    settings.cache_clear()


@contextmanager
def moto_account() -> Iterator[InProcessApi]:
    """moto holding what the stack creates (the table, the sender, the background queue,
    the user pool), with every cache of the last account forgotten: the integration
    tests' account, and the benches' that run in-process."""
    from moto import mock_aws

    from momentum.core import aws
    from momentum.core.config import settings
    from momentum.frame import org as org_cache
    from momentum.frame import principal
    from momentum.store.schema import create_table_request

    with mock_aws():
        aws.reset_clients()
        principal.clear_cache()
        org_cache.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        aws.client("sesv2").create_email_identity(EmailIdentity=settings().sender_email)
        aws.client("sqs").create_queue(
            QueueName="momentum-background.fifo", Attributes={"FifoQueue": "true"}
        )
        fake_sign_in()
        yield InProcessApi()
        aws.reset_clients()


_subs: dict[tuple[str, str], str] = {}


def _sign_in_sub(actor: Actor) -> str:
    """The Cognito `sub` the actor's ID token would carry (its user item keeps it; a `sub`
    never changes, so it is read once, outside what a test counts of the handler's reads)."""
    from momentum.identity import service

    key = (actor.org_id, actor.user_id)
    if key not in _subs:
        item = service.user_item(actor.org_id, actor.user_id)
        sub = (item or {}).get("sign_in_sub")
        if not sub:
            return actor.user_id  # not provisioned (yet): the token's sub is the user id
        _subs[key] = str(sub)
    return _subs[key]


class LambdaContext:
    """The parts of Lambda's context object handlers and Powertools read, with the time
    a test wants left (a sweep or worker plans its budget by it)."""

    memory_limit_in_mb = 1024
    aws_request_id = "test-request"

    def __init__(self, function_name: str = "sweeps", remaining_ms: int = 300_000) -> None:
        self.function_name = function_name
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms
