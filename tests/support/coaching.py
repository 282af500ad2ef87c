"""Coaching helpers the stories share (in-process and over HTTP): a program (company,
locations, coach, coachees, a 21-day template), an active engagement, who was mailed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests.support.harness import Actor, Api


@dataclass
class Program:
    admin: Actor
    company_id: str
    paris: str
    lyon: str
    coach: Actor
    coachees: list[Actor]
    template_id: str


def at(start: datetime, days: int) -> str:
    return (start + timedelta(days=days)).isoformat()


def set_up_program(api: Api, coachees: int = 3) -> Program:
    # Unique names: over HTTP the outbox is shared by every test of the session.
    tag = uuid.uuid4().hex[:8]
    admin = api.new_org(f"Coaching {tag}")
    company = api.post(admin, "/v1/companies", {"name": "Acme Europe"}).ok()
    paris = api.post(admin, f"/v1/companies/{company['id']}/locations", {"name": "Paris"}).ok()
    lyon = api.post(admin, f"/v1/companies/{company['id']}/locations", {"name": "Lyon"}).ok()
    placed = {"company_id": company["id"], "location_id": paris["id"]}
    coach = api.add_user(admin, f"Cora Coach {tag}", roles=["coach"], **placed)
    people = [
        api.add_user(admin, f"Coachee {n} {tag}", roles=["coachee"], **placed)
        for n in range(1, coachees + 1)
    ]
    template = api.post(
        admin,
        "/v1/engagement-templates",
        {
            "name": "Leadership sprint",
            "type": "one_on_one",
            "progress_tracking": {"enabled": True, "threshold_weeks": 3, "notify_off_track": True},
        },
    ).ok()
    assert template["progress_tracking"]["threshold_days"] == 21
    return Program(admin, company["id"], paris["id"], lyon["id"], coach, people, template["id"])


def launch_active(api: Api, program: Program, coachee: Actor) -> dict[str, Any]:
    engagement = api.post(
        program.admin,
        "/v1/engagements",
        {
            "template_id": program.template_id,
            "coachee_id": coachee.user_id,
            "coach_id": program.coach.user_id,
        },
    ).ok()
    return api.post(program.admin, f"/v1/engagements/{engagement['id']}/activate").ok()


def sent_to(api: Api, email: str) -> list[dict[str, Any]]:
    return [m for m in api.outbox() if email in m["to"]]


def email_of(api: Api, admin: Actor, actor: Actor) -> str:
    return str(api.get(admin, f"/v1/users/{actor.user_id}").ok()["email"])
