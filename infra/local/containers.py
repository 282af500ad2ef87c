"""One process per function, started with that function's own environment, as Lambda
runs each function in its own containers.

A container is `python -m infra.local.containers` with the environment the stack gives
the function (infra/environment.py) plus the emulators' endpoints. It imports the handler
once (its cold start: a missing setting fails here, as it would in AWS) and then serves
one invocation at a time over a pipe: a JSON line in, a JSON line out. The function's own
output (Powertools' JSON logs) goes to the stack's log, never into the pipe.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
ROOT_ENVIRONMENT = ("PATH", "HOME", "LANG", "TZ", "SYSTEMROOT", "TMPDIR", "VIRTUAL_ENV")


class FunctionError(RuntimeError):
    """The function raised, or its container could not start (what Lambda reports)."""


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_s: int, memory_mb: int, request_id: str):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
        )
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Container:
    def __init__(self, function: Any, environment: Mapping[str, str]) -> None:
        self.function = function
        self._environment = dict(environment)
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        base = {name: os.environ[name] for name in ROOT_ENVIRONMENT if name in os.environ}
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local.containers", self.function.handler],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**base, **self._environment},
            cwd=ROOT,
        )
        ready = _read(process.stdout)
        if ready.get("error"):
            process.wait(timeout=10)
            raise FunctionError(f"{self.function.name} failed to start: {ready['error']}")
        return process

    def invoke(self, event: dict[str, Any], request_id: str) -> Any:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            assert self._process.stdin is not None
            self._process.stdin.write(
                json.dumps({"event": event, "request_id": request_id}).encode() + b"\n"
            )
            self._process.stdin.flush()
            answer = _read(self._process.stdout)
        if "error" in answer:
            raise FunctionError(f"{self.function.name}: {answer['error']}")
        return answer["result"]

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()


class Containers:
    """Every function's container, started on its first invocation and kept warm."""

    def __init__(self, environments: Mapping[str, Mapping[str, str]]) -> None:
        from momentum import catalog

        self._containers = {
            function.name: Container(function, environments[function.name])
            for function in catalog.FUNCTIONS
        }

    def invoke(self, function: Any, event: dict[str, Any]) -> Any:
        return self._containers[function.name].invoke(event, str(uuid.uuid4()))

    def stop(self) -> None:
        for container in self._containers.values():
            container.stop()


def _read(stream: IO[bytes] | None) -> dict[str, Any]:
    line = stream.readline() if stream is not None else b""
    if not line:
        return {"error": "the container exited (see the stack's log)"}
    answer: dict[str, Any] = json.loads(line)
    return answer


def serve(handler_path: str) -> None:
    """The container's side: cold start, then one invocation per line until stdin closes."""
    pipe = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # the function's prints and logs go to the stack's log
    sys.stdout = sys.stderr
    from momentum import catalog

    module_name, attribute = handler_path.split(":")
    function = next(f for f in catalog.FUNCTIONS if f.handler == handler_path)
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except Exception as error:
        traceback.print_exc()
        pipe.write(json.dumps({"error": repr(error)}) + "\n")
        return
    pipe.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(
            function.name, function.timeout_s, function.memory_mb, request["request_id"]
        )
        try:
            result = handler(request["event"], context)
            pipe.write(json.dumps({"result": result}, default=str) + "\n")
        except Exception as error:
            traceback.print_exc()
            pipe.write(json.dumps({"error": repr(error)}) + "\n")


if __name__ == "__main__":
    serve(sys.argv[1])
