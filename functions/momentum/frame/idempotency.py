"""`Idempotency-Key` for creates: the same key and body within 24 h return the first
answer and create nothing new. Powertools idempotency, persisted in the single table
under the caller's org. Every POST that creates goes through `create_once`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from momentum.core.config import settings
from momentum.core.problems import Conflict, Invalid
from momentum.frame.api import created, header
from momentum.frame.principal import current_lambda_context, current_principal
from momentum.store import table
from momentum.store.keys import idempotency_partition

WINDOW_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255


def run_once(
    *,
    org_id: str,
    user_id: str,
    scope: str,
    key: str | None,
    request: dict[str, Any],
    create: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run `create` once per (org, user, scope, key); replays return its first answer."""
    if not key:
        return create()
    if len(key) > MAX_KEY_LENGTH:
        raise Invalid(f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters.")
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    layer = DynamoDBPersistenceLayer(
        table_name=settings().table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=idempotency_partition(org_id),
        expiry_attr="expires_at",
        boto3_client=table.client(),
    )
    config = IdempotencyConfig(
        event_key_jmespath="[scope, user, key]",
        payload_validation_jmespath="request",
        expires_after_seconds=WINDOW_SECONDS,
        raise_on_no_idempotency_key=True,
    )

    lambda_context = current_lambda_context()
    if hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)

    @idempotent_function(data_keyword_argument="envelope", persistence_store=layer, config=config)
    def once(envelope: dict[str, Any]) -> dict[str, Any]:
        return create()

    try:
        result: dict[str, Any] = once(
            envelope={"scope": scope, "user": user_id, "key": key, "request": request}
        )
    except IdempotencyValidationError as error:
        raise Invalid("This Idempotency-Key was used with a different request body.") from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict("A request with this Idempotency-Key is still in progress.") from error
    return result


def create_once(
    router: Router, request: BaseModel, create: Callable[[], BaseModel | dict[str, Any]]
) -> Response[Any]:
    """201 with what `create` made. With an `Idempotency-Key`, the same key and body from
    the same user on the same path answer the first result and create nothing new."""
    principal = current_principal()
    event = router.current_event

    def first_answer() -> dict[str, Any]:
        made = create()
        return made.model_dump(mode="json") if isinstance(made, BaseModel) else made

    answer = run_once(
        org_id=principal.org_id,
        user_id=principal.user_id,
        scope=f"{event.http_method} {event.path}",
        key=header(router, "Idempotency-Key"),
        request=request.model_dump(mode="json"),
        create=first_answer,
    )
    return created(answer)
