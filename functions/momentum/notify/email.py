"""Email through SES v2 (moto in local mode, SES in AWS).

Sent as a raw multipart/alternative MIME message so the HTML and plain-text parts travel
together exactly as rendered (and the local outbox can show both).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from momentum.core import aws, clock
from momentum.core.config import settings


def mime_message(sender: str, to: list[str], subject: str, html: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message["Date"], message["Message-ID"] = format_datetime(clock.now()), make_msgid("momentum")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def send_email(to: list[str], subject: str, html: str, text: str) -> str:
    """Send one email; returns SES's message id."""
    config = settings()
    answer = aws.client("sesv2").send_email(
        FromEmailAddress=config.sender_email,
        Destination={"ToAddresses": to},
        Content={"Raw": {"Data": mime_message(config.sender_email, to, subject, html, text)}},
        ConfigurationSetName=config.ses_configuration_set,
    )
    return str(answer.get("MessageId", ""))
