"""Ingestion orchestration: read → prepare (in a worker process) → store a batch → link → notify.

Owns ``ingestor.Ingestor`` (the one entry point the CLI, the API and the benchmarks call),
``store`` (a batch of prepared documents in one transaction) and ``workers`` (preparing ahead
in another process). It sits above ``api.moderation`` because storing a batch notifies the
watches it concerns.

May import: every domain package below it, ``db``.
"""
