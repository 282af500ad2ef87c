"""Local JWTs, signed and verified the way Cognito and the HTTP API JWT authorizer do.

An RSA key pair is made once and kept in the data folder, so tokens stay valid across
restarts of `make serve`. Verification checks signature (by `kid` from the JWKS),
issuer, audience and expiry, then hands the claims to the handler as strings, as API
Gateway does.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "momentum-local"
TOKEN_SECONDS = 7 * 24 * 3600


class TokenRejected(Exception):
    pass


@dataclass
class TokenAuthority:
    issuer: str
    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def load_or_create(cls, data_dir: Path, issuer: str) -> TokenAuthority:
        path = data_dir / "jwt-signing-key.pem"
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            path.chmod(0o600)
        kid = str(abs(hash(key.public_key().public_numbers().n)) % 10**12)
        return cls(issuer, key, f"local-{kid}")

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def issue(
        self, org_id: str, user_id: str, *, seconds: int = TOKEN_SECONDS, audience: str = AUDIENCE
    ) -> str:
        now = int(time.time())
        claims = {
            "sub": user_id,
            "custom:org_id": org_id,
            "iss": self.issuer,
            "aud": audience,
            "token_use": "id",
            "iat": now,
            "exp": now + seconds,
        }
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, authorization: str | None) -> dict[str, str]:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise TokenRejected("A bearer token is required.")
        token = authorization.split(" ", 1)[1].strip()
        try:
            header = jwt.get_unverified_header(token)
            keys = {key.key_id: key for key in jwt.PyJWKSet.from_dict(self.jwks()).keys}
            signing_key = keys.get(header.get("kid"))
            if signing_key is None:
                raise TokenRejected("The token was not signed by a known key.")
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=["RS256"],
                audience=AUDIENCE,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise TokenRejected(f"The token is not valid: {error}.") from error
        return {name: str(value) for name, value in claims.items()}
