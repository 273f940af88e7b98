"""A large area's download is queued, built by `flask reports worker`, then downloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from analysis.report.model import ReportPeriod, ReportScope
from app.extensions import db
from app.models import Area, AuditEvent, ReportBuild
from app.services import report_builds
from tests.auth.staff_helpers import Staff, add_staff, make_places, make_staff, sign_in
from tests.dashboard.report_data import add_comment_responses, seed_reports
from tests.page_checks import parse_page

NORTH = "north-riverside"


@pytest.fixture
def staff(app: Flask, tmp_path: Path) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    people["south"] = add_staff(app, "commissioner", "sam.south@example.nhs.uk", area="south-vale")
    seed_reports(app, responses=300)
    app.config["REPORTS_DIR"] = str(tmp_path / "reports")
    app.config["REPORT_QUEUE_MIN_RESPONSES"] = 50
    return people


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_large_download_is_prepared_by_the_worker_and_then_downloaded(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    asked = client.get(f"/reports/{NORTH}/report.csv?from=2025-01-01")
    assert asked.status_code == 302
    page_url = asked.headers["Location"]
    assert page_url.startswith("/reports/builds/")
    # Asking again on the same data is the same job, not a second build.
    assert (
        client.get(f"/reports/{NORTH}/report.csv?from=2025-01-01").headers["Location"] == page_url
    )

    waiting = client.get(page_url)
    assert waiting.headers["Refresh"] == "15"
    assert "being prepared" in parse_page(waiting).find("h1").get_text()
    assert "Refresh" not in client.get(f"{page_url}?refresh=off").headers
    assert client.get(f"{page_url}/file").status_code == 404

    worked = runner.invoke(args=["reports", "worker", "--once"])
    assert worked.exit_code == 0, worked.output
    assert "Built 1 queued reports" in worked.output

    ready = parse_page(client.get(page_url))
    assert "ready" in ready.find("h1").get_text()
    link = ready.find("a", href=f"{page_url}/file")
    assert link is not None
    download = client.get(f"{page_url}/file")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert disposition == "attachment; filename=report-north-riverside-2025-01-01-to-now.csv"
    queued_body = download.data

    # The same figures as a download built in the request, below the threshold.
    app.config["REPORT_QUEUE_MIN_RESPONSES"] = 10**9
    direct = client.get(f"/reports/{NORTH}/report.csv?from=2025-01-01")
    assert direct.status_code == 200 and direct.data == queued_body
    assert queued_body.startswith(b"table,row,key,column,value")

    assert actions(app).count("report.queue") == 2
    assert "report.build" in actions(app)
    with app.app_context():
        downloads = [
            json.loads(event.detail)
            for event in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "report.download")
                .order_by(AuditEvent.id)
            )
        ]
    assert downloads[0]["build"] and downloads[0]["from"] == "2025-01-01"


def test_a_queued_report_is_only_for_those_who_may_open_it(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    page_url = client.get(f"/reports/{NORTH}/report.xlsx").headers["Location"]
    runner.invoke(args=["reports", "worker", "--once"])
    client.get("/logout")
    other = app.test_client()
    sign_in(other, staff["south"])
    assert other.get(page_url).status_code == 404
    assert other.get(f"{page_url}/file").status_code == 404
    assert other.get("/reports/builds/99999").status_code == 404
    analyst = app.test_client()
    sign_in(analyst, staff["analyst"])
    assert analyst.get(f"{page_url}/file").status_code == 200


def test_a_build_that_keeps_failing_is_given_up_and_the_page_says_sorry(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, staff: dict[str, Staff]
) -> None:
    with app.app_context():
        build = report_builds.request_build(
            db.session(),
            scope=ReportScope("area", NORTH, "North"),
            period=ReportPeriod(),
            file_format="docx",  # no such format: rendering fails every time
            language="en",
            data_version="v1",
            requested_by_user_id=None,
            area_id=db.session.scalar(select(Area.id).where(Area.slug == NORTH)),
        )
        build_id = build.id
    worked = runner.invoke(args=["reports", "worker", "--once"])
    assert worked.exit_code == 0
    assert "Built 0 queued reports" in worked.output
    with app.app_context():
        stored = db.session.get(ReportBuild, build_id)
        assert stored is not None
        assert (stored.status, stored.attempts, stored.error) == ("failed", 3, "ValueError")
    sign_in(client, staff["admin"])
    assert (
        "could not prepare"
        in parse_page(client.get(f"/reports/builds/{build_id}")).find("h1").get_text()
    )


def test_two_worker_processes_share_the_queue_and_build_each_report_once(
    app: Flask, staff: dict[str, Staff], tmp_path: Path
) -> None:
    scopes = [ReportScope("national", "national", "All areas")] + [
        ReportScope("area", slug, slug) for slug in ("north-riverside", "south-vale", "east-coast")
    ]
    with app.app_context():
        for scope in scopes:
            for file_format in ("csv", "html"):
                report_builds.request_build(
                    db.session(),
                    scope=scope,
                    period=ReportPeriod(),
                    file_format=file_format,
                    language="en",
                    data_version="v1",
                    requested_by_user_id=None,
                )
    env = {
        **os.environ,
        "CARER_VOICES_ENV": "testing",
        "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
        "REPORTS_DIR": str(tmp_path / "shared"),
    }
    flask = Path(sys.executable).parent / "flask"
    workers = [
        subprocess.Popen(
            [str(flask), "--app", "wsgi", "reports", "worker", "--once"],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    built = [
        line
        for output in outputs
        for line in output.splitlines()
        if line.startswith("Built report")
    ]
    assert len(built) == len(set(built)) == 8
    with app.app_context():
        statuses = db.session.scalars(select(ReportBuild.status)).all()
        attempts = db.session.scalars(select(ReportBuild.attempts)).all()
    assert set(statuses) == {"ready"} and set(attempts) == {1}
    assert len(list((tmp_path / "shared").iterdir())) == 8


def test_a_purged_report_gets_a_kind_page_that_builds_it_again(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    page_url = client.get(f"/reports/{NORTH}/report.xlsx?from=2025-01-01").headers["Location"]
    runner.invoke(args=["reports", "worker", "--once"])
    assert client.get(f"{page_url}/file").status_code == 200
    files = list(Path(app.config["REPORTS_DIR"]).iterdir())
    assert len(files) == 1

    purged = runner.invoke(args=["retention", "purge", "--report-days", "0"])
    assert purged.exit_code == 0, purged.output
    assert "report builds expired by age: 1" in purged.output
    assert "report files deleted: 1" in purged.output
    assert not files[0].exists()

    for url, status in ((page_url, 200), (f"{page_url}/file", 410)):
        answer = client.get(url)
        assert answer.status_code == status
        page = parse_page(answer)
        assert "no longer kept" in page.find("h1").get_text()
        again = page.find("a", string=lambda text: bool(text and "again" in text))
        assert again is not None
        assert again["href"].startswith(f"/reports/{NORTH}/report.xlsx?")
        assert "from=2025-01-01" in again["href"]
    # Following the link asks for the report again: a new job, built from the latest data.
    rebuilt = client.get(again["href"])
    assert rebuilt.status_code == 302 and rebuilt.headers["Location"] != page_url
    assert actions(app).count("report.download") == 1


def test_a_file_missing_from_the_reports_folder_is_a_kind_page_not_an_error(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    page_url = client.get(f"/reports/{NORTH}/report.csv").headers["Location"]
    runner.invoke(args=["reports", "worker", "--once"])
    for built in Path(app.config["REPORTS_DIR"]).iterdir():
        built.unlink()  # removed by hand, or REPORTS_DIR not shared with this web server

    answer = client.get(f"{page_url}/file")

    assert answer.status_code == 410
    assert "no longer kept" in parse_page(answer).find("h1").get_text()
    with app.app_context():
        (status,) = db.session.scalars(select(ReportBuild.status)).all()
    assert status == "expired"
    assert "no longer kept" in parse_page(client.get(page_url)).find("h1").get_text()


def test_the_worker_deletes_the_file_a_newer_build_of_the_same_report_replaces(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    first_url = client.get(f"/reports/{NORTH}/report.csv").headers["Location"]
    runner.invoke(args=["reports", "worker", "--once"])
    (first_file,) = Path(app.config["REPORTS_DIR"]).iterdir()
    # A new response changes the data version: the same report asked again is a new job.
    add_comment_responses(app, NORTH, None, [f"comment {number}" for number in range(3)])
    second_url = client.get(f"/reports/{NORTH}/report.csv").headers["Location"]
    assert second_url != first_url

    runner.invoke(args=["reports", "worker", "--once"])

    (kept,) = Path(app.config["REPORTS_DIR"]).iterdir()
    assert kept != first_file and not first_file.exists()
    assert client.get(f"{first_url}/file").status_code == 410
    assert client.get(f"{second_url}/file").status_code == 200
