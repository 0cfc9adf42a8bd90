"""registration invite revision

Revision ID: 0cf47d4a2cee
Revises: 5d162091493b
Create Date: 2026-11-25 00:38:59.067091

Existing registrations get the column through a server default, which is dropped again so the
schema matches the models (the application sets the value). Each calendar message already in
the outbox counted one invite revision, so a registration starts from that count and its next
invitation carries a higher SEQUENCE than any one already sent.

It first repeats the link step of 5d162091493b for registrations still without a link: SQLite
used to commit each revision on its own, so the old chain's upgrade of a database holding
registrations stopped here, 5d162091493b applied without issuing links (it had no such step).
Elsewhere the step finds nothing to do.
"""
from collections import Counter
import base64
import hashlib
import hmac
import logging
import secrets

from alembic import op
from flask import current_app
import sqlalchemy as sa

logger = logging.getLogger('alembic.env')


# revision identifiers, used by Alembic.
revision = '0cf47d4a2cee'
down_revision = '5d162091493b'
branch_labels = None
depends_on = None

registration = sa.table(
    'registration',
    sa.column('id', sa.Integer()),
    sa.column('invite_revision', sa.Integer()),
    sa.column('manage_salt', sa.String()),
    sa.column('manage_token_hash', sa.String()),
    sa.column('erased_at', sa.DateTime(timezone=True)),
)
outbox_message = sa.table(
    'outbox_message', sa.column('registration_id', sa.Integer()), sa.column('payload', sa.JSON())
)


def upgrade():
    if op.get_context().as_sql:
        raise RuntimeError("revision 0cf47d4a2cee has data steps that read rows; run it online")
    issue_missing_private_links()

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invite_revision', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))

    count_sent_invitations()

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('invite_revision', existing_type=sa.Integer(),
                              existing_nullable=False, server_default=None)


def issue_missing_private_links():
    """Give each registration without a link a salt and its token hash, as 5d162091493b does."""
    conn = op.get_bind()
    secret_key = current_app.config["SECRET_KEY"]
    linkless = conn.execute(
        sa.select(registration.c.id).where(
            registration.c.erased_at.is_(None),
            registration.c.manage_token_hash.is_(None),
            registration.c.manage_salt.is_(None),
        )
    ).scalars().all()
    links = []
    for registration_id in linkless:
        salt = secrets.token_hex(16)
        digest = hmac.new(
            secret_key.encode(), f"manage:{registration_id}:{salt}".encode(), hashlib.sha256
        ).digest()
        token = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        links.append({
            'reg_id': registration_id,
            'salt': salt,
            'token_hash': hashlib.sha256(token.encode()).hexdigest(),
        })
    if links:
        conn.execute(
            registration.update()
            .where(registration.c.id == sa.bindparam('reg_id'))
            .values(manage_salt=sa.bindparam('salt'),
                    manage_token_hash=sa.bindparam('token_hash')),
            links,
        )
        logger.info("Private links issued to %s registrations an earlier upgrade left without",
                    len(links))


def count_sent_invitations():
    """Set each registration's invite revision to the calendar messages recorded for it."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(outbox_message.c.registration_id, outbox_message.c.payload)
        .where(outbox_message.c.registration_id.is_not(None))
    )
    counts = Counter(reg_id for reg_id, payload in rows if (payload or {}).get('calendar'))
    if counts:
        conn.execute(
            registration.update()
            .where(registration.c.id == sa.bindparam('reg_id'))
            .values(invite_revision=sa.bindparam('revisions')),
            [{'reg_id': reg_id, 'revisions': n} for reg_id, n in counts.items()],
        )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('invite_revision')
