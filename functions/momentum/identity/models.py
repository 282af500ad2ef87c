"""Organisation, users, settings, companies and locations as the API shows them."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, field_validator

from momentum.core.clock import is_time_zone
from momentum.core.emails import Email
from momentum.core.models import Strict, View

Role = Literal["admin", "location_admin", "manager", "employee", "coach", "coachee", "customer"]
Status = Literal["active", "inactive", "invited", "internal_record"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Name = Annotated[str, Field(min_length=1, max_length=200)]
OptionalId = Annotated[str | None, Field(default=None, max_length=64)]


def _distinct(values: list[str] | None) -> list[str] | None:
    """Roles are a set: ["manager", "manager"] means ["manager"]."""
    return None if values is None else list(dict.fromkeys(values))


def _time_zone(value: str | None) -> str | None:
    if value is not None and not is_time_zone(value):
        raise ValueError(f"'{value}' is not an IANA time zone")
    return value


class NotificationSwitches(Strict):
    one_on_one_reminder: StrictBool = True
    engagement_off_track: StrictBool = True
    checkin_reminder_email: StrictBool = True
    checkin_reminder_slack: StrictBool = True


class UserSettings(Strict):
    time_zone: str | None = None
    hide_private_notes: StrictBool = False
    notifications: NotificationSwitches = NotificationSwitches()

    _tz = field_validator("time_zone")(_time_zone)


class NotificationSwitchesPatch(Strict):
    one_on_one_reminder: StrictBool | None = None
    engagement_off_track: StrictBool | None = None
    checkin_reminder_email: StrictBool | None = None
    checkin_reminder_slack: StrictBool | None = None


class UserSettingsPatch(Strict):
    time_zone: str | None = None
    hide_private_notes: StrictBool | None = None
    notifications: NotificationSwitchesPatch | None = None

    _tz = field_validator("time_zone")(_time_zone)


class User(View):
    id: str
    email: str
    name: str
    roles: list[Role]
    manager_id: str | None = None
    company_id: str | None = None
    location_id: str | None = None
    admin_location_ids: list[str] = []
    account_ids: list[str] = []
    status: Status
    time_zone: str
    created_at: str
    reorganising: bool = Field(
        default=False,
        description=(
            "True from a manager change until the people below this user have their new "
            "manager chain (a background job, normally seconds); until then a further move "
            "under one of them is refused with 409."
        ),
    )


class Me(User):
    settings: UserSettings


class UserCreate(Strict):
    email: Email
    name: Name
    roles: Annotated[list[Role], Field(min_length=1, max_length=7)] = ["employee"]
    manager_id: OptionalId = None
    company_id: OptionalId = None
    location_id: OptionalId = None
    admin_location_ids: Annotated[
        list[Annotated[str, Field(max_length=64)]], Field(max_length=50)
    ] = []
    account_ids: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=200)] = []
    status: Status = "active"
    time_zone: str | None = None

    _tz = field_validator("time_zone")(_time_zone)
    _roles = field_validator("roles", "admin_location_ids", "account_ids")(_distinct)


class UserPatch(Strict):
    email: Email | None = None
    name: Name | None = None
    roles: Annotated[list[Role], Field(min_length=1, max_length=7)] | None = None
    manager_id: OptionalId = None
    company_id: OptionalId = None
    location_id: OptionalId = None
    admin_location_ids: (
        Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=50)] | None
    ) = None
    account_ids: (
        Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=200)] | None
    ) = None
    status: Status | None = None
    time_zone: str | None = None

    _tz = field_validator("time_zone")(_time_zone)
    _roles = field_validator("roles", "admin_location_ids", "account_ids")(_distinct)


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

    _tz = field_validator("time_zone")(_time_zone)


class CompanyCreate(Strict):
    name: Name


class Company(View):
    id: str
    name: str
    created_at: str


class LocationCreate(Strict):
    name: Name
    time_zone: str | None = None

    _tz = field_validator("time_zone")(_time_zone)


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

    _tz = field_validator("time_zone")(_time_zone)
