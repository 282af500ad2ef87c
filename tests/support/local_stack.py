"""The local stack as tests and benchmarks drive it: `python -m infra.local` as a child
process on free ports with its own data folder (so it runs beside a `make serve` that is
already up), and the harness's `Api` over real HTTP to it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.harness import Actor, Api, Reply, admin_email

ROOT = Path(__file__).resolve().parents[2]
# The test stack's principal cache bound (60 s deployed), so deactivation is seen quickly.
PRINCIPAL_CACHE_SECONDS = 2


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalStackProcess:
    """`python -m infra.local` as a child process; restartable on the same data folder."""

    def __init__(self, data_dir: Path, environment: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.environment = environment or {}  # e.g. MOMENTUM_LOCAL_CONCURRENCY
        self.port, self.dynamodb_port, self.moto_port = free_port(), free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"stack-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
        env.pop("TABLE_NAME", None)
        env["MOMENTUM_PRINCIPAL_CACHE_SECONDS"] = str(PRINCIPAL_CACHE_SECONDS)
        env.update(self.environment)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "infra.local",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--dynamodb-port",
                str(self.dynamodb_port),
                "--moto-port",
                str(self.moto_port),
                "--no-schedules",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 180  # a loaded 2-core machine starts slowly
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"local stack exited: {self.log.read_text()[-3000:]}")
            try:
                httpx.get(f"{self.url}/v1/openapi.json", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.3)
        raise RuntimeError(f"local stack did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class HttpApi(Api):
    """The harness's Api over real HTTP, with tokens from /local/tokens."""

    def __init__(self, url: str, dynamodb_url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=60)
        self.dynamodb_url = dynamodb_url

    def dynamodb(self) -> Any:
        import boto3

        return boto3.client(
            "dynamodb",
            endpoint_url=self.dynamodb_url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def table(self) -> str:
        [name] = self.dynamodb().list_tables()["TableNames"]  # the local stack has one table
        return str(name)

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
        sent = {"Content-Type": "application/json", **(headers or {})}
        if actor is not None and actor.token:
            sent["Authorization"] = f"Bearer {actor.token}"
        content = (
            raw_body.encode()
            if raw_body is not None
            else (None if body is None else httpx.Request("POST", "/", json=body).content)
        )
        answer = self.http.request(method, path, content=content, headers=sent)
        # A request carries only the cookies a test gives it, as in-process (no jar).
        self.http.cookies.clear()
        try:
            parsed = answer.json() if answer.content else None
        except ValueError:
            parsed = None
        return Reply(answer.status_code, parsed, dict(answer.headers), answer.text)

    def new_org(self, name: str = "Acme", time_zone: str = "UTC") -> Actor:
        email = admin_email(name)
        made = self.http.post(
            "/local/orgs",
            json={
                "name": name,
                "admin_email": email,
                "admin_name": f"{name} Admin",
                "time_zone": time_zone,
            },
        ).json()
        return Actor(
            made["org_id"],
            made["admin_user_id"],
            made["token"],
            email,
            f"{name} Admin",
        )

    def actor(self, org_id: str, user_id: str) -> Actor:
        token = self.http.post("/local/tokens", json={"org_id": org_id, "user_id": user_id})
        return Actor(org_id, user_id, token.json()["token"])

    def run_sweep(self, sweep: str, time: str) -> dict[str, Any]:
        answer = self.http.post(f"/local/sweeps/{sweep}", json={"time": time})
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def run_background(self) -> int:
        answer = self.http.post("/local/queues/drain")
        assert answer.status_code == 200, answer.text
        return int(answer.json()["delivered"])

    def outbox(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.http.get("/local/outbox").json()["items"]
        return items


def cognito(api: HttpApi) -> tuple[Any, dict[str, str]]:
    """A boto3 client of the stack's Cognito (moto), and what /local/identity says of it."""
    identity: dict[str, str] = api.http.get("/local/identity").json()
    import boto3

    client = boto3.client(
        "cognito-idp", endpoint_url=identity["endpoint_url"], region_name=identity["region"]
    )
    return client, identity
