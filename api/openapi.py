"""Documented response shapes for the OpenAPI schema: the error body every route can answer.

``ERROR_RESPONSES`` is attached to every ``/v1`` router (``api/app.py``), so clients and
schemathesis know each operation may answer 400 (a body that is not valid JSON/UTF-8), 401, 403,
404, 413, 422, 429 or 503 (the database unreachable), always with ``{"error": {...}}``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str = Field(description="Stable machine-readable code, e.g. not_found, rate_limited.")
    message: str = Field(description="What went wrong, for people.")
    status: int = Field(description="The HTTP status, repeated.")
    field: str | None = Field(None, description="The input field to blame, when there is one.")


class ErrorBody(BaseModel):
    error: ErrorDetail


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("The request body could not be read (not UTF-8 or not JSON)"),
    401: _error("Missing, unknown or revoked API key"),
    403: _error("The key's scope does not allow this"),
    404: _error("No such resource"),
    413: _error("Over a size limit"),
    422: _error("Invalid input; `field` names it"),
    429: _error("Rate limit exceeded; see the Retry-After header"),
    503: _error("The database is unavailable; see the Retry-After header"),
}
