"""Many-row writes in a constant number of statements, whatever the backend.

Ingestion writes thousands of passages and claims per batch. Through SQLAlchemy's
generic executemany every row pays for parameter processing in Python, and PostgreSQL a
statement per row (~0.1 ms each, measured in bench/provenance.py). So the rows go straight to
the driver: ids are taken first (PostgreSQL: the table's own sequence; SQLite: after the
largest id, under the write lock the transaction holds), then PostgreSQL receives the rows
with ``COPY ... FROM STDIN`` and SQLite, in process, with the driver's ``executemany``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, literal, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _driver_connection(session: Session) -> Any:
    """The DB-API connection of the session's transaction (the same transaction)."""
    return session.connection().connection.driver_connection


def new_ids(session: Session, table: Table, n: int) -> list[int]:
    """``n`` ids for rows of ``table`` that this transaction will insert (``insert_with_ids``)."""
    if n == 0:
        return []
    if _pg(session):
        # from the table's own sequence, so that no RETURNING order has to be trusted
        return list(
            session.execute(
                text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                {"table": table.name, "n": n},
            ).scalars()
        )
    # SQLite has one writer at a time. Ingestion has written its documents before it asks for
    # passage ids, so no other connection can take these; if a caller had not, a collision
    # would fail the insert on the primary key, never overwrite a row.
    largest = session.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table.name}"')).scalar_one()
    return list(range(largest + 1, largest + 1 + n))


def insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (all with the same keys); their new ids, in the order given."""
    if not rows:
        return []
    if _pg(session):
        ids = new_ids(session, table, len(rows))
        insert_with_ids(session, table, ids, rows)
        return ids
    # SQLite: the first row takes the write lock, and each row gets the largest id + 1 (the
    # rowid rule of a table without AUTOINCREMENT), so the rows hold the top len(rows) ids.
    names = list(rows[0])
    values = _as_driver_values(session, table, names, [tuple(r[c] for c in names) for r in rows])
    _execute_many(session, table, names, values)
    largest = session.execute(text(f'SELECT max(id) FROM "{table.name}"')).scalar_one()
    return list(range(largest - len(rows) + 1, largest + 1))


def insert_with_ids(session: Session, table: Table, ids: list[int], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) under the ids given (from ``new_ids``)."""
    if not rows:
        return
    names = ["id", *rows[0]]
    values = [(i, *(r[c] for c in names[1:])) for i, r in zip(ids, rows, strict=True)]
    values = _as_driver_values(session, table, names, values)
    if not _pg(session):
        _execute_many(session, table, names, values)
        return
    columns = ", ".join(f'"{c}"' for c in names)
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    connection = _driver_connection(session)
    with (
        _as_sqlalchemy_errors(session, statement),
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in values:
            copy.write_row(row)


def _execute_many(session: Session, table: Table, names: list[str], values: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(f'"{c}"' for c in names)
    marks = ", ".join("?" for _ in names)
    statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    with _as_sqlalchemy_errors(session, statement):
        _driver_connection(session).executemany(statement, values)


@contextmanager
def _as_sqlalchemy_errors(session: Session, statement: str) -> Iterator[None]:
    """Driver errors raised as SQLAlchemy's (``IntegrityError``...), as SQLAlchemy's own
    statements raise them: callers handle a refused batch the same way, whichever wrote it."""
    dbapi = session.get_bind().dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dbapi.Error) from exc


def _as_driver_values(
    session: Session, table: Table, names: list[str], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Values as the column types would bind them (dates as SQLite stores them, JSON as text):
    what SQLAlchemy does for its own statements, done here once per column."""
    dialect = session.get_bind().dialect
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    if not any(processors):
        return rows
    convert = [(i, f) for i, f in enumerate(processors) if f is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, f in convert:
            if values[i] is not None:
                values[i] = f(values[i])
        out.append(tuple(values))
    return out


def one_of(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values``. On PostgreSQL as ``column = ANY(array)``: one parameter, where
    an IN list of thousands is thousands of placeholders, which psycopg parses anew for every
    statement (a tenth of the ingesting process's time, bench/provenance.py)."""
    values = list(values)
    if _pg(session):
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)
