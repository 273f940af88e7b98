"""`flask reports build`: one area or every area, kind errors, and an audit row per file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services import reporting
from tests.dashboard.report_data import seed_reports


@pytest.fixture(autouse=True)
def seeded(app: Flask) -> Iterator[None]:
    reporting.clear_caches()
    seed_reports(app, responses=200)
    yield
    reporting.clear_caches()


def test_one_areas_report_is_written_and_audited(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "north.xlsx"
    result = runner.invoke(
        args=[
            "reports",
            "build",
            "--area",
            "north-riverside",
            "--format",
            "xlsx",
            "--out",
            str(out),
            "--from",
            "2025-01-01",
        ]
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert "headline_indicators" in book.sheetnames
    assert not list(tmp_path.glob(".north.xlsx.*"))  # no temporary file left behind
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "report.build")
        ).all()
    assert [event.object_ref for event in events] == ["report:area:north-riverside"]


def test_every_areas_report_is_built_with_progress(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        args=[
            "reports",
            "build",
            "--all-areas",
            "--out-dir",
            str(tmp_path),
            "--format",
            "csv",
            "--jobs",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.iterdir())
    # Every area is every report a commissioner opens: the demo's places (sub-areas) too.
    assert written == [
        "report-east-coast-harbour.csv",
        "report-east-coast-marshes.csv",
        "report-east-coast-uplands.csv",
        "report-east-coast.csv",
        "report-north-riverside.csv",
        "report-south-vale.csv",
    ]
    assert "Wrote 6 area reports" in result.output


def test_the_national_report_is_built_as_html(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "national.html"
    result = runner.invoke(
        args=["reports", "build", "--area", "national", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "All areas" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--area", "nowhere", "--out", "x.csv"], "no area with the slug 'nowhere'"),
        (["--area", "north-riverside"], "--area needs --out"),
        (["--all-areas"], "--all-areas needs --out-dir"),
        ([], "Give either --area"),
        (["--area", "north-riverside", "--out", "x.csv", "--from", "2025-02-30"], "look like"),
    ],
)
def test_mistakes_get_a_clear_message(
    runner: FlaskCliRunner, arguments: list[str], message: str
) -> None:
    result = runner.invoke(args=["reports", "build", "--format", "csv", *arguments])
    assert result.exit_code != 0
    assert message in result.output
