"""The index and search: a highlight in, the passages it comes from out.

``api.text.normalize`` (one normalizer for ingestion and queries) → ``index`` (candidate
shingle index over ``slots``) → ``rerank`` (rapidfuzz scoring and alignment) → ``ranking`` →
``engine.MatchEngine`` (the public search), kept in step with the database by
``live.LiveIndex``; ``candidates`` is the vectorized batch search ingestion uses to find what
a new passage repeats; ``hits`` holds the typed results. ``protocol.MatchIndex`` is what
the layers above depend on.

May import: ``api.text``, ``db``.
"""
