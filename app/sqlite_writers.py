"""SQLite writers queue on a file lock, so a waiting writer starts as soon as the last one ends.

SQLite lets one writer in at a time and makes the others wait in its busy handler, which
sleeps in growing steps (1, 2, 5, 10 ... 100 ms) and so leaves workers idle after the lock is
free: on two cores the SMS webhook's workers spent half their time asleep that way. Writers that
announce themselves (BEGIN IMMEDIATE, see app/__init__.py) first take an exclusive lock on a
file beside the database, polled at sub-millisecond steps, and let it go straight after their
COMMIT or ROLLBACK. SQLite's own lock stays the authority: the file lock only orders writers,
so a writer that waits past the busy timeout simply goes on to SQLite's busy handler as before,
and the operating system frees the file lock of a process that dies.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from typing import Any

# Poll steps while another writer holds the lock: short first (a write takes about 1 ms),
# never longer than a few milliseconds, so a freed lock is taken almost at once.
_FIRST_STEP_S = 0.0001
_LONGEST_STEP_S = 0.002


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection that can queue for writing and leaves the queue when it ends."""

    writer_lock_path: str | None = None
    writer_wait_s: float = 0.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The lock file stays open for the connection's life (opened at its first write), so
        # a write costs two flock calls, not an open and a close as well.
        self._writer_lock_fd: int | None = None
        self._holds_writer_lock = False

    def queue_for_writing(self) -> None:
        """Wait (up to the busy timeout) until no other queued writer is writing."""
        if self.writer_lock_path is None or self._holds_writer_lock:
            return
        if self._writer_lock_fd is None:
            try:
                # One open file per connection: flock locks belong to the open file, so two
                # connections (threads or processes) exclude each other.
                self._writer_lock_fd = os.open(self.writer_lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                # A read-only or full folder: queueing is an optimisation, SQLite still decides
                # (and a read-only database then gives its own kind error page).
                return
        deadline = time.monotonic() + self.writer_wait_s
        step = _FIRST_STEP_S
        while True:
            try:
                fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    # Give up queueing, not writing: SQLite's busy timeout decides from here.
                    return
                time.sleep(step)
                step = min(step * 2, _LONGEST_STEP_S)
                continue
            self._holds_writer_lock = True
            return

    @property
    def holds_writer_lock(self) -> bool:
        return self._holds_writer_lock

    def _leave_queue(self) -> None:
        if self._holds_writer_lock and self._writer_lock_fd is not None:
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)
        self._holds_writer_lock = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()
            fd, self._writer_lock_fd = self._writer_lock_fd, None
            if fd is not None:
                os.close(fd)


def queued_writer_factory(database_path: str, wait_ms: int) -> type[QueuedWriterConnection]:
    """A connection class whose writers queue on ``<database>-writers.lock``."""
    return type(
        "QueuedWriterConnectionFor",
        (QueuedWriterConnection,),
        {"writer_lock_path": f"{database_path}-writers.lock", "writer_wait_s": wait_ms / 1000},
    )
