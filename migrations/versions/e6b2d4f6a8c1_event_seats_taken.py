"""event: seats_taken, counted by triggers on registration

Revision ID: e6b2d4f6a8c1
Revises: e6a1c3d5f7b9
Create Date: 2026-12-02 05:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6b2d4f6a8c1'
down_revision = 'e6a1c3d5f7b9'
branch_labels = None
depends_on = None

# roundtable.domain.lifecycle.TAKES_SEAT, as stored
TAKES_SEAT = "('confirmed', 'offered')"

_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER registration_seats_insert AFTER INSERT ON registration
        WHEN NEW.status IN {TAKES_SEAT}
        BEGIN UPDATE event SET seats_taken = seats_taken + 1 WHERE id = NEW.event_id; END""",
    f"""CREATE TRIGGER registration_seats_delete AFTER DELETE ON registration
        WHEN OLD.status IN {TAKES_SEAT}
        BEGIN UPDATE event SET seats_taken = seats_taken - 1 WHERE id = OLD.event_id; END""",
    f"""CREATE TRIGGER registration_seats_update AFTER UPDATE OF status, event_id ON registration
        WHEN OLD.status IN {TAKES_SEAT} OR NEW.status IN {TAKES_SEAT}
        BEGIN
            UPDATE event SET seats_taken = seats_taken - 1
                WHERE id = OLD.event_id AND OLD.status IN {TAKES_SEAT};
            UPDATE event SET seats_taken = seats_taken + 1
                WHERE id = NEW.event_id AND NEW.status IN {TAKES_SEAT};
        END""",
]
_SQLITE_NAMES = ["registration_seats_insert", "registration_seats_delete",
                 "registration_seats_update"]

_POSTGRESQL = [
    f"""CREATE FUNCTION registration_seats() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                IF OLD.status IN {TAKES_SEAT} THEN
                    UPDATE event SET seats_taken = seats_taken - 1 WHERE id = OLD.event_id;
                END IF;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                IF NEW.status IN {TAKES_SEAT} THEN
                    UPDATE event SET seats_taken = seats_taken + 1 WHERE id = NEW.event_id;
                END IF;
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER registration_seats_insert_delete AFTER INSERT OR DELETE ON registration
        FOR EACH ROW EXECUTE FUNCTION registration_seats()""",
    """CREATE TRIGGER registration_seats_update AFTER UPDATE OF status, event_id ON registration
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                           OR OLD.event_id IS DISTINCT FROM NEW.event_id)
        EXECUTE FUNCTION registration_seats()""",
]


def upgrade():
    # Admitting someone asks whether a seat is left: counting the event's seated registrations
    # costs as many rows as it has seats taken, the counter one. The database keeps it, so no
    # way of changing a registration (the app's, a command's, plain SQL) can leave it wrong.
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats_taken', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute(f"""UPDATE event SET seats_taken = (
        SELECT count(*) FROM registration
        WHERE registration.event_id = event.id AND registration.status IN {TAKES_SEAT})""")
    statements = (_POSTGRESQL if op.get_bind().dialect.name == 'postgresql'
                  else _SQLITE_TRIGGERS)
    for statement in statements:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER registration_seats_update ON registration')
        op.execute('DROP TRIGGER registration_seats_insert_delete ON registration')
        op.execute('DROP FUNCTION registration_seats()')
    else:
        for name in _SQLITE_NAMES:
            op.execute(f'DROP TRIGGER {name}')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('seats_taken')
