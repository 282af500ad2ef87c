"""The Cognito user pool and its web client, declared once: the CDK construct
(infra/constructs/auth.py) and the local stack's pool in moto (infra/local/identity.py)
are both made from these values, so local sign-in behaves as deployed sign-in.
"""

from __future__ import annotations

from typing import Any

POOL_NAME = "momentum-members"
CLIENT_NAME = "momentum-web"
ORG_ID_ATTRIBUTE = "org_id"  # arrives in tokens as custom:org_id
PASSWORD_MIN_LENGTH = 12
TOKEN_HOURS = 1  # ID and access tokens
REFRESH_TOKEN_DAYS = 30
# The web app signs in with SRP; USER_PASSWORD_AUTH (TLS to Cognito) serves CLI tools and
# tests, which cannot run SRP's exchange; refresh keeps a session for a month.
AUTH_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
# The tenant is readable by the app but never writable by the member it describes.
READ_ATTRIBUTES = ("email", "email_verified", "name", f"custom:{ORG_ID_ATTRIBUTE}")
WRITE_ATTRIBUTES = ("name",)


def issuer(region: str, user_pool_id: str) -> str:
    """The `iss` of the pool's tokens, which the HTTP API JWT authorizer requires."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def create_user_pool_request() -> dict[str, Any]:
    """CreateUserPool with the settings the CDK construct gives the deployed pool."""
    return {
        "PoolName": POOL_NAME,
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
        "MfaConfiguration": "OPTIONAL",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": PASSWORD_MIN_LENGTH,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "name", "AttributeDataType": "String", "Required": False, "Mutable": True},
            {"Name": ORG_ID_ATTRIBUTE, "AttributeDataType": "String", "Mutable": True},
        ],
    }


def create_client_request(user_pool_id: str) -> dict[str, Any]:
    return {
        "UserPoolId": user_pool_id,
        "ClientName": CLIENT_NAME,
        "GenerateSecret": False,
        "ExplicitAuthFlows": list(AUTH_FLOWS),
        "PreventUserExistenceErrors": "ENABLED",
        "ReadAttributes": list(READ_ATTRIBUTES),
        "WriteAttributes": list(WRITE_ATTRIBUTES),
        "AccessTokenValidity": TOKEN_HOURS,
        "IdTokenValidity": TOKEN_HOURS,
        "RefreshTokenValidity": REFRESH_TOKEN_DAYS,
        "TokenValidityUnits": {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"},
    }
