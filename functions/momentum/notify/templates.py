"""Email and Slack bodies rendered from Jinja2 templates in notify/templates/.

A kind `k` has `k.html.j2` and `k.txt.j2` (both extend the base layout, which adds the
"why you got this" line and, where the user may turn the email off, how), and may have
`k.slack.j2` for Slack.

Jinja2 is imported when the first message is rendered, not with the module: most
requests of the functions that can notify send nothing, and their cold start should
not pay for the template engine.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from momentum.notify.slack import escaped

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, context: dict[str, Any]) -> str:
    return _environment().get_template(name).render(**context)


def render_email(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """(html, text) for a notification kind."""
    return render(f"{kind}.html.j2", context), render(f"{kind}.txt.j2", context)


def render_slack(kind: str, context: dict[str, Any]) -> str:
    """Slack mrkdwn: every string of the context is escaped the way Slack requires."""
    name = f"{kind}.slack.j2" if (TEMPLATES / f"{kind}.slack.j2").exists() else f"{kind}.txt.j2"
    return render(name, escaped(context)).strip()
