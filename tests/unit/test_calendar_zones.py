"""Windows → IANA zones (CLDR's table as tzlocal ships it), and what an unknown zone becomes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from tzlocal.windows_tz import win_tz

from momentum.calendar.providers import google, microsoft, zones
from momentum.calendar.providers.zones import to_iana

JULY = datetime(2026, 7, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_warnings() -> None:
    zones.unknown_zone.cache_clear()  # each test sees its own warnings


def test_central_asia_standard_time_is_utc_plus_six() -> None:
    # The hand-written table said Asia/Almaty, which moved to UTC+5 in 2024.
    assert to_iana("Central Asia Standard Time") == "Asia/Bishkek"
    assert JULY.astimezone(zones.zone_info("Central Asia Standard Time")).utcoffset() == timedelta(
        hours=6
    )


def test_every_cldr_windows_name_maps_to_a_real_iana_zone() -> None:
    assert len(win_tz) >= 142
    valid = available_timezones()
    for windows, iana in win_tz.items():
        # "UTC" is a Windows id and an IANA name at once: it stays as it is.
        assert to_iana(windows, fallback="Not/AZone") in (iana, windows), windows
        assert iana in valid or iana == "Etc/UTC", windows
        ZoneInfo(to_iana(windows))


def test_iana_names_pass_through_and_familiar_windows_names_map() -> None:
    assert to_iana("Pacific Standard Time") == "America/Los_Angeles"
    assert to_iana("W. Europe Standard Time") == "Europe/Berlin"
    assert to_iana("Europe/Paris") == "Europe/Paris"
    assert to_iana("tzone://Microsoft/Utc") == "Etc/UTC"
    assert to_iana(None, "Europe/London") == "Europe/London"  # no zone given: quietly


def test_an_unknown_zone_takes_the_fallback_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="momentum.calendar"):
        assert to_iana("Customized Time Zone", "Europe/Paris") == "Europe/Paris"
        assert to_iana("Customized Time Zone", "Europe/Paris") == "Europe/Paris"
    warned = [r.getMessage() for r in caplog.records if "Customized Time Zone" in r.getMessage()]
    assert warned == ["calendar time zone 'Customized Time Zone' is neither Windows nor IANA; "
                      "using Europe/Paris"]  # fmt: skip


def test_a_google_event_in_an_unknown_zone_is_in_its_calendars_zone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = {
        "id": "e1",
        "summary": "1:1",
        "start": {"dateTime": "2026-07-01T09:00:00", "timeZone": "Mars/Olympus"},
        "end": {"dateTime": "2026-07-01T09:30:00", "timeZone": "Mars/Olympus"},
    }
    with caplog.at_level(logging.WARNING, logger="momentum.calendar"):
        event = google.parse_event(raw, "America/New_York")
    assert event.time_zone == "America/New_York"
    assert event.start == datetime(2026, 7, 1, 13, tzinfo=UTC)
    assert any("Mars/Olympus" in r.getMessage() for r in caplog.records)


def test_a_graph_series_in_a_custom_zone_takes_the_next_zone_it_names(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = {
        "id": "m1",
        "type": "seriesMaster",
        "subject": "1:1",
        "originalStartTimeZone": "Customized Time Zone",
        "start": {"dateTime": "2026-07-01T09:00:00.0000000", "timeZone": "Pacific Standard Time"},
        "end": {"dateTime": "2026-07-01T09:30:00.0000000", "timeZone": "Pacific Standard Time"},
    }
    with caplog.at_level(logging.WARNING, logger="momentum.calendar"):
        event = microsoft.parse_event(raw)
    assert event.time_zone == "America/Los_Angeles"
    assert event.start == datetime(2026, 7, 1, 16, tzinfo=UTC)
    assert any("Customized Time Zone" in r.getMessage() for r in caplog.records)
