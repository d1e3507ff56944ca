"""Provenance helpers: official responses reported in a document (``responses.extract_responses``)."""
