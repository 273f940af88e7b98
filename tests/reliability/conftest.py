"""Fixtures for fault tests: a private copy of the migrated SQLite database per test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


@pytest.fixture
def private_sqlite(migrated_database: str, tmp_path: Path) -> Path:
    """A consistent copy (SQLite backup API) of the migrated database that a test may damage."""
    source = sqlite_path(migrated_database)
    if source is None:
        pytest.skip("SQLite file faults: this run uses PostgreSQL (DATABASE_URL)")
    target = tmp_path / "faults.db"
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
        # No free pages left behind by earlier tests: a "full disk" must really be full.
        copy.execute("VACUUM")
    finally:
        original.close()
        copy.close()
    return target


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as check:
        rows = check.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows)
