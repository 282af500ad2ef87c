"""The two calendar sweeps.

calendar-renewal: push channels and subscriptions fall due a day before they expire; a
Google channel is replaced (new channel, old one stopped), a Graph subscription extended.
calendar-reconcile: every connection falls due every six hours and gets a reconciling
sync queued, which catches notifications that never arrived.

Each entry is claimed first by re-arming its due instant with a condition on the entry
read, so a replay for the same instant (or an overlapping run) finds nothing to do; a
failed renewal is simply retried at the re-armed instant.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from momentum.calendar import keys, repository
from momentum.calendar.connections import notices, tokens
from momentum.calendar.providers.events import GrantRevoked, ProviderError
from momentum.calendar.sync import pushes
from momentum.calendar.sync.queue import enqueue_sync
from momentum.core.clock import key_instant
from momentum.frame.sweeps import Budget, Summary, sweep_due
from momentum.store import transactions
from momentum.store.codec import Item
from momentum.store.keys import due_attributes

logger = Logger(service="momentum")
RETRY = timedelta(hours=1)


def _owner(item: Item) -> tuple[str, str, str]:
    """(org, user, provider) of an item in a connection's collection."""
    _, org_id, _, user_id, provider = str(item["pk"]).split("#")
    return org_id, user_id, provider


def _claim(item: Item, sweep: str, again_at: datetime) -> bool:
    due = due_attributes(sweep, again_at, item["pk"])
    try:
        transactions.write([transactions.update(
            {"pk": item["pk"], "sk": item["sk"]},
            "SET due_pk = :due_pk, due_sk = :due_sk",
            condition="due_sk = :read",
            values={":due_pk": due["due_pk"], ":due_sk": due["due_sk"], ":read": item["due_sk"]},
        )])  # fmt: skip
    except Exception:
        return False
    return True


def _renew(item: Item, now: datetime) -> bool:
    if not _claim(item, repository.RENEWAL_SWEEP, now + RETRY):
        return False
    org_id, user_id, provider = _owner(item)
    connection = repository.connection(org_id, user_id, provider)
    if connection is None or connection.get("status") != "connected":
        transactions.write([transactions.delete({"pk": item["pk"], "sk": item["sk"]})])
        return True
    try:
        pushes.renew(connection, item, tokens.access_token(connection), now)
    except GrantRevoked:
        notices.needs_reauth(connection, now)
    except ProviderError:
        logger.exception("renewal failed; retrying in an hour", extra={"pk": item["pk"]})
        return False
    return True


def renew_subscriptions(now: datetime, budget: Budget) -> Summary:
    return sweep_due(repository.RENEWAL_SWEEP, now, _renew, budget)


def _reconcile(item: Item, now: datetime) -> bool:
    if not _claim(item, repository.RECONCILE_SWEEP, now + repository.RECONCILE_EVERY):
        return False
    if item.get("status") != "connected":
        return False
    org_id, user_id, provider = _owner(item)
    ref = keys.connection_ref(org_id, user_id, provider)
    enqueue_sync(ref, reason="reconcile", dedup=f"reconcile:{key_instant(now)}")
    return True


def reconcile_connections(now: datetime, budget: Budget) -> Summary:
    return sweep_due(repository.RECONCILE_SWEEP, now, _reconcile, budget)
