"""The organisation as the API shows it: its settings, companies, locations, activity."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, field_validator

from momentum.core.emails import Email
from momentum.core.models import Strict, View
from momentum.identity.models import Name, Weekday, checked_time_zone


class ModuleSettings(Strict):
    enabled: StrictBool = True
    display_name: Annotated[str, Field(min_length=1, max_length=60)]


class ModulesSettings(Strict):
    okrs: ModuleSettings = ModuleSettings(display_name="OKRs")
    action_plans: ModuleSettings = ModuleSettings(display_name="Action plans")
    one_on_ones: ModuleSettings = ModuleSettings(display_name="1:1s")
    coaching: ModuleSettings = ModuleSettings(display_name="Coaching")
    accounts: ModuleSettings = ModuleSettings(display_name="Account plans")


class CheckinReminders(Strict):
    cadence: Literal["weekly", "biweekly", "monthly"] = "weekly"
    weekday: Weekday = "monday"
    hour: Annotated[StrictInt, Field(ge=0, le=23)] = 9
    channels: Annotated[list[Literal["email", "slack"]], Field(max_length=2)] = ["email"]


class SlackSettingsView(View):
    configured: bool
    webhook_url: str | None = None  # masked: only the last characters are shown


class OrgSettings(View):
    org_id: str
    name: str
    time_zone: str
    modules: ModulesSettings
    checkin_reminders: CheckinReminders
    fiscal_year_start_month: int = Field(
        default=1, description="The month (1-12) the fiscal year starts; OKR quarters follow it."
    )
    slack: SlackSettingsView
    version: int


class SlackSettingsPatch(Strict):
    webhook_url: Annotated[str, Field(max_length=500, pattern=r"^https?://")] | None = None


class ModulePatch(Strict):
    """Fields left out keep their value; `null` resets one to its default."""

    enabled: StrictBool | None = None
    display_name: Annotated[str, Field(min_length=1, max_length=60)] | None = None


class ModulesPatch(Strict):
    okrs: ModulePatch | None = None
    action_plans: ModulePatch | None = None
    one_on_ones: ModulePatch | None = None
    coaching: ModulePatch | None = None
    accounts: ModulePatch | None = None


class CheckinRemindersPatch(Strict):
    cadence: Literal["weekly", "biweekly", "monthly"] | None = None
    weekday: Weekday | None = None
    hour: Annotated[StrictInt, Field(ge=0, le=23)] | None = None
    channels: Annotated[list[Literal["email", "slack"]], Field(max_length=2)] | None = None


class OrgSettingsPatch(Strict):
    name: Name | None = None
    time_zone: str | None = None
    modules: ModulesPatch | None = None
    checkin_reminders: CheckinRemindersPatch | None = None
    # applies to fiscal years whose default quarters are not generated yet
    fiscal_year_start_month: Annotated[StrictInt, Field(ge=1, le=12)] | None = None
    slack: SlackSettingsPatch | None = None

    _tz = field_validator("time_zone")(checked_time_zone)


class CompanyCreate(Strict):
    name: Name


class Company(View):
    id: str
    name: str
    created_at: str


class LocationCreate(Strict):
    name: Name
    time_zone: str | None = None

    _tz = field_validator("time_zone")(checked_time_zone)


class Location(View):
    id: str
    company_id: str
    name: str
    time_zone: str | None = None
    created_at: str


class ActivityEntry(View):
    id: str
    entity_id: str
    entity_kind: str
    actor_id: str | None = None
    action: str
    at: str
    changes: dict[str, dict[str, object]] = {}
    summary: str | None = None


class OrgCreate(Strict):
    name: Name
    admin_email: Email
    admin_name: Name
    time_zone: str = "UTC"

    _tz = field_validator("time_zone")(checked_time_zone)
