"""The HTTP API: catalog route prefixes, a Cognito JWT authorizer and a problem+json $default."""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.compliance import acknowledge
from infra.constructs.naming import pascal_case
from momentum import catalog

ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "method": "$context.httpMethod",
    "path": "$context.path",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "sub": "$context.authorizer.claims.sub",
}


def route_paths(prefix: str) -> tuple[str, str]:
    """A prefix claims its exact path and everything below it."""
    return prefix, f"{prefix}/{{proxy+}}"


class MomentumApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        functions: Mapping[str, lambda_.IFunction],
        allowed_origins: tuple[str, ...],
        throttle_rate: float,
        throttle_burst: int,
        domain: str | None = None,
        certificate_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # One permission per function for the whole API, not one per route (policy size).
        self._integrations = {
            name: integrations.HttpLambdaIntegration(
                f"{pascal_case(name)}Integration", function, scope_permission_to_route=False
            )
            for name, function in functions.items()
        }
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=Stack.of(self).stack_name,
            description="Momentum API",
            create_default_stage=False,
            # Unknown paths reach a function so the answer is problem+json, not a bare 404.
            default_integration=self._integrations[catalog.DEFAULT_ROUTE_FUNCTION],
            # The policy the local gateway serves too (momentum.catalog.CORS).
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=list(allowed_origins),
                allow_methods=[apigwv2.CorsHttpMethod(m) for m in catalog.CORS.allow_methods],
                allow_headers=list(catalog.CORS.allow_headers),
                max_age=Duration.seconds(catalog.CORS.max_age_s),
            ),
        )
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=_AccessLogSettings(access_logs),
            throttle=apigwv2.ThrottleSettings(rate_limit=throttle_rate, burst_limit=throttle_burst),
        )
        if domain:
            if not certificate_arn:
                raise ValueError("api_domain needs api_certificate_arn (an ACM certificate)")
            self.domain_name = apigwv2.DomainName(
                self,
                "Domain",
                domain_name=domain,
                certificate=acm.Certificate.from_certificate_arn(
                    self, "Certificate", certificate_arn
                ),
            )
            apigwv2.ApiMapping(
                self,
                "DomainMapping",
                api=self.http_api,
                domain_name=self.domain_name,
                stage=self.stage,
            )
        self.authorizer = authorizers.HttpUserPoolAuthorizer(
            "MemberJwt", user_pool, user_pool_clients=[user_pool_client]
        )
        for function in catalog.API_FUNCTIONS:
            for prefix in function.routes:
                self._add_routes(function.name, prefix, authorizer=self.authorizer)
            for prefix in function.public_routes:
                self._add_routes(function.name, prefix, authorizer=None)
        acknowledge(
            # Only the $default route: an acknowledgement on the API would cover every route.
            self.http_api.node.find_child("DefaultRoute"),
            "AwsSolutions-APIG4",
            "The $default route only answers problem+json 404/401 for unknown paths; "
            "it exposes no data, so it carries no authorizer.",
        )

    @property
    def url(self) -> str:
        return self.stage.url

    def _add_routes(
        self, function_name: str, prefix: str, *, authorizer: apigwv2.IHttpRouteAuthorizer | None
    ) -> None:
        for path in route_paths(prefix):
            routes = self.http_api.add_routes(
                path=path,
                methods=[apigwv2.HttpMethod.ANY],
                integration=self._integrations[function_name],
                authorizer=authorizer or apigwv2.HttpNoneAuthorizer(),
            )
            if authorizer is None:
                for route in routes:
                    acknowledge(
                        route,
                        "AwsSolutions-APIG4",
                        f"Public by design ({function_name}): the catalog lists "
                        f"{prefix} as public (OAuth callback, signed webhooks, API docs).",
                    )


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    """JSON access logs, one line per request, into a retained log group."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        return apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT))
