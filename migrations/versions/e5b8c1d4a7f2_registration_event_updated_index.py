"""registration: index on (event_id, updated_at), the stamp of an event's seat figures

Revision ID: e5b8c1d4a7f2
Revises: e5b7c9a1f402
Create Date: 2026-12-02 00:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b8c1d4a7f2'
down_revision = 'e5b7c9a1f402'
branch_labels = None
depends_on = None


def upgrade():
    # The public pages read an event's latest registration change (its seat figures' stamp) on
    # every request: with this index that is one step, whatever the number of registrations.
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_event_updated', ['event_id', 'updated_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_updated')
