"""Entry point: `python -m infra.app` synthesizes to cdk.out, no CDK CLI needed.

cdk-nag's AwsSolutions pack runs as a CDK policy-validation plugin, so synthesis fails
(non-zero exit) on any finding that is not acknowledged with a reason in the constructs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra import LAYER_DIR, REPO_ROOT, function_asset
from infra.stack import MomentumStack, StackConfig

STACK_NAME = "Momentum"


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context, so a plain `python -m infra.app` synthesizes what `cdk synth` does."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context


def ensure_dependencies_layer() -> None:
    """Build layers/dependencies/build when absent or stale (a no-op when up to date)."""
    spec = importlib.util.spec_from_file_location("layer_build", LAYER_DIR / "build.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(LAYER_DIR / "build.py")
    layer_build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layer_build)
    if layer_build.build():
        print(f"built the dependencies layer in {layer_build.BUILD_DIR}", file=sys.stderr)


def add_compliance_checks(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def build_app(
    *, outdir: str | None = None, context: Mapping[str, Any] | None = None
) -> tuple[App, MomentumStack]:
    ensure_dependencies_layer()
    # Values passed by the CDK CLI (-c) still win: App applies CDK_CONTEXT_JSON on top.
    app = App(
        # The CLI passes CDK_OUTDIR; run alone, write where `cdk deploy --app cdk.out` looks.
        outdir=outdir or os.environ.get("CDK_OUTDIR") or str(REPO_ROOT / "cdk.out"),
        context={**cdk_json_context(), **(context or {})},
    )
    stack = MomentumStack(
        app,
        STACK_NAME,
        config=StackConfig.from_context(app),
        code_dir=function_asset.build(),
        layer_dir=LAYER_DIR / "build",
        description="Momentum: people-and-goals serverless backend",
    )
    add_compliance_checks(app)
    return app, stack


def main() -> int:
    app, _ = build_app()
    try:
        app.synth()
    except RuntimeError as error:  # jsii surfaces the failed validation as a RuntimeError
        print(f"synthesis failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
