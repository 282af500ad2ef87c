"""Secrets at rest: KMS envelope encryption (one data key per secret).

GenerateDataKey under the stack's token key with an encryption context naming whose
secret it is ({org_id, user_id} for a calendar grant, {org_id, purpose} for the Slack
app); the secret is sealed with AES-256-GCM, the context also being the AEAD's associated
data. The table holds only the wrapped key, nonce and ciphertext: without KMS Decrypt,
and without the right context, the secret cannot be read.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from momentum.core import aws
from momentum.core.config import settings

VERSION = 1


def _aad(label: str, context: dict[str, str]) -> bytes:
    return ":".join([label, *(context[name] for name in sorted(context))]).encode()


def seal(secret: str, *, label: str, context: dict[str, str]) -> dict[str, Any]:
    key_id = settings().kms_key_id
    if not key_id:
        raise RuntimeError("KMS_KEY_ID is not configured")
    data_key = aws.client("kms").generate_data_key(
        KeyId=key_id, KeySpec="AES_256", EncryptionContext=context
    )
    nonce = os.urandom(12)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # only when a secret moves

    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, secret.encode(), _aad(label, context))
    return {
        "v": VERSION,
        "key": base64.b64encode(data_key["CiphertextBlob"]).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }


def open_sealed(sealed: dict[str, Any], *, label: str, context: dict[str, str]) -> str:
    plain_key = aws.client("kms").decrypt(
        CiphertextBlob=base64.b64decode(sealed["key"]), EncryptionContext=context
    )["Plaintext"]
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = AESGCM(plain_key).decrypt(
        base64.b64decode(sealed["nonce"]),
        base64.b64decode(sealed["ciphertext"]),
        _aad(label, context),
    )
    return secret.decode()
