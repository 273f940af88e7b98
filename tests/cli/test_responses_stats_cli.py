"""`flask responses export --format sav|dta|dictionary`: the files, the errors and the audit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyreadstat
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent


def audit_details(app: Flask) -> list[tuple[str, dict[str, object]]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(event.action, json.loads(event.detail)) for event in events]


def test_sav_and_dta_exports_are_written_and_audited(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(args=["areas", "add", "east-coast", "East Coast ICB"]).exit_code == 0
    for file_format in ("sav", "dta"):
        out = tmp_path / f"east.{file_format}"
        result = runner.invoke(
            args=[
                "responses",
                "export",
                "--format",
                file_format,
                "--area",
                "east-coast",
                "--out",
                str(out),
            ]
        )
        assert result.exit_code == 0, result.output
        reader = pyreadstat.read_sav if file_format == "sav" else pyreadstat.read_dta
        frame, _ = reader(out)
        assert "overall_rating" in frame.columns and len(frame) == 0
    assert [(action, detail["format"]) for action, detail in audit_details(app)] == [
        ("export.responses_csv", "sav"),
        ("export.responses_csv", "dta"),
    ]


def test_a_binary_format_needs_a_file_to_write(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["responses", "export", "--format", "sav"])
    assert result.exit_code != 0
    assert "give --out FILE" in result.output
    assert audit_details(app) == []


def test_the_dictionary_goes_to_standard_output_as_csv_or_to_an_xlsx_file(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["responses", "export", "--format", "dictionary"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    by_name = {row["variable"]: row for row in rows}
    assert by_name["about_place_of_death"]["spss_missing"] == "range -3 to -1, 6 (don't know)"
    assert by_name["submitted_at"]["type"] == "date and time (UTC)"

    out = tmp_path / "dictionary.xlsx"
    result = runner.invoke(
        args=["responses", "export", "--format", "dictionary", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"  # a zip: an XLSX workbook
    assert [detail["format"] for _action, detail in audit_details(app)] == ["csv", "xlsx"]
