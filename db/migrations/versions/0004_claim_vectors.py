"""claimvector: sentence embeddings of claims (issue 13)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claimvector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("claim_id", "model", name="uq_claimvector_claim_model"),
    )
    op.create_index("ix_claimvector_claim_id", "claimvector", ["claim_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claimvector_claim_id", table_name="claimvector")
    op.drop_table("claimvector")
