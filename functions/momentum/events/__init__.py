"""Outbound events: every activity entry published as a versioned event (SPEC §7)."""
