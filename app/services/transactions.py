"""Start write transactions so concurrent carers queue rather than fail."""

from __future__ import annotations

from sqlalchemy.orm import Session


def begin_write(session: Session) -> None:
    """Begin a transaction that will write.

    On SQLite the transaction starts with BEGIN IMMEDIATE (see app/__init__.py), so a second
    writer waits on the busy timeout instead of failing half way; on PostgreSQL the services
    take row locks instead and this is an ordinary BEGIN.
    """
    # Reads earlier in the request may have opened a deferred transaction; nothing is pending
    # then, so ending it lets the write start cleanly with the right BEGIN.
    if session.in_transaction():
        assert not (session.new or session.dirty or session.deleted), "unsaved changes"
        session.rollback()
    session.connection(execution_options={"sqlite_begin_immediate": True})
