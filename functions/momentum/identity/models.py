"""Users and their settings as the API shows them, and the names both they and the
organisation's models (identity.org_models) are written in.

The organisation's own models live apart because every context that names a user
imports this module (through identity.service) and a cold start builds each model it
imports: the 14 organisation models are paid for by the identity function alone."""

from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator

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


def checked_time_zone(value: str | None) -> str | None:
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

    _tz = field_validator("time_zone")(checked_time_zone)


class NotificationSwitchesPatch(Strict):
    one_on_one_reminder: StrictBool | None = None
    engagement_off_track: StrictBool | None = None
    checkin_reminder_email: StrictBool | None = None
    checkin_reminder_slack: StrictBool | None = None


class UserSettingsPatch(Strict):
    time_zone: str | None = None
    hide_private_notes: StrictBool | None = None
    notifications: NotificationSwitchesPatch | None = None

    _tz = field_validator("time_zone")(checked_time_zone)


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

    _tz = field_validator("time_zone")(checked_time_zone)
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

    _tz = field_validator("time_zone")(checked_time_zone)
    _roles = field_validator("roles", "admin_location_ids", "account_ids")(_distinct)
