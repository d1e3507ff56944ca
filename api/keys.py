"""API keys: made and revoked from the CLI, stored as SHA-256 hashes, checked per request.

A key looks like ``cs_<prefix>_<secret>``; only its hash is kept. Scopes are ordered:
``ingest`` < ``curate`` < ``admin`` (a curate key can also ingest; admin can do everything).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from api.errors import Forbidden, Unauthorized
from db.models import ApiKey

SCOPES = ("ingest", "curate", "admin")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(*, session: Session, name: str, scope: str) -> tuple[ApiKey, str]:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    prefix = secrets.token_hex(4)
    key = f"cs_{prefix}_{secrets.token_urlsafe(24)}"
    row = ApiKey(name=name, scope=scope, prefix=prefix, key_hash=_hash(key))
    session.add(row)
    session.commit()
    session.refresh(row)
    return row, key


def list_keys(*, session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))).all())


def revoke_key(*, session: Session, key_id: int) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.add(row)
        session.commit()
    return row


def authenticate(*, session: Session, authorization: str | None) -> ApiKey | None:
    """The key named by an ``Authorization: Bearer`` header; None when there is no header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <key>'")
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == _hash(token.strip()))).first()
    if row is None:
        raise Unauthorized("unknown API key")
    if row.revoked_at is not None:
        raise Unauthorized("this API key has been revoked")
    return row


def require_scope(key: ApiKey | None, scope: str) -> ApiKey:
    if key is None:
        raise Unauthorized(
            f"this endpoint needs an API key with scope '{scope}' (Authorization: Bearer <key>)"
        )
    if SCOPES.index(key.scope) < SCOPES.index(scope):
        raise Forbidden(f"this key has scope '{key.scope}'; this endpoint needs '{scope}'")
    return key
