"""OKR items: goals (with their index entries), check-ins and type-ahead tokens (the
roll-up's items, children's entries and the sums' ADDs, are in `entries`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from momentum.core.problems import Conflict, Problem
from momentum.core.text import words
from momentum.okrs import keys, rules
from momentum.store import table, transactions
from momentum.store.codec import Item
from momentum.store.schema import GSI_BY_LOOKUP, GSI_BY_OWNER

MAX_TITLE_TOKENS = 20  # words of a title that type-ahead finds (bounds the transaction)
MAX_OWNER_TOKENS = 5
SORT_TITLE = 60  # title characters in a token's sort key
KEY_FIELDS = ("pk", "sk")


# --- reads ------------------------------------------------------------------------------


def goal(org_id: str, goal_id: str) -> Item | None:
    item = table.get(keys.goal_key(org_id, goal_id), consistent=True)
    return item if item and item.get("type") == "goal" else None


def goals(org_id: str, goal_ids: list[str]) -> dict[str, Item]:
    """Goals by id, strongly consistent (roll-ups recompute from what was just written)."""
    wanted = [keys.goal_key(org_id, gid) for gid in dict.fromkeys(goal_ids)]
    found = table.batch_get(wanted, consistent=True)
    return {item["id"]: item for item in found if item.get("type") == "goal"}


def ancestors(org_id: str, goal: Item | None) -> list[str]:
    """The ids above a goal (it included, nearest first), read along parent pointers: one
    consistent read per level, at most MAX_DEPTH + 1 (a longer chain is reported as such)."""
    found: list[str] = []
    while goal is not None and len(found) <= rules.MAX_DEPTH:
        found.append(goal["id"])
        parent_id = goal.get("parent_id")
        goal = _goal(org_id, parent_id) if parent_id and parent_id not in found else None
    return found


def _goal(org_id: str, goal_id: str) -> Item | None:
    return goal(org_id, goal_id)


def checkins_page(
    org_id: str, goal_id: str, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    return table.page(
        keys.goal_partition(org_id, goal_id),
        scope=f"checkins:{org_id}:{goal_id}",
        cursor=cursor,
        limit=limit,
        sk_prefix=keys.CHECKIN_PREFIX,
        newest_first=True,
    )


def goals_page(
    org_id: str,
    *,
    owner_id: str | None,
    parent_id: str | None,
    status: str | None,
    cycle_ids: list[str] | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Item], str | None]:
    """Goals of one owner (by due date) or under one parent (ROOT: top level), of the
    given cycles (None: every cycle)."""
    if owner_id is not None:
        pk, index = keys.owner_partition(org_id, owner_id), GSI_BY_OWNER
    else:
        pk, index = keys.parent_partition(org_id, parent_id), GSI_BY_LOOKUP
    scope = f"goals:{org_id}:{pk}:{parent_id}:{status}:{cycle_ids}"
    filters: dict[str, Any] = {
        "filter_expression": "#type = :goal",
        "filter_values": {":goal": "goal"},
        "filter_names": {"#type": "type"},
    }
    if status is not None:
        filters["filter_expression"] += " AND #status = :status"
        filters["filter_values"][":status"] = status
        filters["filter_names"]["#status"] = "status"
    if owner_id is not None and parent_id is not None:
        filters["filter_expression"] += " AND parent_id = :parent"
        filters["filter_values"][":parent"] = parent_id
    if cycle_ids is not None:
        filters["filter_expression"] += " AND " + _cycle_clause(cycle_ids, filters["filter_values"])
    return table.page(pk, scope=scope, cursor=cursor, limit=limit, index=index, **filters)


def _cycle_clause(cycle_ids: list[str], values: dict[str, Any]) -> str:
    names = []
    for index, cycle_id in enumerate(cycle_ids):
        values[f":cycle{index}"] = cycle_id
        names.append(f":cycle{index}")
    return f"cycle_id IN ({', '.join(names)})"


def children_of(org_id: str, goal_id: str) -> list[Item]:
    """The goals aligned under one (by their own parent pointer, through gsi2)."""
    found = table.query_all(keys.parent_partition(org_id, goal_id), index=GSI_BY_LOOKUP)
    return [item for item in found if item.get("type") == "goal"]


def goals_of_owner(org_id: str, owner_id: str) -> list[Item]:
    return table.query_all(keys.owner_partition(org_id, owner_id), index=GSI_BY_OWNER)


def search_page(
    org_id: str,
    group: str,
    word: str,
    *,
    caller_id: str,
    kind: str | None,
    window: tuple[str, str] | None,
    cycle_ids: list[str] | None,
    start_key: dict[str, Any] | None,
) -> table.Page:
    """One Query selecting type-ahead tokens whose word starts with `word`: in group
    `mine`, the caller's own goals (by owner); in `public`, others' public open goals
    whose period overlaps `window` (start, end). Only matches leave DynamoDB."""
    clauses: list[str] = []
    values: dict[str, Any] = {}
    if kind is not None:
        clauses.append("kind = :kind")
        values[":kind"] = kind
    if cycle_ids is not None:
        clauses.append(_cycle_clause(cycle_ids, values))
    if group == "mine":
        pk, index = keys.own_search_partition(org_id, caller_id), GSI_BY_OWNER
    else:
        pk, index = keys.search_partition(org_id, word), GSI_BY_LOOKUP
        clauses.append("owner_id <> :me")
        values[":me"] = caller_id
        if window is not None:
            clauses.append("start_date <= :until AND due_date >= :on")
            values[":on"], values[":until"] = window
    return table.query(
        pk,
        index=index,
        sk_prefix=word,
        start_key=start_key,
        filter_expression=" AND ".join(clauses) or None,
        filter_values=values,
    )


# --- items -------------------------------------------------------------------------------


def goal_item(org_id: str, body: dict[str, Any], due: dict[str, str] | None) -> Item:
    """A goal's item with its index entries derived from its fields."""
    item = {
        k: v
        for k, v in body.items()
        if k not in ("due_pk", "due_sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
    }
    item.update(keys.goal_key(org_id, body["id"]), type="goal", org_id=org_id)
    item["gsi1pk"] = keys.owner_partition(org_id, body["owner_id"])
    item["gsi1sk"] = f"{body['due_date']}#{body['id']}"
    item["gsi2pk"] = keys.parent_partition(org_id, body.get("parent_id"))
    item["gsi2sk"] = body["id"]
    if due:
        item.update(due)
    return item


def _token_words(goal: Item) -> list[str]:
    return list(
        dict.fromkeys(
            words(goal["title"])[:MAX_TITLE_TOKENS]
            + words(goal.get("owner_name") or "")[:MAX_OWNER_TOKENS]
        )
    )


TOKEN_FIELDS = (
    "kind",
    "title",
    "owner_id",
    "owner_name",
    "visibility",
    "start_date",
    "due_date",
    "closed",
    "cycle_id",
)


def _search_sort_key(word: str, goal: Item) -> str:
    """Matches come by the word they matched, then by title (folded, bounded), then id."""
    return f"{word}#{' '.join(words(goal['title']))[:SORT_TITLE]}#{goal['id']}"


def token_items(org_id: str, goal: Item) -> list[Item]:
    """One token per word. Every token is in its owner's search partition (gsi1: the
    `mine` group); only a public, open goal's tokens are in the org's (gsi2: `public`),
    so neither Query reads goals it would have to throw away."""
    all_words = _token_words(goal)
    carried = {name: goal.get(name) for name in TOKEN_FIELDS}
    public = goal.get("visibility") == "public" and not goal.get("closed")
    tokens = []
    for word in all_words:
        token = {
            **keys.search_token_key(org_id, goal["id"], word),
            "type": "goal_search",
            "gsi1pk": keys.own_search_partition(org_id, goal["owner_id"]),
            "gsi1sk": _search_sort_key(word, goal),
            "goal_id": goal["id"],
            "words": all_words,
            **carried,
        }
        if public:
            token["gsi2pk"] = keys.search_partition(org_id, word)
            token["gsi2sk"] = _search_sort_key(word, goal)
        tokens.append(token)
    return tokens


def token_ops(org_id: str, before: Item | None, after: Item | None) -> list[transactions.Op]:
    """Keep a goal's tokens right: rewrite them when what they carry changed."""
    old = {t["sk"]: t for t in token_items(org_id, before)} if before else {}
    new = {t["sk"]: t for t in token_items(org_id, after)} if after else {}
    ops = [transactions.delete({"pk": old[sk]["pk"], "sk": sk}) for sk in old if sk not in new]
    ops += [transactions.put(item) for sk, item in new.items() if old.get(sk) != item]
    return ops


def _unchanged() -> Problem:
    return Conflict("This goal changed since it was read; reload and try again.")


def update_goal_op(
    before: Item, after: Item, on_condition_failed: Callable[[], Problem] = _unchanged
) -> transactions.Op:
    """One Update writing only the fields that changed, if nobody wrote the goal since.

    The roll-up aggregates are never written here (only ADDed, see `add_to_aggregates`);
    a change that moves `rollup_seq` (one its parent must hear of) also asserts the seq it
    read, so the progress it computed from those aggregates is still right."""
    skipped = (*KEY_FIELDS, "version", *rules.AGGREGATES)
    sets = {k: v for k, v in after.items() if k not in skipped and before.get(k) != v}
    removes = [k for k in before if k not in after and k not in skipped]
    names = {"#version": "version"}
    values: dict[str, Any] = {":expected": before["version"], ":next": before["version"] + 1}
    clauses = ["#version = :next"]
    condition = "#version = :expected"
    if after.get(rules.SEQ) != before.get(rules.SEQ):
        names["#seq"] = rules.SEQ
        if before.get(rules.SEQ) is None:
            condition += " AND attribute_not_exists(#seq)"
        else:
            values[":seen"] = before[rules.SEQ]
            condition += " AND #seq = :seen"
    for index, (name, value) in enumerate(sets.items()):
        names[f"#f{index}"], values[f":v{index}"] = name, value
        clauses.append(f"#f{index} = :v{index}")
    expression = "SET " + ", ".join(clauses)
    if removes:
        for index, name in enumerate(removes):
            names[f"#r{index}"] = name
        expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(removes)))
    return transactions.update(
        {"pk": before["pk"], "sk": before["sk"]},
        expression,
        condition=condition,
        names=names,
        values=values,
        on_condition_failed=on_condition_failed,
    )


def write(ops: list[transactions.Op]) -> None:
    if len(ops) > transactions.MAX_TRANSACTION_ITEMS:
        raise Conflict(
            "This change touches too many goals at once "
            f"(over {transactions.MAX_TRANSACTION_ITEMS} writes); "
            "move or close smaller parts of the tree first."
        )
    transactions.write(ops)
