"""exercise reads: when the coach last opened each exercise's answers

Revision ID: 4f8a2c6e1b93
Revises: d41c7e9b2a58
Create Date: 2026-12-07 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f8a2c6e1b93'
down_revision = 'd41c7e9b2a58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exercise_reads',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.String(length=64), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['users.id'], name=op.f('fk_exercise_reads_client_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', 'exercise_id', name=op.f('pk_exercise_reads'))
    )


def downgrade():
    op.drop_table('exercise_reads')
