"""Lambda functions from `momentum.catalog`: one role each, granted only what `needs` says."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.compliance import acknowledge
from infra.constructs.email import Email
from infra.constructs.keys import KeysAndSecrets
from infra.constructs.naming import pascal_case
from infra.constructs.queues import WorkQueues
from infra.constructs.table import MomentumTable
from momentum import catalog

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
CODE_EXCLUDES = ["**/__pycache__", "**/*.pyc", "*.egg-info"]


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Deployment-wide values every function reads from its environment."""

    app_url: str
    sender_email: str


@dataclass(frozen=True)
class Capability:
    """What one catalog capability means in AWS: a grant and the settings to find it."""

    grant: Callable[[iam.IGrantable], object]
    environment: Mapping[str, str]


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
        table: MomentumTable,
        email: Email,
        keys: KeysAndSecrets,
        queues: WorkQueues,
    ) -> None:
        super().__init__(scope, construct_id)
        self._capabilities: dict[str, Capability] = {
            "table": Capability(table.grant_item_access, {}),
            "email": Capability(
                email.grant_send, {"SES_CONFIGURATION_SET": email.configuration_set_name}
            ),
            "kms": Capability(
                keys.grant_calendar_token_crypto, {"KMS_KEY_ID": keys.calendar_token_key.key_id}
            ),
            "sweep_queue": Capability(
                queues.sweep_continuation.grant_send_messages,
                {"SWEEP_QUEUE_URL": queues.sweep_continuation.queue_url},
            ),
            "calendar_queue": Capability(
                queues.calendar_sync.grant_send_messages,
                {"CALENDAR_QUEUE_URL": queues.calendar_sync.queue_url},
            ),
            "secrets": Capability(
                keys.calendar_oauth_secret.grant_read,
                {"CALENDAR_SECRETS_ARN": keys.calendar_oauth_secret.secret_arn},
            ),
        }
        unwired = set(get_args(catalog.Capability)) - self._capabilities.keys()
        if unwired:
            raise ValueError(f"catalog capabilities without infrastructure: {sorted(unwired)}")

        # What every function needs whatever its capabilities: cursors are signed everywhere.
        self._cursor_secret = keys.cursor_secret
        self._common_environment = {
            "POWERTOOLS_SERVICE_NAME": "momentum",
            "POWERTOOLS_METRICS_NAMESPACE": "Momentum",
            "LOG_LEVEL": "INFO",
            "TABLE_NAME": table.table_name,
            "APP_URL": settings.app_url,
            "SENDER_EMAIL": settings.sender_email,
            "CURSOR_SECRET_ARN": keys.cursor_secret.secret_arn,
        }
        self._code = lambda_.Code.from_asset(str(code_dir), exclude=CODE_EXCLUDES)
        self._dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(str(layer_dir), exclude=[".dependencies.json"]),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Momentum third-party packages (from pyproject dependencies)",
        )
        self.roles: dict[str, iam.Role] = {}
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
        environment = dict(self._common_environment)
        for capability in needed:
            capability.grant(role)
            environment.update(capability.environment)

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
