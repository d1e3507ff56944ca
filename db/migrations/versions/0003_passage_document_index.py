"""drop passage.document_id's own index: the (document_id, ordinal) unique index serves it

Every passage written paid for both indexes; lookups by document use the unique one, whose
leading column is document_id (bench/provenance.py).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("passage") as batch_op:
        batch_op.drop_index("ix_passage_document_id")


def downgrade() -> None:
    with op.batch_alter_table("passage") as batch_op:
        batch_op.create_index("ix_passage_document_id", ["document_id"], unique=False)
