"""schemathesis over the OpenAPI document, one run per bounded context: no input may
produce a 5xx. Runs the `st` CLI against the local stack as an outside client would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import HttpApi

pytestmark = pytest.mark.e2e

# context -> path regex of its routes (as in API.md), and examples per operation
CONTEXTS = {
    "identity": r"^/v1/(me$|me/|org/|users|companies|activity)",
    "okrs": r"^/v1/goals",
    "action_plans": r"^/v1/action-plans",
    "one_on_ones": r"^/v1/(one-on-ones|meetings|reports/one-on-ones)",
    "calendar": r"^/(v1/calendar|webhooks)",
    "coaching": r"^/v1/(engagement-templates|engagements|reports/engagements)",
    "accounts": r"^/v1/(accounts|plan-templates)",
    "integrations": r"^/v1/(audit-log|org/scim-tokens|directory-groups|webhook-subscriptions)",
}
MIN_CASES = {"identity": 200}


def _operations(stack: HttpApi, pattern: str) -> int:
    import re

    document = stack.http.get("/v1/openapi.json").json()
    return sum(len(ops) for path, ops in document["paths"].items() if re.search(pattern, path))


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_no_input_gives_a_server_error(stack: HttpApi, context: str, tmp_path: Path) -> None:
    pattern = CONTEXTS[context]
    operations = _operations(stack, pattern)
    assert operations > 0 or context not in MIN_CASES, f"no {context} routes in the document"
    if operations == 0:
        pytest.fail(f"the {context} routes are not in the OpenAPI document yet")
    admin = stack.new_org(f"Fuzz {context}")
    report = tmp_path / "report.json"
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{stack.url}/v1/openapi.json",
        "--checks",
        "not_a_server_error",
        "--include-path-regex",
        pattern,
        "-H",
        f"Authorization: Bearer {admin.token}",
        "--max-examples",
        "40",
        "--seed",
        "20261123",
        "--generation-deterministic",
        "--request-timeout",
        "20",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--warnings",
        "off",
    ]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    cases = _case_count(report, run.stdout)
    print(f"schemathesis {context}: {operations} operations, {cases} cases, no 5xx")
    assert cases >= MIN_CASES.get(context, 1), f"only {cases} cases ran"


def _case_count(report: Path, stdout: str) -> int:
    if report.exists():
        data = json.loads(report.read_text())
        for key in ("total_cases", "cases", "test_cases"):
            value = data.get(key) if isinstance(data, dict) else None
            if isinstance(value, int):
                return value
    import re

    match = re.search(r"(\d+) generated", stdout) or re.search(r"Test cases:\s*\n?\s*(\d+)", stdout)
    return int(match.group(1)) if match else 0
