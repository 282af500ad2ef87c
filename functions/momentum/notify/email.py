"""Email through SES v2 (moto in local mode, SES in AWS).

Sent as a raw multipart/alternative MIME message so the HTML and plain-text parts travel
together exactly as rendered (and the local outbox can show both).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from botocore.exceptions import BotoCoreError, ClientError

from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.notify.failures import DeliveryFailed


def mime_message(sender: str, to: list[str], subject: str, html: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message["Date"], message["Message-ID"] = format_datetime(clock.now()), make_msgid("momentum")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def send_email(to: list[str], subject: str, html: str, text: str) -> str:
    """Send one email; returns SES's message id, or raises DeliveryFailed."""
    config = settings()
    params: dict[str, object] = {
        "FromEmailAddress": config.sender_email,
        "Destination": {"ToAddresses": to},
        "Content": {"Raw": {"Data": mime_message(config.sender_email, to, subject, html, text)}},
    }
    if config.ses_configuration_set:
        params["ConfigurationSetName"] = config.ses_configuration_set
    try:
        answer = aws.client("sesv2").send_email(**params)
    except ClientError as error:  # MessageRejected, BadRequest, throttling, a paused account...
        problem = error.response.get("Error", {})
        raise DeliveryFailed(
            f"SES refused the email: {problem.get('Code', 'error')}: {problem.get('Message', '')}"
        ) from error
    except BotoCoreError as error:  # the endpoint could not be reached or timed out
        raise DeliveryFailed(f"SES could not be reached: {error}") from error
    return str(answer.get("MessageId", ""))
