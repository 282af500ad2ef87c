"""The HTTP edge over real HTTP: bodies no function may choke on, the headers every answer
carries, CORS preflights answered before the authorizer, and a server that survives
clients sending nonsense framing or many connections at once."""

from __future__ import annotations

import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.harness import Actor
from tests.support.local_stack import HttpApi

pytestmark = pytest.mark.e2e

NESTED = ("[" * 5000 + "]" * 5000).encode()
NESTED_OBJECT = ('{"a":' * 40 + "1" + "}" * 40).encode()
INTERNALS = ("Traceback", "Error(", "recursion", "json.decoder", "line 1 column", 'File "')


def _is_plain_problem(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == status
    assert set(problem) >= {"type", "title", "status", "detail"}
    for internal in INTERNALS:
        assert internal not in answer.text, (internal, answer.text)


def _auth(actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.token}", "Content-Type": "application/json"}


def _goal_count(stack: HttpApi, admin: Actor) -> int:
    return len(stack.get(admin, "/v1/goals?limit=100").ok()["items"])


def test_deeply_nested_json_is_a_400_on_every_kind_of_route(stack: HttpApi) -> None:
    admin = stack.new_org("Nesting")
    stack.http.post("/local/queues/drain")
    goals_before = _goal_count(stack, admin)
    json_headers = {"Content-Type": "application/json"}
    answers = {
        "protected create": stack.http.post("/v1/goals", content=NESTED, headers=_auth(admin)),
        "protected, 40 objects deep": stack.http.post(
            "/v1/goals", content=NESTED_OBJECT, headers=_auth(admin)
        ),
        "protected update": stack.http.patch(
            "/v1/me/settings", content=NESTED, headers=_auth(admin)
        ),
        "webhook": stack.http.post("/webhooks/microsoft", content=NESTED, headers=json_headers),
        "oauth callback": stack.http.request(
            "GET",
            "/v1/calendar/oauth/callback?code=x&state=y",
            content=NESTED,
            headers=json_headers,
        ),
        "unknown path": stack.http.post("/v1/nowhere", content=NESTED, headers=json_headers),
        "unknown public path": stack.http.post("/nowhere", content=NESTED, headers=json_headers),
    }
    for case, answer in answers.items():
        assert answer.status_code == 400, (case, answer.status_code, answer.text)
        _is_plain_problem(answer, 400)
        assert "nests deeper" in answer.json()["detail"], case
    assert _goal_count(stack, admin) == goals_before
    assert stack.http.post("/local/queues/drain").json()["delivered"] == 0


def test_the_documentation_ignores_any_body(stack: HttpApi) -> None:
    read = stack.http.request("GET", "/v1/openapi.json", content=NESTED)
    assert read.status_code == 200
    assert read.json()["openapi"].startswith("3.1")
    _is_plain_problem(stack.http.post("/v1/openapi.json", content=NESTED), 405)


def test_a_lone_surrogate_is_refused_and_nothing_changes(stack: HttpApi) -> None:
    admin = stack.new_org("Surrogates", time_zone="Europe/Paris")
    before = stack.get(admin, "/v1/me").ok()
    goals_before = _goal_count(stack, admin)
    lone = {
        "time zone": ("PATCH", "/v1/me/settings", b'{"time_zone": "\\ud800x"}'),
        "low half alone": ("PATCH", "/v1/me/settings", b'{"time_zone": "Europe/\\udc00"}'),
        "goal title": ("POST", "/v1/goals", b'{"kind": "objective", "title": "a\\ud83d"}'),
        "in a key": ("POST", "/v1/goals", b'{"\\udfff": 1}'),
    }
    for case, (method, path, body) in lone.items():
        answer = stack.http.request(method, path, content=body, headers=_auth(admin))
        assert answer.status_code in (400, 422), (case, answer.text)
        _is_plain_problem(answer, answer.status_code)
    after = stack.get(admin, "/v1/me").ok()
    assert after == before
    assert _goal_count(stack, admin) == goals_before
    # A surrogate pair is one valid character and passes the edge.
    paired = b'{"time_zone": "\\ud83d\\ude00"}'
    answer = stack.http.patch("/v1/me/settings", content=paired, headers=_auth(admin))
    assert answer.status_code == 422, answer.text  # a valid string, but no IANA zone


def test_every_answer_carries_nosniff_and_personal_data_is_never_cached(stack: HttpApi) -> None:
    admin = stack.new_org("Headers")
    personal = {
        "me": stack.http.get("/v1/me", headers=_auth(admin)),
        "created": stack.http.post(
            "/v1/goals",
            json={"kind": "objective", "title": "Grow", "due_date": "2027-06-30"},
            headers=_auth(admin),
        ),
        "a problem": stack.http.get("/v1/no-such-thing", headers=_auth(admin)),
        "a webhook": stack.http.post("/webhooks/microsoft", json={"value": []}),
    }
    for case, answer in personal.items():
        assert answer.headers.get("x-content-type-options") == "nosniff", case
        assert answer.headers.get("cache-control") == "no-store", case
    for public in ("/v1/openapi.json", "/v1/docs"):
        answer = stack.http.get(public)
        assert answer.headers.get("x-content-type-options") == "nosniff", public
        assert answer.headers["cache-control"].startswith("public"), public
    assert "server" not in personal["me"].headers


def test_a_cors_preflight_is_answered_before_the_authorizer(stack: HttpApi) -> None:
    # The web app's origin: the stack inherits APP_URL from tests/conftest.py.
    app = httpx.URL(os.environ["APP_URL"])
    allowed = f"{app.scheme}://{app.host}"
    assert allowed == "https://app.momentum.test"
    preflight = {
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    answer = stack.http.options("/v1/me/settings", headers={"Origin": allowed, **preflight})
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == allowed
    assert "PATCH" in answer.headers["access-control-allow-methods"].split(",")
    assert "authorization" in answer.headers["access-control-allow-headers"].split(",")
    assert answer.content == b""
    elsewhere = stack.http.options(
        "/v1/me/settings", headers={"Origin": "https://evil.example", **preflight}
    )
    assert elsewhere.status_code == 204
    assert "access-control-allow-origin" not in elsewhere.headers
    admin = stack.new_org("Cors")
    real = stack.http.get("/v1/me", headers={**_auth(admin), "Origin": allowed})
    assert real.status_code == 200
    assert real.headers["access-control-allow-origin"] == allowed
    foreign = stack.http.get("/v1/me", headers={**_auth(admin), "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


def _raw_exchange(url: str, request: bytes, *, timeout: float = 5) -> tuple[bytes, float]:
    """Send raw bytes, read the answer's head and body until the server closes or 2 s idle."""
    address = httpx.URL(url)
    started = time.monotonic()
    with socket.create_connection((address.host, address.port or 80), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        sock.settimeout(2)
        try:
            while chunk := sock.recv(65536):
                received += chunk
                head, _, body = received.partition(b"\r\n\r\n")
                length = _declared_length(head)
                if length is not None and len(body) >= length:
                    break
        except TimeoutError:
            pass
    return received, time.monotonic() - started


def _declared_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return None


@pytest.mark.parametrize(
    ("declared", "status"), [(b"-1", 400), (b"abc", 400), (b"10000000000", 413)]
)
def test_nonsense_content_length_is_answered_at_once(
    stack: HttpApi, declared: bytes, status: int
) -> None:
    admin = stack.new_org(f"Framing {declared.decode()}")
    goals_before = _goal_count(stack, admin)
    request = (
        b"POST /v1/goals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + (admin.token or "").encode() + b"\r\n"
        b"Content-Length: " + declared + b"\r\n\r\n" + b'{"kind": "objective", "title": "x"}'
    )
    received, took = _raw_exchange(stack.url, request)
    status_line, _, rest = received.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 %d" % status), received[:300]
    head, _, body = rest.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head.lower()
    assert b'"status": %d' % status in body
    assert took < 3, f"answered after {took:.1f} s"
    assert stack.get(admin, "/v1/me").status == 200  # the server still answers
    assert _goal_count(stack, admin) == goals_before


def test_a_burst_of_connections_is_answered_in_full(stack: HttpApi) -> None:
    def one(_: int) -> int:
        with httpx.Client(base_url=stack.url, timeout=60) as client:
            return client.get("/v1/openapi.json", headers={"Connection": "close"}).status_code

    # 20 clients connect at the same instant (the old server's backlog was 5), then all ask.
    port = httpx.URL(stack.url).port
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    try:
        for sock in sockets:
            sock.sendall(
                b"GET /v1/nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
        answers = []
        for sock in sockets:
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            answers.append(received.split(b"\r\n", 1)[0])
    finally:
        for sock in sockets:
            sock.close()
    assert answers == [b"HTTP/1.1 404 Not Found"] * 20
    with ThreadPoolExecutor(max_workers=20) as pool:
        assert list(pool.map(one, range(20))) == [200] * 20
