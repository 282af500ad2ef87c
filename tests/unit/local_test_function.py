"""A function for the container pool's tests (tests/unit/test_local_containers.py): it
takes as long as the event says and reports which process served it, and when."""

from __future__ import annotations

import os
import time
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    started = time.time()
    if event.get("exit"):
        os._exit(1)  # the container dies mid-invocation, as an out-of-memory kill would
    if event.get("raise"):
        raise ValueError("the function failed")
    time.sleep(float(event.get("sleep", 0)))
    return {
        "pid": os.getpid(),
        "started": started,
        "finished": time.time(),
        "stream": context.log_stream_name,
        "request_id": context.aws_request_id,
    }
