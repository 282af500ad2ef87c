"""Logical constructs composed by `infra.stack.MomentumStack`, one concern each."""
