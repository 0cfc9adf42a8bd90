"""registration: index on (event_id, queue_position), the end of an event's waiting list

Revision ID: e5b9d2f6c8a3
Revises: e5b8c1d4a7f2
Create Date: 2026-12-02 03:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b9d2f6c8a3'
down_revision = 'e5b8c1d4a7f2'
branch_labels = None
depends_on = None


def upgrade():
    # Every admission under the event's lock reads the last place on its waiting list: with
    # this index that is one step, whatever the number of registrations.
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_event_queue', ['event_id', 'queue_position'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_queue')
