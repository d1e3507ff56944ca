"""Planner statistics kept current while a bulk ingestion grows the tables (PostgreSQL).

Ingestion looks passages up by the hashes of a whole batch (``norm_hash = ANY(array)``). With
no statistics, PostgreSQL assumes each value matches 0.5 % of the table, so for a batch's
thousands of hashes it plans a sequential scan: ~100 ms per lookup at 400k passages instead of
~8 ms with statistics (bench/provenance.py fell from 5,000 to 2,100 passages/s at 1M). The
autovacuum daemon analyzes a table once a tenth of it changed, but it may be off, and it runs
on its own schedule, behind a bulk load; so ingestion does the same check after each batch,
with a threshold of the same kind, and analyzes what is due itself. ANALYZE reads a fixed-size
sample (~0.2 s for a table of 400k passages), and the threshold grows with the table, so a load
of n passages pays for O(log n) of them.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

# The tables batch linking queries by hash and id, and how much of a table may change before
# its statistics are refreshed: half of what it held (the planner scales statistics to the
# table's current size, so they stay good while it grows), and never before 5,000 rows (a
# smaller table is scanned quickly anyway; analyzing after every batch of a small load cost a
# fifth of its time).
TABLES = ("passage", "document", "claim")
STALE_SHARE = 0.5
STALE_MIN_ROWS = 5_000


def refresh_statistics(engine: Engine) -> list[str]:
    """ANALYZE the ingestion tables whose statistics are stale; returns the ones analyzed
    (none on SQLite, whose planner prefers an index for equality without statistics)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT relname, n_mod_since_analyze, n_live_tup FROM pg_stat_user_tables "
                "WHERE relid = ANY(CAST(:tables AS regclass[]))"
            ),
            {"tables": list(TABLES)},
        ).all()
        stale = [
            name
            for name, changed, live in rows
            if changed >= STALE_MIN_ROWS and changed >= STALE_SHARE * max(live - changed, 0)
        ]
        for name in stale:
            conn.execute(text(f'ANALYZE "{name}"'))
        conn.commit()
    return stale
