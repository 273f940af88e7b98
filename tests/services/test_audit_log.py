"""Every export, report view and download leaves an append-only audit row that admins can read."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import Answer, AuditEvent, Response
from app.models.audit import AuditLogIsAppendOnly
from app.services.audit import SYSTEM, AuditAction, record_event
from tests.auth.staff_helpers import Staff, make_places, make_staff, sign_in
from tests.page_checks import parse_page


@pytest.fixture
def places(app: Flask) -> dict[str, int]:
    # Request tests hold no app context open (tests/conftest.py), so not the services fixture.
    return make_places(app)


@pytest.fixture
def staff(app: Flask, places: dict[str, int]) -> dict[str, Staff]:
    return make_staff(app)


def add_response(app: Flask, area_id: int, comment: str) -> None:
    with app.app_context():
        response = Response(
            response_id=str(uuid.uuid4()),
            questionnaire_id="voices-core",
            questionnaire_version=1,
            channel="web",
            status="submitted",
            area_id=area_id,
            submitted_at=datetime(2026, 3, 4),
        )
        db.session.add(response)
        db.session.flush()
        db.session.add(Answer(response_id=response.id, item_id="overall.good", value=comment))
        db.session.commit()


def events(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        db.session.expunge_all()
        return rows


def test_an_analysts_download_is_their_area_only_and_is_audited(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], places: dict[str, int]
) -> None:
    add_response(app, places["north-riverside"], "north words")
    add_response(app, places["north-riverside"], '=HYPERLINK("x")')
    add_response(app, places["south-vale"], "south words")
    sign_in(client, staff["analyst"])

    download = client.get("/exports/responses.csv?area=north-riverside")

    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert {row["area"] for row in rows} == {"north-riverside"} and len(rows) == 2
    assert '\'=HYPERLINK("x")' in {row["overall.good"] for row in rows}

    [sign_in_event, export] = events(app)
    assert sign_in_event.action == "auth.sign_in"
    assert export.action == "export.responses_csv"
    assert export.actor_label == staff["analyst"].email and export.actor_user_id is not None
    assert export.area_id == places["north-riverside"]
    assert json.loads(export.detail) == {"format": "csv", "rows": 2}
    assert export.occurred_at is not None


def test_a_refused_download_writes_no_export_row(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["analyst"])
    assert client.get("/exports/responses.csv?area=south-vale").status_code == 404
    assert [e.action for e in events(app)] == ["auth.sign_in"]


def test_a_commissioners_report_view_is_audited_and_admins_read_the_log(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    commissioner = app.test_client()
    sign_in(commissioner, staff["commissioner"])
    page = parse_page(commissioner.get("/areas/north-riverside/invitations"))
    assert "Responses sent" in page.get_text()

    sign_in(client, staff["admin"])
    log_page = parse_page(client.get("/admin/audit"))
    table = log_page.select_one("table")
    assert table is not None
    text_of_log = table.get_text(" ")
    assert "report.invitation_summary" in text_of_log
    assert staff["commissioner"].email in text_of_log
    assert "North Riverside ICB" in text_of_log
    # Reading the log is itself recorded.
    assert events(app)[-1].action == "audit.view"


def test_audit_rows_cannot_be_changed_or_deleted_through_the_application(app: Flask) -> None:
    with app.app_context():
        record_event(db.session(), SYSTEM, AuditAction.RETENTION_PURGE, detail={"rows": 1})
        event = db.session.scalar(select(AuditEvent))
        assert event is not None
        event.action = "something.else"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEvent)))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(update(AuditEvent).values(action="x"))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(delete(AuditEvent))
        db.session.rollback()


def test_the_database_itself_refuses_to_change_an_audit_row(app: Flask) -> None:
    with app.app_context():
        record_event(db.session(), SYSTEM, AuditAction.RETENTION_PURGE)
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET action = 'rewritten'"))
        assert db.session.scalar(select(AuditEvent.action)) == "retention.purge"


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM audit_events", "DELETE FROM audit_events WHERE action = 'retention.purge'"],
)
def test_the_database_itself_refuses_to_delete_an_audit_row(app: Flask, statement: str) -> None:
    with app.app_context():
        record_event(db.session(), SYSTEM, AuditAction.RETENTION_PURGE)
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 1


def test_postgresql_refuses_to_truncate_the_audit_log(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TRUNCATE exists only on PostgreSQL; SQLite's DELETE fires the trigger")
        record_event(db.session(), SYSTEM, AuditAction.RETENTION_PURGE)
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_events"))
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 1
