"""The audit log: the whole org's activity by time, for admins (SPEC §7 "Audit log")."""
