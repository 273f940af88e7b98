"""The queue of report builds: one worker per job, and a dead worker's job built again."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from analysis.report.model import ReportPeriod, ReportScope
from app.extensions import db
from app.models.clock import utc_now
from app.services import report_builds

NORTH = "north-riverside"


def test_two_workers_never_claim_the_same_build_and_a_dead_workers_build_is_retaken(
    app: Flask,
) -> None:
    with app.app_context():
        session = db.session()
        build = report_builds.request_build(
            session,
            scope=ReportScope("area", NORTH, "North"),
            period=ReportPeriod(),
            file_format="csv",
            language="en",
            data_version="v1",
            requested_by_user_id=None,
        )
        now = utc_now()
        first = report_builds.claim_next(session, lease_seconds=60, now=now)
        assert first is not None and first.id == build.id
        assert report_builds.claim_next(session, lease_seconds=60, now=now) is None
        later = now + timedelta(seconds=61)
        again = report_builds.claim_next(session, lease_seconds=60, now=later)
        assert again is not None and again.id == build.id and again.attempts == 2


def test_the_same_report_on_the_same_data_is_one_job_and_newer_data_is_another(
    app: Flask,
) -> None:
    def ask(version: str, file_format: str = "pdf") -> int:
        return report_builds.request_build(
            db.session(),
            scope=ReportScope("area", NORTH, "North", sub_area="riverside-west"),
            period=ReportPeriod(),
            file_format=file_format,
            language="cy",
            data_version=version,
            requested_by_user_id=None,
        ).id

    with app.app_context():
        first = ask("v1")
        assert ask("v1") == first
        assert ask("v2") != first
        assert ask("v1", "xlsx") != first


def test_a_failing_build_is_queued_again_then_given_up(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        build = report_builds.request_build(
            session,
            scope=ReportScope("national", "national", "All areas"),
            period=ReportPeriod(),
            file_format="csv",
            language="en",
            data_version="v1",
            requested_by_user_id=None,
        )
        statuses = []
        for _ in range(report_builds.MAX_ATTEMPTS):
            claimed = report_builds.claim_next(session, lease_seconds=60)
            assert claimed is not None and claimed.id == build.id
            statuses.append(report_builds.fail(session, build.id, "OSError" * 100).status)
        assert statuses == ["queued", "queued", "failed"]
        assert report_builds.claim_next(session, lease_seconds=60) is None
        assert len(report_builds.build_by_id(session, build.id).error or "") == 200
