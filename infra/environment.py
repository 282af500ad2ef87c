"""Each function's environment, built once for both stacks from what its code reads.

`momentum.core.config.ENVIRONMENT` names the settings of each capability; a function gets
the common ones and those of its catalog `needs`. The CDK stack fills the values with
resource references, the local stack with its emulators' addresses: the same names for
the same function either way, so a setting the stack forgets fails locally too.
"""

from __future__ import annotations

from collections.abc import Mapping

from momentum import catalog
from momentum.core.config import ENVIRONMENT

FUNCTION_SETTING = "MOMENTUM_FUNCTION"

# Settings the libraries read, the same in every function; our code reads none of them.
LIBRARY_SETTINGS = {
    # No pydantic plugins are installed: without this, the first validator a cold start
    # builds scans every installed distribution's entry points looking for one.
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}


def setting_names(function: catalog.Function) -> tuple[str, ...]:
    names = list(ENVIRONMENT["common"])
    for need in function.needs:
        names += [name for name in ENVIRONMENT[need] if name not in names]
    return tuple(names)


def all_setting_names() -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for names in ENVIRONMENT.values() for name in names))


def function_environment(function: catalog.Function, values: Mapping[str, str]) -> dict[str, str]:
    """The environment of `function`, taking each of its settings from `values`."""
    given = {**values, FUNCTION_SETTING: function.name}
    missing = [name for name in setting_names(function) if name not in given]
    if missing:
        raise ValueError(f"{function.name}: no value for {', '.join(missing)}")
    return {**LIBRARY_SETTINGS, **{name: given[name] for name in setting_names(function)}}
