"""A webhook receiver for tests: an HTTP server on 127.0.0.1 that records what it gets
and answers with the status the test chooses (local mode allows plain http there)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.support.loopback import QuietHandler, serving


@dataclass
class Received:
    body: str
    headers: dict[str, str]


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[Received] = field(default_factory=list)


@contextmanager
def receiver(status: int = 200) -> Iterator[Receiver]:
    state = Receiver(url="", status=status)

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            state.received.append(Received(body, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as url:
        state.url = f"{url}/hooks"
        yield state
