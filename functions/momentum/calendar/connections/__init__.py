"""A user's connection to a calendar: OAuth, access tokens, the sealed refresh token and
the re-authorization notice. Imports nothing on purpose."""
