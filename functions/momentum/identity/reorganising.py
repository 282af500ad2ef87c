"""A manager change: the moved user at once, everyone below them in the background.

The request (members.patch_user) writes the moved user's manager and chain and marks the
user `reorganisation = <job id>`, which the API shows as `"reorganising": true`. The job
("identity.reorganise", one message group per org, so an org's reorganisations apply in
the order they were made) walks the subtree below the user through the reports index,
gives each report the chain it now has, has their goals follow (UserReorganised),
and finally removes the marker. It derives every chain from the tree as stored when it
runs, so a replay or a redelivery writes nothing new, and a walk that outgrows its budget
continues from its cursor: a stack of (user, reports page) it re-reads on resuming.

While a job is pending, the chains below the moved user are the old ones. A manager change
that would be checked against such a chain (the new manager sits below a user whose move
is pending) is refused with 409 until the job has run: a loop can never be made from a
stale chain. See docs/decisions.md "Background work" for what else reads chains meanwhile.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from momentum.core import domain_events
from momentum.core.domain_events import UserReorganised
from momentum.core.ids import new_id
from momentum.core.problems import Conflict
from momentum.frame import background
from momentum.frame.sweeps import Budget
from momentum.identity import repository, rules
from momentum.store import transactions
from momentum.store.codec import Item

KIND = "identity.reorganise"
PAGE = 100
MARKER = "reorganisation"  # on the moved user's item: the pending job's id


def new_job_id() -> str:
    return new_id()


def check_chain_settled(manager: Item | None, ancestors: dict[str, Item]) -> None:
    """The new manager's chain is only trusted if no one above them is still moving."""
    if manager is None:
        return
    moving = [
        uid for uid in manager.get("manager_chain") or [] if ancestors.get(uid, {}).get(MARKER)
    ]
    if moving:
        raise Conflict(
            "A reorganisation above the new manager is still being applied; "
            "try again in a few seconds.",
            extra={"reorganising": moving},
        )


def ordering_key(org_id: str) -> str:
    return f"reorganise#{org_id}"


def start(org_id: str, user_id: str, job_id: str) -> None:
    """Queue the walk below `user_id` (behind the org's earlier reorganisations)."""
    background.enqueue(
        KIND,
        {"org_id": org_id, "user_id": user_id, "job": job_id},
        ordering_key=ordering_key(org_id),
    )


# --- the job -------------------------------------------------------------------------------


def run(payload: dict[str, Any], budget: Budget) -> dict[str, Any] | None:
    org_id, user_id, job_id = str(payload["org_id"]), str(payload["user_id"]), str(payload["job"])
    stack: list[list[Any]] | None = payload.get("stack")
    if stack is None:
        root = repository.user(org_id, user_id)
        if root is None:
            return None
        _goals_follow(org_id, user_id, list(root.get("manager_chain") or []))
        stack = [[user_id, None]]
    # Resuming: each pending manager's chain as stored now (another job may have moved it).
    chains = {
        uid: list(item.get("manager_chain") or [])
        for uid, item in repository.users(org_id, [str(entry[0]) for entry in stack]).items()
    }
    seen: set[str] = set()
    while stack:
        manager_id, cursor = str(stack[-1][0]), stack[-1][1]
        stack.pop()
        if manager_id not in chains:
            continue  # gone since: nobody left to walk below it
        page = repository.reports_page(org_id, manager_id, cursor, PAGE)
        if page.last_key:
            stack.append([manager_id, page.last_key])
        chain = rules.manager_chain(manager_id, chains[manager_id])
        for report in page.items:
            if report["id"] in seen or report["id"] == user_id:
                continue  # defensive: a chain never loops, so a walk never meets itself
            seen.add(report["id"])
            if _moved(org_id, report, manager_id, chain):
                _goals_follow(org_id, report["id"], chain)
                chains[report["id"]] = chain
                stack.append([report["id"], None])
        if stack and budget.exhausted():
            return {**payload, "stack": stack}
    _settle(org_id, user_id, job_id)
    return None


def _moved(org_id: str, report: Item, manager_id: str, chain: list[str]) -> bool:
    """Give a report its chain; False if it no longer reports to `manager_id`."""
    if report.get("manager_id") != manager_id:
        return False
    if list(report.get("manager_chain") or []) == chain:
        return True  # a replay, or a redelivery after a crash: nothing to write
    try:
        transactions.write([repository.set_chain_op(org_id, report["id"], manager_id, chain)])
    except Conflict:
        return False  # moved since the page was read: its own job walks it
    return True


def _goals_follow(org_id: str, user_id: str, chain: list[str]) -> None:
    """Goals keep their owner's chain (who may see private ones): told as a domain event,
    which the OKR context answers (momentum.wiring)."""
    domain_events.publish(UserReorganised(org_id, user_id, chain))


def _settle(org_id: str, user_id: str, job_id: str) -> None:
    # Refused when moved again (the later job settles it) or already settled (a replay).
    with suppress(Conflict):
        transactions.write([repository.settled_op(org_id, user_id, job_id)])
