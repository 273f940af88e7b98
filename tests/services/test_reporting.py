"""The reporting service: data read once per data version, invitations counted, periods checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from analysis.report.model import ReportModel, ReportPeriod, ReportScope
from app.extensions import db
from app.models import Invitation, Response
from app.services import reporting
from app.survey.context import default_questionnaire
from tests.dashboard.report_data import add_comment_responses, add_invitations, seed_reports

NORTH = ReportScope("area", "north-riverside", "North Riverside ICB")


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    reporting.clear_caches()
    yield
    reporting.clear_caches()


def report(
    app: Flask, scope: ReportScope = NORTH, period: ReportPeriod | None = None
) -> ReportModel:
    with app.app_context(), app.test_request_context("/"):
        return reporting.build_or_cached_report(
            db.session(),
            default_questionnaire(),
            scope,
            period or ReportPeriod(),
            questionnaires_dir=app.config["QUESTIONNAIRES_DIR"],
            published_path=app.config["VOICES_REFERENCE_CSV"],
        )


def test_a_report_is_built_once_per_data_version_and_rebuilt_when_responses_change(
    app: Flask,
) -> None:
    seed_reports(app, responses=200)
    first = report(app)
    assert report(app) is first
    add_comment_responses(app, "north-riverside", None, ["Thank you to the hospice team."] * 20)
    second = report(app)
    assert second is not first
    assert second.responses_in_scope != first.responses_in_scope


def test_a_withdrawn_response_changes_the_data_version(app: Flask) -> None:
    seed_reports(app, responses=60)
    with app.app_context():
        before = reporting.data_version(db.session())
        response = db.session.scalars(select(Response).limit(1)).one()
        db.session.delete(response)
        db.session.commit()
        assert reporting.data_version(db.session()) != before


def test_response_rates_count_invitations_and_the_responses_they_brought(app: Flask) -> None:
    seed_reports(app, responses=60)
    add_invitations(app, "north-riverside", 40)
    with app.app_context():
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        responses = db.session.scalars(
            select(Response).where(Response.invitation_id.is_(None)).limit(12)
        ).all()
        area_ids = {invitation.area_id for invitation in invitations}
        for invitation, response in zip(invitations, responses, strict=False):
            response.invitation_id = invitation.id
        db.session.commit()
        counts = reporting.invitation_counts(db.session(), NORTH, ReportPeriod())
    assert len(area_ids) == 1
    by_key = {(count.breakdown, count.group): count for count in counts}
    assert by_key[("all", "all")].invitations == 40
    assert by_key[("all", "all")].responses == 12
    (record,) = report(app).table("response_rates").where(breakdown="all")
    assert record["response_rate"] == 30.0
    other = reporting.invitation_counts
    with app.app_context():
        assert other(db.session(), ReportScope("area", "south-vale", "S"), ReportPeriod()) == []


def test_a_period_is_read_from_iso_dates_and_checked() -> None:
    assert reporting.parse_period("2025-04-01", "") == ReportPeriod(date(2025, 4, 1), None)
    assert reporting.parse_period(None, None) == ReportPeriod()
    with pytest.raises(reporting.InvalidReportPeriod, match="look like"):
        reporting.parse_period("01/04/2025", None)
    with pytest.raises(reporting.InvalidReportPeriod, match="after the end"):
        reporting.parse_period("2025-05-01", "2025-04-01")


def test_the_survey_web_worker_does_not_load_pandas_until_a_report_is_asked_for() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from app import create_app; create_app('testing'); "
        "print('pandas' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_comments_reach_the_analysis_as_written_without_the_exports_formula_guard(
    app: Flask,
) -> None:
    seed_reports(app, responses=30)
    add_comment_responses(app, "north-riverside", None, ["- the night nurse sat with us"] * 12)
    with app.app_context():
        data = reporting.responses_data(
            db.session(), default_questionnaire(), app.config["QUESTIONNAIRES_DIR"]
        )
    comments = set(data.frame["overall.improve"].dropna())
    assert "- the night nurse sat with us" in comments
    assert not any(str(text).startswith("'") for text in comments)
