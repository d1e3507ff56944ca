"""HTTP routes, one module per resource; each is the HTTP layer of the domain module of the same
name (``routes.check`` ↔ ``provenance.check``, ``routes.review`` ↔ ``moderation.review``, ...).
Routes are thin: they validate, call one domain function and shape the answer."""
