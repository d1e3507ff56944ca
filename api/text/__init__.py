"""The shared bottom: text as both ingestion and statement extraction see it.

Owns normalization with its offset map (``normalize``: one normalizer for ingestion and
queries), sentence segmentation into passages with character offsets (``split``), and the
document/passage types every stage passes along (``types``).

May import: the standard library and third-party text libraries only — nothing of ``api`` or
``db``.
"""
