"""Errors of the ingestion stages."""

from __future__ import annotations


class RejectedInput(ValueError):
    """An input that cannot become a document (empty, binary, HTML with no text, bad record).

    The pipeline reports ``reason`` and skips the input; other inputs go on.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
