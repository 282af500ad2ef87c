"""The Lambda entry points. Importing the package wires the domain-event subscribers
(momentum.wiring) before any handler runs.

It also pauses CPython's cyclic garbage collector for the cold start. Loading a
function's modules (boto3's service models, pydantic, Powertools, our routes and
models) allocates a few hundred thousand objects that live as long as the container;
with the collector running, each allocation burst makes it walk all of them again, and
that walking was a fifth of an API function's import (40 ms of 340, 85 of 440 in
report-exports-api, measured by `make bench`). Each entry point module calls `loaded()`
as its last statement: what it loaded is frozen out of later collections (they stay
as cheap as in a small program) and the collector runs again for the requests.
"""

import gc

gc.disable()

import momentum.wiring  # noqa: E402,F401 - after the pause, so wiring's imports are covered


def loaded() -> None:
    """The entry point's modules are loaded: freeze them, and collect garbage again."""
    gc.freeze()
    gc.enable()
