"""The Lambda entry points. Importing the package pauses the garbage collector for the
cold start (momentum.handlers.cold_start) and wires the domain-event subscribers
(momentum.wiring) before any handler runs."""

# The order is the point: the pause comes before anything heavy loads.
# isort: off
from momentum.handlers import cold_start  # noqa: F401
import momentum.wiring  # noqa: F401
# isort: on
