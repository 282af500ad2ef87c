"""1:1 helpers the stories share (in-process and over HTTP): a fixed first meeting, the
org's people, a weekly series, what a meeting lists, who was mailed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from momentum.core import clock
from tests.support.harness import Actor, Api

Clock = Callable[[str], None]
START = clock.parse_instant("2026-11-02T10:00:00Z")  # a Monday; "now" is the day before
MARKER = "PRIVATE-MARKER-7f3a9c"


def at(start: datetime, **delta: float) -> str:
    return clock.api_instant(start + timedelta(**delta))


def people(api: Api) -> tuple[Actor, Actor, Actor, Actor]:
    admin = api.new_org("Acme", time_zone="UTC")
    mia = api.add_user(admin, "Mia Manager", roles=["manager"])
    eli = api.add_user(admin, "Eli Employee", manager_id=mia.user_id)
    tom = api.add_user(admin, "Tom Third")
    return admin, mia, eli, tom


def weekly(api: Api, owner: Actor, other: Actor, start: datetime = START) -> dict:
    body = {
        "with_user_id": other.user_id,
        "title": "Mia / Eli",
        "start": at(start),
        "end": at(start, minutes=30),
        "recurrence": "FREQ=WEEKLY",
    }
    return api.post(owner, "/v1/one-on-ones", body).ok()


def texts(meeting: dict, field: str = "agenda_topics") -> list[str]:
    return [entry["text"] for entry in meeting[field]]


def mail_to(api: Api, actor: Actor, subject_start: str = "") -> list[dict]:
    return [
        m for m in api.outbox() if actor.email in m["to"] and m["subject"].startswith(subject_start)
    ]


def first_start() -> datetime:
    """10:00 UTC, two or three days from now: future for requests, never yet reminded (the
    e2e suite's first meeting, where requests see the wall clock)."""
    day = clock.now().date() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
