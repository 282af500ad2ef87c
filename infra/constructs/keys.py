"""Keys and secrets: calendar token encryption, calendar OAuth clients, cursor signing."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.constructs.compliance import acknowledge

# Envelope encryption of refresh tokens: data keys are generated, used and unwrapped.
CALENDAR_TOKEN_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")


class KeysAndSecrets(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.calendar_token_key = kms.Key(
            self,
            "CalendarTokenKey",
            description="Momentum: envelope encryption of calendar OAuth refresh tokens",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.calendar_oauth_secret = secretsmanager.Secret(
            self,
            "CalendarOAuthClients",
            description="Momentum: Google and Microsoft OAuth client ids and secrets (JSON); "
            "set with put-secret-value after the first deploy",
        )
        # Pagination cursors are HMAC-signed so a client cannot forge a key into another tenant.
        self.cursor_secret = secretsmanager.Secret(
            self,
            "CursorSigningKey",
            description="Momentum: HMAC key that signs pagination cursors",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        acknowledge(
            self.calendar_oauth_secret,
            "AwsSolutions-SMG4",
            "OAuth client secrets are issued by Google and Microsoft consoles; they are "
            "rotated there by an operator, which no rotation Lambda can do.",
        )
        acknowledge(
            self.cursor_secret,
            "AwsSolutions-SMG4",
            "Rotating the cursor HMAC key invalidates every outstanding page cursor; it "
            "is rotated deliberately by an operator, not on a timer.",
        )

    def grant_calendar_token_crypto(self, grantee: iam.IGrantable) -> None:
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(CALENDAR_TOKEN_ACTIONS),
            resource_arns=[self.calendar_token_key.key_arn],
        )
