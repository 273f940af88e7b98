"""An export from the command line leaves an audit row, as every export must."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent


def test_a_command_line_export_is_audited_with_its_scope_and_row_count(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(args=["areas", "add", "east-coast", "East Coast ICB"]).exit_code == 0
    out = tmp_path / "east.csv"
    result = runner.invoke(
        args=["responses", "export", "--format", "csv", "--area", "east-coast", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        area_id = db.session.scalar(select(AuditEvent.area_id))
    assert [event.action for event in events] == ["export.responses_csv"]
    assert events[0].actor_label.startswith("cli:")
    assert area_id is not None
    assert '"rows": 0' in (events[0].detail or "")


def test_an_export_that_fails_is_not_recorded_as_done(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["responses", "export", "--area", "nowhere"])
    assert result.exit_code != 0 and "no area with the slug 'nowhere'" in result.output
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []
