"""Moderators' workflows: the review queue's decisions, watches and webhook delivery, fact-check
import.

May import: ``api.provenance``, ``api.linking``, ``api.ingest`` (the fetch guard for webhook
URLs), ``api.statements``, ``api.text``, ``db``.
"""
