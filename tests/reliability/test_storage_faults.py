"""A full disk or a read-only database gives carers a kind page and corrupts nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from app.extensions import db
from app.services import areas as area_service
from tests.conftest import make_app
from tests.page_checks import SurveyWalker
from tests.reliability.conftest import integrity
from tests.survey.test_bad_input import walk_to
from tests.survey.test_journey import answers_in, start_open_link

# Nearly the longest comment a carer may leave: it needs new database pages to store.
LONG_COMMENT = "She was cared for with great kindness. " * 120


def app_on(path: Path, *, read_only: bool = False) -> Flask:
    url = f"sqlite:///{path}"
    if read_only:
        # As if the volume were remounted read-only (chmod does not stop root, who runs CI).
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    return make_app(url)


def walker_at_comment_page(app: Flask) -> SurveyWalker:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(app.test_client())
    walker.submit({"about.relationship": "child"})
    walk_to(walker, "overall-good")
    return walker


def test_a_full_disk_gives_a_kind_page_loses_nothing_and_the_carer_carries_on(
    private_sqlite: Path,
) -> None:
    app = app_on(private_sqlite)
    walker = walker_at_comment_page(app)
    before = answers_in(app)
    with app.app_context():
        pages = int(db.session.execute(db.text("PRAGMA page_count")).scalar_one())
        db.session.remove()
        db.engine.dispose()

        @event.listens_for(db.engine, "connect")
        def _disk_full(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            # SQLite's own limit stands in for a full disk: the next new page fails SQLITE_FULL.
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    page = walker.submit({"overall.good": LONG_COMMENT}, expect=503)
    text = page.get_text(" ")
    assert "Nothing you saved before is lost" in text
    assert "Traceback" not in text and "sqlite" not in text.lower()
    assert answers_in(app) == before
    assert integrity(private_sqlite) == "ok"

    # Space is freed: a fresh connection has no limit, and the same carer saves the comment.
    with app.app_context():
        event.remove(db.engine, "connect", _disk_full)
        db.engine.dispose()
    walker.get("/survey/q/overall-good")
    walker.submit({"overall.good": LONG_COMMENT})
    assert answers_in(app)["overall.good"] == LONG_COMMENT.strip()
    assert integrity(private_sqlite) == "ok"


def test_a_read_only_database_gives_a_kind_page_and_changes_nothing(
    private_sqlite: Path,
) -> None:
    writable = app_on(private_sqlite)
    walker = walker_at_comment_page(writable)
    before = answers_in(writable)
    cookie = walker.client.get_cookie("session")
    assert cookie is not None
    with writable.app_context():
        db.engine.dispose()

    # The same carer's next request reaches a server whose database is now read-only.
    read_only = app_on(private_sqlite, read_only=True)
    walker.client = read_only.test_client()
    walker.client.set_cookie("session", cookie.value)
    walker.get("/survey/q/overall-good")  # reading still works
    page = walker.submit({"overall.good": LONG_COMMENT}, expect=503)
    text = page.get_text(" ")
    assert "Nothing you saved before is lost" in text
    assert "Traceback" not in text and "readonly" not in text.lower()
    with read_only.app_context():
        db.engine.dispose()
    assert answers_in(writable) == before
    assert integrity(private_sqlite) == "ok"


def test_opening_a_read_only_uri_creates_no_stray_folder(
    private_sqlite: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    app_on(private_sqlite, read_only=True)
    assert not (tmp_path / "file:").exists()
