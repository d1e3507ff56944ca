"""Many-row writes in a constant number of statements, whatever the backend.

Ingestion writes thousands of passages per batch, then sets their claims. Through SQLAlchemy's
generic executemany, PostgreSQL pays a statement per row (~0.1 ms each, measured in
bench/provenance.py); there the rows travel as one array per column instead
(``INSERT ... SELECT FROM unnest(...)``, ``UPDATE ... FROM unnest(...)``). SQLite, in process,
is fast with executemany and keeps it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, insert, text, update
from sqlalchemy.orm import Session


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _pg_array_type(session: Session, column: Any) -> str:
    """The column's own PostgreSQL type, as an array (``INTEGER[]``, ``VARCHAR(16)[]``)."""
    return f"{column.type.compile(dialect=session.get_bind().dialect)}[]"


def insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (all with the same keys); their new ids, in the order given."""
    if not rows:
        return []
    if not _pg(session):
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        return [r[0] for r in result]
    # ids first, from the table's own sequence, so that no RETURNING order has to be trusted
    ids = list(
        session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(rows)},
        ).scalars()
    )
    names = list(rows[0])
    arrays = {"id": ids, **{name: [r[name] for r in rows] for name in names}}
    columns = ["id", *names]
    casts = ", ".join(f"CAST(:{c} AS {_pg_array_type(session, table.c[c])})" for c in columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    session.execute(text(f'INSERT INTO "{table.name}" ({quoted}) SELECT * FROM unnest({casts})'), arrays)
    return ids


def set_column(session: Session, table: Table, column: str, values: dict[int, Any]) -> None:
    """``UPDATE table SET column = values[id]`` for every id in ``values``."""
    if not values:
        return
    if not _pg(session):
        session.execute(
            update(table).where(table.c.id == bindparam("_id")).values({column: bindparam("_value")}),
            [{"_id": k, "_value": v} for k, v in values.items()],
        )
        return
    kind = _pg_array_type(session, table.c[column])
    session.execute(
        text(
            f'UPDATE "{table.name}" AS t SET "{column}" = v.value '
            f"FROM unnest(CAST(:ids AS INTEGER[]), CAST(:values AS {kind})) AS v(id, value) "
            "WHERE t.id = v.id"
        ),
        {"ids": list(values), "values": list(values.values())},
    )
