"""Email through SES v2 (moto in local mode, SES in AWS), at the account's pace.

Sent as a raw multipart/alternative MIME message so the HTML and plain-text parts travel
together exactly as rendered (and the local outbox can show both).

SES refuses sends beyond the account's MaxSendRate. Each container reads that quota once
(GetAccount) and keeps to its share of it: the quota divided by the sweep workers that may
send at once (catalog.SWEEP_WORKERS), so all of them together stay within it. A throttle
that gets through anyway is waited out briefly in place, then handed back as
SendThrottled: a retry soon, never a failed attempt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from momentum import catalog
from momentum.core import aws, clock
from momentum.core.config import settings
from momentum.notify.failures import DeliveryFailed, SendThrottled

logger = Logger(service="momentum")
# SES v2 names its rate limit TooManyRequestsException; the others are its older spellings.
THROTTLES = frozenset(
    {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException"}
)
THROTTLE_WAITS = (0.2, 0.5, 1.0)  # seconds, before SendThrottled hands it to the retries
BURST = 2.0  # a request's pair of emails (both participants of a 1:1) is not held back


class SendPace:
    """A token bucket: on average `rate` sends a second, up to BURST at once; None = unpaced."""

    def __init__(
        self,
        rate: float | None,
        *,
        now: Callable[[], float] = clock.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self._now, self._sleep = now, sleep
        self._tokens = BURST
        self._checked = now()
        self._lock = threading.Lock()

    def wait_turn(self) -> float:
        """Block until this send may go; returns the seconds waited."""
        if self.rate is None:
            return 0.0
        with self._lock:  # the local poller runs workers as threads of one process
            current = self._now()
            self._tokens = min(BURST, self._tokens + (current - self._checked) * self.rate)
            self._checked = current
            self._tokens -= 1
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self.rate
        if wait:
            self._sleep(wait)
        return wait


def account_send_rate() -> float | None:
    """SES's MaxSendRate for this account, or None if it cannot be read."""
    try:
        answer = aws.client("sesv2").get_account()
    except Exception:
        logger.warning("SES send quota unknown; sending unpaced, throttles are retried")
        return None
    return float(answer["SendQuota"]["MaxSendRate"])


@cache
def send_pace() -> SendPace:
    """This container's pace: its share of the account's quota, read once."""
    quota = account_send_rate()
    return SendPace(None if quota is None else quota / catalog.SWEEP_WORKERS)


def mime_message(sender: str, to: list[str], subject: str, html: str, text: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), subject
    message["Date"], message["Message-ID"] = format_datetime(clock.now()), make_msgid("momentum")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def send_email(to: list[str], subject: str, html: str, text: str) -> str:
    """Send one email; returns SES's message id, or raises DeliveryFailed / SendThrottled."""
    config = settings()
    params: dict[str, object] = {
        "FromEmailAddress": config.sender_email,
        "Destination": {"ToAddresses": to},
        "Content": {"Raw": {"Data": mime_message(config.sender_email, to, subject, html, text)}},
    }
    if config.ses_configuration_set:
        params["ConfigurationSetName"] = config.ses_configuration_set
    throttled = 0
    while True:
        send_pace().wait_turn()
        try:
            answer = aws.client("sesv2").send_email(**params)
        except ClientError as error:  # MessageRejected, BadRequest, a paused account...
            problem = error.response.get("Error", {})
            code = problem.get("Code", "error")
            if code not in THROTTLES:
                raise DeliveryFailed(
                    f"SES refused the email: {code}: {problem.get('Message', '')}"
                ) from error
            if throttled == len(THROTTLE_WAITS):
                raise SendThrottled(code) from error
            time.sleep(THROTTLE_WAITS[throttled])
            throttled += 1
            continue
        except BotoCoreError as error:  # the endpoint could not be reached or timed out
            raise DeliveryFailed(f"SES could not be reached: {error}") from error
        return str(answer.get("MessageId", ""))
