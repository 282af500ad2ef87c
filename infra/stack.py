"""MomentumStack: the whole backend, composed from logical constructs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.constructs.api import MomentumApi
from infra.constructs.auth import SignIn
from infra.constructs.email import Email
from infra.constructs.events import OutboundEvents
from infra.constructs.exports import ReportExports
from infra.constructs.functions import MomentumFunctions, Settings
from infra.constructs.keys import KeysAndSecrets
from infra.constructs.monitoring import Alarms
from infra.constructs.queues import WorkQueues
from infra.constructs.schedules import SweepSchedules
from infra.constructs.table import MomentumTable
from momentum import catalog


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    """Per-deployment values, read from CDK context (defaults live in cdk.json)."""

    app_url: str
    email_identity: str
    sender_email: str
    api_throttle_rate: float
    api_throttle_burst: int
    # Optional: the API's custom domain and its ACM certificate (same region), so OAuth
    # redirect and webhook addresses do not change when the stack is replaced.
    api_domain: str | None = None
    api_certificate_arn: str | None = None

    @classmethod
    def from_context(cls, scope: Construct) -> StackConfig:
        def value(key: str) -> object:
            found = scope.node.try_get_context(key)
            if found is None:
                raise ValueError(f"missing CDK context value {key!r} (see cdk.json)")
            return found

        return cls(
            app_url=str(value("app_url")),
            email_identity=str(value("email_identity")),
            sender_email=str(value("sender_email")),
            api_throttle_rate=float(str(value("api_throttle_rate"))),
            api_throttle_burst=int(str(value("api_throttle_burst"))),
            api_domain=scope.node.try_get_context("api_domain") or None,
            api_certificate_arn=scope.node.try_get_context("api_certificate_arn") or None,
        )


class MomentumStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StackConfig,
        code_dir: Path,
        layer_dir: Path,
        **stack_props: Any,
    ) -> None:
        super().__init__(scope, construct_id, **stack_props)
        self.table = table = MomentumTable(self, "Data")
        self.sign_in = sign_in = SignIn(self, "SignIn")
        self.email = email = Email(self, "Email", identity=config.email_identity)
        self.keys = keys = KeysAndSecrets(self, "Keys")
        self.queues = queues = WorkQueues(
            self,
            "Queues",
            sweep_consumer=catalog.function_named("sweep-worker"),
            calendar_consumer=catalog.function_named("calendar-sync"),
            background_consumer=catalog.function_named("background"),
        )
        self.events = outbound = OutboundEvents(self, "Events")
        self.exports = exports = ReportExports(
            self, "ReportExports", worker=catalog.function_named("report-exports")
        )
        self.functions = functions = MomentumFunctions(
            self,
            "Functions",
            code_dir=code_dir,
            layer_dir=layer_dir,
            settings=Settings(
                app_url=config.app_url,
                sender_email=config.sender_email,
                api_base_url=f"https://{config.api_domain}" if config.api_domain else None,
            ),
            sign_in=sign_in,
            table=table,
            email=email,
            keys=keys,
            queues=queues,
            events=outbound,
            exports=exports,
        )
        queues.feed(
            sweep_continuation=functions.by_name["sweep-worker"],
            calendar_sync=functions.by_name["calendar-sync"],
            background=functions.by_name["background"],
        )
        exports.feed(functions.by_name["report-exports"])
        self.api = api = MomentumApi(
            self,
            "Api",
            user_pool=sign_in.user_pool,
            user_pool_client=sign_in.client,
            functions={f.name: functions.by_name[f.name] for f in catalog.API_FUNCTIONS},
            allowed_origins=catalog.allowed_origins(config.app_url),
            throttle_rate=config.api_throttle_rate,
            throttle_burst=config.api_throttle_burst,
            domain=config.api_domain,
            certificate_arn=config.api_certificate_arn,
        )
        if config.api_domain is None:
            functions.set_api_base_url(api.http_api.api_endpoint)
        self.schedules = schedules = SweepSchedules(self, "Schedules", functions=functions.by_name)
        self.alarms = Alarms(
            self,
            "Alarms",
            functions=functions.by_name,
            dead_letter_queues={
                **queues.dead_letter_queues,
                "ReportExports": exports.dlq,
                "ScheduledSweeps": schedules.dead_letter_queue,
            },
        )

        CfnOutput(self, "ApiUrl", value=api.url, description="Base URL of the HTTP API")
        CfnOutput(self, "UserPoolId", value=sign_in.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=sign_in.client.user_pool_client_id)
        CfnOutput(self, "TableName", value=table.table_name)
