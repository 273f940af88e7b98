"""Shared fixtures: a real database built by the real migrations, emptied after every test."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, Table, text

from app import create_app
from app.extensions import db, limiter

# The fake Twilio API fixtures (twilio_api, fake, sms_app) for the SMS and outbox tests.
pytest_plugins = ["tests.fake_twilio.fixtures"]

DEMO_NOTICES = Path(__file__).resolve().parents[1] / "app" / "data" / "notices.demo.yaml"


@pytest.fixture(autouse=True)
def _organisation_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production refuses to start without NOTICES_FILE; tests that build it use the demo's."""
    monkeypatch.setenv("NOTICES_FILE", str(DEMO_NOTICES))


# Property tests run hypothesis's 100 examples each in CI; `pytest --hypothesis-profile=long`
# runs 20x as many (docs/reliability.md records the counts). Tests that fix max_examples
# themselves keep their own count in both.
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def scaled_examples(in_ci: int) -> int:
    """A slow property test's example count: `in_ci` normally, 20x under the long profile."""
    return in_ci * max(1, settings().max_examples // 100)


def _database_url(tmp_dir: Path) -> str:
    # CI sets DATABASE_URL to a real PostgreSQL server; otherwise a real SQLite file (WAL).
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory.mktemp("db"))


def make_app(database_url: str) -> Flask:
    """A fresh application on the given database, as a restart would create."""
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    from flask_migrate import upgrade

    app = make_app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # A previous run may have left tables behind: start from an empty schema.
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return database_url


@pytest.fixture
def app(migrated_database: str) -> Iterator[Flask]:
    """A fresh app on the migrated database; tables are emptied afterwards.

    No application context is held open during the test: each test-client request must get
    its own context (its own `g` and database session), as it would in a real server. Tests
    that read or write the database directly use `with app.app_context():`.
    """
    application = make_app(migrated_database)
    yield application
    with application.app_context():
        db.session.remove()
        _empty_every_table()
        limiter.reset()
        db.engine.dispose()


def _empty_every_table() -> None:
    with db.engine.begin() as connection:
        empty_tables(connection, reversed(db.metadata.sorted_tables))


def empty_tables(connection: Connection, tables: Iterable[Table]) -> None:
    """Delete every row of ``tables`` between tests, in the caller's transaction.

    The audit log refuses DELETE by trigger (migration 0009), so its triggers are lifted for
    this one transaction and put back exactly as they were; a failure rolls both back.
    """
    audit = "audit_events"
    tables = list(tables)
    postgresql = connection.dialect.name == "postgresql" and any(t.name == audit for t in tables)
    saved: list[tuple[str, str]] = []
    if postgresql:
        connection.execute(text(f"ALTER TABLE {audit} DISABLE TRIGGER USER"))
    else:
        saved = [
            (row.name, row.sql)
            for row in connection.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"
                ),
                {"t": audit},
            )
        ]
        for name, _sql in saved:
            connection.execute(text(f'DROP TRIGGER "{name}"'))
    for table in tables:
        connection.execute(table.delete())
    if postgresql:
        connection.execute(text(f"ALTER TABLE {audit} ENABLE TRIGGER USER"))
    for _name, sql in saved:
        connection.execute(text(sql))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
