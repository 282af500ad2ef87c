"""The roll-up's items: each child's entry under its parent's partition (sk CHILD#child,
what an explanation shows and which state of the child it counts), and the parent's sums,
changed only by ADD. Every write here is one single-item call outside any transaction,
so concurrent children never conflict (see `rollup`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from momentum.okrs import keys, rules
from momentum.store import table, transactions
from momentum.store.codec import Item, deserialize

# --- reads -------------------------------------------------------------------------------


def goal_and_entries(org_id: str, goal_id: str) -> tuple[Item | None, dict[str, Item]]:
    """The goal and its children's entries in one Query for most goals (CHILD# sorts right
    before GOAL); a goal with thousands of children pages through them."""
    items = table.query_all(
        keys.goal_partition(org_id, goal_id),
        sk_between=(keys.CHILD_PREFIX, keys.GOAL_SK),
        consistent=True,
    )
    found = items[-1] if items and items[-1]["sk"] == keys.GOAL_SK else None
    return (found if found and found.get("type") == "goal" else None), _entries(items)


def child_entries(org_id: str, goal_id: str) -> dict[str, Item]:
    """Every child's entry of the goal, by child id (removed children left out)."""
    return _entries(
        table.query_all(
            keys.goal_partition(org_id, goal_id), sk_prefix=keys.CHILD_PREFIX, consistent=True
        )
    )


def first_child_ids(org_id: str, goal_id: str, limit: int) -> list[str]:
    """The ids of a goal's first `limit` children (a list's preview; one round trip)."""
    page = table.query(
        keys.goal_partition(org_id, goal_id),
        sk_prefix=keys.CHILD_PREFIX,
        limit=limit,
        filter_expression="attribute_not_exists(removed)",
    )
    return [item["child_id"] for item in page.items]


def _entries(items: list[Item]) -> dict[str, Item]:
    return {
        item["child_id"]: item
        for item in items
        if item.get("type") == "goal_child" and not item.get("removed")
    }


# --- writes ------------------------------------------------------------------------------


def write_entry(
    org_id: str, parent_id: str, child_id: str, entry: Item | None, seq: int, expires_at: int
) -> tuple[bool, Item | None]:
    """Set (None: mark removed) the parent's entry for a child as of the child's state
    `seq`, unless a later state was written already. Returns (written, the entry before)."""
    names = {"#seq": "src_seq"}
    values: dict[str, Any] = {":seq": seq, ":child": child_id, ":type": "goal_child"}
    if entry is None:
        expression = "SET #seq = :seq, child_id = :child, #type = :type, removed = :yes, "
        expression += "expires_at = :expires"
        values.update({":yes": True, ":expires": expires_at})
        removes = [f for f in rules.ENTRY_FIELDS]
    else:
        clauses = ["#seq = :seq", "child_id = :child", "#type = :type"]
        for index, (name, value) in enumerate(entry.items()):
            names[f"#e{index}"], values[f":e{index}"] = name, value
            clauses.append(f"#e{index} = :e{index}")
        expression = "SET " + ", ".join(clauses)
        removes = ["removed", "expires_at"]
    for index, name in enumerate(removes):
        names[f"#r{index}"] = name
    expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes)))
    names["#type"] = "type"
    before = transactions.update_returning(
        keys.child_key(org_id, parent_id, child_id),
        expression,
        condition="attribute_not_exists(#seq) OR #seq < :seq",
        names=names,
        values=values,
        returning="ALL_OLD",
    )
    if before is None:
        return False, None  # a later state of the child is there: it carried ours too
    return True, before or None


def add_to_aggregates(
    org_id: str, goal_id: str, deltas: dict[str, Decimal]
) -> tuple[Item, Item] | None:
    """ADD the deltas to a goal's aggregates (and 1 to its rollup_seq): commutative, so
    concurrent children never conflict. Returns the goal after and before this ADD (the
    before computed exactly from the answer), or None if the goal is gone."""
    names = {"#seq": rules.SEQ}
    values: dict[str, Any] = {":one": 1}
    clauses = ["#seq :one"]
    for index, (name, value) in enumerate(deltas.items()):
        names[f"#a{index}"], values[f":a{index}"] = name, value
        clauses.append(f"#a{index} :a{index}")
    raw = transactions.update_returning(
        keys.goal_key(org_id, goal_id),
        "ADD " + ", ".join(clauses),
        condition="attribute_exists(pk)",
        names=names,
        values=values,
        wire=True,  # the sums as DynamoDB holds them: exact decimals
    )
    if raw is None:
        return None
    after = deserialize(raw)
    exact = {name: Decimal(raw[name]["N"]) for name in deltas if name in raw}
    before = {**after, **deserialize({k: {"N": str(v - deltas[k])} for k, v in exact.items()})}
    before[rules.SEQ] = after[rules.SEQ] - 1
    return after, before


def set_rolled_up(goal: Item, progress: float, status: str, updated_at: str) -> bool:
    """Store the progress and status the goal's aggregates give, unless another roll-up
    reached it since (that one stores its own, later, values)."""
    return transactions.write_if(
        transactions.update(
            {"pk": goal["pk"], "sk": goal["sk"]},
            "SET progress = :p, #status = :s, updated_at = :at",
            condition="#seq = :seq",
            names={"#status": "status", "#seq": rules.SEQ},
            values={":p": progress, ":s": status, ":at": updated_at, ":seq": goal[rules.SEQ]},
        )
    )
