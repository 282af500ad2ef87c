"""Calendar requests and answers as the API shows them (API.md "Calendar")."""

from typing import Annotated, Literal

from pydantic import Field

from momentum.core.models import Strict, View

ProviderName = Literal["google", "microsoft"]
EventId = Annotated[str, Field(min_length=1, max_length=1024)]


class ConnectRequest(Strict):
    provider: ProviderName


class ConnectAnswer(View):
    provider: ProviderName
    authorization_url: str = Field(description="send the user's browser here to consent")


class ConnectionStatus(View):
    provider: str
    status: Literal["connected", "needs_reauth", "not_connected"]
    account_email: str | None = None
    connected_at: str | None = None
    last_synced_at: str | None = None


class LinkedTo(View):
    kind: Literal["series", "meeting"]
    id: str


class CalendarEventView(View):
    provider: ProviderName
    event_id: str
    title: str
    start: str = Field(description="first start in the next four weeks")
    end: str
    time_zone: str
    recurring: bool
    cadence: Literal["weekly", "biweekly", "triweekly", "monthly", "several_per_week"] | None
    recurrence: str | None = Field(default=None, description="the RRULE a series would keep")
    with_user_id: str
    occurrences: list[str] = Field(default=[], description="starts in the next four weeks")
    linked: LinkedTo | None = None


class SkippedEvent(View):
    provider: ProviderName
    event_id: str
    title: str
    reason: str = Field(description="stable code, e.g. too_many_attendees")
    detail: str


class EventList(View):
    items: list[CalendarEventView]
    skipped: list[SkippedEvent] = []
    next_cursor: str | None = None


class ImportRequest(Strict):
    provider: ProviderName
    event_id: EventId
