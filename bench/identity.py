"""DynamoDB round trips per identity route, on a warm container (principal cached)."""

from __future__ import annotations

from collections.abc import Callable

import tests.conftest  # noqa: F401  (test environment: fake credentials, table name)
from moto import mock_aws
from tests.support.harness import InProcessApi, fake_sign_in

from bench.counting import DynamoCounter
from momentum.core import aws
from momentum.core.config import settings
from momentum.frame import principal
from momentum.store.schema import create_table_request

Report = Callable[[str, float, str], None]


def bench(report: Report) -> None:
    with mock_aws():
        aws.reset_clients()
        principal.clear_cache()
        aws.dynamodb().create_table(**create_table_request(settings().table_name))
        fake_sign_in()
        api = InProcessApi()
        admin = api.new_org("Bench")
        bob = api.add_user(admin, "Bob Bench", manager_id=admin.user_id)
        company = api.post(admin, "/v1/companies", {"name": "Bench Co"}).ok()
        routes = [
            ("GET /v1/me", lambda: api.get(admin, "/v1/me")),
            (
                "PATCH /v1/me/settings",
                lambda: api.patch(admin, "/v1/me/settings", {"hide_private_notes": True}),
            ),
            ("GET /v1/org/settings", lambda: api.get(admin, "/v1/org/settings")),
            (
                "PATCH /v1/org/settings",
                lambda: api.patch(admin, "/v1/org/settings", {"name": "Bench 2"}),
            ),
            ("GET /v1/users?q=", lambda: api.get(admin, "/v1/users?q=bob")),
            ("GET /v1/users/{id}", lambda: api.get(admin, f"/v1/users/{bob.user_id}")),
            (
                "PATCH /v1/users/{id}",
                lambda: api.patch(admin, f"/v1/users/{bob.user_id}", {"name": "Bob Benched"}),
            ),
            (
                "POST /v1/users",
                lambda: api.post(admin, "/v1/users", {"email": "new@bench.test", "name": "New"}),
            ),
            ("GET /v1/companies", lambda: api.get(admin, "/v1/companies")),
            (
                "GET /v1/companies/{id}/locations",
                lambda: api.get(admin, f"/v1/companies/{company['id']}/locations"),
            ),
            ("GET /v1/activity", lambda: api.get(admin, f"/v1/activity?entity_id={bob.user_id}")),
        ]
        for name, call in routes:
            api.get(admin, "/v1/companies")  # a warm container has the caller cached
            with DynamoCounter() as counter:
                reply = call()
            assert reply.status < 300, (name, reply.status, reply.text)
            report(f"round trips {name}", counter.calls, "DynamoDB calls")
