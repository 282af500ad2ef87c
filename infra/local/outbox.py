"""What Momentum sent, read back from the emulators: SES mail from moto's data endpoint,
Slack messages from the fake Slack webhook's log."""

from __future__ import annotations

import email
import email.policy
import json
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any


def parse_email(raw: str | bytes) -> dict[str, Any]:
    """A sent MIME email as the outbox shows it: channel, to, subject, text, html, sent_at."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    # policy.default decodes RFC 2047 headers ("=?utf-8?q?Caf=C3=A9?=" -> "Café").
    message = email.message_from_string(raw, policy=email.policy.default)
    parts = {"text": "", "html": ""}
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            kind = "html" if part.get_content_type() == "text/html" else "text"
            parts[kind] += payload.decode(part.get_content_charset() or "utf-8")
    date = message["Date"]
    return {
        "channel": "email",
        "to": [address.strip() for address in (message["To"] or "").split(",") if address],
        "subject": str(message["Subject"] or ""),
        **parts,
        "sent_at": parsedate_to_datetime(date).isoformat() if date else None,
    }


def read(moto_url: str, slack_log: Path) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10) as answer:
        data = json.load(answer)
    items = [parse_email(m["raw_data"]) for m in data.get("ses", {}).get("RawMessage", [])]
    if slack_log.exists():
        for line in slack_log.read_text().splitlines():
            items.append(json.loads(line))
    items.sort(key=lambda item: item.get("sent_at") or "", reverse=True)
    return items
