"""Shared test set-up: a fake AWS account for every test process, and the helpers."""

from __future__ import annotations

import os

# Set before any momentum module reads its configuration.
os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    TABLE_NAME="momentum-test",
    CURSOR_SECRET="test-cursor-secret",
    APP_URL="https://app.momentum.test",
    SENDER_EMAIL="momentum@momentum.example",
    POWERTOOLS_SERVICE_NAME="momentum",
    POWERTOOLS_METRICS_NAMESPACE="Momentum",
    POWERTOOLS_DEV="false",
    PRINCIPAL_CACHE_SECONDS="60",
    # Slack's real Web API: tests that DM start a fake and point this at it.
    SLACK_API_BASE="https://slack.com/api/",
    SES_CONFIGURATION_SET="momentum-test",
    # Sweeps continue through this queue; tests that reach it create it in moto.
    SWEEP_QUEUE_URL="https://sqs.us-east-1.amazonaws.com/123456789012/momentum-sweep-continuation",
    # Background jobs (core/background.py); the integration fixture creates it in moto.
    BACKGROUND_QUEUE_URL="https://sqs.us-east-1.amazonaws.com/123456789012/momentum-background.fifo",
    # Report exports (issue 17): tests that export create the bucket and queue in moto.
    EXPORT_BUCKET="momentum-report-exports-test",
    EXPORT_QUEUE_URL="https://sqs.us-east-1.amazonaws.com/123456789012/momentum-report-exports",
)
for name in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[name]
