"""signup confirmation (double opt-in) and address keys for one person, one seat

Revision ID: 8a1e5c2d7b90
Revises: f41082681ba2
Create Date: 2026-12-01 22:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a1e5c2d7b90'
down_revision = 'f41082681ba2'
branch_labels = None
depends_on = None


def _address_key(email):
    """The rule as this revision wrote it (a frozen copy: later code may change)."""
    local, _, domain = email.lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def upgrade():
    op.create_table('signup_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('email_key', sa.String(length=320), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=300), nullable=False),
    sa.Column('seniority', sa.Enum('individual_contributor', 'manager', 'senior_manager', 'director', 'senior_director', 'vp', 'c_level', 'founder', name='seniority_level', native_enum=False, length=32), nullable=False),
    sa.Column('discussion_topic', sa.Text(), nullable=True),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_signup_request_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_signup_request_registration_id_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signup_request')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signup_request_token_hash'))
    )
    with op.batch_alter_table('signup_request', schema=None) as batch_op:
        batch_op.create_index('ix_signup_request_event_email_key', ['event_id', 'email_key'], unique=False)
        batch_op.create_index('ix_signup_request_expires_at', ['expires_at'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirm_email', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=320), nullable=True))
        batch_op.create_index('ix_registration_event_email_key', ['event_id', 'email_key'], unique=False)

    # Data step: every registration that still has an address gets its key.
    registration = sa.table('registration', sa.column('id', sa.Integer), sa.column('email', sa.String),
                            sa.column('email_key', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(registration.c.id, registration.c.email)
                        .where(registration.c.email.is_not(None))).all()
    for row_id, email in rows:
        conn.execute(registration.update().where(registration.c.id == row_id)
                     .values(email_key=_address_key(email)))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_event_email_key')
        batch_op.drop_column('email_key')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('confirm_email')

    with op.batch_alter_table('signup_request', schema=None) as batch_op:
        batch_op.drop_index('ix_signup_request_expires_at')
        batch_op.drop_index('ix_signup_request_event_email_key')

    op.drop_table('signup_request')
