"""The local stack: `python -m infra.local` (what `make serve` runs).

One process tree that Ctrl-C stops: DynamoDB Local and moto server as children, the
API on http://127.0.0.1:3000 turning HTTP into API Gateway events for the same handlers
CDK deploys, the schedules firing the sweeps, and the /local/* helper routes.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from infra.local import gateway
from infra.local.services import ROOT, Services
from infra.local.tokens import TokenAuthority, TokenRejected

sys.path.insert(0, str(ROOT / "functions"))


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
        self.httpd: ThreadingHTTPServer | None = None

    def start(self) -> None:
        self.services.start()
        from infra.local import bootstrap

        bootstrap.prepare(self.port)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self.httpd.daemon_threads = True
        from infra.local.queues import QueuePoller

        self.queues = QueuePoller()
        self.queues.start()
        if self.run_schedules:
            from infra.local.schedules import ScheduleRunner

            self.runner = ScheduleRunner(
                bootstrap.registered_schedules, self.hand_out_sweep, lambda: datetime.now(UTC)
            )
            self.runner.start()

    def serve_forever(self) -> None:
        assert self.httpd is not None
        self.httpd.serve_forever()

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.runner:
            self.runner.stop()
        if self.queues:
            self.queues.stop()
        if self.httpd:
            self.httpd.server_close()
        self.services.stop()

    def hand_out_sweep(self, sweep: str, instant: datetime) -> None:
        """A scheduled run, as in AWS: its due shards go to the sweep workers' queue."""
        self.fire_sweep(sweep, instant, inline=False)

    def fire_sweep(self, sweep: str, instant: datetime, *, inline: bool = True) -> dict[str, Any]:
        """Run a sweep; inline (POST /local/sweeps) it answers with the run's summary."""
        from momentum import catalog

        detail: dict[str, Any] = {"sweep": sweep, **({"inline": True} if inline else {})}
        event = {
            "version": "0",
            "id": secrets.token_hex(8),
            "source": "momentum.scheduler",
            "detail-type": "Scheduled Event",
            "account": "000000000000",
            "region": "us-east-1",
            "time": instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "resources": [],
            "detail": detail,
        }
        function = catalog.function_named(catalog.schedule_named(sweep).function)
        return gateway.invoke(function, event)


def _problem(status: int, detail: str) -> tuple[int, dict[str, str], bytes]:
    titles = {400: "Bad request", 404: "Not found", 500: "Internal error"}
    body = {
        "type": f"https://momentum.example/problems/{status}",
        "title": titles.get(status, ""),
        "status": status,
        "detail": detail,
    }
    return status, {"Content-Type": "application/problem+json"}, json.dumps(body).encode()


def _handler_for(stack: LocalStack) -> type[BaseHTTPRequestHandler]:
    from infra.local import local_routes

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "MomentumLocal/1"

        def log_message(self, format: str, *args: Any) -> None:
            if os.environ.get("MOMENTUM_ACCESS_LOG") == "1":
                super().log_message(format, *args)

        def _dispatch(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name: value for name, value in self.headers.items()}
            path = self.path.split("?")[0]
            try:
                if path.startswith("/local/"):
                    status, out_headers, out = local_routes.handle(
                        stack, self.command, self.path, body, headers
                    )
                else:
                    status, out_headers, out = self._to_lambda(path, body, headers)
            except Exception as error:  # what Lambda would report as a function error
                import traceback

                traceback.print_exc()
                status, out_headers, out = _problem(500, f"The function failed: {error!r}")
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def _to_lambda(
            self, path: str, body: bytes, headers: dict[str, str]
        ) -> tuple[int, dict[str, str], bytes]:
            from momentum import catalog

            owner = catalog.route_owner(path)
            function = owner[0] if owner else catalog.function_named(catalog.DEFAULT_ROUTE_FUNCTION)
            public = owner is None or owner[1]
            claims = None
            if not public:
                try:
                    claims = gateway.authorize(stack.authority, headers)
                except TokenRejected as rejected:
                    result = gateway.unauthorized(str(rejected))
                    return 401, result["headers"], result["body"].encode()
            prefix = _matched_prefix(owner[0], path) if owner else None
            event = gateway.api_event(
                method=self.command,
                target=self.path,
                headers=headers,
                body=body,
                route_key=gateway.route_key_for(prefix, path),
                claims=claims,
                source_ip=self.client_address[0],
            )
            result = gateway.invoke(function, event)
            payload = result.get("body") or ""
            raw = (
                __import__("base64").b64decode(payload)
                if result.get("isBase64Encoded")
                else payload.encode()
            )
            out_headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
            for name, values in (result.get("multiValueHeaders") or {}).items():
                out_headers[name] = ", ".join(values)
            status = int(result.get("statusCode", 200))
            if status in (204, 304):  # HTTP forbids a body here; API Gateway sends none
                raw = b""
            return status, out_headers, raw

        def __getattr__(self, name: str) -> Any:
            # Every method (GET ... TRACE, QUERY) goes to the function, as ANY routes do.
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

    return Handler


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
        # serve_forever() returns once shutdown() runs (from another thread, as it must).
        if stack.httpd is not None:
            threading.Thread(target=stack.httpd.shutdown, daemon=True).start()

    # SIGINT too, explicitly: a shell that starts `make serve` in the background leaves
    # SIGINT ignored, and Python then never raises KeyboardInterrupt.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        stack.start()
    except Exception:
        stack.stop()
        raise
    base = f"http://127.0.0.1:{args.port}"
    print(f"Momentum is running at {base}  (data in {args.data_dir})", flush=True)
    print(f"  OpenAPI: {base}/v1/openapi.json   Swagger UI: {base}/v1/docs", flush=True)
    print(
        "  Get a token: curl -s -X POST " + base + "/local/orgs -H 'Content-Type: application/json'"
        ' -d \'{"name": "Acme", "admin_email": "ada@acme.test", "admin_name": "Ada"}\'',
        flush=True,
    )
    print("  then: curl -s " + base + '/v1/me -H "Authorization: Bearer $TOKEN"', flush=True)
    print("Ctrl-C stops everything.", flush=True)
    try:
        stack.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
