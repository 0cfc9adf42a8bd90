"""no empty chairs: reminders, reconfirmation, last-minute offers, attendance and history

Revision ID: e5b7c9a1f402
Revises: d7a4f2b9c311
Create Date: 2026-12-02 00:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e5b7c9a1f402'
down_revision = 'd7a4f2b9c311'
branch_labels = None
depends_on = None


def upgrade():
    # Existing events take the product's defaults: a reminder a day before, "Still coming?" three
    # days before with a deadline a day before that keeps unanswered seats, offers in the last
    # two days held for six hours, no-show history informing only.
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_hours', sa.Integer(), server_default='24',
                                      nullable=False))
        batch_op.add_column(sa.Column('reconfirm_hours', sa.Integer(), server_default='72',
                                      nullable=False))
        batch_op.add_column(sa.Column('reconfirm_deadline_hours', sa.Integer(),
                                      server_default='24', nullable=False))
        batch_op.add_column(sa.Column('release_unanswered', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('offer_window_hours', sa.Integer(), server_default='48',
                                      nullable=False))
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), server_default='6',
                                      nullable=False))
        batch_op.add_column(sa.Column('review_no_shows', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closing_note', sa.Text(), nullable=True))
        batch_op.create_check_constraint('offer_hours_positive', 'offer_hours >= 1')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reconfirm_asked_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('reconfirmation', sa.Enum(
            'yes', 'released', 'lapsed', name='reconfirmation', native_enum=False, length=32),
            nullable=True))
        batch_op.add_column(sa.Column('reconfirmed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attendance', sa.Enum(
            'attended', 'no_show', name='attendance', native_enum=False, length=32),
            nullable=True))
        batch_op.add_column(sa.Column('late_cancellation', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_registration_email_key', ['email_key'], unique=False)
        batch_op.create_index('ix_registration_status_offer_expires_at',
                              ['status', 'offer_expires_at'], unique=False)
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedup_key', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint('uq_outbox_message_dedup_key', ['dedup_key'])


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint('uq_outbox_message_dedup_key', type_='unique')
        batch_op.drop_column('dedup_key')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_status_offer_expires_at')
        batch_op.drop_index('ix_registration_email_key')
        for column in ('late_cancellation', 'attendance', 'promoted_at', 'offer_expires_at',
                       'reconfirmed_at', 'reconfirmation', 'reconfirm_asked_at'):
            batch_op.drop_column(column)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint('offer_hours_positive', type_='check')
        for column in ('closing_note', 'closed_at', 'review_no_shows', 'offer_hours',
                       'offer_window_hours', 'release_unanswered', 'reconfirm_deadline_hours',
                       'reconfirm_hours', 'reminder_hours'):
            batch_op.drop_column(column)
