"""audit log order index: (at, id) in one index, so a page of the log reads one page

Revision ID: d41c7e9b2a58
Revises: b7e3c91f4a26
Create Date: 2026-11-24 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd41c7e9b2a58'
down_revision = 'b7e3c91f4a26'
branch_labels = None
depends_on = None


def upgrade():
    # On a large PostgreSQL log, create it by hand first without blocking writes:
    # `CREATE INDEX CONCURRENTLY ix_audit_events_at_id ON audit_events (at, id)`; this step
    # then keeps it (docs/deployment.md). A concurrent build that failed leaves an invalid
    # index behind: that one is dropped and built again here, never kept in place of the
    # old index.
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        invalid = bind.execute(
            sa.text(
                "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " WHERE c.relname = 'ix_audit_events_at_id'"
            )
        ).scalar()
        if invalid:
            op.drop_index('ix_audit_events_at_id', table_name='audit_events')
    op.create_index(
        'ix_audit_events_at_id', 'audit_events', ['at', 'id'], unique=False, if_not_exists=True
    )
    op.drop_index('ix_audit_events_at', table_name='audit_events', if_exists=True)


def downgrade():
    op.create_index(
        'ix_audit_events_at', 'audit_events', ['at'], unique=False, if_not_exists=True
    )
    op.drop_index('ix_audit_events_at_id', table_name='audit_events', if_exists=True)
