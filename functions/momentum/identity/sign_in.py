"""Members sign in with Cognito: one pool user per Momentum user, made by the admin calls
here (AdminCreateUser with `custom:org_id`), never by the member.

Cognito's `sub` is its own id, not Momentum's: the user item keeps it (`sign_in_sub`, which
is also the pool username, since members sign in with their email) and a sign-in item maps
(org, sub) back to the user for the principal. Cognito's errors become domain problems here.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from momentum.core import aws
from momentum.core.config import settings
from momentum.core.problems import Conflict, Invalid, field_error
from momentum.store.codec import Item
from momentum.store.keys import sign_in_key

ORG_ATTRIBUTE = "custom:org_id"


def _cognito() -> Any:
    return aws.client("cognito-idp")


def create_member(org_id: str, email: str, *, invite: bool) -> str:
    """A pool user for this email in this org; returns its `sub`. Cognito emails the
    invitation (with a temporary password) unless `invite` is False."""
    request: dict[str, Any] = {
        "UserPoolId": settings().user_pool_id,
        "Username": email,
        "UserAttributes": [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": ORG_ATTRIBUTE, "Value": org_id},
        ],
        "DesiredDeliveryMediums": ["EMAIL"],
    }
    if not invite:
        request["MessageAction"] = "SUPPRESS"
    try:
        created = _cognito().admin_create_user(**request)
    except ClientError as error:
        raise _problem(error) from error
    attributes = {a["Name"]: a["Value"] for a in created["User"].get("Attributes", [])}
    return str(attributes["sub"])


def remove_member(sub: str) -> None:
    """Undo create_member when the user's own write did not happen."""
    _cognito().admin_delete_user(UserPoolId=settings().user_pool_id, Username=sub)


def disable(sub: str) -> None:
    """No new sign-in, and every refresh token revoked (ID tokens expire within the hour;
    the principal refuses an inactive user well before that)."""
    pool = settings().user_pool_id
    _cognito().admin_disable_user(UserPoolId=pool, Username=sub)
    _cognito().admin_user_global_sign_out(UserPoolId=pool, Username=sub)


def enable(sub: str) -> None:
    _cognito().admin_enable_user(UserPoolId=settings().user_pool_id, Username=sub)


def change_email(sub: str, email: str) -> None:
    try:
        _cognito().admin_update_user_attributes(
            UserPoolId=settings().user_pool_id,
            Username=sub,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    except ClientError as error:
        raise _problem(error) from error


def _problem(error: ClientError) -> Exception:
    """Cognito's refusals of an address, as the client's problem; anything else stays ours."""
    code = str(error.response["Error"]["Code"])
    if code in ("UsernameExistsException", "AliasExistsException"):
        return Conflict("This email already signs in to Momentum.")
    if code == "InvalidParameterException":
        return Invalid(
            "Cognito does not accept this email address.",
            errors=[field_error("email", "not an address Cognito accepts")],
        )
    unexpected: Exception = error  # botocore is untyped here
    return unexpected


def sign_in_item(org_id: str, sub: str, user_id: str) -> Item:
    return {**sign_in_key(org_id, sub), "type": "sign_in", "user_id": user_id}
