"""The local Cognito: moto's cognito-idp as the user pool, and the gateway's JWT checks.

moto issues RS256 ID tokens carrying `custom:org_id`, exactly the tokens the HTTP API JWT
authorizer accepts in AWS; the gateway checks them the same way (signature by `kid` from
the pool's JWKS, issuer, audience or client_id, expiry).

moto keeps nothing across restarts, so its own recorder writes every request it serves
to the data folder, and the next start replays them with moto's random generator seeded
the same way: the pool, its users, their passwords and their `sub`s come back as they
were. Then every user item in the table is checked against the pool (`reconcile`): data
from before Cognito, or a replay that drifted, is put right from the table.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

import httpx
import jwt

from infra import sign_in_pool

REGION = "us-east-1"
RANDOM_SEED = 14  # the same seed at record and replay time gives the same ids and subs


class TokenRejected(Exception):
    """What the JWT authorizer refuses: API Gateway answers 401 without calling a function."""


class SignInRefused(Exception):
    pass


class LocalIdentity:
    def __init__(self, data_dir: Path, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.recording = data_dir / "cognito-recording.jsonl"
        self._shortcut_key_file = data_dir / "sign-in-shortcut-key"
        self.user_pool_id = ""
        self.client_id = ""
        self._keys: dict[str, Any] = {}

    @property
    def issuer(self) -> str:
        return sign_in_pool.issuer(REGION, self.user_pool_id)

    def _cognito(self) -> Any:
        from momentum.core import aws

        return aws.client("cognito-idp")

    def prepare(self) -> None:
        """Bring the pool back (replay), then keep recording, then make sure it exists."""
        moto = httpx.Client(base_url=self.endpoint_url, timeout=120)
        moto.post("/moto-api/seed", params={"a": RANDOM_SEED}).raise_for_status()
        if self.recording.exists() and self.recording.stat().st_size:
            moto.post("/moto-api/recorder/replay-recording").raise_for_status()
        moto.post("/moto-api/recorder/start-recording").raise_for_status()
        cognito = self._cognito()
        pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
        pool = next((p["Id"] for p in pools if p["Name"] == sign_in_pool.POOL_NAME), None)
        if pool is None:
            pool = cognito.create_user_pool(**sign_in_pool.create_user_pool_request())["UserPool"][
                "Id"
            ]
        clients = cognito.list_user_pool_clients(UserPoolId=pool, MaxResults=60)
        client = next(
            (
                c["ClientId"]
                for c in clients["UserPoolClients"]
                if c["ClientName"] == sign_in_pool.CLIENT_NAME
            ),
            None,
        )
        if client is None:
            client = cognito.create_user_pool_client(**sign_in_pool.create_client_request(pool))[
                "UserPoolClient"
            ]["ClientId"]
        self.user_pool_id, self.client_id = pool, client
        jwks = moto.get(f"/{pool}/.well-known/jwks.json").raise_for_status().json()
        self._keys = {key.key_id: key.key for key in jwt.PyJWKSet.from_dict(jwks).keys}

    def info(self) -> dict[str, str]:
        """GET /local/identity: where any Cognito client signs in."""
        return {
            "endpoint_url": self.endpoint_url,
            "region": REGION,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
        }

    # --- the JWT authorizer ------------------------------------------------------------

    def verify(self, authorization: str | None) -> dict[str, str]:
        """The claims of a valid token, as strings (what API Gateway hands the function)."""
        if not authorization:
            raise TokenRejected("no token")
        token = authorization.removeprefix("Bearer ").removeprefix("bearer ").strip()
        try:
            key = self._keys.get(jwt.get_unverified_header(token).get("kid"))
            if key is None:
                raise TokenRejected("unknown signing key")
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"verify_aud": False, "require": ["exp", "iss", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise TokenRejected(str(error)) from error
        # ID tokens name the client in `aud`, access tokens in `client_id`: either must match.
        if self.client_id not in (claims.get("aud"), claims.get("client_id")):
            raise TokenRejected("wrong audience")
        return {name: str(value) for name, value in claims.items()}

    # --- signing in --------------------------------------------------------------------

    def sign_in(self, email: str, password: str) -> str:
        """USER_PASSWORD_AUTH, as any Cognito client does; returns the ID token."""
        cognito = self._cognito()
        try:
            answer = cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except cognito.exceptions.NotAuthorizedException as error:
            raise SignInRefused(error.response["Error"]["Message"]) from error
        if "AuthenticationResult" not in answer:
            raise SignInRefused(f"Cognito asks for {answer.get('ChallengeName')}")
        return str(answer["AuthenticationResult"]["IdToken"])

    def set_password(self, sub: str, password: str) -> None:
        self._cognito().admin_set_user_password(
            UserPoolId=self.user_pool_id, Username=sub, Password=password, Permanent=True
        )

    def shortcut_token(self, user: dict[str, Any], org_id: str) -> str:
        """POST /local/tokens: sign the user in with the local stack's own password for them,
        given on their first shortcut sign-in. A user who chose a password keeps it (409)."""
        sub = user["sign_in_sub"]
        password = self._shortcut_password(org_id, user["id"])
        status = self._cognito().admin_get_user(UserPoolId=self.user_pool_id, Username=sub)
        if status["UserStatus"] == "FORCE_CHANGE_PASSWORD":
            self.set_password(sub, password)
        return self.sign_in(user["email"], password)

    def _shortcut_password(self, org_id: str, user_id: str) -> str:
        if not self._shortcut_key_file.exists():
            self._shortcut_key_file.write_text(secrets.token_urlsafe(32))
            self._shortcut_key_file.chmod(0o600)
        key = self._shortcut_key_file.read_text().encode()
        digest = hmac.new(key, f"{org_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
        return f"Local-{digest[:24]}-1!"  # meets the pool's password policy

    # --- the table is the truth ----------------------------------------------------------

    def reconcile(self) -> int:
        """Every user in the table gets a pool user, the right `sign_in_sub` and sign-in item;
        returns how many needed repair. Scans, which only the local stack may do."""
        from momentum.core import aws
        from momentum.core.config import settings
        from momentum.core.membership import is_active
        from momentum.identity import sign_in
        from momentum.store import table

        by_email = self._pool_users()
        repaired = 0
        scan = aws.dynamodb().get_paginator("scan")
        for page in scan.paginate(
            TableName=settings().table_name,
            FilterExpression="#t = :user",
            ExpressionAttributeNames={"#t": "type", "#s": "status"},
            ExpressionAttributeValues={":user": {"S": "user"}},
            ProjectionExpression="pk, sk, id, email, #s, sign_in_sub",
        ):
            for raw in page["Items"]:
                user = {name: next(iter(value.values())) for name, value in raw.items()}
                org_id = user["pk"].split("#")[1]
                sub = by_email.get((org_id, user["email"]))
                if sub is None:
                    sub = sign_in.create_member(org_id, user["email"], invite=False)
                    if not is_active(user):
                        sign_in.disable(sub)
                if user.get("sign_in_sub") == sub:
                    continue
                repaired += 1
                key = {"pk": user["pk"], "sk": user["sk"]}
                aws.dynamodb().update_item(
                    TableName=settings().table_name,
                    Key={name: {"S": value} for name, value in key.items()},
                    UpdateExpression="SET sign_in_sub = :sub",
                    ExpressionAttributeValues={":sub": {"S": sub}},
                )
                table.put(sign_in.sign_in_item(org_id, sub, user["id"]))
        return repaired

    def _pool_users(self) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        pages = self._cognito().get_paginator("list_users")
        for page in pages.paginate(UserPoolId=self.user_pool_id):
            for user in page["Users"]:
                attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
                org_id = attributes.get(f"custom:{sign_in_pool.ORG_ID_ATTRIBUTE}", "")
                found[(org_id, attributes.get("email", "").lower())] = attributes["sub"]
        return found
