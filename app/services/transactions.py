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
    # then, so ending it lets the write start cleanly with the right BEGIN. (Flask-SQLAlchemy
    # hands services a scoped_session proxy, which does not offer in_transaction().)
    real_session = session() if callable(session) else session
    if real_session.in_transaction():
        assert not (real_session.new or real_session.dirty or real_session.deleted)
        real_session.rollback()
    real_session.connection(execution_options={"sqlite_begin_immediate": True})
