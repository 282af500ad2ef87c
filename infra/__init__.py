"""Momentum's AWS CDK app: one stack composed of logical constructs.

The deployable shape (functions, routes, schedules, table schema) is declared once in
`functions/momentum`, so that folder goes on sys.path before anything imports it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS_DIR = REPO_ROOT / "functions"
LAYER_DIR = REPO_ROOT / "layers" / "dependencies"

if str(FUNCTIONS_DIR) not in sys.path:
    sys.path.insert(0, str(FUNCTIONS_DIR))

# jsii prints a banner on every run under the machine's Node 20; the version is not ours to pick.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
