"""The cold start pauses CPython's cyclic garbage collector until the entry point is loaded.

Loading a function's modules (botocore's service models, pydantic, Powertools, our routes
and models) allocates a few hundred thousand objects that live as long as the container.
With the collector running, each burst of allocations makes it walk all of them again;
that walking was a fifth of an API function's import (40 ms of 340, and 85 of 440 in
report-exports-api, measured with `make bench`). So importing this module pauses the
collector (the handlers package imports it before anything else), and each entry point
calls `loaded()` as its last statement: what it loaded is frozen out of later collections,
which stay as cheap as in a small program, and the collector runs again for the requests.
"""

import gc

gc.disable()


def loaded() -> None:
    """The entry point's modules are loaded: freeze them, and collect garbage again."""
    gc.freeze()
    gc.enable()
