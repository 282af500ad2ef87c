"""Lambda entry point: the calendar sync worker (SQS FIFO, one message group per
connection, so syncs of one calendar never race).

Several notifications for one connection in a batch are one sync (a sync reads the
calendar's current state, not the notification). A failed message is reported in
`batchItemFailures`, and so is every later message of the same connection in the batch,
which keeps the group's order when SQS redelivers them.
"""

from __future__ import annotations

import json
from typing import Any

from momentum.calendar.sync.worker import sync_connection
from momentum.core import clock, config, observability
from momentum.handlers.cold_start import loaded

logger = observability.logger
config.check_cold_start()


@observability.traced()
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    failed: set[str] = set()
    synced: set[str] = set()
    for record in event.get("Records", []):
        observability.correlate(str(record.get("messageId")))
        try:
            body = json.loads(record.get("body") or "")
            ref, reason = str(body["connection"]), str(body.get("reason", "notification"))
        except (ValueError, KeyError, TypeError):
            logger.error("dropping a malformed sync message", extra={"id": record.get("messageId")})
            continue
        if ref in failed:
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        if reason == "notification" and ref in synced:
            continue
        try:
            outcome = sync_connection(ref, reason=reason, now=clock.now())
        except Exception:
            logger.exception("calendar sync failed", extra={"connection": ref})
            observability.failed("CalendarSyncsFailed", {"reason": reason})
            failures.append({"itemIdentifier": record["messageId"]})
            failed.add(ref)
            continue
        synced.add(ref)
        observability.count("CalendarSyncs", {"outcome": outcome.status, "reason": reason})
        logger.info(
            "calendar synced",
            extra={
                "connection": ref,
                "reason": reason,
                "status": outcome.status,
                "full": outcome.full,
                "changed": outcome.meetings_changed,
            },
        )
    return {"batchItemFailures": failures}


loaded()  # last: this entry point's modules are in (see momentum.handlers.cold_start)
