"""Fires the sweeps on the same EventBridge Scheduler expressions as the CDK stack.

moto stores schedules but never fires them, so this loop reads the schedules registered
in moto's Scheduler, works out which instants fell due since it last looked, and invokes
the sweeps handler with a scheduled event whose `time` is that instant (not the moment
it happened to run), exactly like EventBridge Scheduler's <aws.scheduler.scheduled-time>.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_DAY_NAMES = {
    name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)
}


def _field_matches(spec: str, value: int, names: dict[str, int] | None = None) -> bool:
    if spec in ("*", "?"):
        return True
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/")
            step = int(step_text)
        if part == "*":
            low, high = 0, 10_000
        elif "-" in part:
            a, b = part.split("-")
            low, high = _value(a, names), _value(b, names)
        else:
            low = high = _value(part, names)
            if step != 1:
                high = 10_000
        if low <= value <= high and (value - low) % step == 0:
            return True
    return False


def _value(text: str, names: dict[str, int] | None) -> int:
    return names[text.upper()] if names and text.upper() in names else int(text)


def due_instants(expression: str, after: datetime, until: datetime) -> list[datetime]:
    """The instants in (after, until] at which `expression` fires, in order (UTC)."""
    rate = _RATE.match(expression)
    if rate:
        unit = {"minute": 60, "hour": 3600, "day": 86400}[rate.group(2).rstrip("s")]
        period = int(rate.group(1)) * unit
        first = (int(after.timestamp()) // period + 1) * period
        last = int(until.timestamp())
        return [datetime.fromtimestamp(t, UTC) for t in range(first, last + 1, period)]
    cron = _CRON.match(expression)
    if not cron:
        raise ValueError(f"unsupported schedule expression: {expression}")
    minute, hour, dom, month, dow, year = cron.group(1).split()
    instants = []
    moment = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while moment <= until:
        aws_weekday = (moment.isoweekday() % 7) + 1  # AWS: 1 = Sunday
        if (
            _field_matches(minute, moment.minute)
            and _field_matches(hour, moment.hour)
            and _field_matches(dom, moment.day)
            and _field_matches(month, moment.month)
            and _field_matches(dow, aws_weekday, _DAY_NAMES)
            and _field_matches(year, moment.year)
        ):
            instants.append(moment)
        moment += timedelta(minutes=1)
    return instants


class ScheduleRunner:
    """A background thread firing `fire(sweep, instant)` for each due schedule."""

    def __init__(
        self,
        schedules: Callable[[], list[tuple[str, str]]],
        fire: Callable[[str, datetime], None],
        now: Callable[[], datetime],
        poll_seconds: float = 15.0,
    ) -> None:
        self._schedules, self._fire, self._now = schedules, fire, now
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schedules", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        last = self._now()
        while not self._stop.wait(self._poll):
            current = self._now()
            for sweep, expression in self._schedules():
                for instant in due_instants(expression, last, current):
                    self._fire(sweep, instant)
            last = current
