"""Storage: SQLModel models, engine and session factory, Alembic migrations."""
