"""Cognito sign-in: the user pool whose JWTs carry the tenant as `custom:org_id`."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.constructs.compliance import acknowledge
from infra.sign_in_pool import (
    ORG_ID_ATTRIBUTE,
    PASSWORD_MIN_LENGTH,
    REFRESH_TOKEN_DAYS,
    TOKEN_HOURS,
)

# What the identity function does to members (infra/sign_in_pool.py, identity/sign_in.py).
MEMBER_ADMINISTRATION = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminUserGlobalSignOut",
    "cognito-idp:AdminUpdateUserAttributes",
)


class SignIn(Construct):
    """A user pool with an `org_id` custom attribute and the web app's client."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            # Members are invited into an organisation; nobody joins a tenant on their own.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            # Written only by the identity function's admin calls (no client may write it).
            custom_attributes={ORG_ID_ATTRIBUTE: cognito.StringAttribute(mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=PASSWORD_MIN_LENGTH,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # The tenant is readable by the app but never writable by the user it describes.
        readable = cognito.ClientAttributes().with_standard_attributes(
            email=True, email_verified=True, fullname=True
        )
        writable = cognito.ClientAttributes().with_standard_attributes(fullname=True)
        self.client = self.user_pool.add_client(
            "WebClient",
            # SRP for the web app; USER_PASSWORD_AUTH (over TLS) for CLI tools and tests.
            auth_flows=cognito.AuthFlow(user_srp=True, user_password=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
            read_attributes=readable.with_custom_attributes(ORG_ID_ATTRIBUTE),
            write_attributes=writable,
            access_token_validity=Duration.hours(TOKEN_HOURS),
            id_token_validity=Duration.hours(TOKEN_HOURS),
            refresh_token_validity=Duration.days(REFRESH_TOKEN_DAYS),
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG2",
            "MFA is offered (TOTP) but optional so invited members can complete first "
            "sign-in; enforcing it is a product decision per organisation.",
        )
        acknowledge(
            self.user_pool,
            "AwsSolutions-COG8",
            "Essentials plan: Plus-tier threat protection is billed per active user; sign-in "
            "is invite-only with a strong password policy and TOTP MFA on offer.",
        )

    def grant_member_administration(self, grantee: iam.IGrantable) -> None:
        """Create, disable, enable and re-address members of this pool, nothing else."""
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(MEMBER_ADMINISTRATION),
            resource_arns=[self.user_pool.user_pool_arn],
        )
