"""Issue 13's 1:1 inputs, written against `Api` so tests/e2e runs them over HTTP: RRULE parts
are validated (422 naming the part) and agenda links come back percent-encoded, http(s) only."""

from __future__ import annotations

from datetime import datetime

from tests.support.harness import Api, InProcessApi
from tests.support.one_on_ones import START, Clock, at, people, weekly


def run_rules_and_links_story(api: Api, start: datetime) -> None:
    _, mia, eli, tom = people(api)
    body = {
        "with_user_id": eli.user_id,
        "title": "Monthly",
        "start": at(start),
        "end": at(start, minutes=30),
    }
    for rule, part in (
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=31;BYDAY=2MO", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYSETPOS=3", "BYSETPOS"),
        ("FREQ=SECONDLY", "FREQ"),
    ):
        refused = api.post(mia, "/v1/one-on-ones", {**body, "recurrence": rule})
        assert refused.status == 422, refused.text
        kind = {name.lower(): value for name, value in refused.headers.items()}["content-type"]
        assert kind.startswith("application/problem+json")
        assert refused.json["errors"][0]["path"] == "recurrence"
        assert part in refused.json["errors"][0]["message"]
        assert part in refused.json["detail"]
    monthly = api.post(mia, "/v1/one-on-ones", {**body, "recurrence": "FREQ=MONTHLY;BYDAY=1MO"})
    days = {m["start"][:10] for m in monthly.ok()["series"]["meetings"]}
    assert all(int(day[8:]) <= 7 for day in days)  # first Mondays, not every day

    series = weekly(api, tom, eli, start)["series"]
    patched = api.patch(tom, f"/v1/one-on-ones/{series['id']}", {
        "start": at(start, days=1), "recurrence": "FREQ=MONTHLY;BYMONTHDAY=0",
    })  # fmt: skip
    assert patched.status == 422 and "BYMONTHDAY" in patched.json["detail"]

    topics = f"/v1/meetings/{series['meetings'][0]['id']}/agenda-topics"
    spaced = api.post(tom, topics, {"text": 'https://docs.test/a b"c'}).ok()
    assert spaced["url"] is None  # with a space it is not a single link: plain text
    quoted = api.post(tom, topics, {"text": 'https://docs.test/plan?q="x"&n=<1>\''}).ok()
    assert quoted["url"] == "https://docs.test/plan?q=%22x%22&n=%3C1%3E%27"
    shown = api.get(eli, f"/v1/meetings/{series['meetings'][0]['id']}").ok()["agenda_topics"]
    assert shown[-1]["url"] == quoted["url"]
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", 'http://a"b.test/', "ftp://f.test"):
        assert api.post(tom, topics, {"text": bad}).status == 422, bad


def test_rule_parts_and_links_are_checked(api: InProcessApi, set_now: Clock) -> None:
    run_rules_and_links_story(api, START)
