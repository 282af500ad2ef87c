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
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.local import gateway, transport
from infra.local.identity import LocalIdentity, TokenRejected
from infra.local.services import ROOT, Services, free_port

sys.path.insert(0, str(ROOT / "functions"))

from momentum.core.outbound import (  # reads no configuration at import
    CALENDAR_PROVIDER,
    DEFAULT_PREFIXES,
    SLACK_WEBHOOK,
)


def configure_environment(
    port: int, dynamodb_port: int, moto_port: int, cognito_port: int
) -> dict[str, str]:
    """Point boto3 at the emulators (before momentum is imported); returns the endpoints,
    which every function's container gets besides its own settings."""
    endpoints = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{dynamodb_port}",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": f"http://127.0.0.1:{cognito_port}",
    }
    os.environ.update(endpoints)
    return endpoints


def local_settings(port: int) -> dict[str, str]:
    """Settings whose local values need no emulator; the rest come from bootstrap."""
    base = f"http://127.0.0.1:{port}"
    fakes = f"{base}/local/calendar"
    return {
        "APP_URL": os.environ.get("APP_URL", f"{base}/app"),
        # The deployed bound is 60 s; tests shorten it rather than wait for it.
        "PRINCIPAL_CACHE_SECONDS": os.environ.get("MOMENTUM_PRINCIPAL_CACHE_SECONDS", "60"),
        "POWERTOOLS_SERVICE_NAME": "momentum",
        "POWERTOOLS_METRICS_NAMESPACE": "Momentum",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "API_BASE_URL": base,
        "GOOGLE_AUTHORIZE_URL": f"{fakes}/google/oauth/authorize",
        "GOOGLE_USERINFO_URL": f"{fakes}/google/oauth/userinfo",
        "GOOGLE_OAUTH_BASE": f"{fakes}/google/oauth",
        "GOOGLE_API_BASE": f"{fakes}/google",
        "MICROSOFT_LOGIN_BASE": f"{fakes}/microsoft/oauth",
        "MICROSOFT_GRAPH_BASE": f"{fakes}/microsoft/v1.0",
        "SLACK_API_BASE": f"{base}/local/slack/api/",
    }


def local_only(port: int) -> dict[str, str]:
    """What only the local stack sets, beside its endpoints: its fakes and receivers on the
    outbound allow-lists (core/outbound.py) and local mode (loopback webhook receivers).
    The deployed stack sets none of these, so there they stay the real services."""
    fakes = f"http://127.0.0.1:{port}/local/calendar"
    return {
        "MOMENTUM_LOCAL": "1",
        "CALENDAR_PROVIDER_ALLOWED_PREFIXES": ",".join(
            [f"{fakes}/", *DEFAULT_PREFIXES[CALENDAR_PROVIDER]]
        ),
        "SLACK_WEBHOOK_ALLOWED_PREFIXES": ",".join(
            [f"http://127.0.0.1:{port}/local/slack/", *DEFAULT_PREFIXES[SLACK_WEBHOOK]]
        ),
    }


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
        cognito_port = free_port()
        self.endpoints = configure_environment(port, dynamodb_port, moto_port, cognito_port)
        self.identity = LocalIdentity(data_dir, f"http://127.0.0.1:{cognito_port}")
        self.services = Services(
            data_dir, dynamodb_port, moto_port, cognito_port, self.identity.recording, quiet=quiet
        )
        self.slack_log = data_dir / "slack-outbox.jsonl"
        self.run_schedules = run_schedules
        self.runner: Any = None
        self.queues: Any = None
        self.containers: Any = None
        self.stopped = False
        self.listener: socket.socket | None = None
        self.app: transport.Application | None = None

    def start(self) -> None:
        self.listener = transport.listening_socket(self.port)
        self.services.start()
        from infra.environment import all_setting_names, function_environment
        from infra.local import bootstrap
        from infra.local.containers import Containers
        from momentum import catalog

        values = local_settings(self.port)
        values.update(
            bootstrap.prepare(
                data_dir=self.data_dir,
                table_name=os.environ.get("TABLE_NAME", "momentum"),
                sender_email=os.environ.get("SENDER_EMAIL", "momentum@momentum.example"),
                identity=self.identity,
            )
        )
        # This process runs the local routes and tools with every setting; each function
        # runs in its own container with only the settings its stack entry gives it.
        os.environ.update({name: values[name] for name in all_setting_names() if name in values})
        os.environ.update(local_only(self.port))
        self.identity.reconcile()
        self.containers = Containers(
            {
                function.name: {
                    **self.endpoints,
                    **local_only(self.port),
                    **function_environment(function, values),
                }
                for function in catalog.FUNCTIONS
            }
        )
        gateway.serve_functions(self.containers)
        self.app = transport.Application(lambda request: respond(self, request))
        from infra.local.queues import QueuePoller

        self.queues = QueuePoller()
        self.queues.start()
        if self.run_schedules:
            from infra.local.schedules import ScheduleRunner

            self.runner = ScheduleRunner(
                bootstrap.registered_schedules, self.hand_out_sweep, lambda: datetime.now(UTC)
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
        if self.containers:
            self.containers.stop()
        self.services.stop()

    def hand_out_sweep(self, sweep: str, instant: datetime) -> None:
        """A scheduled run, as in AWS: its due shards go to the sweep workers' queue."""
        self.fire_sweep(sweep, instant, inline=False)

    def fire_sweep(self, sweep: str, instant: datetime, *, inline: bool = True) -> dict[str, Any]:
        """Run a sweep; inline (POST /local/sweeps) it answers with the run's summary."""
        from infra.local import bootstrap
        from momentum import catalog

        # inline: the local route's own run, every shard at once, answered with its summary
        detail = {"inline": True} if inline else None
        event = bootstrap.delivered_event(sweep, instant, detail=detail)
        function = catalog.function_named(catalog.schedule_named(sweep).function)
        result: dict[str, Any] = gateway.invoke(function, event)
        return result


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
            claims = gateway.authorize(stack.identity, headers.items())
        except TokenRejected:
            return dict(gateway.UNAUTHORIZED)  # the JWT authorizer's own refusal
    event = gateway.api_event(
        method=request.method,
        target=request.target,
        # the transport has joined a repeated header's values with commas, as API Gateway does
        headers=headers.items(),
        body=request.body,
        route_key=gateway.route_key_of(owner[0], path) if owner else "$default",
        claims=claims,
        source_ip=request.client_ip,
    )
    return gateway.integrate(function, event)


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
