"""The local stack: `python -m infra.local` (what `make serve` runs).

One process tree that Ctrl-C stops: DynamoDB Local and moto server as children, the
API on http://127.0.0.1:3000 turning HTTP into API Gateway events for the same handlers
CDK deploys, the schedules firing the sweeps, and the /local/* helper routes. HTTP itself
is uvicorn's (infra/local/transport.py); this module routes each request as API Gateway
does: CORS preflights first, then the authorizer, then the function.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.local import gateway, transport
from infra.local.services import ROOT, Services
from infra.local.tokens import TokenAuthority, TokenRejected

sys.path.insert(0, str(ROOT / "functions"))

from momentum.core.outbound import (  # reads no configuration at import
    CALENDAR_PROVIDER,
    DEFAULT_PREFIXES,
    SLACK_WEBHOOK,
)


def configure_environment(data_dir: Path, port: int, dynamodb_port: int, moto_port: int) -> None:
    """Point the handlers' boto3 clients at the emulators (before momentum is imported)."""
    secret_file = data_dir / "cursor-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(32))
    os.environ.update(
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
        AWS_ENDPOINT_URL_DYNAMODB=f"http://127.0.0.1:{dynamodb_port}",
        TABLE_NAME=os.environ.get("TABLE_NAME", "momentum"),
        CURSOR_SECRET=secret_file.read_text().strip(),
        API_BASE_URL=f"http://127.0.0.1:{port}",
        APP_URL=os.environ.get("APP_URL", f"http://127.0.0.1:{port}/app"),
        SENDER_EMAIL=os.environ.get("SENDER_EMAIL", "momentum@momentum.example"),
        MOMENTUM_LOCAL="1",
        POWERTOOLS_SERVICE_NAME="momentum",
        POWERTOOLS_METRICS_NAMESPACE="Momentum",
        POWERTOOLS_LOG_LEVEL=os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
    )
    # The calendar providers: the fakes under /local/calendar/ (infra/local/calendar_fakes.py)
    # unless the environment already points somewhere else.
    fakes = f"http://127.0.0.1:{port}/local/calendar"
    for name, value in {
        "GOOGLE_OAUTH_BASE": f"{fakes}/google/oauth",
        "GOOGLE_API_BASE": f"{fakes}/google",
        "GOOGLE_CLIENT_ID": "momentum-local-google",
        "GOOGLE_CLIENT_SECRET": "momentum-local-google-secret",
        "MICROSOFT_LOGIN_BASE": f"{fakes}/microsoft/oauth",
        "MICROSOFT_GRAPH_BASE": f"{fakes}/microsoft/v1.0",
        "MICROSOFT_CLIENT_ID": "momentum-local-microsoft",
        "MICROSOFT_CLIENT_SECRET": "momentum-local-microsoft-secret",
        # core/outbound.py: the local receivers beside the real services, locally only.
        "CALENDAR_PROVIDER_ALLOWED_PREFIXES": ",".join(
            [f"{fakes}/", *DEFAULT_PREFIXES[CALENDAR_PROVIDER]]
        ),
        "SLACK_WEBHOOK_ALLOWED_PREFIXES": ",".join(
            [f"http://127.0.0.1:{port}/local/slack/", *DEFAULT_PREFIXES[SLACK_WEBHOOK]]
        ),
    }.items():
        os.environ.setdefault(name, value)


class LocalStack:
    def __init__(
        self,
        *,
        port: int,
        data_dir: Path,
        dynamodb_port: int,
        moto_port: int,
        run_schedules: bool,
        quiet: bool = True,
    ) -> None:
        self.port, self.data_dir = port, data_dir
        self.moto_url = f"http://127.0.0.1:{moto_port}"
        data_dir.mkdir(parents=True, exist_ok=True)
        configure_environment(data_dir, port, dynamodb_port, moto_port)
        self.services = Services(data_dir, dynamodb_port, moto_port, quiet=quiet)
        self.authority = TokenAuthority.load_or_create(data_dir, f"http://127.0.0.1:{port}/local")
        self.slack_log = data_dir / "slack-outbox.jsonl"
        self.run_schedules = run_schedules
        self.runner: Any = None
        self.queues: Any = None
        self.stopped = False
        self.listener: socket.socket | None = None
        self.app: transport.Application | None = None

    def start(self) -> None:
        self.listener = transport.listening_socket(self.port)
        self.services.start()
        from infra.local import bootstrap

        bootstrap.prepare(self.port)
        self.app = transport.Application(lambda request: respond(self, request))
        from infra.local.queues import QueuePoller

        self.queues = QueuePoller()
        self.queues.start()
        if self.run_schedules:
            from infra.local.schedules import ScheduleRunner

            self.runner = ScheduleRunner(
                bootstrap.registered_schedules, self.fire_sweep, lambda: datetime.now(UTC)
            )
            self.runner.start()

    def serve(self) -> None:
        """Until SIGINT or SIGTERM (uvicorn's handlers, while it serves)."""
        assert self.app is not None and self.listener is not None
        access_log = os.environ.get("MOMENTUM_ACCESS_LOG") == "1"
        transport.server(self.app, access_log=access_log).run(sockets=[self.listener])

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.runner:
            self.runner.stop()
        if self.queues:
            self.queues.stop()
        if self.app:
            self.app.close()
        if self.listener:
            self.listener.close()
        self.services.stop()

    def fire_sweep(self, sweep: str, instant: datetime) -> dict[str, Any]:
        from momentum import catalog

        event = {
            "version": "0",
            "id": secrets.token_hex(8),
            "source": "momentum.scheduler",
            "detail-type": "Scheduled Event",
            "account": "000000000000",
            "region": "us-east-1",
            "time": instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "resources": [],
            "detail": {"sweep": sweep},
        }
        function = catalog.function_named(catalog.schedule_named(sweep).function)
        return gateway.invoke(function, event)


def respond(stack: LocalStack, request: transport.Request) -> transport.Answer:
    """One request, as API Gateway and then the function would answer it."""
    if request.path.startswith("/local/"):
        from infra.local import local_routes

        return local_routes.handle(
            stack, request.method, request.target, request.body, request.headers
        )
    preflight = gateway.preflight(request.method, request.headers)
    result = preflight or _to_lambda(stack, request)
    status = int(result.get("statusCode", 200))
    out_headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        out_headers[name] = ", ".join(values)
    if preflight is None:
        out_headers.update(gateway.cors_headers(request.headers))
    for cookie in result.get("cookies") or []:  # HTTP API v2: each is a Set-Cookie
        out_headers["Set-Cookie"] = cookie  # Momentum sets at most one per answer
    payload = result.get("body") or ""
    raw = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
    if status in (204, 304):  # HTTP forbids a body here; API Gateway sends none
        raw = b""
    return status, out_headers, raw


def _to_lambda(stack: LocalStack, request: transport.Request) -> dict[str, Any]:
    from momentum import catalog

    path, headers = request.path, request.headers
    owner = catalog.route_owner(path)
    function = owner[0] if owner else catalog.function_named(catalog.DEFAULT_ROUTE_FUNCTION)
    public = owner is None or owner[1]
    claims = None
    if not public:
        try:
            claims = gateway.authorize(stack.authority, headers)
        except TokenRejected as rejected:
            return gateway.unauthorized(str(rejected))
    prefix = _matched_prefix(owner[0], path) if owner else None
    event = gateway.api_event(
        method=request.method,
        target=request.target,
        headers=headers,
        body=request.body,
        route_key=gateway.route_key_for(prefix, path),
        claims=claims,
        source_ip=request.client_ip,
    )
    return gateway.invoke(function, event)


def _matched_prefix(function: Any, path: str) -> str | None:
    prefixes = [
        p
        for p in (*function.routes, *function.public_routes)
        if path == p or path.startswith(p + "/")
    ]
    return max(prefixes, key=len) if prefixes else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run Momentum on this machine.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOMENTUM_PORT", 3000)))
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("MOMENTUM_DATA_DIR", ROOT / ".momentum")),
    )
    parser.add_argument(
        "--dynamodb-port", type=int, default=int(os.environ.get("MOMENTUM_DYNAMODB_PORT", 8000))
    )
    parser.add_argument(
        "--moto-port", type=int, default=int(os.environ.get("MOMENTUM_MOTO_PORT", 5000))
    )
    parser.add_argument(
        "--no-schedules",
        action="store_true",
        help="do not fire sweeps on their schedules (tests drive them)",
    )
    args = parser.parse_args(argv)
    stack = LocalStack(
        port=args.port,
        data_dir=args.data_dir.resolve(),
        dynamodb_port=args.dynamodb_port,
        moto_port=args.moto_port,
        run_schedules=not args.no_schedules,
    )

    def stop(*_: Any) -> None:
        # While uvicorn serves, its own handlers stop it gracefully and then re-raise the
        # signal here; before or after that, unwinding to the `finally` stops the children.
        if not stack.stopped:
            raise KeyboardInterrupt

    # SIGINT too, explicitly: a shell that starts `make serve` in the background leaves
    # SIGINT ignored, and Python then never raises KeyboardInterrupt.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        stack.start()
        _announce(args.port, args.data_dir)
        stack.serve()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


def _announce(port: int, data_dir: Path) -> None:
    base = f"http://127.0.0.1:{port}"
    print(f"Momentum is running at {base}  (data in {data_dir})", flush=True)
    print(f"  OpenAPI: {base}/v1/openapi.json   Swagger UI: {base}/v1/docs", flush=True)
    print(
        "  Get a token: curl -s -X POST " + base + "/local/orgs -H 'Content-Type: application/json'"
        ' -d \'{"name": "Acme", "admin_email": "ada@acme.test", "admin_name": "Ada"}\'',
        flush=True,
    )
    print("  then: curl -s " + base + '/v1/me -H "Authorization: Bearer $TOKEN"', flush=True)
    print("Ctrl-C stops everything.", flush=True)
