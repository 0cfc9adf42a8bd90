"""PostgreSQL: every committed change announces itself (NOTIFY roundtable_changed)

Revision ID: e6a1c3d5f7b9
Revises: e5b9d2f6c8a3
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6a1c3d5f7b9'
down_revision = 'e5b9d2f6c8a3'
branch_labels = None
depends_on = None

CHANNEL = 'roundtable_changed'  # roundtable.database.CHANGED


def _tables():
    return [name for name in sa.inspect(op.get_bind()).get_table_names()
            if name != 'alembic_version']


def upgrade():
    # Each process keeps the rows its public pages are decided by until the database changes
    # (roundtable.database._Reader). SQLite tells that by its data_version; on PostgreSQL every
    # statement that changes a table notifies this channel, delivered once its transaction
    # commits (one notification per transaction, however many statements).
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"""
        CREATE FUNCTION roundtable_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END $$
    """)
    for table in _tables():
        op.execute(f'CREATE TRIGGER roundtable_changed AFTER INSERT OR UPDATE OR DELETE OR '
                   f'TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION '
                   f'roundtable_changed()')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in _tables():
        op.execute(f'DROP TRIGGER IF EXISTS roundtable_changed ON "{table}"')
    op.execute('DROP FUNCTION IF EXISTS roundtable_changed()')
