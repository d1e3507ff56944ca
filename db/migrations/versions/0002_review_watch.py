"""review queue, watches and webhook deliveries

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "reviewsuggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=20), nullable=False),
        sa.Column("status", AutoString(length=20), nullable=False),
        sa.Column("subject_hash", AutoString(length=64), nullable=False),
        sa.Column("target_hash", AutoString(length=64), nullable=False),
        sa.Column("passage_id", sa.Integer(), nullable=True),
        sa.Column("target_passage_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by_key_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_key_id"], ["apikey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reviewsuggestion", schema=None) as batch_op:
        batch_op.create_index("ix_reviewsuggestion_status", ["status"], unique=False)
        batch_op.create_index("ix_reviewsuggestion_content",
                              ["kind", "subject_hash", "target_hash"], unique=False)

    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("claim_hash", AutoString(length=16), nullable=True),
        sa.Column("outlet_id", sa.Integer(), nullable=True),
        sa.Column("url", AutoString(length=2000), nullable=False),
        sa.Column("secret", AutoString(length=200), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["outlet_id"], ["outlet.id"]),
        sa.ForeignKeyConstraint(["key_id"], ["apikey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.create_index("ix_watch_claim_id", ["claim_id"], unique=False)
        batch_op.create_index("ix_watch_outlet_id", ["outlet_id"], unique=False)
        batch_op.create_index("ix_watch_active", ["active"], unique=False)

    op.create_table(
        "webhookdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("event", AutoString(length=30), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["watch_id"], ["watch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhookdelivery", schema=None) as batch_op:
        batch_op.create_index("ix_webhookdelivery_watch_id", ["watch_id"], unique=False)
        batch_op.create_index("ix_webhookdelivery_due", ["status", "next_attempt_at"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("webhookdelivery")
    op.drop_table("watch")
    op.drop_table("reviewsuggestion")
