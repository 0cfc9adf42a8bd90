"""The rules of Roundtable: plain Python over a SQLAlchemy session, no Flask (a test checks)."""
