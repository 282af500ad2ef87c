"""slack_sdk's `SignatureVerifier`, without the cost of importing the slack_sdk package.

`import slack_sdk.signature` first runs `slack_sdk/__init__.py`, which imports the
WebClient and with it asyncio and the SDK's HTTP stack: about a third of the interactions
receiver's cold start, for a verifier that needs only hashlib and hmac. The verifier's
module imports nothing but the standard library, so it is loaded from its own file in the
installed slack_sdk (the layer's, with the bytecode the layer ships), which is the same
code, checked the same way (importlib's documented "import a source file directly").
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

MODULE = "slack_sdk.signature"


def _verifier_module() -> ModuleType:
    if MODULE in sys.modules:  # the package is imported already: nothing to save
        return sys.modules[MODULE]
    package = importlib.util.find_spec("slack_sdk")  # finds, does not run, the package
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError("slack_sdk is not installed")
    source = Path(next(iter(package.submodule_search_locations))) / "signature" / "__init__.py"
    spec = importlib.util.spec_from_file_location(f"momentum._{MODULE}", source)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"slack_sdk has no {source}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from slack_sdk.signature import SignatureVerifier
else:
    SignatureVerifier = _verifier_module().SignatureVerifier

__all__ = ["SignatureVerifier"]
