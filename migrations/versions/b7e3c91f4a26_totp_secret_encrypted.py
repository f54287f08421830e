"""totp secret encrypted: room in users.totp_secret for an encrypted secret

Revision ID: b7e3c91f4a26
Revises: 5e0b7c2d9a41
Create Date: 2026-11-24 00:30:00.000000

"""
from alembic import context, op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c91f4a26'
down_revision = '5e0b7c2d9a41'
branch_labels = None
depends_on = None


def upgrade():
    # The app stores "v1:" + a Fernet token (about 140 characters for a 32-character secret).
    # Nothing is encrypted here: migrations run without the app's key. Plain secrets keep
    # working; `flask --app wsgi encrypt-totp-secrets` encrypts them (a right code does too).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret',
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=True,
        )


def downgrade():
    # The older version reads only plain secrets, and an encrypted one does not fit in 64.
    if not context.is_offline_mode():
        encrypted = op.get_bind().execute(
            sa.text("SELECT count(*) FROM users WHERE totp_secret LIKE 'v1:%'")
        ).scalar_one()
        if encrypted:
            raise RuntimeError(
                f"{encrypted} two-factor secret(s) are encrypted: stop the web service and run "
                "`flask --app wsgi decrypt-totp-secrets` with this version first."
            )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column(
            'totp_secret',
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
