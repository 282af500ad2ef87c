"""Slack text: user text is escaped the way Slack requires, and nothing else is touched."""

from __future__ import annotations

from momentum.notify.slack import escape, escaped
from momentum.notify.templates import render_slack


def test_slack_control_sequences_in_user_text_arrive_as_text() -> None:
    assert (
        escape("<!channel> & <https://x.test|y>")
        == "&lt;!channel&gt; &amp; &lt;https://x.test|y&gt;"
    )
    assert escape('it\'s "fine"') == 'it\'s "fine"'  # Slack decodes only &, < and >
    assert escaped({"a": ["<b>", 1, {"c": "&"}], "n": 2.5}) == {
        "a": ["&lt;b&gt;", 1, {"c": "&amp;"}],
        "n": 2.5,
    }


def test_the_checkin_reminder_links_goals_but_not_what_their_titles_contain() -> None:
    text = render_slack(
        "checkin_reminder",
        {
            "name": "Olive",
            "period": "week",
            "goals": [
                {
                    "title": "A|B> <!here>",
                    "progress": 10,
                    "status": "on_track",
                    "overdue": False,
                    "web": "https://app.test/goals/1",
                }
            ],
            "private_count": 2,
            "why": "you own goals",
            "opt_out": None,
            "subject": "s",
        },
    )
    assert "<https://app.test/goals/1|A|B&gt; &lt;!here&gt;>" in text
    assert "3 goals without a check-in" in text
    assert "2 private goals (not named in a shared channel)" in text
