"""Routes, authorizer and stage of the HTTP API, derived from momentum.catalog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from infra.stack import MomentumStack

from momentum import catalog

pytestmark = pytest.mark.infra

Resources = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def routes(resources_of_type: Callable[[str], Resources]) -> dict[str, dict[str, Any]]:
    """Route properties by route key; two routes with one key would be a defect."""
    found = [r["Properties"] for r in resources_of_type("AWS::ApiGatewayV2::Route").values()]
    by_key = {route["RouteKey"]: route for route in found}
    assert len(by_key) == len(found), "duplicate route keys"
    return by_key


@pytest.fixture(scope="module")
def function_behind(
    resources_of_type: Callable[[str], Resources],
) -> Callable[[dict[str, Any]], str]:
    """The logical id of the function a route's integration invokes."""
    integrations = resources_of_type("AWS::ApiGatewayV2::Integration")

    def behind(route: dict[str, Any]) -> str:
        prefix, reference = route["Target"]["Fn::Join"][1]
        assert prefix == "integrations/"
        integration = integrations[reference["Ref"]]["Properties"]
        assert integration["IntegrationType"] == "AWS_PROXY"
        assert integration["PayloadFormatVersion"] == "2.0"
        function_id: str = integration["IntegrationUri"]["Fn::GetAtt"][0]
        return function_id

    return behind


@pytest.fixture(scope="module")
def authorizer_id(resources_of_type: Callable[[str], Resources]) -> str:
    (found,) = resources_of_type("AWS::ApiGatewayV2::Authorizer")
    return found


def test_jwt_authorizer_trusts_the_user_pool_and_its_client(
    resources_of_type: Callable[[str], Resources],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    (authorizer,) = (
        r["Properties"] for r in resources_of_type("AWS::ApiGatewayV2::Authorizer").values()
    )
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    jwt = authorizer["JwtConfiguration"]
    assert jwt["Audience"] == [{"Ref": logical_id(stack.sign_in.client)}]
    issuer_parts = jwt["Issuer"]["Fn::Join"][1]
    assert issuer_parts[0] == "https://cognito-idp."
    assert issuer_parts[-1] == {"Ref": logical_id(stack.sign_in.user_pool)}


@pytest.mark.parametrize("function", catalog.API_FUNCTIONS, ids=lambda f: f.name)
def test_catalog_prefixes_are_routes_to_their_function(
    function: catalog.Function,
    routes: dict[str, dict[str, Any]],
    function_behind: Callable[[dict[str, Any]], str],
    authorizer_id: str,
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    expected_function = logical_id(stack.functions.by_name[function.name])
    declared = [(p, False) for p in function.routes] + [(p, True) for p in function.public_routes]
    for prefix, public in declared:
        for path in (prefix, f"{prefix}/{{proxy+}}"):
            route = routes.get(f"ANY {path}")
            assert route is not None, f"missing route ANY {path}"
            assert function_behind(route) == expected_function
            if public:
                assert route["AuthorizationType"] == "NONE"
                assert "AuthorizerId" not in route
            else:
                assert route["AuthorizationType"] == "JWT"
                assert route["AuthorizerId"] == {"Ref": authorizer_id}


def test_default_route_is_public_and_answered_by_the_catalog_function(
    routes: dict[str, dict[str, Any]],
    function_behind: Callable[[dict[str, Any]], str],
    stack: MomentumStack,
    logical_id: Callable[..., str],
) -> None:
    default = routes["$default"]
    assert default["AuthorizationType"] == "NONE"
    owner = stack.functions.by_name[catalog.DEFAULT_ROUTE_FUNCTION]
    assert function_behind(default) == logical_id(owner)


def test_no_route_exists_that_the_catalog_does_not_declare(
    routes: dict[str, dict[str, Any]],
) -> None:
    declared = {"$default"}
    for function in catalog.API_FUNCTIONS:
        for prefix in function.routes + function.public_routes:
            declared |= {f"ANY {prefix}", f"ANY {prefix}/{{proxy+}}"}
    assert set(routes) == declared


def test_stage_logs_access_and_throttles(resources_of_type: Callable[[str], Resources]) -> None:
    (stage,) = (r["Properties"] for r in resources_of_type("AWS::ApiGatewayV2::Stage").values())
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert "$context.requestId" in stage["AccessLogSettings"]["Format"]
    assert stage["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][1] == "Arn"
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0


def test_user_pool_carries_the_org_id_attribute_users_cannot_write(
    resources_of_type: Callable[[str], Resources],
) -> None:
    (pool,) = (r["Properties"] for r in resources_of_type("AWS::Cognito::UserPool").values())
    custom = {a["Name"]: a for a in pool["Schema"] if a.get("AttributeDataType") == "String"}
    assert "org_id" in custom
    (client,) = (
        r["Properties"] for r in resources_of_type("AWS::Cognito::UserPoolClient").values()
    )
    assert "custom:org_id" in client["ReadAttributes"]
    assert "custom:org_id" not in client["WriteAttributes"]


def test_outputs_name_the_api_pool_client_and_table(template: dict[str, Any]) -> None:
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId", "TableName"} <= set(template["Outputs"])


def test_cors_comes_from_the_catalog_policy_the_local_gateway_serves(
    resources_of_type: Callable[[str], Resources], stack: MomentumStack
) -> None:
    (api,) = (r["Properties"] for r in resources_of_type("AWS::ApiGatewayV2::Api").values())
    cors = api["CorsConfiguration"]
    app_url = str(stack.node.try_get_context("app_url"))
    assert cors["AllowOrigins"] == list(catalog.allowed_origins(app_url))
    assert cors["AllowOrigins"] == ["https://app.momentum.example"]
    assert cors["AllowMethods"] == list(catalog.CORS.allow_methods)
    assert cors["AllowHeaders"] == list(catalog.CORS.allow_headers)
    assert cors["MaxAge"] == catalog.CORS.max_age_s
    assert "AllowCredentials" not in cors or cors["AllowCredentials"] is False
