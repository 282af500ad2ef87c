"""Ids are ULIDs: 26 characters, unique, and sortable by creation time.

Written here rather than taken from python-ulid: that package reads its own
installed metadata (`importlib.metadata.version`) when imported, which cost every
API function about 25 ms of cold start, and all we need is 48 bits of milliseconds
and 80 random bits in Crockford's base32 (https://github.com/ulid/spec).
"""

from __future__ import annotations

import os
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
LENGTH = 26
_LETTERS = frozenset(ALPHABET)


def new_id(now_ms: int | None = None) -> str:
    millis = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(LENGTH):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_id(text: str) -> bool:
    """Whether `text` is an id in the form new_id makes (anything else is never found).

    128 bits need 26 base32 digits with 2 to spare, so the first digit is at most 7.
    """
    return len(text) == LENGTH and text[0] <= "7" and _LETTERS.issuperset(text)
