"""outbox raw message: the message bytes made once at queue time; claim in index order

Revision ID: 5e0b7c2d9a41
Revises: cf67d1777124
Create Date: 2026-11-23 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0b7c2d9a41'
down_revision = 'cf67d1777124'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: mails queued before this revision have no bytes; the sender builds those.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_message', sa.LargeBinary(), nullable=True))
    # The sender claims the oldest due mails in (next_attempt_at, id) order: with id in the
    # index that is a range read, not a sort of every due mail.
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.create_index('ix_outbox_due', 'outbox', ['status', 'next_attempt_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_due', table_name='outbox')
    op.create_index('ix_outbox_due', 'outbox', ['status', 'next_attempt_at'], unique=False)
    # The stored bytes go; the mails stay and are built when sent, as before.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('raw_message')
