"""Errors with an HTTP status and one JSON shape.

    ClaimScopeError (500, "internal")
    ├── BadInput (422, "invalid_input")
    │   └── RejectedInput (422, "rejected_input")   ingestion refused a document, with a reason
    ├── TooLarge (413, "too_large")
    ├── NotFound (404, "not_found")
    ├── Unauthorized (401, "invalid_key")
    ├── Forbidden (403, "forbidden")
    ├── RateLimited (429, "rate_limited")
    ├── Unavailable (503, "unavailable")              the database cannot be reached; Retry-After
    └── FetchFailed (422, "fetch_failed")            a URL could not be fetched safely

Every error renders as ``{"error": {"code": ..., "message": ..., "status": ..., "field": ...}}``
(``field`` only when one input field is to blame). The CLI prints ``message`` and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class ClaimScopeError(Exception):
    status = 500
    code = "internal"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return {"error": body}


class BadInput(ClaimScopeError):
    status = 422
    code = "invalid_input"


class RejectedInput(BadInput):
    """An input that cannot become a document (empty, binary, HTML with no text, bad record).

    Ingestion reports ``reason`` and skips the input; other inputs go on."""

    code = "rejected_input"

    @property
    def reason(self) -> str:
        return self.message


class TooLarge(ClaimScopeError):
    status = 413
    code = "too_large"


class NotFound(ClaimScopeError):
    status = 404
    code = "not_found"


class Unauthorized(ClaimScopeError):
    status = 401
    code = "invalid_key"


class Forbidden(ClaimScopeError):
    status = 403
    code = "forbidden"


class RateLimited(ClaimScopeError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FetchFailed(ClaimScopeError):
    status = 422
    code = "fetch_failed"


class Unavailable(ClaimScopeError):
    status = 503
    code = "unavailable"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
