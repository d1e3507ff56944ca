"""Reuse at ingestion: which claim each new passage joins, and what a document republishes.

Owns claim assignment for a stored batch (``batch``), the reuse rules and boilerplate by
recurrence (``reuse``), claim membership and canonical text (``membership``), the order of
appearances (``chronology``), the outlet registry names resolve to (``outlets``) and the
suggestions filed for links it is not sure of (``suggestions``).

May import: ``api.matching``, ``api.text``, ``db``.
"""
