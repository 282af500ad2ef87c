"""The local stack's HTTP transport: uvicorn (h11) in front of the gateway code.

uvicorn parses HTTP and survives clients (a malformed or negative Content-Length is a
400 problem from h11, a burst of connections waits in a 2048-deep backlog, no Server banner);
this module adds what API Gateway adds in AWS: a 10 MB payload limit answered with 413
before the body is read, and a worker thread per request, because the handlers are
synchronous and may call back into this same server (the calendar fakes).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from momentum.core import problems

# API Gateway's own payload limit; the functions refuse anything over 256 KiB themselves.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
BACKLOG = 2048
logger = logging.getLogger("momentum.local")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query as sent, still percent-encoded
    headers: dict[str, str]
    body: bytes
    client_ip: str

    @property
    def path(self) -> str:
        return self.target.split("?")[0]


Answer = tuple[int, dict[str, str], bytes]


def problem_answer(problem: problems.Problem) -> Answer:
    result = problems.lambda_result(problem)
    headers = {**result["headers"], "X-Content-Type-Options": "nosniff"}
    return problem.status, headers, result["body"].encode()


class Application:
    """An ASGI application answering every request with `respond` on a worker thread."""

    def __init__(self, respond: Callable[[Request], Answer], *, workers: int = 64) -> None:
        self.respond = respond
        self.workers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="request")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan is off; websockets are not served
            return
        headers = _headers(scope)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_PAYLOAD_BYTES:
            # h11 has checked it is digits; answer before reading, then the connection closes.
            await _send(send, problem_answer(_too_large()))
            return
        body = await _body(receive)
        if body is None:
            await _send(send, problem_answer(_too_large()))
            return
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        client = scope.get("client") or ("127.0.0.1", 0)
        request = Request(scope["method"], target, headers, body, client[0])
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(self.workers, self._answer, request)
        await _send(send, answer, head=scope["method"] == "HEAD")

    def _answer(self, request: Request) -> Answer:
        try:
            return self.respond(request)
        except Exception:  # what Lambda reports as a function error; the log has the trace
            logger.exception("%s %s failed", request.method, request.path)
            return problem_answer(problems.InternalError("The function failed; see the log."))

    def close(self) -> None:
        self.workers.shutdown(wait=False, cancel_futures=True)


def _too_large() -> problems.Problem:
    return problems.PayloadTooLarge(f"The request is over {MAX_PAYLOAD_BYTES} bytes.")


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        joiner = "; " if name == "cookie" else ", "
        headers[name] = f"{headers[name]}{joiner}{value}" if name in headers else value
    return headers


async def _body(receive: Receive) -> bytes | None:
    """The whole body, or None once it grows past the payload limit (chunked uploads)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_PAYLOAD_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, answer: Answer, *, head: bool = False) -> None:
    status, headers, body = answer
    if status in (204, 304):  # HTTP forbids a body here; API Gateway sends none
        body = b""
    raw = [(k.lower().encode("latin-1"), v.encode("utf-8")) for k, v in headers.items()]
    raw = [pair for pair in raw if pair[0] != b"content-length"]
    if status not in (204, 304):
        raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": b"" if head else body})


def listening_socket(port: int) -> socket.socket:
    """Bound now, so a port in use fails the start rather than the first request."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


class _ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering a request it cannot parse with problem+json."""

    def send_400_response(self, msg: str) -> None:
        detail = "The request is not valid HTTP/1.1 (request line, headers or Content-Length)."
        _, headers, body = problem_answer(problems.BadRequest(detail))
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw += [(b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        for event in (
            h11.Response(status_code=400, headers=raw, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def server(app: Application, *, access_log: bool) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        http=_ProblemH11Protocol,
        lifespan="off",
        backlog=BACKLOG,
        server_header=False,
        access_log=access_log,
        log_config=None,
        log_level="info" if access_log else "warning",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)
