"""What the calendar needs from Google and Microsoft: the clients, their HTTP (with
retries), the provider-neutral events and zones. Imports nothing on purpose."""
