"""The request and sweep frame, above the store: the resolver and its error mapping,
the principal and org of a request, idempotent creates, and the due-index sweep loop.
(core/ is the base the store itself uses; nothing in core imports the store.)"""
