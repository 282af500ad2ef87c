"""The local gateway's events have API Gateway HTTP API (payload 2.0)'s shape."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from infra.local import gateway


def event_for(target: str, headers: list[tuple[str, str]], route_key: str) -> dict[str, object]:
    return gateway.api_event(
        method="GET",
        target=target,
        headers=headers,
        body=b"",
        route_key=route_key,
        claims={"sub": "a-cognito-sub", "custom:org_id": "an-org"},
        source_ip="127.0.0.1",
    )


def test_a_greedy_route_carries_the_rest_of_the_path_as_proxy() -> None:
    event = event_for("/v1/goals/01ABC/check-ins?limit=5", [], "ANY /v1/goals/{proxy+}")
    assert event["pathParameters"] == {"proxy": "01ABC/check-ins"}
    assert event["queryStringParameters"] == {"limit": "5"}
    exact = event_for("/v1/goals", [], "ANY /v1/goals")
    assert "pathParameters" not in exact


def test_repeated_headers_are_joined_with_commas_and_cookies_travel_apart() -> None:
    headers = [("X-Seen", "a"), ("x-seen", "b"), ("Cookie", "one=1; two=2"), ("Host", "h")]
    event = APIGatewayProxyEventV2(event_for("/v1/me", headers, "ANY /v1/me"))
    assert event.headers["x-seen"] == "a,b"
    assert "cookie" not in event.headers
    assert event.cookies == ["one=1", "two=2"]
    assert event.request_context.authorizer.jwt_claim["sub"] == "a-cognito-sub"


def test_the_authorizers_refusal_is_api_gateways_own() -> None:
    assert gateway.UNAUTHORIZED["statusCode"] == 401
    assert gateway.UNAUTHORIZED["body"] == '{"message":"Unauthorized"}'


class _Busy:
    """Containers whose every process stays busy past the wait (what Pool raises)."""

    def invoke(self, function: object, event: object, **options: object) -> object:
        from infra.local.containers import Throttled

        assert options["wait_s"] == gateway.INTEGRATION_TIMEOUT_S
        raise Throttled("every container stayed busy")


class _Answering:
    def invoke(self, function: object, event: object, **options: object) -> object:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}


def test_a_request_no_container_takes_in_time_gets_http_apis_503_with_its_request_id() -> None:
    event = event_for("/v1/me", [], "ANY /v1/me")
    request_id = event["requestContext"]["requestId"]  # type: ignore[index]
    try:
        gateway.serve_functions(_Busy())  # type: ignore[arg-type]
        refused = gateway.integrate(object(), event)
        gateway.serve_functions(_Answering())  # type: ignore[arg-type]
        answered = gateway.integrate(object(), event)
    finally:
        gateway._containers = None
    assert refused["statusCode"] == 503
    assert refused["body"] == '{"message":"Service Unavailable"}'
    assert refused["headers"]["apigw-requestid"] == request_id
    assert answered["statusCode"] == 200
    assert answered["headers"] == {
        "Content-Type": "application/json",
        "apigw-requestid": request_id,
    }


def test_the_route_key_is_the_longest_catalog_prefix_of_the_path() -> None:
    from momentum import catalog

    def route_key(path: str) -> str:
        owner = catalog.route_owner(path)
        assert owner is not None
        return gateway.route_key_of(owner[0], path)

    assert route_key("/v1/goals") == "ANY /v1/goals"
    assert route_key("/v1/goals/01ABC/check-ins") == "ANY /v1/goals/{proxy+}"
    assert route_key("/webhooks/google") == "ANY /webhooks/google"
