"""Logs and metrics, set up once for every handler.

Logger: Powertools' JSON logs with a correlation id per invocation — the API request id,
the scheduled event's id, the SQS message id — so one request's lines can be found
together. Log ids and counts only: never note text, tokens or email bodies.

Metrics: CloudWatch embedded metric format (EMF), one JSON line per data point, which
CloudWatch turns into metrics with no API call; each point carries its own dimensions
(route and status, kind and channel, sweep), so a point is never attributed to another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit, single_metric

logger = Logger(service="momentum")
Handler = TypeVar("Handler", bound=Callable[..., Any])

API_REQUEST_ID = correlation_paths.API_GATEWAY_HTTP
SCHEDULED_EVENT_ID = correlation_paths.EVENT_BRIDGE


def traced(correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
    """The one decorator every handler wears: Lambda context and correlation id in logs."""
    decorate: Callable[[Handler], Handler] = logger.inject_lambda_context(
        correlation_id_path=correlation_id_path, clear_state=True
    )
    return decorate


def correlate(correlation_id: str) -> None:
    """Within a batch (SQS), each record's lines carry that record's message id."""
    logger.set_correlation_id(correlation_id)


def count(name: str, dimensions: Mapping[str, str], value: float = 1) -> None:
    _emit(name, MetricUnit.Count, value, dimensions)


def failed(name: str, dimensions: Mapping[str, str]) -> None:
    """A failure count, also as one total (service only) that an alarm can watch."""
    _emit(name, MetricUnit.Count, 1, dimensions)
    _emit(name, MetricUnit.Count, 1, {})


def milliseconds(name: str, dimensions: Mapping[str, str], value: float) -> None:
    _emit(name, MetricUnit.Milliseconds, value, dimensions)


def _emit(name: str, unit: MetricUnit, value: float, dimensions: Mapping[str, str]) -> None:
    # The namespace comes from POWERTOOLS_METRICS_NAMESPACE, which the stack sets.
    with single_metric(name=name, unit=unit, value=value) as metric:
        for dimension, label in dimensions.items():
            metric.add_dimension(name=dimension, value=label)
