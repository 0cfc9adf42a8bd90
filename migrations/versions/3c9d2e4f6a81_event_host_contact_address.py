"""event: the host's contact address (Reply-To, calendar ORGANIZER)

Revision ID: 3c9d2e4f6a81
Revises: 8a1e5c2d7b90
Create Date: 2026-12-01 22:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c9d2e4f6a81'
down_revision = '8a1e5c2d7b90'
branch_labels = None
depends_on = None


def upgrade():
    # Existing events keep no contact: their mail goes on as before (from MAIL_FROM, no
    # Reply-To) until an organizer adds one; publishing a new one asks for it.
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=320), nullable=True))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('contact_email')
