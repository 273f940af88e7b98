"""The dashboard page and its downloads: the same numbers everywhere, hostile text inert."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from analysis.report.model import SUPPRESSED, ReportModel, ReportPeriod, ReportScope
from app.dashboard.documents import RefusingFetcher, cell_display, render_pdf
from app.extensions import db
from app.models import AuditEvent
from app.services import reporting
from app.survey.context import default_questionnaire
from tests.auth.staff_helpers import Staff, make_places, make_staff, sign_in
from tests.dashboard.report_data import FORMULA, SCRIPT, seed_reports
from tests.dashboard.suppression_checks import assert_hidden_cells_are_markers
from tests.page_checks import parse_page

AREA = "north-riverside"


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    seed_reports(app, responses=400)
    return people


@pytest.fixture
def commissioner(client: FlaskClient, staff: dict[str, Staff]) -> FlaskClient:
    sign_in(client, staff["commissioner"])
    return client


def model_for(app: Flask, slug: str = AREA) -> ReportModel:
    with app.app_context(), app.test_request_context("/"):
        return reporting.build_or_cached_report(
            db.session(),
            default_questionnaire(),
            ReportScope("area", slug, "North Riverside ICB"),
            ReportPeriod(),
            questionnaires_dir=app.config["QUESTIONNAIRES_DIR"],
            published_path=app.config["VOICES_REFERENCE_CSV"],
        )


def headline(model: ReportModel, indicator: str = "overall_oeg") -> dict[str, object]:
    (record,) = model.table("headline_indicators").where(indicator=indicator)
    return record


def pdf_text(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_dashboard_shows_the_headline_figures_of_the_analysis(
    app: Flask, commissioner: FlaskClient
) -> None:
    page = parse_page(commissioner.get(f"/reports/{AREA}"))
    model = model_for(app)
    record = headline(model)
    table = page.find("table", id="table-headline-indicators")
    row = next(
        tr
        for tr in table.find_all("tr")
        if tr.find("td") and tr.find("td").get_text() == "Care rated good or better"
    )
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cell_display(record["value"]) in cells
    assert cell_display(record["national_value"]) in cells
    # Every chart is an SVG with a title and a description, and has its table beside it.
    charts = page.select("svg.cv-chart")
    assert len(charts) >= 4
    for chart in charts:
        assert chart.find("title").get_text(strip=True)
        assert chart.find("desc").get_text(strip=True)
        assert chart["role"] == "img"


def test_hostile_comments_come_out_as_text_on_the_page(commissioner: FlaskClient) -> None:
    html = commissioner.get(f"/reports/{AREA}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    quotes = soup.find("table", id="table-quotes").get_text()
    assert "<script>alert('x')</script>" in quotes
    assert FORMULA.split(" staff")[0] in quotes
    # The only script is the page's own module; the comment's tag is escaped text.
    assert [tag.get("src", "") for tag in soup.find_all("script")] == ["/static/js/enhance.js"]
    assert "&lt;script&gt;alert" in html


def test_every_download_carries_the_same_headline_numbers(
    app: Flask, commissioner: FlaskClient, tmp_path: Path
) -> None:
    model = model_for(app)
    record = headline(model)
    value = record["value"]
    assert isinstance(value, float)

    pdf = commissioner.get(f"/reports/{AREA}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    line = next(
        line for line in text.splitlines() if line.strip().startswith("Care rated good or better")
    )
    assert cell_display(value) in line.split()

    xlsx = commissioner.get(f"/reports/{AREA}/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx.data))
    sheet = book["headline_indicators"]
    header = [cell.value for cell in sheet[2]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["overall_oeg"][header.index("value")] == value
    assert isinstance(rows["overall_oeg"][header.index("n")], int)

    csv_text = commissioner.get(f"/reports/{AREA}/report.csv").get_data(as_text=True)
    assert f"headline_indicators,2,indicator=overall_oeg,value,{value:g}" in csv_text

    html = commissioner.get(f"/reports/{AREA}/report.html").get_data(as_text=True)
    assert f">{cell_display(value)}<" in html


def test_suppressed_cells_are_a_marker_and_never_a_number_in_any_format(
    app: Flask, commissioner: FlaskClient
) -> None:
    model = model_for(app)
    assert model.suppressed_cells > 0
    assert_hidden_cells_are_markers(commissioner, f"/reports/{AREA}/report", model)


def test_hostile_comments_are_inert_in_the_csv_xlsx_pdf_and_html_file(
    commissioner: FlaskClient, tmp_path: Path
) -> None:
    csv_text = commissioner.get(f"/reports/{AREA}/report.csv").get_data(as_text=True)
    assert ",'=HYPERLINK(" in csv_text.replace('"', "")
    assert ",=HYPERLINK" not in csv_text.replace('"', "")

    book = load_workbook(io.BytesIO(commissioner.get(f"/reports/{AREA}/report.xlsx").data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any(text.startswith("'=HYPERLINK(") for text in texts)
    assert any(SCRIPT in text for text in texts)

    text = pdf_text(commissioner.get(f"/reports/{AREA}/report.pdf").data, tmp_path)
    assert "<script>alert('x')</script>" in text
    assert "HYPERLINK(" in text

    # The HTML file (the PDF's source) holds no script at all: the comment is escaped text.
    html = commissioner.get(f"/reports/{AREA}/report.html").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script") == []
    assert "&lt;script&gt;alert" in html and "<script>alert" not in html
    assert SCRIPT in soup.get_text() and "=HYPERLINK(" in soup.get_text()


def test_the_pdf_renderer_fetches_nothing(app: Flask) -> None:
    model = model_for(app)
    fetcher = RefusingFetcher()
    with app.app_context(), app.test_request_context("/"):
        assert render_pdf(model, fetcher=fetcher).startswith(b"%PDF")
    assert fetcher.refused == []

    from weasyprint import HTML

    hostile = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<img src="file:///etc/passwd"><img src="https://example.org/track.png">'
        "<p style=\"background: url('http://127.0.0.1:9/bg.png')\">text</p>"
    )
    HTML(string=hostile, url_fetcher=fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted(
        [
            "http://127.0.0.1:9/x.css",
            "file:///etc/passwd",
            "https://example.org/track.png",
            "http://127.0.0.1:9/bg.png",
        ]
    )


def test_views_and_downloads_are_audited_with_their_scope(
    app: Flask, commissioner: FlaskClient
) -> None:
    commissioner.get(f"/reports/{AREA}?from=2025-01-01")
    commissioner.get(f"/reports/{AREA}/report.xlsx?from=2025-01-01")
    with app.app_context():
        events = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_(["report.view", "report.download"]))
                .order_by(AuditEvent.id)
            )
        )
    assert [event.action for event in events] == ["report.view", "report.download"]
    assert all(event.object_ref == f"report:area:{AREA}" for event in events)
    assert all(event.area_id is not None for event in events)
    assert json.loads(events[1].detail) == {"format": "xlsx", "from": "2025-01-01", "to": ""}


def test_a_period_filter_that_cannot_be_read_is_explained_and_the_whole_period_shown(
    commissioner: FlaskClient,
) -> None:
    page = parse_page(commissioner.get(f"/reports/{AREA}?from=2026-13-01"))
    assert "must look like" in page.find(id="period-error").get_text()
    assert page.find("table", id="table-headline-indicators")
    assert commissioner.get(f"/reports/{AREA}/report.csv?from=2026-13-01").status_code == 400


def test_a_period_without_responses_says_so(commissioner: FlaskClient) -> None:
    page = parse_page(commissioner.get(f"/reports/{AREA}?from=2031-01-01"))
    assert "no submitted responses in this period" in page.get_text()
    assert page.find("table", id="table-headline-indicators") is None


def test_a_group_sees_its_own_results_and_themes(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["group_facilitator"])
    page = parse_page(client.get("/reports/groups/polish-community"))
    assert "Polish" in page.find("h1").get_text()
    assert page.find("table", id="table-headline-indicators")
    # No other group's results, no comparison of areas, no inequalities by group.
    assert page.find("table", id="table-funnel-of-areas") is None
    assert page.find(id="inequalities") is None
    themes = page.find("table", id="table-themes")
    if themes is not None:
        groups = {
            tr.find("td").get_text(strip=True) for tr in themes.find_all("tr") if tr.find("td")
        }
        assert groups <= {"Polish centre", "No figures for this period."}


def test_a_hidden_groups_line_in_the_pdf_shows_markers_and_no_numbers(
    app: Flask, commissioner: FlaskClient, tmp_path: Path
) -> None:
    model = model_for(app)
    inequalities = model.table("inequalities")
    rows = inequalities.where(measure="overall_oeg")
    labels = [str(record["group"]) for record in rows]
    hidden = [
        (str(record["breakdown"]), str(record["group"]))
        for record in rows
        if record["std_value"] is SUPPRESSED and labels.count(str(record["group"])) == 1
    ]
    assert hidden, "the demo data should have a group too small to show"
    text = pdf_text(commissioner.get(f"/reports/{AREA}/report.pdf").data, tmp_path)
    for breakdown, group in hidden:
        # pdftotext lays a table's narrow columns out differently from one font set to another
        # (a breakdown's name may share a line with its first group, or wrap), so find the
        # group's row by its name followed by hidden-cell markers, wherever the line starts.
        name = re.compile(rf"(?<![\w.]){re.escape(group)}(?![\w.])")
        rests = [
            line[match.end() :]
            for line in text.splitlines()
            for match in [name.search(line)]
            if match and "[c]" in line[match.end() :]
        ]
        assert rests, (breakdown, group)
        for rest in rests:
            assert "[c]" in rest, (group, rest)
            assert not re.search(r"\d", rest), (group, rest)


def test_readers_see_measure_names_and_the_files_keep_the_ids_for_analysts(
    app: Flask, commissioner: FlaskClient
) -> None:
    model = model_for(app)
    indicator_ids = {
        str(record["indicator"]) for record in model.table("headline_indicators").records()
    }
    domain_ids = {str(record["domain"]) for record in model.table("domain_scores").records()}
    page = parse_page(commissioner.get(f"/reports/{AREA}"))
    shown = {
        td.get_text(strip=True)
        for table_id in ("table-headline-indicators", "table-domain-scores")
        for td in page.find("table", id=table_id).select("tbody td:first-child")
    }
    assert {"Care rated good or better", "Dignity and respect"} <= shown
    assert not shown & (indicator_ids | domain_ids)
    trends = page.find("table", id="table-quarterly-trends").get_text()
    assert "Care rated fair or poor" in trends and "overall_fair_poor" not in trends

    book = load_workbook(io.BytesIO(commissioner.get(f"/reports/{AREA}/report.xlsx").data))
    sheet = book["headline_indicators"]
    header = [cell.value for cell in sheet[2]]
    assert header[:2] == ["indicator", "indicator_name"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["overall_oeg"] == "Care rated good or better"
    assert [cell.value for cell in book["domain_scores"][2]][:2] == ["domain", "domain_name"]

    csv_text = commissioner.get(f"/reports/{AREA}/report.csv").get_data(as_text=True)
    assert (
        "headline_indicators,2,indicator=overall_oeg,indicator_name,Care rated good or better"
        in csv_text
    )
    assert "domain_scores,2,domain=dignity,domain_name,Dignity and respect" in csv_text


def test_the_page_and_the_pdf_link_to_the_public_method_note(
    app: Flask, commissioner: FlaskClient, tmp_path: Path
) -> None:
    expected = app.config["PUBLIC_BASE_URL"].rstrip("/") + "/methodology"
    page = parse_page(commissioner.get(f"/reports/{AREA}"))
    links = [a["href"] for a in page.select("#methodology a[href]")]
    assert links == [expected]
    text = pdf_text(commissioner.get(f"/reports/{AREA}/report.pdf").data, tmp_path)
    assert expected in text
    # The link leads somewhere real, without an account.
    assert app.test_client().get("/methodology").status_code == 200
