"""An ICB's report includes its places (sub-areas); the sub-area filter narrows it to one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from analysis.report.model import SUPPRESSED, ReportModel, ReportPeriod, ReportScope
from app.extensions import db
from app.models import Area, AuditEvent, Invitation, Response
from app.services import reporting
from app.survey.context import default_questionnaire
from tests.auth.staff_helpers import Staff, add_staff, make_places, make_staff, sign_in
from tests.dashboard.report_data import add_invitations, seed_reports
from tests.dashboard.sub_areas import add_sub_areas
from tests.dashboard.suppression_checks import assert_hidden_cells_are_markers
from tests.dashboard.test_report_pages import pdf_text
from tests.page_checks import parse_page

NORTH = "north-riverside"


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    seed_reports(app, responses=600)
    add_invitations(app, NORTH, 60)
    add_sub_areas(app)
    people["place_commissioner"] = add_staff(
        app, "commissioner", "pat.place@example.nhs.uk", area="riverside-west"
    )
    return people


def model(app: Flask, scope: ReportScope) -> ReportModel:
    with app.app_context(), app.test_request_context("/"):
        return reporting.build_or_cached_report(
            db.session(),
            default_questionnaire(),
            scope,
            ReportPeriod(),
            questionnaires_dir=app.config["QUESTIONNAIRES_DIR"],
            published_path=app.config["VOICES_REFERENCE_CSV"],
        )


def submitted_in(app: Flask, *slugs: str) -> int:
    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count(Response.id))
                .join(Area, Area.id == Response.area_id)
                .where(Area.slug.in_(slugs), Response.status == "submitted")
            )
            or 0
        )


def base_n(report: ReportModel) -> object:
    (record,) = report.table("headline_indicators").where(indicator="overall_oeg")
    return record["n"]


def test_an_icb_report_counts_its_places_and_a_filter_keeps_one_place(
    app: Flask, staff: dict[str, Staff]
) -> None:
    everyone = submitted_in(app, NORTH, "riverside-west", "riverside-east")
    west = submitted_in(app, "riverside-west")
    assert 0 < west < everyone
    whole = model(app, ReportScope("area", NORTH, "North"))
    narrowed = model(app, ReportScope("area", NORTH, "North: West", sub_area="riverside-west"))
    own_page = model(app, ReportScope("area", "riverside-west", "West"))
    # Counts below national level are rounded to 5, as everywhere.
    assert abs(int(whole.responses_in_scope) - everyone) <= 2  # type: ignore[arg-type]
    assert abs(int(narrowed.responses_in_scope) - west) <= 2  # type: ignore[arg-type]
    # The place's own report and the ICB's report narrowed to it are the same figures.
    assert base_n(narrowed) == base_n(own_page) != base_n(whole)
    assert narrowed.table("headline_indicators").rows == own_page.table("headline_indicators").rows

    # The ICB's responses are one area in the comparison of areas, not three.
    funnel = [record["area"] for record in whole.table("funnel_of_areas").records()]
    assert "West Riverside place" not in funnel and "North Riverside ICB" in funnel

    # Places are a breakdown of the whole ICB's report, by name, and not of one place's.
    activity = whole.table("responses_by_quarter").where(breakdown="sub_area")
    # The ICB's own collection (half of its responses here) is a group of its own.
    assert {record["group"] for record in activity} == {
        "West Riverside place",
        "East Riverside place",
        "(no sub-area)",
    }
    gaps = whole.table("inequalities").where(breakdown="sub_area", measure="overall_oeg")
    assert {"West Riverside place", "(no sub-area)"} <= {record["group"] for record in gaps}
    assert not narrowed.table("responses_by_quarter").where(breakdown="sub_area")
    assert not own_page.table("inequalities").where(breakdown="sub_area")


def test_invitations_and_response_rates_follow_the_places(
    app: Flask, staff: dict[str, Staff]
) -> None:
    with app.app_context():
        west_invited = db.session.scalar(
            select(func.count(Invitation.id))
            .join(Area, Area.id == Invitation.area_id)
            .where(Area.slug == "riverside-west")
        )
    whole = model(app, ReportScope("area", NORTH, "North"))
    narrowed = model(app, ReportScope("area", NORTH, "West", sub_area="riverside-west"))
    (everything,) = whole.table("response_rates").where(breakdown="all")
    assert everything["invitations"] == 60
    (west_line,) = whole.table("response_rates").where(
        breakdown="sub_area", group="West Riverside place"
    )
    (west_all,) = narrowed.table("response_rates").where(breakdown="all")
    assert west_line["invitations"] == west_all["invitations"] == west_invited
    assert not narrowed.table("response_rates").where(breakdown="sub_area")


def add_tiny_place(app: Flask) -> None:
    """A third place of North Riverside with three responses: too few to show."""
    with app.app_context():
        parent = db.session.scalar(select(Area.id).where(Area.slug == NORTH))
        db.session.add(Area(slug="riverside-tiny", name="Tiny place", parent_id=parent))
        db.session.flush()
        tiny = db.session.scalar(select(Area.id).where(Area.slug == "riverside-tiny"))
        moved = db.session.scalars(
            select(Response.id)
            .join(Area, Area.id == Response.area_id)
            .where(Area.slug == "riverside-east", Response.status == "submitted")
            .limit(3)
        ).all()
        for response in db.session.scalars(select(Response).where(Response.id.in_(moved))):
            response.area_id = tiny
        db.session.commit()
    reporting.clear_caches()


def test_a_small_place_is_hidden_by_disclosure_control(app: Flask, staff: dict[str, Staff]) -> None:
    add_tiny_place(app)
    tiny_report = model(app, ReportScope("area", NORTH, "Tiny", sub_area="riverside-tiny"))
    assert tiny_report.responses_in_scope is SUPPRESSED
    assert "headline_indicators" not in tiny_report.tables or all(
        cell is SUPPRESSED
        for record in tiny_report.table("headline_indicators").records()
        for cell in (record["n"], record["value"])
    )
    whole = model(app, ReportScope("area", NORTH, "North"))
    (tiny_gap,) = whole.table("inequalities").where(
        breakdown="sub_area", group="Tiny place", measure="overall_oeg"
    )
    assert tiny_gap["std_value"] is SUPPRESSED


def test_a_small_places_numbers_appear_in_no_download_of_the_icb_or_of_the_place(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], tmp_path: Path
) -> None:
    add_tiny_place(app)
    sign_in(client, staff["commissioner"])
    whole = model(app, ReportScope("area", NORTH, "North"))
    assert_hidden_cells_are_markers(client, f"/reports/{NORTH}/report", whole)
    tiny = model(app, ReportScope("area", NORTH, "Tiny", sub_area="riverside-tiny"))
    assert_hidden_cells_are_markers(
        client, f"/reports/{NORTH}/report?sub_area=riverside-tiny", tiny
    )

    pdf = client.get(f"/reports/{NORTH}/report.pdf?sub_area=riverside-tiny")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data, tmp_path)
    rows = [
        line.strip().removeprefix("Care rated good or better").split()
        for line in text.splitlines()
        if line.strip().startswith("Care rated good or better") and "[c]" in line
    ]
    # The chart's label, then the table's row: base, value, interval, against national and
    # national are all markers (the published VOICES figure beside them is England's).
    assert [row[0] for row in rows] == ["[c]", "[c]"], rows
    assert rows[1][:5] == ["[c]"] * 5, rows[1]
    assert "Responses: [c]." in text


def test_the_page_offers_the_places_and_explains_a_foreign_one(
    client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    page = parse_page(client.get(f"/reports/{NORTH}"))
    choices = [option["value"] for option in page.select("select#sub_area option")]
    assert choices == ["", "riverside-east", "riverside-west"]
    narrowed = parse_page(client.get(f"/reports/{NORTH}?sub_area=riverside-west"))
    assert "West Riverside place" in narrowed.find("h1").get_text()
    assert narrowed.select_one("select#sub_area option[selected]")["value"] == "riverside-west"
    links = [a["href"] for a in narrowed.select("main ul a") if "report." in a["href"]]
    assert links and all("sub_area=riverside-west" in href for href in links)
    csv = client.get(f"/reports/{NORTH}/report.csv?sub_area=riverside-west")
    assert csv.status_code == 200
    assert "report-north-riverside-riverside-west.csv" in csv.headers["Content-Disposition"]
    # Another ICB's place is refused exactly like one that does not exist: no figure leaks.
    for slug in ("vale-hills", "no-such-place"):
        foreign = parse_page(client.get(f"/reports/{NORTH}?sub_area={slug}"))
        assert "no such sub-area in this area" in foreign.find(id="sub-area-error").get_text()
        assert "Vale hills" not in foreign.get_text()
        assert client.get(f"/reports/{NORTH}/report.csv?sub_area={slug}").status_code == 400


def test_a_place_commissioner_sees_only_their_place(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["place_commissioner"])
    answers = {
        path: client.get(path).status_code
        for path in (
            "/reports/riverside-west",
            "/reports/riverside-west/report.csv",
            f"/reports/{NORTH}",
            f"/reports/{NORTH}?sub_area=riverside-west",
            f"/reports/{NORTH}/report.csv?sub_area=riverside-west",
            "/reports/riverside-east",
            "/reports/vale-hills",
            "/reports/national",
        )
    }
    assert answers == {
        "/reports/riverside-west": 200,
        "/reports/riverside-west/report.csv": 200,
        f"/reports/{NORTH}": 404,
        f"/reports/{NORTH}?sub_area=riverside-west": 404,
        f"/reports/{NORTH}/report.csv?sub_area=riverside-west": 404,
        "/reports/riverside-east": 404,
        "/reports/vale-hills": 404,
        "/reports/national": 404,
    }
    index = parse_page(client.get("/reports"))
    hrefs = {a["href"] for a in index.select("main a")}
    assert "/reports/riverside-west" in hrefs and f"/reports/{NORTH}" not in hrefs
    assert "a sub-area of North Riverside ICB" in index.find("main").get_text()


def test_a_filtered_view_is_audited_with_its_place(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    client.get(f"/reports/{NORTH}?sub_area=riverside-west")
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "report.view")
        ).one()
        assert json.loads(event.detail)["sub_area"] == "riverside-west"


def test_the_command_line_builds_one_place_and_refuses_another_icbs(
    app: Flask, runner: FlaskCliRunner, staff: dict[str, Staff], tmp_path: Path
) -> None:
    target = tmp_path / "west.csv"
    built = runner.invoke(
        args=["reports", "build", "--area", NORTH, "--sub-area", "riverside-west",
              "--format", "csv", "--out", str(target)]
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    assert target.read_text(encoding="utf-8").startswith("table,row,key,column,value")
    refused = runner.invoke(
        args=["reports", "build", "--area", NORTH, "--sub-area", "vale-hills",
              "--format", "csv", "--out", str(tmp_path / "x.csv")]
    )  # fmt: skip
    assert refused.exit_code != 0
    assert "no sub-area 'vale-hills' in the area 'north-riverside'" in refused.output
    with app.app_context():
        details = [
            json.loads(event.detail)
            for event in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "report.build")
                .order_by(AuditEvent.id)
            )
        ]
    assert [detail.get("sub_area") for detail in details] == ["riverside-west"]


def test_queued_builds_of_an_icb_and_its_places_open_only_for_those_who_may_read_them(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    staff: dict[str, Staff],
    tmp_path: Path,
) -> None:
    app.config["REPORTS_DIR"] = str(tmp_path / "reports")
    app.config["REPORT_QUEUE_MIN_RESPONSES"] = 1
    sign_in(client, staff["commissioner"])
    icb, narrowed, place = (
        client.get(path).headers["Location"]
        for path in (
            f"/reports/{NORTH}/report.csv",
            f"/reports/{NORTH}/report.csv?sub_area=riverside-west",
            "/reports/riverside-west/report.csv",
        )
    )
    assert runner.invoke(args=["reports", "worker", "--once"]).exit_code == 0
    # The ICB's commissioner reaches its places' builds, as their reports.
    assert [client.get(f"{url}/file").status_code for url in (icb, narrowed, place)] == [200] * 3

    place_commissioner = app.test_client()
    sign_in(place_commissioner, staff["place_commissioner"])
    assert place_commissioner.get(f"{place}/file").status_code == 200
    for url in (icb, narrowed):
        assert place_commissioner.get(url).status_code == 404
        assert place_commissioner.get(f"{url}/file").status_code == 404
    # Once purged, the kind "no longer kept" page is still only for those who may read it.
    assert runner.invoke(args=["retention", "purge", "--report-days", "0"]).exit_code == 0
    assert place_commissioner.get(f"{icb}/file").status_code == 404
    assert place_commissioner.get(f"{place}/file").status_code == 410
    assert client.get(f"{narrowed}/file").status_code == 410
