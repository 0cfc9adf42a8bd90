"""event: registration deadline; registration: seats given over capacity

Revision ID: d7a4f2b9c311
Revises: b3e1c5d7a902
Create Date: 2026-12-01 23:15:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd7a4f2b9c311'
down_revision = 'b3e1c5d7a902'
branch_labels = None
depends_on = None


def upgrade():
    # Existing events have no deadline: they take registrations until the start, as before.
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_deadline', sa.DateTime(timezone=True),
                                      nullable=True))
    # Every seat given so far was within the capacity.
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('over_capacity', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('over_capacity')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('registration_deadline')
