"""Lambda functions from `momentum.catalog`: one role each, granted only what `needs` says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.auth import SignIn
from infra.constructs.compliance import acknowledge
from infra.constructs.email import Email
from infra.constructs.events import OutboundEvents
from infra.constructs.exports import ReportExports
from infra.constructs.keys import KeysAndSecrets
from infra.constructs.naming import pascal_case
from infra.constructs.queues import WorkQueues
from infra.constructs.table import MomentumTable
from infra.environment import function_environment
from momentum import catalog

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Deployment-wide values from CDK context."""

    app_url: str
    sender_email: str
    # The public base URL (OAuth redirects, webhook addresses): a custom domain, or None for
    # the API's own URL, set once the API exists (set_api_base_url).
    api_base_url: str | None = None


# The providers' public endpoints (the local stack substitutes its fakes).
CALENDAR_PROVIDERS = {
    "GOOGLE_AUTHORIZE_URL": "https://accounts.google.com/o/oauth2/v2/auth",
    "GOOGLE_USERINFO_URL": "https://openidconnect.googleapis.com/v1/userinfo",
    "GOOGLE_OAUTH_BASE": "https://oauth2.googleapis.com",
    "GOOGLE_API_BASE": "https://www.googleapis.com",
    "MICROSOFT_LOGIN_BASE": "https://login.microsoftonline.com/common/oauth2/v2.0",
    "MICROSOFT_GRAPH_BASE": "https://graph.microsoft.com/v1.0",
}
PRINCIPAL_CACHE_SECONDS = "60"  # SPEC: a deactivated user loses access within a minute
API_BASE_URL_PENDING = "pending:api-url"  # replaced by set_api_base_url before synthesis


@dataclass(frozen=True)
class Capability:
    """What one catalog capability means in AWS: a grant on the function's role."""

    grant: Callable[[iam.IGrantable], object]


def lambda_handler(function: catalog.Function) -> str:
    """`momentum.handlers.sweeps:handler` -> `momentum.handlers.sweeps.handler`."""
    return function.handler.replace(":", ".")


class MomentumFunctions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code_dir: Path,
        layer_dir: Path,
        settings: Settings,
        sign_in: SignIn,
        table: MomentumTable,
        email: Email,
        keys: KeysAndSecrets,
        queues: WorkQueues,
        events: OutboundEvents,
        exports: ReportExports,
    ) -> None:
        super().__init__(scope, construct_id)
        self._capabilities: dict[str, Capability] = {
            "table": Capability(table.grant_item_access),
            "email": Capability(email.grant_send),
            "kms": Capability(keys.grant_calendar_token_crypto),
            "sweep_queue": Capability(queues.sweep_continuation.grant_send_messages),
            "calendar_queue": Capability(queues.calendar_sync.grant_send_messages),
            "secrets": Capability(keys.calendar_oauth_secret.grant_read),
            "sign_in": Capability(sign_in.grant_member_administration),
            "event_bus": Capability(events.grant_put),
            "background_queue": Capability(queues.background.grant_send_messages),
            # Report exports (issue 17)
            "exports": Capability(exports.grant_request),
            "export_writing": Capability(exports.grant_write),
        }
        unwired = set(get_args(catalog.Capability)) - self._capabilities.keys()
        if unwired:
            raise ValueError(f"catalog capabilities without infrastructure: {sorted(unwired)}")

        # What every function needs whatever its capabilities: cursors are signed everywhere.
        self._cursor_secret = keys.cursor_secret
        # Every setting's value here; each function gets those its code reads (infra/environment).
        self._values = {
            "POWERTOOLS_SERVICE_NAME": "momentum",
            "POWERTOOLS_METRICS_NAMESPACE": "Momentum",
            "LOG_LEVEL": "INFO",
            "TABLE_NAME": table.table_name,
            "APP_URL": settings.app_url,
            "CURSOR_SECRET_ARN": keys.cursor_secret.secret_arn,
            "PRINCIPAL_CACHE_SECONDS": PRINCIPAL_CACHE_SECONDS,
            "SLACK_API_BASE": "https://slack.com/api/",
            "SENDER_EMAIL": settings.sender_email,
            "SES_CONFIGURATION_SET": email.configuration_set_name,
            "KMS_KEY_ID": keys.calendar_token_key.key_id,
            "SWEEP_QUEUE_URL": queues.sweep_continuation.queue_url,
            "CALENDAR_QUEUE_URL": queues.calendar_sync.queue_url,
            "CALENDAR_SECRETS_ARN": keys.calendar_oauth_secret.secret_arn,
            "API_BASE_URL": settings.api_base_url or API_BASE_URL_PENDING,
            "USER_POOL_ID": sign_in.user_pool.user_pool_id,
            "EVENT_BUS_NAME": events.bus_name,
            "BACKGROUND_QUEUE_URL": queues.background.queue_url,
            **CALENDAR_PROVIDERS,
            # Report exports (issue 17)
            "EXPORT_BUCKET": exports.bucket.bucket_name,
            "EXPORT_QUEUE_URL": exports.queue.queue_url,
        }
        # code_dir is infra/function_asset.py's build: the package and its 3.12 bytecode.
        self._code = lambda_.Code.from_asset(str(code_dir))
        self._dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(layer_dir), exclude=[".dependencies.json"]),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Momentum third-party packages (from pyproject dependencies)",
        )
        self.roles: dict[str, iam.Role] = {}
        self.environments: dict[str, dict[str, str]] = {}
        self.by_name: dict[str, lambda_.Function] = {
            function.name: self._function(function) for function in catalog.FUNCTIONS
        }

    def _function(self, function: catalog.Function) -> lambda_.Function:
        construct_id = pascal_case(function.name)
        needed = [self._capabilities[need] for need in function.needs]
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Momentum {function.name}: {', '.join(function.needs)}",
        )
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=LOG_RETENTION)
        log_group.grant_write(role)
        self._cursor_secret.grant_read(role)
        for capability in needed:
            capability.grant(role)
        environment = function_environment(function, self._values)

        deployed = lambda_.Function(
            self,
            construct_id,
            description=function.description,
            code=self._code,
            handler=lambda_handler(function),
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            memory_size=function.memory_mb,
            timeout=Duration.seconds(function.timeout_s),
            layers=[self._dependencies],
            role=role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment=environment,
        )
        self.roles[function.name] = role
        self.environments[function.name] = environment
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray active tracing (xray:PutTraceSegments, PutTelemetryRecords) and the SES "
            "send quota (ses:GetAccount) support no resource-level permissions.",
        )
        acknowledge(
            deployed,
            "AwsSolutions-L1",
            "Pinned to python3.12 on purpose: the dependencies layer is built for "
            "cp312 manylinux aarch64 wheels.",
        )
        return deployed

    def set_api_base_url(self, url: str) -> None:
        """Without a custom domain, OAuth redirects and webhooks use the API's own URL."""
        for name, environment in self.environments.items():
            if environment.get("API_BASE_URL") == API_BASE_URL_PENDING:
                self.by_name[name].add_environment("API_BASE_URL", url)
                environment["API_BASE_URL"] = url
