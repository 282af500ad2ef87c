"""Where 1:1 items live. Every partition starts with the org prefix.

A meeting is one item collection (the meeting, one entry per participant, agenda topics,
action items, shared notes, private notes), so reading a meeting is one Query. A series
is another (the series, one list row per participant, items waiting for a next meeting).
"""

from __future__ import annotations

from momentum.store.keys import key, org_prefix

TOPIC, ACTION_ITEM = "TOPIC", "ITEM"  # agenda entry kinds in sort keys
AGENDA_PREFIX = "AGENDA#"
WAITING_PREFIX = "WAITING#"
CARRIED_PREFIX = "CARRIED#"  # sorts right after AGENDA#: one Query reads both
PRIVATE_NOTES_PREFIX = "NOTES#PRIVATE#"


def series_partition(org_id: str, series_id: str) -> str:
    return f"{org_prefix(org_id)}#SERIES#{series_id}"


def series_key(org_id: str, series_id: str) -> dict[str, str]:
    return key(series_partition(org_id, series_id), "SERIES")


def series_row_key(org_id: str, series_id: str, user_id: str) -> dict[str, str]:
    """The series as a row of one participant's 1:1 list (tabs)."""
    return key(series_partition(org_id, series_id), f"ROW#{user_id}")


def waiting_key(org_id: str, series_id: str, kind: str, entry_id: str) -> dict[str, str]:
    """An unfinished topic or item waiting on the series for its next meeting."""
    return key(series_partition(org_id, series_id), f"{WAITING_PREFIX}{kind}#{entry_id}")


def meeting_partition(org_id: str, meeting_id: str) -> str:
    return f"{org_prefix(org_id)}#MEETING#{meeting_id}"


def meeting_key(org_id: str, meeting_id: str) -> dict[str, str]:
    return key(meeting_partition(org_id, meeting_id), "MEETING")


def participant_entry_key(org_id: str, meeting_id: str, user_id: str) -> dict[str, str]:
    """The meeting in one participant's calendar index (and list row, for one-offs)."""
    return key(meeting_partition(org_id, meeting_id), f"USER#{user_id}")


def agenda_key(org_id: str, meeting_id: str, kind: str, entry_id: str) -> dict[str, str]:
    return key(meeting_partition(org_id, meeting_id), f"{AGENDA_PREFIX}{kind}#{entry_id}")


def carried_out_key(org_id: str, meeting_id: str, kind: str, entry_id: str) -> dict[str, str]:
    """What became of an entry that left this meeting unfinished (the weekly summary)."""
    return key(meeting_partition(org_id, meeting_id), f"{CARRIED_PREFIX}{kind}#{entry_id}")


def shared_notes_key(org_id: str, meeting_id: str) -> dict[str, str]:
    return key(meeting_partition(org_id, meeting_id), "NOTES#SHARED")


def private_notes_key(org_id: str, meeting_id: str, user_id: str) -> dict[str, str]:
    return key(meeting_partition(org_id, meeting_id), f"{PRIVATE_NOTES_PREFIX}{user_id}")


def pair_key(org_id: str, user_a: str, user_b: str) -> dict[str, str]:
    """One marker per unordered pair: makes 'one series per pair' a conditional put."""
    low, high = sorted((user_a, user_b))
    return key(f"{org_prefix(org_id)}#PAIR#{low}#{high}", "PAIR")


def weekly_summary_key(org_id: str, user_id: str) -> dict[str, str]:
    """A participant's weekly-summary schedule (its due entry is next Sunday 18:00 local)."""
    return key(f"{org_prefix(org_id)}#WEEKLYSUMMARY#{user_id}", "WEEKLY_SUMMARY")


def calendar_link_key(org_id: str, provider: str, event_id: str) -> dict[str, str]:
    """Calendar event -> the series or meeting imported from it (issue 8 looks it up)."""
    return key(f"{org_prefix(org_id)}#CALENDARLINK#{provider}#{event_id}", "LINK")


# --- index partitions (gsi1 = by_owner, gsi2 = by_lookup) -------------------------------


def user_meetings_partition(org_id: str, user_id: str) -> str:
    """gsi1 of participant entries: a user's meetings by start (weekly summary)."""
    return f"{org_prefix(org_id)}#USERMEETINGS#{user_id}"


def series_meetings_partition(org_id: str, series_id: str) -> str:
    """gsi1 of series meetings: a series' meetings by original occurrence."""
    return f"{org_prefix(org_id)}#SERIESMEETINGS#{series_id}"


def user_list_partition(org_id: str, user_id: str) -> str:
    """gsi2 of list rows (series rows and one-off entries): the tabs."""
    return f"{org_prefix(org_id)}#ONEONONES#{user_id}"


def org_meetings_partition(org_id: str, month: str) -> str:
    """gsi2 of meetings: every meeting of the org by start month (the admin report)."""
    return f"{org_prefix(org_id)}#MEETINGS#{month}"
