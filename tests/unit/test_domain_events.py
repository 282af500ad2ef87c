"""Domain events: a published event reaches its subscribers, a question their answers."""

from __future__ import annotations

import pytest

from momentum import wiring
from momentum.core import domain_events
from momentum.core.domain_events import (
    AccountsKnown,
    ActivityAccess,
    ActivityShown,
    DirectoryGroupMembers,
    DomainEvent,
    EntityVisibility,
    EventGoingOut,
    UserRenamed,
    UserReorganised,
    ask,
    publish,
    subscribe,
)


class Waved(DomainEvent, frozen=True):
    by: str


class KindAsked(DomainEvent, frozen=True):
    kind: str

    @property
    def subject(self) -> str | None:
        return self.kind


def test_a_published_event_reaches_every_subscriber_in_order() -> None:
    seen: list[str] = []
    subscribe(Waved)(lambda event: seen.append(f"first {event.by}"))
    subscribe(Waved)(lambda event: seen.append(f"second {event.by}"))

    publish(Waved("org1", "ada"))

    assert seen == ["first ada", "second ada"]


def test_a_subscriber_failure_reaches_the_publisher() -> None:
    class Refused(DomainEvent, frozen=True):
        """An event with nothing but its org."""

    def refuse(event: Refused) -> None:
        raise ValueError("no")

    subscribe(Refused)(refuse)
    with pytest.raises(ValueError, match="no"):
        publish(Refused("org1"))


def test_a_question_is_answered_only_by_its_subjects_subscriber() -> None:
    subscribe(KindAsked, "goal")(lambda question: "okrs")
    subscribe(KindAsked, "meeting")(lambda question: "one_on_ones")

    assert ask(KindAsked("org1", "goal")) == ["okrs"]
    assert ask(KindAsked("org1", "meeting")) == ["one_on_ones"]
    assert ask(KindAsked("org1", "nobody")) == []


def test_the_wiring_tells_okrs_of_renames_and_reorganisations() -> None:
    assert wiring.goals_follow_owner_rename in domain_events._handlers[(UserRenamed, None)]
    assert wiring.goals_follow_owner_chain in domain_events._handlers[(UserReorganised, None)]


# Every kind whose activity the log shows (beyond identity's own) has one context deciding.
ACTIVITY_KINDS = {
    "goal",
    "cycle",
    "action_plan",
    "series",
    "meeting",
    "engagement",
    "engagement_template",
    "account",
    "plan_template",
    "scim_token",
    "directory_group",
    "webhook_subscription",
}


@pytest.mark.parametrize("kind", sorted(ACTIVITY_KINDS))
def test_every_activity_kind_has_exactly_one_viewer(kind: str) -> None:
    assert len(domain_events._handlers[(ActivityAccess, kind)]) == 1


def test_redacting_kinds_are_goals_and_engagements() -> None:
    redacted = {kind for (event, kind) in domain_events._handlers if event is ActivityShown}
    assert redacted == {"goal", "engagement"}


def test_every_question_a_context_asks_has_one_answerer() -> None:
    answered = {
        (AccountsKnown, None),
        (DirectoryGroupMembers, None),
        (EntityVisibility, "goal"),
        (EventGoingOut, None),
    }
    assert all(len(domain_events._handlers[topic]) == 1 for topic in answered)
