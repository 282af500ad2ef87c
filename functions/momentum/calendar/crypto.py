"""Refresh tokens at rest: KMS envelope encryption (one data key per token).

GenerateDataKey under the calendar key with the encryption context {org_id, user_id};
the token is sealed with AES-256-GCM (the context is also the AEAD's associated data).
The table holds only the wrapped key, nonce and ciphertext: without KMS Decrypt, and
without the right org and user, the token cannot be read.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from momentum.core import aws
from momentum.core.config import settings

VERSION = 1


def _context(org_id: str, user_id: str) -> dict[str, str]:
    return {"org_id": org_id, "user_id": user_id}


def _aad(org_id: str, user_id: str) -> bytes:
    return f"momentum-calendar:{org_id}:{user_id}".encode()


def seal(token: str, *, org_id: str, user_id: str) -> dict[str, Any]:
    key_id = settings().kms_key_id
    data_key = aws.client("kms").generate_data_key(
        KeyId=key_id, KeySpec="AES_256", EncryptionContext=_context(org_id, user_id)
    )
    nonce = os.urandom(12)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # only when a token moves

    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, token.encode(), _aad(org_id, user_id))
    return {
        "v": VERSION,
        "key": base64.b64encode(data_key["CiphertextBlob"]).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }


def open_sealed(sealed: dict[str, Any], *, org_id: str, user_id: str) -> str:
    plain_key = aws.client("kms").decrypt(
        CiphertextBlob=base64.b64decode(sealed["key"]),
        EncryptionContext=_context(org_id, user_id),
    )["Plaintext"]
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    token = AESGCM(plain_key).decrypt(
        base64.b64decode(sealed["nonce"]),
        base64.b64decode(sealed["ciphertext"]),
        _aad(org_id, user_id),
    )
    return token.decode()
