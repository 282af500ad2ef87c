"""How big a report may be and still answer inline; past it, the answer is an export.

A report over the bound is refused before it answers anything, so a client never gets a
truncated report or a Lambda timeout: it gets this problem, which names the export
request that produces the same report as a CSV file (POST /v1/report-exports).
"""

from __future__ import annotations

from typing import Any

from momentum.core.problems import Problem

EXPORTS_PATH = "/v1/report-exports"
# Items an inline report may read. 1:1s: 20,000 meetings is about 400 weekly pairs over a
# year, a few MB read in a handful of round trips and well under Lambda's 6 MB answer.
MAX_INLINE_MEETINGS = 20_000
MAX_INLINE_ENGAGEMENTS = 5_000


class ExportInstead(Problem):
    """422: the report is larger than an inline answer may be; request it as an export."""

    status, title, slug = 422, "Report too large to answer inline", "report-too-large"

    def __init__(self, what: str, bound: int, export_body: dict[str, Any]) -> None:
        super().__init__(
            f"This report reads more than {bound:,} {what}, more than one answer can hold. "
            f"Request it as an export: POST {EXPORTS_PATH} with the body in `export`, then "
            "follow the job until its CSV file is ready.",
            extra={"export": {"method": "POST", "path": EXPORTS_PATH, "body": export_body}},
        )
