"""Each operation as a client must know it, from facts the routes already state.

Powertools documents every route as answering 200 with its return type, and 422 with a
shape the API never sends. The rules here come from the route itself and the catalog:
- a POST that returns `Response[T]` answers `created(T)`: 201 with T, a create, so it
  takes `Idempotency-Key` and shows an example request (api_contract/examples.py);
- a DELETE that returns `Response[...]` answers `no_content()`: 204 without a body;
- a route declaring its own `responses=` (a report in CSV, a redirect) keeps them;
- every error is problem+json: the statuses an operation can meet follow from whether
  it is protected (catalog), changes state, reads a body, or takes parameters;
- protected operations need the Cognito bearer token, public ones (catalog) none;
- operation ids, summaries and tags come from the function, its docstring and its
  context (api_contract/names.py).
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

import msgspec
from aws_lambda_powertools.event_handler import Response

from momentum import catalog
from momentum.api_contract import components
from momentum.api_contract.examples import CREATE_EXAMPLES
from momentum.api_contract.names import operation_id, summary_of


class RouteFacts(msgspec.Struct, frozen=True):
    method: str  # lower case, as the document keys it
    path: str  # OpenAPI form: /v1/goals/{goal_id}
    context: str  # the package of its routes module: "okrs"
    function: str
    docstring: str | None
    answers_response: bool  # returns Response[...]: it sets its own status
    declares_responses: bool

    @classmethod
    def of(cls, route: Any) -> RouteFacts:
        returns = typing.get_type_hints(route.func).get("return")
        module = route.func.__module__.split(".")
        return cls(
            method=route.method.lower(),
            path=route.openapi_path,
            context=module[1] if len(module) > 2 else module[0],
            function=route.func.__name__,
            docstring=inspect.getdoc(route.func),
            answers_response=typing.get_origin(returns) is Response or returns is Response,
            declares_responses=bool(route.responses),
        )


def is_protected(path: str) -> bool:
    owner = catalog.route_owner(path)
    if owner is None:
        raise ValueError(f"{path} is served by no function in momentum.catalog")
    return not owner[1]


def summary_and_description(name: str, docstring: str | None) -> tuple[str, str | None]:
    """A docstring's summary line (PEP 257: one short line, then a blank one) is the
    summary and the rest the description; a docstring without one is all description,
    and the summary is the operation's name in words."""
    if not docstring:
        return summary_of(name), None
    first, _, rest = docstring.partition("\n\n")
    if "\n" not in first and len(first) <= 80:
        return first.rstrip("."), rest.strip() or None
    return summary_of(name), docstring


def describe(operation: dict[str, Any], facts: RouteFacts, context_tag: str | None) -> None:
    """Rewrite one Powertools operation in place."""
    operation["operationId"] = operation_id(facts.context, facts.function)
    summary, description = summary_and_description(operation["operationId"], facts.docstring)
    operation["summary"] = summary
    if description:
        operation["description"] = description
    if not operation.get("tags") and context_tag:
        operation["tags"] = [context_tag]

    responses = operation["responses"]
    responses.pop("422", None)  # Powertools' HTTPValidationError: the API never sends it
    if facts.answers_response and not facts.declares_responses and "200" in responses:
        if facts.method == "post":
            created = responses.pop("200")
            responses["201"] = {**created, "description": "Created"}
        elif facts.method == "delete":
            responses.pop("200")
            responses["204"] = {"description": "Deleted; no body"}
    creates = facts.method == "post" and "201" in responses

    protected = is_protected(facts.path)
    operation["security"] = [{components.BEARER: []}] if protected else []
    operation["parameters"] = components.shared_parameters(
        operation.get("parameters", []), idempotent=creates
    )
    if not operation["parameters"]:
        del operation["parameters"]
    if creates and "requestBody" in operation and operation["operationId"] in CREATE_EXAMPLES:
        body = operation["requestBody"]["content"]["application/json"]
        body["example"] = CREATE_EXAMPLES[operation["operationId"]]

    statuses = {400, 404}
    if protected:
        statuses |= {401, 403}
        if facts.method != "get":
            statuses.add(409)
    if "requestBody" in operation:
        statuses |= {413, 415, 422}
    if "parameters" in operation or creates:
        statuses.add(422)
    for status in sorted(statuses):
        responses.setdefault(str(status), components.problem_answer(status))
    operation["responses"] = dict(sorted(responses.items()))
