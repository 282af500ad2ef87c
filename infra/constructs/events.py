"""The EventBridge bus Momentum publishes its domain events on (SPEC §7 "Events")."""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct


class OutboundEvents(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # Customers' rules (and archives, replays) attach to this bus, not the default one.
        self.bus = events.EventBus(self, "Bus", description="Momentum domain events")

    @property
    def bus_name(self) -> str:
        return self.bus.event_bus_name

    def grant_put(self, grantee: iam.IGrantable) -> object:
        return self.bus.grant_put_events_to(grantee)
