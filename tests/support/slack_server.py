"""A real HTTP server on 127.0.0.1 standing in for Slack's incoming webhooks, so tests
exercise the Slack sender's real failure path: `/refuse` answers 403 `invalid_token`,
`/gone` 404 `no_service`, anything else 200 `ok`. It records every post it receives."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from momentum.core import outbound
from momentum.core.config import settings
from tests.support.loopback import QuietHandler, serving

ANSWERS = {"/refuse": (403, "invalid_token"), "/gone": (404, "no_service")}


@dataclass
class SlackServer:
    url: str
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def posts_to(self, path: str) -> list[dict[str, Any]]:
        return [body for at, body in self.posts if at == path]


@contextmanager
def slack_server() -> Iterator[SlackServer]:
    server_state = SlackServer("")

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            server_state.posts.append((self.path, json.loads(self.rfile.read(length) or b"{}")))
            status, body = ANSWERS.get(self.path, (200, "ok"))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(body.encode())

    with serving(Handler) as server_state.url:
        # Allowed as the local stack allows its receivers: by the environment's allow-list.
        allowed = {f"{outbound.SLACK_WEBHOOK}_ALLOWED_PREFIXES": f"{server_state.url}/"}
        try:
            with mock.patch.dict(os.environ, allowed):
                outbound.allowed_prefixes.cache_clear()
                settings.cache_clear()
                yield server_state
        finally:
            outbound.allowed_prefixes.cache_clear()
            settings.cache_clear()
