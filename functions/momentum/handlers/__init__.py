"""The Lambda entry points. Importing the package wires the domain-event subscribers
(momentum.wiring) before any handler runs."""

import momentum.wiring  # noqa: F401
