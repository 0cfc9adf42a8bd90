"""Telling people: the transactional outbox, message composition, transports, calendar files."""
