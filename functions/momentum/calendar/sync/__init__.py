"""A change's walk: inbox (verify a notification), queue, worker (sync one connection),
pushes (keep notifications flowing), sweeps. Imports nothing on purpose: the webhook
receiver loads inbox alone."""
