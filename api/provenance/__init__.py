"""Read models only: what the database says about a claim or a document, derived, never typed.

Owns a claim's timeline, first publication and republishers (``timeline``), the answers of
``/v1/match`` and ``/v1/check`` (``answer``, ``check``), document and claim views
(``documents``, ``claims_view``), exports (``export``) and the per-process provenance cache
(``cache``).

May import: ``api.linking``, ``api.matching``, ``api.statements``, ``api.ingest`` (``check``
prepares a text without storing it), ``api.text``, ``db``.
"""
