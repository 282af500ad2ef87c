"""Who may touch a 1:1: its two participants only. Anyone else, admins included, gets 404
exactly as for a missing id; a disabled module answers 404 too."""

from __future__ import annotations

from momentum.core.ids import is_id
from momentum.core.problems import NotFound
from momentum.frame.org import require_module
from momentum.frame.principal import Principal
from momentum.one_on_ones import repository, rules
from momentum.store.codec import Item

MODULE = "one_on_ones"


def open_module(principal: Principal) -> None:
    require_module(principal, MODULE)


def meeting_collection_for(principal: Principal, meeting_id: str) -> tuple[Item, list[Item]]:
    """(meeting, its collection) if the caller is a participant; 404 otherwise."""
    open_module(principal)
    if not is_id(meeting_id):
        raise NotFound("1:1 meeting not found.")
    items = repository.meeting_collection(principal.org_id, meeting_id, principal.user_id)
    meeting = next((item for item in items if item["sk"] == "MEETING"), None)
    if meeting is None or not rules.is_participant(meeting, principal.user_id):
        raise NotFound("1:1 meeting not found.")
    return meeting, items


def meeting_for(principal: Principal, meeting_id: str) -> Item:
    """The meeting item (consistent read) if the caller is a participant; 404 otherwise."""
    open_module(principal)
    meeting = repository.meeting(principal.org_id, meeting_id) if is_id(meeting_id) else None
    if meeting is None or not rules.is_participant(meeting, principal.user_id):
        raise NotFound("1:1 meeting not found.")
    return meeting


def series_for(principal: Principal, series_id: str) -> Item:
    open_module(principal)
    series = repository.series(principal.org_id, series_id) if is_id(series_id) else None
    if series is None or not rules.is_participant(series, principal.user_id):
        raise NotFound("1:1 series not found.")
    return series
