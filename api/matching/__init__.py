"""Fuzzy matching of highlighted text against the passage index.

``normalize`` (one normalizer for ingestion and queries) → ``index`` (candidate shingle
index) → ``rerank`` (rapidfuzz scoring and alignment) → ``engine.MatchEngine`` (the
public API), kept in step with the database by ``live.LiveIndex``.
"""
