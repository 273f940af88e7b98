"""SQLite writers queue on a file lock: one at a time, released on every ending, bounded wait."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.services.transactions import begin_write
from app.sqlite_writers import QueuedWriterConnection, queued_writer_factory
from tests.conftest import make_app


def connect(path: Path, wait_ms: int = 5000) -> QueuedWriterConnection:
    factory = queued_writer_factory(str(path), wait_ms)
    connection = sqlite3.connect(
        path, factory=factory, isolation_level=None, check_same_thread=False
    )
    assert isinstance(connection, QueuedWriterConnection)
    return connection


def test_a_second_writer_waits_for_the_first_to_commit_then_goes_at_once(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    first, second = connect(path), connect(path)
    first.execute("CREATE TABLE t (x INTEGER)")
    first.queue_for_writing()
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO t VALUES (1)")
    entered = threading.Event()

    def write_second() -> None:
        second.queue_for_writing()
        entered.set()
        second.execute("BEGIN IMMEDIATE")
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()

    worker = threading.Thread(target=write_second)
    worker.start()
    # While the first writer is writing, the second is held in the queue, not in SQLite.
    assert not entered.wait(0.3)
    committed_at = time.monotonic()
    first.commit()
    assert entered.wait(2.0)
    # The queue polls at most a few milliseconds apart: no 5-100 ms busy-handler sleeps.
    assert time.monotonic() - committed_at < 0.25
    worker.join(5)
    assert sorted(row[0] for row in first.execute("SELECT x FROM t")) == [1, 2]


def test_rollback_and_close_leave_the_queue_too(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    first, second = connect(path), connect(path, wait_ms=50)
    first.queue_for_writing()
    first.execute("BEGIN IMMEDIATE")
    first.rollback()
    second.queue_for_writing()
    assert second.holds_writer_lock  # taken: the rollback let it go
    second.close()
    first.queue_for_writing()
    assert first.holds_writer_lock  # taken: closing the other connection let it go
    first.close()


def test_a_writer_stops_queueing_after_the_busy_timeout_and_leaves_it_to_sqlite(
    tmp_path: Path,
) -> None:
    path = tmp_path / "queue.db"
    holder, waiter = connect(path), connect(path, wait_ms=100)
    holder.queue_for_writing()
    started = time.monotonic()
    waiter.queue_for_writing()
    waited = time.monotonic() - started
    # It gave up the queue (not the write) after about the timeout, holding no lock.
    assert 0.09 <= waited < 1.0
    assert waiter.holds_writer_lock is False
    holder.close()
    waiter.close()


def test_the_app_queues_its_writers_and_pings_only_servers(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'app.db'}")
    assert "pool_pre_ping" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    with app.app_context():
        session = db.session()
        begin_write(session)
        raw = session.connection().connection.dbapi_connection
        assert isinstance(raw, QueuedWriterConnection)
        assert raw.holds_writer_lock  # BEGIN IMMEDIATE came after queueing
        session.execute(text("SELECT 1"))
        session.commit()
        assert raw.holds_writer_lock is False
        db.engine.dispose()
    served = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert served.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_a_folder_where_no_lock_file_can_be_made_only_skips_the_queue(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    connection = connect(path)
    type(connection).writer_lock_path = str(tmp_path / "missing-folder" / "x-writers.lock")
    connection.queue_for_writing()
    assert connection.holds_writer_lock is False
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("CREATE TABLE t (x INTEGER)")
    connection.commit()
    connection.close()


def test_reads_share_one_snapshot_begun_without_the_writer_queue(tmp_path: Path) -> None:
    # A page's reads run in one deferred transaction (BEGIN sent straight to the driver):
    # a write committed by another connection meanwhile is not seen until it ends.
    app = make_app(f"sqlite:///{tmp_path / 'app.db'}")
    with app.app_context():
        with db.engine.begin() as setup:
            setup.execute(text("CREATE TABLE t (x INTEGER)"))
            setup.execute(text("INSERT INTO t VALUES (1)"))
        session = db.session()
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
        raw = session.connection().connection.dbapi_connection
        assert isinstance(raw, QueuedWriterConnection)
        assert raw.in_transaction and raw.holds_writer_lock is False
        with db.engine.begin() as other:
            other.execute(text("INSERT INTO t VALUES (2)"))
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
        session.rollback()
        assert raw.in_transaction is False
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 2
        session.close()
        db.engine.dispose()


def test_a_writer_that_cannot_get_the_lock_gets_sqlalchemys_operational_error(
    tmp_path: Path,
) -> None:
    # BEGIN IMMEDIATE goes straight to the driver; a locked database must still surface as
    # SQLAlchemy's OperationalError (the webhook answers it 503, a page its kind error page),
    # and the failed writer leaves the queue and keeps a usable connection.
    app = make_app(f"sqlite:///{tmp_path / 'app.db'}")
    holder = sqlite3.connect(tmp_path / "app.db", isolation_level=None)
    with app.app_context():
        with db.engine.begin() as setup:
            setup.execute(text("CREATE TABLE t (x INTEGER)"))
        holder.execute("BEGIN IMMEDIATE")  # not queued: only SQLite's own lock stops the app
        session = db.session()
        session.connection().exec_driver_sql("PRAGMA busy_timeout=50")  # fail fast
        session.rollback()
        raw = session.connection().connection.dbapi_connection
        session.rollback()
        assert isinstance(raw, QueuedWriterConnection)
        type(raw).writer_wait_s = 0.05
        try:
            begin_write(session)
        except OperationalError as problem:
            assert "locked" in str(problem.orig)
        else:
            raise AssertionError("BEGIN IMMEDIATE succeeded against a held write lock")
        finally:
            holder.rollback()
            holder.close()
        session.rollback()
        assert raw.holds_writer_lock is False
        begin_write(session)  # the same pooled connection writes once the lock is free
        session.execute(text("INSERT INTO t VALUES (1)"))
        session.commit()
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
        session.close()
        db.engine.dispose()
