"""What every function checks at the HTTP edge, resolver-based or plain.

A request body must be base64-clean, at most 256 KiB, UTF-8 and, where JSON is expected,
JSON no deeper than MAX_DEPTH with no lone UTF-16 surrogate (`"\\ud800"` parses, then
fails the first time anything encodes it as UTF-8). Every answer carries the headers a
browser needs not to sniff or cache it. Standard library only: the light functions
(webhooks, docs) import it too, and it costs nothing measurable on a cold start.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from itertools import accumulate
from typing import Any

from momentum.core.problems import BadRequest, PayloadTooLarge

MAX_BODY_BYTES = 256 * 1024
# No request of the API nests deeper than 5 or so; 32 leaves room and stops the
# recursion in json, pydantic and boto3 long before Python's limit.
MAX_DEPTH = 32

# A JSON string (escapes included), written so the regex engine never backtracks.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
# A \uD800-\uDFFF escape: only then can the parsed value hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def body_text(event: dict[str, Any]) -> str:
    """The event's body as text (base64 bodies decoded), or a 400/413 problem."""
    body = event.get("body")
    if body is None or body == "":
        return ""
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as error:
            raise BadRequest("The body is not valid base64.") from error
    else:
        raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body is {len(raw)} bytes; the limit is {MAX_BODY_BYTES}.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest("The body is not valid UTF-8.") from error


def check_json(text: str) -> None:
    """Raise a 400 problem unless `text` is JSON every layer behind the edge can handle."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise BadRequest(f"The body is not valid JSON ({where}).") from error
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"The body nests deeper than {MAX_DEPTH} levels.") from error
    if _depth(text) > MAX_DEPTH:
        raise BadRequest(f"The body nests deeper than {MAX_DEPTH} levels.")
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(json.loads(text)):
        raise BadRequest(
            "The body holds a lone UTF-16 surrogate escape (\\ud800-\\udfff without its pair);"
            " every string must be valid Unicode."
        )


def check_text(name: str, value: str) -> None:
    """Raise a 400 problem if a query or path value holds a lone surrogate."""
    if _SURROGATE.search(value):
        raise BadRequest(f"The {name} holds a lone UTF-16 surrogate; it must be valid Unicode.")


def _depth(text: str) -> int:
    # For valid JSON only: outside strings, the running count of open brackets is the
    # depth. The regexes and accumulate run in C (a 256 KiB body of brackets: ~50 ms).
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text)).encode("ascii")
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _has_lone_surrogate(value: Any) -> bool:
    # json.loads joins an escaped pair into one code point, so any surrogate left is lone.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def secured(result: dict[str, Any]) -> dict[str, Any]:
    """A Lambda result with the headers every answer carries.

    Nothing is cached unless its function says so (the public API document does):
    answers hold personal data, and a shared cache must never keep one.
    """
    headers = dict(result.get("headers") or {})
    names = {name.lower() for name in headers}
    headers["X-Content-Type-Options"] = "nosniff"
    if "cache-control" not in names:
        headers["Cache-Control"] = "no-store"
    return {**result, "headers": headers}
