"""The local stack's fake Slack Web API (infra/local/slack_fake.py) on its own HTTP server,
for integration tests and benchmarks under moto: slack_sdk's WebClient speaks real HTTP
to it, exactly as it does to the local stack's."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
from infra.local import slack_fake

from momentum.core.config import settings
from momentum.notify import slack_install
from tests.support.loopback import QuietHandler, serving


@dataclass
class SlackWebApi:
    url: str
    data_dir: Path

    @property
    def slack_log(self) -> Path:
        return self.data_dir / "slack-outbox.jsonl"

    def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        if body is None:
            return httpx.get(f"{self.url}/local/slack/control/{path}").json()
        return httpx.post(f"{self.url}/local/slack/control/{path}", json=body).json()

    def direct_messages(self) -> list[dict[str, Any]]:
        if not self.slack_log.exists():
            return []
        return [json.loads(line) for line in self.slack_log.read_text().splitlines()]


@contextmanager
def slack_web_api(data_dir: Path) -> Iterator[SlackWebApi]:
    fake = SlackWebApi("", data_dir)

    class Handler(QuietHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            status, headers, body = slack_fake.handle(
                fake, self.command, self.path, self.rfile.read(length), dict(self.headers)
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

    with serving(Handler) as fake.url:
        try:
            with mock.patch.dict(os.environ, SLACK_API_BASE=f"{fake.url}/local/slack/api/"):
                settings.cache_clear()
                slack_install.clear_cache()
                yield fake
        finally:
            settings.cache_clear()
            slack_install.clear_cache()
