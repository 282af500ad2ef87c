"""Each function runs as a pool of processes, as Lambda runs each function in as many
containers (execution environments) as there are requests in flight.

A container is `python -m infra.local.containers` with the environment the stack gives
the function (infra/environment.py) plus the emulators' endpoints. It imports the handler
once (its cold start: a missing setting fails here, as it would in AWS) and then serves
one invocation at a time over a pipe: a JSON line in, a JSON line out. The function's own
output (Powertools' JSON logs) goes to the stack's log, never into the pipe.

A function's pool starts containers on demand (a request finding every container busy
starts a new one, up to the cap), reuses warm idle ones (the most recently used first, as
Lambda does), and replaces one whose process died. Past the cap a request waits for the
next free container, in arrival order; an HTTP request waits at most API Gateway's 30 s
integration timeout and is then refused (Throttled), background work waits as long as it
takes (Lambda's event sources retry a throttled invocation). The cap is
MOMENTUM_LOCAL_CONCURRENCY (default 4: two cores, 20-110 MB per warm container), lowered
to a function's reserved concurrency where the catalog declares one. Idle containers
beyond the most recently used one are stopped after IDLE_S, as Lambda reclaims them.
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
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
ROOT_ENVIRONMENT = ("PATH", "HOME", "LANG", "TZ", "SYSTEMROOT", "TMPDIR", "VIRTUAL_ENV")
DEFAULT_CONCURRENCY = 4
RECENT_INVOCATIONS = 200  # per function, for GET /local/containers
# Lambda reclaims an environment idle for some minutes; locally a pool keeps its most
# recently used container (no cold start after a pause) and stops the others' processes.
IDLE_S = 300.0
EXITED = "the container exited (see the stack's log)"


class FunctionError(RuntimeError):
    """The function raised, or its container could not start (what Lambda reports)."""


class Throttled(RuntimeError):
    """Every container of the function stayed busy for as long as the caller would wait."""


class LambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(
        self, function_name: str, timeout_s: int, memory_mb: int, request_id: str, stream: str
    ):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
        )
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = stream  # one per container, as in Lambda
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def concurrency_cap(function: Any) -> int:
    """How many containers a function may run at once on this machine."""
    raw = os.environ.get("MOMENTUM_LOCAL_CONCURRENCY", str(DEFAULT_CONCURRENCY))
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"MOMENTUM_LOCAL_CONCURRENCY must be a whole number >= 1, not {raw!r}")
    reserved = getattr(function, "reserved_concurrency", None)
    return min(int(raw), reserved) if isinstance(reserved, int) and reserved > 0 else int(raw)


class Container:
    """One process serving one function, one invocation at a time (its pool sees to that)."""

    def __init__(self, function: Any, environment: Mapping[str, str]) -> None:
        self.function = function
        base = {name: os.environ[name] for name in ROOT_ENVIRONMENT if name in os.environ}
        # The stack's own tree, not whatever an installed package points at: in AWS the
        # handler imports from the asset built from this tree.
        path = os.pathsep.join([str(ROOT / "functions"), str(ROOT)])
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "infra.local.containers",
                function.handler,
                function.name,
                str(function.timeout_s),
                str(function.memory_mb),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**base, **environment, "PYTHONPATH": path},
            cwd=ROOT,
        )
        self.pid = self._process.pid
        self.started_at = time.time()
        self.invocations = 0
        self.last_used = time.monotonic()
        self._lost = False  # its pipe closed: it exited, even if not reaped yet
        ready = _read(self._process.stdout)
        if ready.get("error"):
            self._process.wait(timeout=10)
            raise FunctionError(f"{function.name} failed to start: {ready['error']}")

    @property
    def alive(self) -> bool:
        return not self._lost and self._process.poll() is None

    def invoke(self, event: dict[str, Any], request_id: str) -> Any:
        assert self._process.stdin is not None
        self.invocations += 1
        try:
            self._process.stdin.write(
                json.dumps({"event": event, "request_id": request_id}).encode() + b"\n"
            )
            self._process.stdin.flush()
        except BrokenPipeError:
            answer: dict[str, Any] = {"error": EXITED}
        else:
            answer = _read(self._process.stdout)
        self._lost = answer.get("error") == EXITED
        if "error" in answer:
            raise FunctionError(f"{self.function.name}: {answer['error']}")
        return answer["result"]

    def stop(self) -> None:
        if self.alive:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()


class _Waiter:
    """A call waiting for a container: handed one that came free, or a slot to start one."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.container: Container | None = None
        self.start = False


class Pool:
    """A function's containers: started on demand up to `cap`, reused while warm, and
    handed to waiting calls in arrival order."""

    def __init__(self, function: Any, environment: Mapping[str, str], cap: int) -> None:
        self.function, self.cap = function, cap
        self._environment = dict(environment)
        self._lock = threading.Lock()
        self._idle: list[Container] = []  # the last one is the most recently used
        self._busy: set[Container] = set()
        self._starting = 0
        self._line: deque[_Waiter] = deque()  # non-empty only while busy + starting == cap
        self._peak_in_flight = 0  # most invocations in flight at once, cold starts included
        self._cold_starts = 0
        self._throttled = 0
        self._stopped = False
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT_INVOCATIONS)

    def invoke(
        self, event: dict[str, Any], *, wait_s: float | None = None, trace: str | None = None
    ) -> Any:
        """Run the event in an idle container, a new one, or the next one free; Throttled
        once `wait_s` passes with every container busy (None: wait as long as it takes)."""
        arrived = time.time()
        container, cold = self._acquire(wait_s)
        request_id = str(uuid.uuid4())
        dispatched = time.time()
        try:
            return container.invoke(event, request_id)
        finally:
            self._release(container)
            self._recent.append(
                {
                    "request_id": request_id,
                    "trace": trace,
                    "pid": container.pid,
                    "cold_start": cold,
                    "arrived_at": arrived,
                    # a cold start is part of the invocation it serves, as Lambda's Init
                    "started_at": container.started_at if cold else dispatched,
                    "finished_at": time.time(),
                }
            )

    def _acquire(self, wait_s: float | None) -> tuple[Container, bool]:
        with self._lock:
            if self._stopped:
                raise FunctionError(f"{self.function.name}: the stack is stopping")
            for dead in [c for c in self._idle if not c.alive]:  # it died idle: gone
                self._idle.remove(dead)
                dead.stop()
            if self._idle and not self._line:
                return self._take(self._idle.pop()), False
            waiter = _Waiter()
            if len(self._busy) + self._starting < self.cap:
                self._starting += 1
                self._peak_in_flight = max(self._peak_in_flight, len(self._busy) + self._starting)
                waiter.start = True
            else:
                self._line.append(waiter)
        if not waiter.start and not waiter.ready.wait(wait_s):
            with self._lock:
                if waiter in self._line:
                    self._line.remove(waiter)
                    self._throttled += 1
                    raise Throttled(f"{self.function.name}: every container stayed busy")
            # handed a container (or a start) just as the wait ran out: take it
        if waiter.container is not None:
            return waiter.container, False
        if not waiter.start:
            raise FunctionError(f"{self.function.name}: the stack is stopping")
        return self._cold_start(), True

    def _cold_start(self) -> Container:
        """Outside the lock: the pool's other calls go on while this one starts."""
        try:
            container = Container(self.function, self._environment)
        except BaseException:
            with self._lock:
                self._starting -= 1
                self._hand_on_start()  # the next in line tries its own cold start
            raise
        with self._lock:
            self._starting -= 1
            self._cold_starts += 1
            if self._stopped:
                container.stop()
                raise FunctionError(f"{self.function.name}: the stack is stopping")
            return self._take(container)

    def _take(self, container: Container) -> Container:
        self._busy.add(container)
        self._peak_in_flight = max(self._peak_in_flight, len(self._busy) + self._starting)
        return container

    def _hand_on_start(self) -> None:
        if self._line and not self._stopped:
            waiter = self._line.popleft()
            self._starting += 1
            waiter.start = True
            waiter.ready.set()

    def _release(self, container: Container) -> None:
        with self._lock:
            if not container.alive or self._stopped:
                self._busy.discard(container)
                container.stop()
                self._hand_on_start()  # a dead container's place goes to a new one
            elif self._line:  # straight to the next in line, still busy
                waiter = self._line.popleft()
                waiter.container = container
                waiter.ready.set()
            else:
                self._busy.discard(container)
                container.last_used = time.monotonic()
                self._idle.append(container)

    def reap(self, idle_s: float = IDLE_S) -> int:
        """Stop idle containers unused for `idle_s`, except the most recently used one."""
        cutoff = time.monotonic() - idle_s
        with self._lock:
            stale = [c for c in self._idle[:-1] if c.last_used < cutoff]
            self._idle = [c for c in self._idle if c not in stale]
        for container in stale:
            container.stop()
        return len(stale)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            containers = [
                {"pid": c.pid, "state": state, "invocations": c.invocations}
                for state, group in (("busy", list(self._busy)), ("idle", self._idle))
                for c in group
            ]
            return {
                "cap": self.cap,
                "containers": containers,
                "starting": self._starting,
                "waiting": len(self._line),
                "peak_in_flight": self._peak_in_flight,
                "cold_starts": self._cold_starts,
                "throttled": self._throttled,
                "recent": list(self._recent),
            }

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            everyone = [*self._idle, *self._busy]
            self._idle.clear()
            waiting = list(self._line)
            self._line.clear()
        for waiter in waiting:
            waiter.ready.set()
        for container in everyone:
            container.stop()


class Containers:
    """Every function's pool; no container runs until its function is first invoked."""

    def __init__(self, environments: Mapping[str, Mapping[str, str]]) -> None:
        from momentum import catalog

        self._pools = {
            function.name: Pool(function, environments[function.name], concurrency_cap(function))
            for function in catalog.FUNCTIONS
        }
        self._stopping = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="containers", daemon=True)
        self._reaper.start()

    def _reap(self) -> None:
        while not self._stopping.wait(IDLE_S / 10):
            for pool in self._pools.values():
                pool.reap()

    def invoke(
        self,
        function: Any,
        event: dict[str, Any],
        *,
        wait_s: float | None = None,
        trace: str | None = None,
    ) -> Any:
        return self._pools[function.name].invoke(event, wait_s=wait_s, trace=trace)

    def describe(self) -> dict[str, Any]:
        return {name: pool.describe() for name, pool in self._pools.items()}

    def stop(self) -> None:
        self._stopping.set()
        for pool in self._pools.values():
            pool.stop()


def _read(stream: IO[bytes] | None) -> dict[str, Any]:
    line = stream.readline() if stream is not None else b""
    if not line:
        return {"error": EXITED}
    answer: dict[str, Any] = json.loads(line)
    return answer


def serve(handler_path: str, name: str, timeout_s: int, memory_mb: int) -> None:
    """The container's side: cold start, then one invocation per line until stdin closes."""
    pipe = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # the function's prints and logs go to the stack's log
    sys.stdout = sys.stderr
    stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]{uuid.uuid4().hex}"
    module_name, attribute = handler_path.split(":")
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
    except Exception as error:
        traceback.print_exc()
        pipe.write(json.dumps({"error": repr(error)}) + "\n")
        return
    pipe.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(name, timeout_s, memory_mb, request["request_id"], stream)
        try:
            result = handler(request["event"], context)
            pipe.write(json.dumps({"result": result}, default=str) + "\n")
        except Exception as error:
            traceback.print_exc()
            pipe.write(json.dumps({"error": repr(error)}) + "\n")


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
