"""cdk-nag's AwsSolutions pack gates synthesis; cfn-lint accepts the template."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match
from infra.app import add_compliance_checks
from infra.stack import MomentumStack

pytestmark = pytest.mark.infra

CFN_LINT = Path(sys.executable).with_name("cfn-lint")
MIN_REASON_LENGTH = 40


def test_synthesis_passed_the_awssolutions_pack(stack: MomentumStack, template_path: Path) -> None:
    report = json.loads((template_path.parent / "validation-report.json").read_text())
    assert report["pluginReports"] == []
    assert Annotations.from_stack(stack).find_error("*", Match.any_value()) == []


def test_every_acknowledgement_is_explained(stack: MomentumStack) -> None:
    acknowledged = {
        f"{construct.node.path} {rule}": reason
        for construct in stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    assert acknowledged
    vague = {
        rule: reason for rule, reason in acknowledged.items() if len(reason) < MIN_REASON_LENGTH
    }
    assert vague == {}
    # Acknowledgements sit on the resource they excuse, never on the stack or a whole construct.
    assert not any(rule.startswith(f"{stack.node.path} ") for rule in acknowledged)


def test_an_unacknowledged_finding_fails_synthesis(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path))
    careless = Stack(app, "Careless")
    sqs.Queue(careless, "NoDeadLetterQueue", encryption=sqs.QueueEncryption.UNENCRYPTED)
    add_compliance_checks(app)
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS2"):
        app.synth()


def test_cfn_lint_finds_no_errors(template_path: Path) -> None:
    result = subprocess.run(
        [str(CFN_LINT), "--non-zero-exit-code", "error", str(template_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
