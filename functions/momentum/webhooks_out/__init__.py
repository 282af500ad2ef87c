"""Webhook subscriptions: orgs receive Momentum's events at their own HTTPS endpoints."""
