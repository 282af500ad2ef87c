"""The deployable shape of Momentum, declared once.

The CDK stack (infra/) and the local server (infra/local/) both read this module, so the
functions, their HTTP routes and the sweep schedules can never drift apart between AWS
and a laptop. Routes are declared by path prefix: a prefix claims the exact path and
everything below it, the longest prefix wins (as API Gateway picks the most specific
route), and the function's own Powertools resolver answers the exact routes, with a
problem+json 404 for anything it does not know.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import msgspec

Capability = Literal[
    "table",
    "email",
    "kms",
    "sweep_queue",
    "calendar_queue",
    "secrets",
    "sign_in",
    "event_bus",
    "background_queue",
    # Report exports: ask for one and presign its download / write it (the worker).
    "exports",
    "export_writing",
]


class Function(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    handler: str  # module:attribute, relative to functions/
    description: str
    # Path prefixes this function serves behind the JWT authorizer, and public ones.
    routes: tuple[str, ...] = ()
    public_routes: tuple[str, ...] = ()
    needs: tuple[Capability, ...] = ("table",)
    memory_mb: int = 512
    timeout_s: int = 10
    # For a queue consumer: at most this many instances work at once (SQS event source
    # maximum concurrency in CDK, worker threads in the local poller).
    concurrency: int | None = None

    @property
    def module(self) -> str:
        return self.handler.split(":")[0]

    @property
    def attribute(self) -> str:
        return self.handler.split(":")[1]


class Schedule(msgspec.Struct, frozen=True, kw_only=True):
    """A sweep fired by EventBridge Scheduler with the scheduled time as the event's `time`."""

    sweep: str  # the name used by POST /local/sweeps/{sweep}
    expression: str  # EventBridge Scheduler expression, UTC
    description: str
    runs: str  # "module:function" taking (now, budget) and returning a sweep Summary
    function: str = "sweeps"


API_FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="identity-api",
        handler="momentum.handlers.identity_api:handler",
        description="Organisation, users, companies, settings, activity",
        routes=("/v1/me", "/v1/org", "/v1/users", "/v1/companies", "/v1/activity"),
        # sign_in: members are Cognito users it creates and disables; background_queue: a
        # manager change moves the reports' chains in a background job
        needs=("table", "sign_in", "background_queue"),
    ),
    Function(
        name="okrs-api",
        handler="momentum.handlers.okrs_api:handler",
        description="Objectives, key results, check-ins and roll-up",
        routes=("/v1/goals", "/v1/cycles"),
    ),
    Function(
        name="action-plans-api",
        handler="momentum.handlers.action_plans_api:handler",
        description="Engage action plans linked to OKRs",
        routes=("/v1/action-plans",),
    ),
    Function(
        name="one-on-ones-api",
        handler="momentum.handlers.one_on_ones_api:handler",
        description="1:1 series, meetings, agenda, notes and the 1:1 report",
        routes=("/v1/one-on-ones", "/v1/meetings", "/v1/reports/one-on-ones"),
        # kms: a notification may go as a Slack DM, whose bot token is sealed with the key;
        # background_queue: deleting a series removes its meetings in a background job
        needs=("table", "email", "kms", "background_queue"),
    ),
    Function(
        name="calendar-api",
        handler="momentum.handlers.calendar_api:handler",
        description="Calendar connections, OAuth, event listing and import",
        routes=("/v1/calendar", "/v1/one-on-ones/import"),
        public_routes=("/v1/calendar/oauth/start", "/v1/calendar/oauth/callback"),
        # email: importing an event creates a 1:1, which tells the other participant.
        needs=("table", "kms", "secrets", "calendar_queue", "email"),
        timeout_s=29,
    ),
    Function(
        name="coaching-api",
        handler="momentum.handlers.coaching_api:handler",
        description="Coaching engagements, sessions, progress and report",
        routes=("/v1/engagement-templates", "/v1/engagements", "/v1/reports/engagements"),
    ),
    Function(
        name="accounts-api",
        handler="momentum.handlers.accounts_api:handler",
        description="Account action plans and plan templates",
        routes=("/v1/accounts", "/v1/plan-templates"),
    ),
    Function(
        name="integrations-api",
        handler="momentum.handlers.integrations_api:handler",
        description="Audit log, SCIM tokens, directory groups and webhook subscriptions",
        routes=(
            "/v1/audit-log",
            "/v1/org/scim-tokens",
            "/v1/directory-groups",
            "/v1/webhook-subscriptions",
        ),
    ),
    Function(
        name="scim-api",
        handler="momentum.handlers.scim_api:handler",
        description="SCIM 2.0 provisioning from identity providers (own bearer tokens)",
        # Public to the JWT authorizer: SCIM requests carry an org's SCIM token instead.
        public_routes=("/scim/v2",),
        # sign_in: provisioning goes through identity's members, who are Cognito users;
        # background_queue: a manager change there is one too (reports move in the background)
        needs=("table", "sign_in", "background_queue"),
        timeout_s=29,
    ),
    Function(
        name="docs-api",
        handler="momentum.handlers.docs_api:handler",
        description="OpenAPI 3.1 document and Swagger UI",
        public_routes=("/v1/openapi.json", "/v1/docs"),
        memory_mb=256,
    ),
    Function(
        name="webhooks",
        handler="momentum.handlers.webhooks:handler",
        description="Google and Microsoft calendar change notifications: verify, enqueue",
        public_routes=("/webhooks/google", "/webhooks/microsoft"),
        needs=("table", "calendar_queue"),
        memory_mb=256,
        timeout_s=5,
    ),
    Function(
        name="slack-app-api",
        handler="momentum.handlers.slack_app_api:handler",
        description="Installs and uninstalls the org's Slack app (sealed bot token and secret)",
        routes=("/v1/org/slack-app",),
        needs=("table", "kms", "email"),
    ),
    Function(
        name="slack-interactions",
        handler="momentum.handlers.slack_interactions:handler",
        description="Slack interactivity: verify the signature, open the check-in form, record it",
        public_routes=("/webhooks/slack",),
        needs=("table", "kms", "email"),
        timeout_s=5,
    ),
    # Report exports (issue 17): big reports as CSV files, written by `report-exports`.
    Function(
        name="report-exports-api",
        handler="momentum.handlers.report_exports_api:handler",
        description="Report exports: ask for a report as a CSV file, follow the job",
        routes=("/v1/report-exports",),
        needs=("table", "exports"),
    ),
)


class CorsPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """What a browser on an allowed origin may send. API Gateway (corsPreflight) and the
    local gateway both answer preflights from this, before any authorizer runs."""

    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    max_age_s: int


CORS = CorsPolicy(
    allow_methods=("GET", "POST", "PUT", "PATCH", "DELETE"),
    allow_headers=("authorization", "content-type", "idempotency-key"),
    max_age_s=3600,
)


def allowed_origins(app_url: str) -> tuple[str, ...]:
    """The origins browsers may call the API from: the web app's, taken from its URL."""
    parts = urlsplit(app_url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"the app URL {app_url!r} has no scheme and host")
    return (f"{parts.scheme}://{parts.netloc}".lower(),)


# Unmatched requests (API Gateway's $default route) land here, so an unknown path is
# answered with problem+json rather than API Gateway's bare {"message": "Not Found"}.
DEFAULT_ROUTE_FUNCTION = "identity-api"

# Shard workers at once, across every sweep. Sized for 1M users (docs/decisions.md, "Sweeps
# at scale"); it also divides the account's SES send rate between them (notify.email).
SWEEP_WORKERS = 16

WORKER_FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="sweeps",
        handler="momentum.handlers.sweeps:handler",
        description="Every scheduled sweep; the event names which one",
        needs=("table", "email", "sweep_queue", "kms", "secrets", "calendar_queue", "event_bus"),
        memory_mb=1024,
        timeout_s=300,
    ),
    Function(
        name="sweep-worker",
        handler="momentum.handlers.sweeps:work_handler",
        description="Works one due-index shard of a sweep run, in parallel with the others",
        needs=("table", "email", "sweep_queue", "kms", "secrets", "calendar_queue", "event_bus"),
        memory_mb=1024,
        timeout_s=300,
        concurrency=SWEEP_WORKERS,
    ),
    Function(
        name="calendar-sync",
        handler="momentum.handlers.calendar_sync:handler",
        description="Incremental calendar sync per connection (SQS FIFO)",
        needs=("table", "kms", "secrets", "email"),
        timeout_s=120,
    ),
    # Report exports (issue 17): pages through a report into S3, continuing via its queue.
    Function(
        name="report-exports",
        handler="momentum.handlers.report_exports:handler",
        description="Writes report exports to S3 as CSV, a checkpoint per invocation (SQS)",
        needs=("table", "export_writing"),
        memory_mb=1024,
        timeout_s=300,
    ),
)

# --- background work (frame/background.py) -------------------------------------------------

BACKGROUND_FUNCTION = Function(
    name="background",
    handler="momentum.handlers.background:handler",
    description="Background jobs a request started: reorganisations, series deletions (SQS FIFO)",
    needs=("table", "background_queue"),
    timeout_s=120,
)

# kind -> "module:function" taking (payload, budget), returning a continuation or None.
BACKGROUND_JOBS: dict[str, str] = {
    "identity.reorganise": "momentum.identity.reorganising:run",
    "one_on_ones.delete_series": "momentum.one_on_ones.deleting:run",
}

WORKER_FUNCTIONS += (BACKGROUND_FUNCTION,)

FUNCTIONS: tuple[Function, ...] = API_FUNCTIONS + WORKER_FUNCTIONS

SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        sweep="agenda-rollover",
        runs="momentum.one_on_ones.sweeps:rollover_agendas",
        expression="rate(15 minutes)",
        description="Moves unfinished topics and items 3 h after a meeting ends",
    ),
    Schedule(
        sweep="one-on-one-reminders",
        runs="momentum.one_on_ones.sweeps:send_meeting_reminders",
        expression="rate(5 minutes)",
        description="One-hour-before 1:1 reminders",
    ),
    Schedule(
        sweep="weekly-summary",
        runs="momentum.one_on_ones.sweeps:send_weekly_summaries",
        expression="cron(0 * ? * * *)",
        description="Sunday 18:00 local 1:1 summaries, due per recipient time zone",
    ),
    Schedule(
        sweep="checkin-reminders",
        runs="momentum.okrs.sweeps:send_checkin_reminders",
        expression="cron(0 * ? * * *)",
        description="Check-in reminders at each owner's local hour",
    ),
    Schedule(
        sweep="engagement-progress",
        runs="momentum.coaching.sweeps:track_engagement_progress",
        expression="cron(0 * ? * * *)",
        description="Flips coaching engagements whose due-by passed to off track",
    ),
    Schedule(
        sweep="meeting-horizon",
        runs="momentum.one_on_ones.sweeps:extend_series_horizon",
        expression="cron(30 2 * * ? *)",
        description="Materialises series meetings as the horizon moves",
    ),
    Schedule(
        sweep="delivery-retries",
        runs="momentum.notify.retries:retry_deliveries",
        expression="rate(5 minutes)",
        description="Resends failed notifications with backoff, then parks them for admins",
    ),
    Schedule(
        sweep="calendar-renewal",
        runs="momentum.calendar.sync.sweeps:renew_subscriptions",
        expression="rate(1 hour)",
        description="Renews Google channels and Graph subscriptions before expiry",
    ),
    Schedule(
        sweep="calendar-reconcile",
        runs="momentum.calendar.sync.sweeps:reconcile_connections",
        expression="rate(6 hours)",
        description="Periodic full reconciliation per calendar connection",
    ),
    Schedule(
        sweep="events-publish",
        runs="momentum.events.publish:publish_events",
        expression="rate(1 minute)",
        description="Publishes new activity entries as events (outbox) and queues webhooks",
    ),
    Schedule(
        sweep="webhook-deliveries",
        runs="momentum.webhooks_out.deliveries:deliver_webhooks",
        expression="rate(1 minute)",
        description="Signed webhook deliveries and their retries with backoff",
    ),
)


def function_named(name: str) -> Function:
    for function in FUNCTIONS:
        if function.name == name:
            return function
    raise KeyError(name)


def schedule_named(sweep: str) -> Schedule:
    for schedule in SCHEDULES:
        if schedule.sweep == sweep:
            return schedule
    raise KeyError(sweep)


def route_owner(path: str) -> tuple[Function, bool] | None:
    """The function serving `path` and whether the route is public (longest prefix wins)."""
    best: tuple[int, Function, bool] | None = None
    for function in API_FUNCTIONS:
        for prefix, public in [(p, False) for p in function.routes] + [
            (p, True) for p in function.public_routes
        ]:
            if (path == prefix or path.startswith(prefix + "/")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), function, public)
    return None if best is None else (best[1], best[2])
